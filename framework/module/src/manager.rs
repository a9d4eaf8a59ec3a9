//! The module manager: registration, dependency-ordered start, reverse-ordered stop.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    time::Duration,
};

use tokio::{runtime::Handle, sync::watch};

use crate::{
    DEFAULT_EVENT_CAPACITY, EventBus, LOG_TARGET, Module, ModuleContext, ModuleError,
    ServiceRegistry, Version, context::TaskSet,
};

/// Settings of a [`ModuleManager`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagerConfig {
    /// Events of one type buffered per subscriber on the [`EventBus`].
    pub event_capacity: usize,
}

impl Default for ManagerConfig {
    fn default() -> Self {
        Self {
            event_capacity: DEFAULT_EVENT_CAPACITY,
        }
    }
}

/// A registered module and, while it runs, what the manager keeps of its context.
struct Slot {
    module: Box<dyn Module>,
    name: &'static str,
    version: Version,
    running: Option<Running>,
}

struct Running {
    tasks: TaskSet,
    shutdown: watch::Sender<bool>,
}

/// Loads the modules of a node and runs their life cycle.
///
/// Modules are [`register`](Self::register)ed, then [`start_all`](Self::start_all) starts them so
/// that every module starts after the modules it depends on (ties keep registration order), and
/// [`stop_all`](Self::stop_all) (or the async [`shutdown`](Self::shutdown)) stops them in the
/// reverse order. All modules share one [`ServiceRegistry`] and one [`EventBus`]. Dropping the
/// manager stops the modules still running.
pub struct ModuleManager {
    runtime: Handle,
    services: ServiceRegistry,
    events: EventBus,
    slots: Vec<Slot>,
    /// Indices into `slots`, in start order.
    started: Vec<usize>,
}

impl std::fmt::Debug for ModuleManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleManager")
            .field("registered", &self.registered())
            .field("started", &self.started())
            .finish_non_exhaustive()
    }
}

impl ModuleManager {
    /// A manager whose modules spawn their tasks on `runtime`.
    pub fn new(runtime: Handle) -> Self {
        Self::with_config(runtime, ManagerConfig::default())
    }

    /// A manager with explicit settings.
    pub fn with_config(runtime: Handle, config: ManagerConfig) -> Self {
        Self {
            runtime,
            services: ServiceRegistry::new(),
            events: EventBus::new(config.event_capacity),
            slots: Vec::new(),
            started: Vec::new(),
        }
    }

    /// Adds a module. Fails with [`ModuleError::DuplicateModule`] if one of that name exists.
    pub fn register(&mut self, module: Box<dyn Module>) -> Result<(), ModuleError> {
        let name = module.name();
        if self.position(name).is_some() {
            return Err(ModuleError::DuplicateModule(name));
        }
        let version = module.version();
        tracing::debug!(target: LOG_TARGET, "Registered module {name} v{version}");
        self.slots.push(Slot {
            module,
            name,
            version,
            running: None,
        });
        Ok(())
    }

    /// Starts every registered module that is not running yet, dependencies first.
    ///
    /// Before anything starts, the dependencies are checked: a missing module
    /// ([`ModuleError::MissingDependency`]), a too old one ([`ModuleError::VersionMismatch`]) or a
    /// cycle ([`ModuleError::DependencyCycle`]) fails the call and nothing starts. If a module's
    /// `start` fails (or panics), the modules this call started are stopped in reverse order and
    /// [`ModuleError::StartFailed`] is returned; the failing module's tasks are aborted and its
    /// services withdrawn, but its `stop` is not called.
    pub fn start_all(&mut self) -> Result<(), ModuleError> {
        let order = self.start_order()?;
        let mut started_now = Vec::with_capacity(order.len());
        for index in order {
            match self.start_one(index) {
                Ok(()) => started_now.push(index),
                Err(source) => {
                    let module = self.slots.get(index).map(|slot| slot.name).unwrap_or("?");
                    tracing::error!(target: LOG_TARGET, "Module {module} failed to start: {source}");
                    let rollback = started_now
                        .iter()
                        .rev()
                        .filter_map(|&index| self.stop_one(index).err())
                        .collect();
                    return Err(ModuleError::StartFailed {
                        module,
                        source: Box::new(source),
                        rollback,
                    });
                }
            }
        }
        Ok(())
    }

