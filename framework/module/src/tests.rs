//! Life-cycle tests of the module manager with modules that record what happens to them.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use parking_lot::Mutex;

use crate::*;

type Log = Arc<Mutex<Vec<String>>>;
type StartHook = Box<dyn FnMut(&mut ModuleContext) -> Result<(), ModuleError> + Send>;

struct Recorder {
    name: &'static str,
    version: Version,
    deps: Vec<Dependency>,
    log: Log,
    fail_start: bool,
    fail_stop: bool,
    panic_start: bool,
    hook: Option<StartHook>,
}

impl Recorder {
    fn new(name: &'static str, log: &Log) -> Self {
        Self {
            name,
            version: Version::new(0, 1, 0),
            deps: Vec::new(),
            log: log.clone(),
            fail_start: false,
            fail_stop: false,
            panic_start: false,
            hook: None,
        }
    }

    fn dep(mut self, name: &'static str) -> Self {
        self.deps.push(Dependency::any(name));
        self
    }

    fn dep_at(mut self, name: &'static str, min: Version) -> Self {
        self.deps.push(Dependency::new(name, min));
        self
    }

    fn version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    fn hook(
        mut self,
        hook: impl FnMut(&mut ModuleContext) -> Result<(), ModuleError> + Send + 'static,
    ) -> Self {
        self.hook = Some(Box::new(hook));
        self
    }

    fn boxed(self) -> Box<dyn Module> {
        Box::new(self)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("boom")]
struct Boom;

impl Module for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }
    fn version(&self) -> Version {
        self.version
    }
    fn dependencies(&self) -> Vec<Dependency> {
        self.deps.clone()
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        self.log.lock().push(format!("start {}", self.name));
        assert!(!self.panic_start, "start of {} panicked", self.name);
        if let Some(hook) = self.hook.as_mut() {
            hook(ctx)?;
        }
        if self.fail_start {
            return Err(ModuleError::module(self.name, Boom));
        }
        Ok(())
    }
    fn stop(&mut self) -> Result<(), ModuleError> {
        self.log.lock().push(format!("stop {}", self.name));
        if self.fail_stop {
            return Err(ModuleError::module(self.name, Boom));
        }
        Ok(())
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn entries(log: &Log) -> Vec<String> {
    log.lock().clone()
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock())
}

#[test]
fn starts_in_dependency_order_and_stops_in_reverse() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(
            Recorder::new("rpc", &log)
                .dep("txpool")
                .dep("storage")
                .boxed(),
        )
        .unwrap();
    manager
        .register(Recorder::new("txpool", &log).dep("storage").boxed())
        .unwrap();
    manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap();
    manager
        .register(Recorder::new("metrics", &log).boxed())
        .unwrap();

    manager.start_all().unwrap();
    assert_eq!(
        take(&log),
        [
            "start storage",
            "start txpool",
            "start rpc",
            "start metrics"
        ]
    );
    assert_eq!(manager.started(), ["storage", "txpool", "rpc", "metrics"]);
    assert!(manager.is_started("txpool"));

    assert!(manager.stop_all().is_empty());
    assert_eq!(
        take(&log),
        ["stop metrics", "stop rpc", "stop txpool", "stop storage"]
    );
    assert!(manager.started().is_empty());
}

#[test]
fn registration_order_breaks_ties() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    for name in ["c", "a", "b"] {
        manager.register(Recorder::new(name, &log).boxed()).unwrap();
    }
    manager.start_all().unwrap();
    assert_eq!(manager.started(), ["c", "a", "b"]);
    assert!(manager.stop_all().is_empty());
}

#[test]
fn duplicate_names_are_rejected() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap();
    let err = manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap_err();
    assert!(matches!(err, ModuleError::DuplicateModule("storage")));
    assert_eq!(manager.registered().len(), 1);
}

#[test]
fn missing_dependency_starts_nothing() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap();
    manager
        .register(
            Recorder::new("rpc", &log)
                .dep("storage")
                .dep("txpool")
                .boxed(),
        )
        .unwrap();
    let err = manager.start_all().unwrap_err();
    assert!(
        matches!(
            err,
            ModuleError::MissingDependency {
                module: "rpc",
                dependency: "txpool",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("rpc") && err.to_string().contains("txpool"));
    assert!(entries(&log).is_empty());
    assert!(manager.started().is_empty());
}

#[test]
fn version_too_low_starts_nothing() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(
            Recorder::new("storage", &log)
                .version(Version::new(0, 3, 9))
                .boxed(),
        )
        .unwrap();
    manager
        .register(
            Recorder::new("txpool", &log)
                .dep_at("storage", Version::new(0, 4, 0))
                .boxed(),
        )
        .unwrap();
    let err = manager.start_all().unwrap_err();
    match &err {
        ModuleError::VersionMismatch {
            module,
            dependency,
            required,
            found,
        } => {
            assert_eq!(*module, "txpool");
            assert_eq!(*dependency, "storage");
            assert_eq!(*required, Version::new(0, 4, 0));
            assert_eq!(*found, Version::new(0, 3, 9));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "module `txpool` needs module `storage` >= 0.4.0, but v0.3.9 is registered"
    );
    assert!(entries(&log).is_empty());
}

#[test]
fn cycle_is_named_and_starts_nothing() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("base", &log).boxed())
        .unwrap();
    manager
        .register(Recorder::new("d", &log).dep("a").boxed())
        .unwrap();
    manager
        .register(Recorder::new("a", &log).dep("base").dep("b").boxed())
        .unwrap();
    manager
        .register(Recorder::new("b", &log).dep("c").boxed())
        .unwrap();
    manager
        .register(Recorder::new("c", &log).dep("a").boxed())
        .unwrap();
    let err = manager.start_all().unwrap_err();
    match &err {
        ModuleError::DependencyCycle(modules) => assert_eq!(modules, &["a", "b", "c", "a"]),
        other => panic!("unexpected {other:?}"),
    }
    assert!(entries(&log).is_empty());
    assert!(manager.started().is_empty());
}

