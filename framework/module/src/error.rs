//! Errors of the module system.

use crate::Version;

/// What can go wrong while registering, starting or stopping modules, or looking up services.
#[derive(Debug, thiserror::Error)]
pub enum ModuleError {
    /// A module with this name is already registered.
    #[error("a module named `{0}` is already registered")]
    DuplicateModule(&'static str),
    /// A module depends on a module that is not registered.
    #[error(
        "module `{module}` depends on module `{dependency}` (>= {required}), which is not registered"
    )]
    MissingDependency {
        /// The module that declares the dependency.
        module: &'static str,
        /// The missing module.
        dependency: &'static str,
        /// The lowest version `module` accepts.
        required: Version,
    },
    /// A module depends on a newer version of another module than the one registered.
    #[error(
        "module `{module}` needs module `{dependency}` >= {required}, but v{found} is registered"
    )]
    VersionMismatch {
        /// The module that declares the dependency.
        module: &'static str,
        /// The module depended on.
        dependency: &'static str,
        /// The lowest version `module` accepts.
        required: Version,
        /// The registered version of `dependency`.
        found: Version,
    },
    /// Modules depend on each other in a cycle; none of them can start first.
    #[error("dependency cycle between modules: {}", .0.join(" -> "))]
    DependencyCycle(
        /// The modules of the cycle, each depending on the next; the first is repeated at the end.
        Vec<&'static str>,
    ),
    /// A module failed to start; the modules started before it in the same call were stopped.
    #[error("module `{module}` failed to start: {source}")]
    StartFailed {
        /// The module whose `start` failed.
        module: &'static str,
        /// What the module reported.
        source: Box<ModuleError>,
        /// Errors from stopping the modules started before it (the rollback), in stop order.
        rollback: Vec<ModuleError>,
    },
    /// A module failed to stop cleanly (its tasks were aborted regardless).
    #[error("module `{module}` failed to stop: {source}")]
    StopFailed {
        /// The module whose `stop` failed.
        module: &'static str,
        /// What the module reported.
        source: Box<ModuleError>,
    },
    /// A required service has not been provided.
    #[error("service {service}{} is not provided", fmt_name(.name))]
    ServiceMissing {
        /// The service's Rust type.
        service: &'static str,
        /// The service's name, if it was looked up by name.
        name: Option<&'static str>,
    },
    /// A service of this type (and name) is already provided.
    #[error("service {service}{} is already provided by {}", fmt_name(.name), .provider.unwrap_or("the node"))]
    ServiceAlreadyProvided {
        /// The service's Rust type.
        service: &'static str,
        /// The service's name, if it was provided by name.
        name: Option<&'static str>,
        /// The module that provided it first, if a module did.
        provider: Option<&'static str>,
    },
    /// A module panicked in `start` or `stop`; the panic was caught.
    #[error("module `{module}` panicked: {message}")]
    Panicked {
        /// The module that panicked.
        module: &'static str,
        /// The panic message.
        message: String,
    },
    /// A module's own error, reported from its `start` or `stop`.
    #[error("module `{module}`: {source}")]
    Module {
        /// The module reporting the error.
        module: &'static str,
        /// The module's error.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl ModuleError {
    /// Wraps a module's own error (for use in [`Module::start`](crate::Module::start) and
    /// [`Module::stop`](crate::Module::stop)).
    pub fn module(
        module: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self::Module {
            module,
            source: source.into(),
        }
    }
}

fn fmt_name(name: &Option<&'static str>) -> String {
    match name {
        Some(name) => format!(" named `{name}`"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_modules() {
        let e = ModuleError::DependencyCycle(vec!["a", "b", "a"]);
        assert_eq!(
            e.to_string(),
            "dependency cycle between modules: a -> b -> a"
        );
        let e = ModuleError::ServiceMissing {
            service: "dyn Foo",
            name: Some("x"),
        };
        assert_eq!(e.to_string(), "service dyn Foo named `x` is not provided");
        let e = ModuleError::ServiceAlreadyProvided {
            service: "u32",
            name: None,
            provider: Some("storage"),
        };
        assert_eq!(e.to_string(), "service u32 is already provided by storage");
    }
}