    /// Stops every running module, in reverse start order.
    ///
    /// Each module's [`Shutdown`](crate::Shutdown) signal is triggered, its `stop` called and its
    /// remaining tasks aborted; a failing `stop` does not keep the others from stopping. Returns
    /// every error, in stop order (empty if all stopped cleanly).
    #[must_use = "stop errors are returned, not logged only"]
    pub fn stop_all(&mut self) -> Vec<ModuleError> {
        let order: Vec<usize> = self.started.iter().rev().copied().collect();
        order
            .into_iter()
            .filter_map(|index| self.stop_one(index).err())
            .collect()
    }

    /// Like [`stop_all`](Self::stop_all), but gives each module's tasks up to `grace` to end on
    /// their own after `stop` before aborting them.
    #[must_use = "stop errors are returned, not logged only"]
    pub async fn shutdown(&mut self, grace: Duration) -> Vec<ModuleError> {
        let order: Vec<usize> = self.started.iter().rev().copied().collect();
        let mut errors = Vec::new();
        for index in order {
            let Some((result, mut tasks, name)) = self.stop_module(index) else {
                continue;
            };
            let aborted = tasks.join_all(name, grace).await;
            self.finish_stop(index, aborted);
            if let Err(error) = result {
                errors.push(error);
            }
        }
        errors
    }

    /// The shared service registry.
    pub fn services(&self) -> &ServiceRegistry {
        &self.services
    }

    /// The shared event bus.
    pub fn events(&self) -> &EventBus {
        &self.events
    }

