//! The typed service registry through which modules offer and find each other's services.

use std::{
    any::{Any, TypeId, type_name},
    collections::HashMap,
    sync::Arc,
};

use parking_lot::RwLock;

use crate::{LOG_TARGET, ModuleError};

/// Key of a service: its Rust type and an optional name (for several services of one type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ServiceKey {
    type_id: TypeId,
    name: Option<&'static str>,
}

struct Entry {
    /// An `Arc<T>` for the `T` of the key, boxed.
    service: Box<dyn Any + Send + Sync>,
    type_name: &'static str,
    provider: Option<&'static str>,
}

/// A registry of services keyed by type (and optionally by name).
///
/// A service is any `Arc<T>`, usually `Arc<dyn SomeTrait>`: the module that implements it calls
/// [`provide`](Self::provide), the modules that use it call [`get`](Self::get) or
/// [`require`](Self::require) with the same `T`. Cloning the registry gives another handle to the
/// same services.
#[derive(Clone, Default)]
pub struct ServiceRegistry {
    inner: Arc<RwLock<HashMap<ServiceKey, Entry>>>,
}

impl std::fmt::Debug for ServiceRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.read();
        let mut list = f.debug_list();
        for entry in inner.values() {
            list.entry(&entry.type_name);
        }
        list.finish()
    }
}

impl ServiceRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers `service` as the service of type `T`.
    ///
    /// Fails with [`ModuleError::ServiceAlreadyProvided`] if a `T` is already provided.
    pub fn provide<T: ?Sized + Send + Sync + 'static>(
        &self,
        service: Arc<T>,
    ) -> Result<(), ModuleError> {
        self.insert(None, None, service)
    }

    /// Offers `service` as the service of type `T` named `name`.
    ///
    /// Fails with [`ModuleError::ServiceAlreadyProvided`] if a `T` of that name is already
    /// provided.
    pub fn provide_named<T: ?Sized + Send + Sync + 'static>(
        &self,
        name: &'static str,
        service: Arc<T>,
    ) -> Result<(), ModuleError> {
        self.insert(None, Some(name), service)
    }

    /// The service of type `T`, if provided.
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.lookup(None)
    }

    /// The service of type `T` named `name`, if provided.
    pub fn get_named<T: ?Sized + Send + Sync + 'static>(
        &self,
        name: &'static str,
    ) -> Option<Arc<T>> {
        self.lookup(Some(name))
    }

    /// The service of type `T`, or [`ModuleError::ServiceMissing`] naming the type.
    pub fn require<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<T>, ModuleError> {
        self.get::<T>().ok_or(ModuleError::ServiceMissing {
            service: type_name::<T>(),
            name: None,
        })
    }

    /// The service of type `T` named `name`, or [`ModuleError::ServiceMissing`].
    pub fn require_named<T: ?Sized + Send + Sync + 'static>(
        &self,
        name: &'static str,
    ) -> Result<Arc<T>, ModuleError> {
        self.get_named::<T>(name)
            .ok_or(ModuleError::ServiceMissing {
                service: type_name::<T>(),
                name: Some(name),
            })
    }

    /// Whether a service of type `T` is provided.
    pub fn contains<T: ?Sized + Send + Sync + 'static>(&self) -> bool {
        self.inner.read().contains_key(&key::<T>(None))
    }

    /// Number of services provided.
    pub fn len(&self) -> usize {
        self.inner.read().len()
    }

    /// Whether no service is provided.
    pub fn is_empty(&self) -> bool {
        self.inner.read().is_empty()
    }

    /// Withdraws the service of type `T` (and name), returning it if it was provided.
    pub fn withdraw<T: ?Sized + Send + Sync + 'static>(
        &self,
        name: Option<&'static str>,
    ) -> Option<Arc<T>> {
        let entry = self.inner.write().remove(&key::<T>(name))?;
        entry.service.downcast_ref::<Arc<T>>().cloned()
    }

    /// Offers a service on behalf of module `provider` (used by [`ModuleContext`](crate::ModuleContext)).
    pub(crate) fn insert<T: ?Sized + Send + Sync + 'static>(
        &self,
        provider: Option<&'static str>,
        name: Option<&'static str>,
        service: Arc<T>,
    ) -> Result<(), ModuleError> {
        let key = key::<T>(name);
        let mut inner = self.inner.write();
        if let Some(existing) = inner.get(&key) {
            return Err(ModuleError::ServiceAlreadyProvided {
                service: existing.type_name,
                name,
                provider: existing.provider,
            });
        }
        inner.insert(
            key,
            Entry {
                service: Box::new(service),
                type_name: type_name::<T>(),
                provider,
            },
        );
        tracing::debug!(
            target: LOG_TARGET,
            service = type_name::<T>(),
            name,
            provider,
            "Service provided"
        );
        Ok(())
    }

    /// Withdraws every service that module `provider` offered; returns how many.
    pub(crate) fn withdraw_provided_by(&self, provider: &'static str) -> usize {
        let mut inner = self.inner.write();
        let before = inner.len();
        inner.retain(|_, entry| entry.provider != Some(provider));
        before - inner.len()
    }

    fn lookup<T: ?Sized + Send + Sync + 'static>(
        &self,
        name: Option<&'static str>,
    ) -> Option<Arc<T>> {
        let inner = self.inner.read();
        inner
            .get(&key::<T>(name))?
            .service
            .downcast_ref::<Arc<T>>()
            .cloned()
    }
}