#[test]
fn self_dependency_is_a_cycle() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("narcissus", &log).dep("narcissus").boxed())
        .unwrap();
    assert!(matches!(
        manager.start_all(),
        Err(ModuleError::DependencyCycle(modules)) if modules == ["narcissus", "narcissus"]
    ));
}

#[test]
fn failing_start_rolls_back_in_reverse() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap();
    manager
        .register(Recorder::new("txpool", &log).dep("storage").boxed())
        .unwrap();
    let mut rpc = Recorder::new("rpc", &log).dep("txpool");
    rpc.fail_start = true;
    manager.register(rpc.boxed()).unwrap();
    manager
        .register(Recorder::new("late", &log).dep("rpc").boxed())
        .unwrap();

    let err = manager.start_all().unwrap_err();
    match &err {
        ModuleError::StartFailed {
            module,
            source,
            rollback,
        } => {
            assert_eq!(*module, "rpc");
            assert!(matches!(
                **source,
                ModuleError::Module { module: "rpc", .. }
            ));
            assert!(rollback.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        take(&log),
        [
            "start storage",
            "start txpool",
            "start rpc",
            "stop txpool",
            "stop storage"
        ]
    );
    assert!(manager.started().is_empty());
}

#[test]
fn panicking_start_is_caught_and_rolled_back() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap();
    let mut bad = Recorder::new("bad", &log).dep("storage");
    bad.panic_start = true;
    manager.register(bad.boxed()).unwrap();
    let err = manager.start_all().unwrap_err();
    assert!(matches!(
        &err,
        ModuleError::StartFailed { module: "bad", source, .. }
            if matches!(**source, ModuleError::Panicked { module: "bad", .. })
    ));
    assert_eq!(take(&log), ["start storage", "start bad", "stop storage"]);
}

#[test]
fn stop_all_continues_past_errors() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    let mut storage = Recorder::new("storage", &log);
    storage.fail_stop = true;
    manager.register(storage.boxed()).unwrap();
    let mut txpool = Recorder::new("txpool", &log).dep("storage");
    txpool.fail_stop = true;
    manager.register(txpool.boxed()).unwrap();
    manager
        .register(Recorder::new("rpc", &log).dep("txpool").boxed())
        .unwrap();
    manager.start_all().unwrap();
    take(&log);

    let errors = manager.stop_all();
    assert_eq!(take(&log), ["stop rpc", "stop txpool", "stop storage"]);
    let failed: Vec<_> = errors
        .iter()
        .map(|e| match e {
            ModuleError::StopFailed { module, .. } => *module,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(failed, ["txpool", "storage"]);
    assert!(manager.started().is_empty());
}

#[test]
fn start_all_again_starts_only_new_modules() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(Recorder::new("storage", &log).boxed())
        .unwrap();
    manager.start_all().unwrap();
    manager
        .register(Recorder::new("txpool", &log).dep("storage").boxed())
        .unwrap();
    manager.start_all().unwrap();
    assert_eq!(take(&log), ["start storage", "start txpool"]);
    assert_eq!(manager.started(), ["storage", "txpool"]);
    assert!(manager.stop_all().is_empty());
    assert_eq!(take(&log), ["stop txpool", "stop storage"]);
}

trait Storage: Send + Sync {
    fn get(&self, key: &str) -> Option<String>;
}

struct MemoryStorage;
impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        Some(format!("value of {key}"))
    }
}

#[test]
fn services_flow_from_dependencies_and_are_withdrawn_on_stop() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    let seen = Arc::new(Mutex::new(None));
    let seen_in_start = seen.clone();
    manager
        .register(
            Recorder::new("txpool", &log)
                .dep("storage")
                .hook(move |ctx| {
                    let storage = ctx.services().require::<dyn Storage>()?;
                    *seen_in_start.lock() = storage.get("k");
                    Ok(())
                })
                .boxed(),
        )
        .unwrap();
    manager
        .register(
            Recorder::new("storage", &log)
                .hook(|ctx| ctx.provide::<dyn Storage>(Arc::new(MemoryStorage)))
                .boxed(),
        )
        .unwrap();
    manager.start_all().unwrap();
    assert_eq!(seen.lock().as_deref(), Some("value of k"));
    assert!(manager.services().contains::<dyn Storage>());
    assert!(manager.stop_all().is_empty());
    assert!(!manager.services().contains::<dyn Storage>());
}