    /// Names of the running modules, in start order.
    pub fn started(&self) -> Vec<&'static str> {
        self.started
            .iter()
            .filter_map(|&index| self.slots.get(index).map(|slot| slot.name))
            .collect()
    }

    /// Names and versions of all registered modules, in registration order.
    pub fn registered(&self) -> Vec<(&'static str, Version)> {
        self.slots
            .iter()
            .map(|slot| (slot.name, slot.version))
            .collect()
    }

    /// Whether module `name` is running.
    pub fn is_started(&self, name: &str) -> bool {
        self.position(name)
            .and_then(|index| self.slots.get(index))
            .is_some_and(|slot| slot.running.is_some())
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.slots.iter().position(|slot| slot.name == name)
    }

    /// The order in which to start the modules not running yet, or why they cannot start.
    fn start_order(&self) -> Result<Vec<usize>, ModuleError> {
        // Resolve every pending module's dependencies to slot indices.
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); self.slots.len()];
        for (index, slot) in self.slots.iter().enumerate() {
            if slot.running.is_some() {
                continue;
            }
            for dependency in slot.module.dependencies() {
                let Some(found) = self.position(dependency.name) else {
                    return Err(ModuleError::MissingDependency {
                        module: slot.name,
                        dependency: dependency.name,
                        required: dependency.min_version,
                    });
                };
                let found_version = self.slots.get(found).map(|s| s.version).unwrap_or_default();
                if !dependency.accepts(found_version) {
                    return Err(ModuleError::VersionMismatch {
                        module: slot.name,
                        dependency: dependency.name,
                        required: dependency.min_version,
                        found: found_version,
                    });
                }
                if let Some(list) = deps.get_mut(index) {
                    list.push(found);
                }
            }
        }

        // Kahn's algorithm, always taking the earliest registered module that can start.
        let mut placed: Vec<bool> = self.slots.iter().map(|s| s.running.is_some()).collect();
        let pending = placed.iter().filter(|placed| !**placed).count();
        let mut order = Vec::with_capacity(pending);
        while order.len() < pending {
            let next = (0..self.slots.len()).find(|&index| {
                placed.get(index) == Some(&false)
                    && deps.get(index).is_some_and(|list| {
                        list.iter()
                            .all(|&dep| placed.get(dep).copied().unwrap_or(false))
                    })
            });
            match next {
                Some(index) => {
                    if let Some(slot) = placed.get_mut(index) {
                        *slot = true;
                    }
                    order.push(index);
                }
                None => {
                    return Err(ModuleError::DependencyCycle(
                        self.find_cycle(&placed, &deps),
                    ));
                }
            }
        }
        Ok(order)
    }

    /// A dependency cycle among the modules not `placed` (each of which has an unplaced dependency).
    fn find_cycle(&self, placed: &[bool], deps: &[Vec<usize>]) -> Vec<&'static str> {
        let name = |index: usize| self.slots.get(index).map(|s| s.name).unwrap_or("?");
        let Some(mut current) = placed.iter().position(|placed| !placed) else {
            return Vec::new();
        };
        let mut path: Vec<usize> = Vec::new();
        // Every step visits a new module, so this ends within `slots.len() + 1` steps.
        for _ in 0..=self.slots.len() {
            if let Some(start) = path.iter().position(|&seen| seen == current) {
                let mut cycle: Vec<&'static str> = path[start..].iter().map(|&i| name(i)).collect();
                cycle.push(name(current));
                return cycle;
            }
            path.push(current);
            let next = deps.get(current).and_then(|list| {
                list.iter()
                    .copied()
                    .find(|&dep| !placed.get(dep).copied().unwrap_or(true))
            });
            match next {
                Some(next) => current = next,
                None => break,
            }
        }
        // Not reached for a real cycle; name the blocked modules instead.
        path.into_iter().map(name).collect()
    }

    fn start_one(&mut self, index: usize) -> Result<(), ModuleError> {
        let services = self.services.clone();
        let events = self.events.clone();
        let runtime = self.runtime.clone();
        let Some(slot) = self.slots.get_mut(index) else {
            return Ok(());
        };
        let name = slot.name;
        let mut ctx = ModuleContext::new(name, services, events, runtime);
        let result = catch_unwind(AssertUnwindSafe(|| slot.module.start(&mut ctx))).unwrap_or_else(
            |panic| {
                Err(ModuleError::Panicked {
                    module: name,
                    message: panic_message(panic.as_ref()),
                })
            },
        );
        let (mut tasks, shutdown) = ctx.into_parts();
        match result {
            Ok(()) => {
                slot.running = Some(Running { tasks, shutdown });
                self.started.push(index);
                tracing::info!(target: LOG_TARGET, "Started module {name} v{}", slot.version);
                Ok(())
            }
            Err(error) => {
                shutdown.send_replace(true);
                tasks.abort_all(name);
                self.services.withdraw_provided_by(name);
                Err(error)
            }
        }
    }

    /// Signals, stops and aborts module `index`.
    fn stop_one(&mut self, index: usize) -> Result<(), ModuleError> {
        let Some((result, mut tasks, name)) = self.stop_module(index) else {
            return Ok(());
        };
        let aborted = tasks.abort_all(name);
        self.finish_stop(index, aborted);
        result
    }

    /// First half of stopping: signal the tasks and call `stop`. `None` if not running.
    fn stop_module(
        &mut self,
        index: usize,
    ) -> Option<(Result<(), ModuleError>, TaskSet, &'static str)> {
        let slot = self.slots.get_mut(index)?;
        let running = slot.running.take()?;
        let name = slot.name;
        running.shutdown.send_replace(true);
        let result = catch_unwind(AssertUnwindSafe(|| slot.module.stop()))
            .unwrap_or_else(|panic| {
                Err(ModuleError::Panicked {
                    module: name,
                    message: panic_message(panic.as_ref()),
                })
            })
            .map_err(|source| ModuleError::StopFailed {
                module: name,
                source: Box::new(source),
            });
        if let Err(error) = &result {
            tracing::warn!(target: LOG_TARGET, "Module {name} failed to stop: {error}");
        }
        Some((result, running.tasks, name))
    }

    /// Second half of stopping: withdraw services, forget the module as started, log.
    fn finish_stop(&mut self, index: usize, aborted: usize) {
        self.started.retain(|&started| started != index);
        let Some(slot) = self.slots.get(index) else {
            return;
        };
        self.services.withdraw_provided_by(slot.name);
        tracing::info!(
            target: LOG_TARGET,
            aborted_tasks = aborted,
            "Stopped module {} v{}",
            slot.name,
            slot.version
        );
    }
}

impl Drop for ModuleManager {
    fn drop(&mut self) {
        if self.started.is_empty() {
            return;
        }
        for error in self.stop_all() {
            tracing::warn!(target: LOG_TARGET, "While dropping the module manager: {error}");
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}