fn key<T: ?Sized + 'static>(name: Option<&'static str>) -> ServiceKey {
    ServiceKey {
        type_id: TypeId::of::<T>(),
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn greet(&self) -> String;
    }

    struct English;
    impl Greeter for English {
        fn greet(&self) -> String {
            "hello".into()
        }
    }

    struct French;
    impl Greeter for French {
        fn greet(&self) -> String {
            "bonjour".into()
        }
    }

    #[test]
    fn provides_and_gets_trait_objects() {
        let registry = ServiceRegistry::new();
        assert!(registry.get::<dyn Greeter>().is_none());
        registry.provide::<dyn Greeter>(Arc::new(English)).unwrap();
        assert_eq!(registry.get::<dyn Greeter>().unwrap().greet(), "hello");
        assert_eq!(registry.require::<dyn Greeter>().unwrap().greet(), "hello");
        // A different type under the same trait object is a different key.
        assert!(registry.get::<English>().is_none());
        assert!(registry.contains::<dyn Greeter>());
        assert_eq!(registry.len(), 1);
    }

    #[test]
    fn require_names_the_missing_type() {
        let registry = ServiceRegistry::new();
        let err = registry.require::<dyn Greeter>().err().unwrap();
        match &err {
            ModuleError::ServiceMissing { service, name } => {
                assert!(service.contains("Greeter"), "{service}");
                assert_eq!(*name, None);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("Greeter"));
    }

    #[test]
    fn providing_twice_is_an_error() {
        let registry = ServiceRegistry::new();
        registry
            .insert::<dyn Greeter>(Some("english"), None, Arc::new(English))
            .unwrap();
        let err = registry
            .provide::<dyn Greeter>(Arc::new(French))
            .unwrap_err();
        assert!(matches!(
            err,
            ModuleError::ServiceAlreadyProvided {
                provider: Some("english"),
                name: None,
                ..
            }
        ));
        // The first one stays.
        assert_eq!(registry.require::<dyn Greeter>().unwrap().greet(), "hello");
    }

    #[test]
    fn named_services_are_separate() {
        let registry = ServiceRegistry::new();
        registry
            .provide_named::<dyn Greeter>("en", Arc::new(English))
            .unwrap();
        registry
            .provide_named::<dyn Greeter>("fr", Arc::new(French))
            .unwrap();
        assert!(registry.get::<dyn Greeter>().is_none());
        assert_eq!(
            registry.require_named::<dyn Greeter>("fr").unwrap().greet(),
            "bonjour"
        );
        assert!(matches!(
            registry.require_named::<dyn Greeter>("de"),
            Err(ModuleError::ServiceMissing {
                name: Some("de"),
                ..
            })
        ));
        assert!(
            registry
                .provide_named::<dyn Greeter>("en", Arc::new(French))
                .is_err()
        );
    }

    #[test]
    fn withdraw_by_provider() {
        let registry = ServiceRegistry::new();
        registry
            .insert::<u32>(Some("a"), None, Arc::new(1))
            .unwrap();
        registry
            .insert::<u64>(Some("b"), None, Arc::new(2))
            .unwrap();
        registry.provide::<u8>(Arc::new(3)).unwrap();
        assert_eq!(registry.withdraw_provided_by("a"), 1);
        assert!(registry.get::<u32>().is_none());
        assert_eq!(*registry.require::<u64>().unwrap(), 2);
        assert_eq!(registry.withdraw::<u8>(None).as_deref(), Some(&3));
        assert_eq!(registry.len(), 1);
    }
}