#[test]
fn missing_service_fails_start() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    manager
        .register(
            Recorder::new("txpool", &log)
                .hook(|ctx| ctx.services().require::<dyn Storage>().map(|_| ()))
                .boxed(),
        )
        .unwrap();
    let err = manager.start_all().unwrap_err();
    assert!(err.to_string().contains("Storage"), "{err}");
}

#[derive(Clone, Debug, PartialEq)]
struct Ping(u32);

#[test]
fn modules_talk_over_the_event_bus() {
    let rt = runtime();
    let log = Log::default();
    let mut manager =
        ModuleManager::with_config(rt.handle().clone(), ManagerConfig { event_capacity: 16 });
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    manager
        .register(
            Recorder::new("listener", &log)
                .hook(move |ctx| {
                    let mut events = ctx.events().subscribe::<Ping>();
                    let mut shutdown = ctx.shutdown();
                    let sink = sink.clone();
                    ctx.spawn("listen", async move {
                        loop {
                            tokio::select! {
                                _ = shutdown.wait() => break,
                                event = events.recv() => match event {
                                    Ok(Ping(n)) => sink.lock().push(n),
                                    Err(_) => break,
                                },
                            }
                        }
                    });
                    Ok(())
                })
                .boxed(),
        )
        .unwrap();
    manager
        .register(
            Recorder::new("speaker", &log)
                .dep("listener")
                .hook(|ctx| {
                    ctx.events().publish(Ping(1));
                    ctx.events().publish(Ping(2));
                    Ok(())
                })
                .boxed(),
        )
        .unwrap();
    manager.start_all().unwrap();
    rt.block_on(async {
        for _ in 0..200 {
            if received.lock().len() == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    assert_eq!(*received.lock(), [1, 2]);
    assert!(manager.stop_all().is_empty());
}

struct SetOnDrop(Arc<AtomicBool>);
impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn shutdown_waits_for_cooperative_tasks_and_aborts_the_rest() {
    let rt = runtime();
    let log = Log::default();
    let mut manager = ModuleManager::new(rt.handle().clone());
    let cooperative_done = Arc::new(AtomicBool::new(false));
    let stubborn_dropped = Arc::new(AtomicBool::new(false));
    let (done, dropped) = (cooperative_done.clone(), stubborn_dropped.clone());
    manager
        .register(
            Recorder::new("worker", &log)
                .hook(move |ctx| {
                    let mut shutdown = ctx.shutdown();
                    let done = done.clone();
                    ctx.spawn("cooperative", async move {
                        shutdown.wait().await;
                        done.store(true, Ordering::SeqCst);
                    });
                    let guard = SetOnDrop(dropped.clone());
                    ctx.spawn("stubborn", async move {
                        let _guard = guard;
                        std::future::pending::<()>().await;
                    });
                    assert_eq!(ctx.running_tasks(), 2);
                    Ok(())
                })
                .boxed(),
        )
        .unwrap();
    manager.start_all().unwrap();
    let errors = rt.block_on(manager.shutdown(Duration::from_millis(50)));
    assert!(errors.is_empty());
    assert!(cooperative_done.load(Ordering::SeqCst));
    rt.block_on(async {
        for _ in 0..200 {
            if stubborn_dropped.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    assert!(stubborn_dropped.load(Ordering::SeqCst));
    assert_eq!(take(&log), ["start worker", "stop worker"]);
}

#[test]
fn stop_all_aborts_tasks_and_drop_stops_modules() {
    let rt = runtime();
    let log = Log::default();
    let dropped = Arc::new(AtomicBool::new(false));
    {
        let mut manager = ModuleManager::new(rt.handle().clone());
        let flag = dropped.clone();
        manager
            .register(
                Recorder::new("worker", &log)
                    .hook(move |ctx| {
                        let guard = SetOnDrop(flag.clone());
                        ctx.spawn("forever", async move {
                            let _guard = guard;
                            std::future::pending::<()>().await;
                        });
                        Ok(())
                    })
                    .boxed(),
            )
            .unwrap();
        manager.start_all().unwrap();
        // Dropped here without stop_all.
    }
    assert_eq!(take(&log), ["start worker", "stop worker"]);
    rt.block_on(async {
        for _ in 0..200 {
            if dropped.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn handles_can_move_between_threads() {
    fn assert_send<T: Send + 'static>() {}
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send::<ModuleManager>();
    assert_send::<ModuleContext>();
    assert_send_sync::<ServiceRegistry>();
    assert_send_sync::<EventBus>();
    assert_send_sync::<ModuleError>();
}
