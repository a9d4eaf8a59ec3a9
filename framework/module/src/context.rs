//! What a module receives while it starts: services, events, a runtime and task tracking.

use std::{future::Future, sync::Arc, time::Duration};

use tokio::{runtime::Handle, sync::watch, task::JoinHandle};

use crate::{EventBus, LOG_TARGET, ModuleError, ServiceRegistry};

/// The handle a module gets in [`Module::start`](crate::Module::start).
///
/// Through it the module provides services ([`provide`](Self::provide)), looks up the services of
/// other modules ([`services`](Self::services)), publishes and subscribes to events
/// ([`events`](Self::events)) and spawns background tasks ([`spawn`](Self::spawn)). Tasks spawned
/// here are tracked by the [`ModuleManager`](crate::ModuleManager): when the module stops, the
/// manager triggers the module's [`Shutdown`] signal, calls [`Module::stop`](crate::Module::stop),
/// and aborts whatever task is still running. Services provided through
/// [`provide`](Self::provide) are withdrawn when the module stops.
pub struct ModuleContext {
    module: &'static str,
    services: ServiceRegistry,
    events: EventBus,
    runtime: Handle,
    tasks: TaskSet,
    shutdown: watch::Sender<bool>,
}

impl ModuleContext {
    /// A context for module `module`. The manager creates these; tests of a single module may too.
    pub fn new(
        module: &'static str,
        services: ServiceRegistry,
        events: EventBus,
        runtime: Handle,
    ) -> Self {
        let (shutdown, _) = watch::channel(false);
        Self {
            module,
            services,
            events,
            runtime,
            tasks: TaskSet::default(),
            shutdown,
        }
    }

    /// The name of the module being started.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The service registry, to look up (or, unattributed, provide) services.
    pub fn services(&self) -> &ServiceRegistry {
        &self.services
    }

    /// Provides `service` as the `T` service of this module; it is withdrawn when the module stops.
    pub fn provide<T: ?Sized + Send + Sync + 'static>(
        &self,
        service: Arc<T>,
    ) -> Result<(), ModuleError> {
        self.services.insert(Some(self.module), None, service)
    }

    /// Provides `service` as the `T` service named `name`; it is withdrawn when the module stops.
    pub fn provide_named<T: ?Sized + Send + Sync + 'static>(
        &self,
        name: &'static str,
        service: Arc<T>,
    ) -> Result<(), ModuleError> {
        self.services.insert(Some(self.module), Some(name), service)
    }

    /// The event bus.
    pub fn events(&self) -> &EventBus {
        &self.events
    }

    /// The tokio runtime the node runs on.
    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }

    /// A signal that turns on when the module is about to stop; long-running tasks should end
    /// when it does.
    pub fn shutdown(&self) -> Shutdown {
        Shutdown(self.shutdown.subscribe())
    }

    /// Spawns `task` on the runtime and tracks it as one of this module's tasks.
    ///
    /// Returns an [`tokio::task::AbortHandle`] for the module's own use; the manager aborts the task
    /// when the module stops in any case.
    pub fn spawn<F>(&mut self, name: &'static str, task: F) -> tokio::task::AbortHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = self.runtime.spawn(task);
        let abort = handle.abort_handle();
        tracing::debug!(target: LOG_TARGET, module = self.module, task = name, "Task spawned");
        self.tasks.push(name, handle);
        abort
    }

    /// Number of this module's tasks still running.
    pub fn running_tasks(&self) -> usize {
        self.tasks.running()
    }

    /// Splits the context into what the manager keeps after `start`.
    pub(crate) fn into_parts(self) -> (TaskSet, watch::Sender<bool>) {
        (self.tasks, self.shutdown)
    }
}

impl std::fmt::Debug for ModuleContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleContext")
            .field("module", &self.module)
            .field("tasks", &self.tasks.running())
            .finish_non_exhaustive()
    }
}

/// Tells a module's tasks that the module is stopping.
#[derive(Clone, Debug)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Whether the module is stopping.
    pub fn is_triggered(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until the module is stopping (returns at once if it already is, or if the manager is
    /// gone).
    pub async fn wait(&mut self) {
        // An error means the sender was dropped: the module is gone, which is a shutdown too.
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }
}

/// Longest wait for a module's tasks to end on their own.
const MAX_GRACE: Duration = Duration::from_secs(3600);

/// The background tasks of one module.
#[derive(Default)]
pub(crate) struct TaskSet {
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

impl TaskSet {
    fn push(&mut self, name: &'static str, handle: JoinHandle<()>) {
        // Forget finished tasks so a module that spawns many short tasks stays bounded.
        self.tasks.retain(|(_, task)| !task.is_finished());
        self.tasks.push((name, handle));
    }

    pub(crate) fn running(&self) -> usize {
        self.tasks
            .iter()
            .filter(|(_, task)| !task.is_finished())
            .count()
    }

    /// Aborts every task still running; returns how many were.
    pub(crate) fn abort_all(&mut self, module: &'static str) -> usize {
        let mut aborted = 0;
        for (name, task) in self.tasks.drain(..) {
            if !task.is_finished() {
                task.abort();
                aborted += 1;
                tracing::debug!(target: LOG_TARGET, module, task = name, "Task aborted");
            }
        }
        aborted
    }

    /// Waits up to `grace` for the tasks to finish, then aborts the rest; returns how many were
    /// aborted.
    pub(crate) async fn join_all(&mut self, module: &'static str, grace: Duration) -> usize {
        // Clamped so the deadline cannot overflow.
        let deadline = tokio::time::Instant::now() + grace.min(MAX_GRACE);
        let mut aborted = 0;
        for (name, mut task) in self.tasks.drain(..) {
            match tokio::time::timeout_at(deadline, &mut task).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::warn!(target: LOG_TARGET, module, task = name, %error, "Task failed");
                }
                Err(_) => {
                    task.abort();
                    aborted += 1;
                    tracing::debug!(target: LOG_TARGET, module, task = name, "Task aborted");
                }
            }
        }
        aborted
    }
}
