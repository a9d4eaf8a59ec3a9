//! Compiled-module artifacts: compiled once, loaded from the store on a cache miss without
//! compiling, and compiled again (never used) when an artifact is corrupt or of another engine.

use std::sync::Arc;

use super::{contract, with_stack, world::World};
use crate::{ArtifactStore, DirStore, MemoryStore, ModuleSource, Vm, VmConfig, code_hash};

const FUEL: u64 = 10_000_000;
const CONTRACT: [u8; 32] = [0xc0; 32];

/// A contract with a data segment (its size is kept in the artifact and charged per byte).
fn code() -> Vec<u8> {
    contract(
        r#"(call $finish (i32.const 0) (i32.const 5))"#,
        r#"(data (i32.const 0) "hello")"#,
    )
}

fn vm_with(store: Arc<dyn ArtifactStore>) -> Arc<Vm> {
    Arc::new(Vm::with_store(VmConfig::default(), store).unwrap())
}

/// Runs `code` on `vm`: (fuel used, output).
fn run(vm: &Arc<Vm>, code: &[u8]) -> (u64, crate::ExecResult) {
    let vm = vm.clone();
    let code = code.to_vec();
    with_stack(move || {
        let outcome = World::with_vm(vm)
            .with_contract(CONTRACT, code)
            .call(CONTRACT, 0, b"", FUEL);
        (outcome.fuel_used, outcome.result)
    })
}

#[test]
fn prepare_stores_and_a_cache_miss_loads_without_compiling() {
    let store = Arc::new(MemoryStore::new());
    let vm = vm_with(store.clone());
    let code = code();
    let hash = code_hash(&code);
    vm.prepare(&code).unwrap();
    assert_eq!(vm.compilations(), 1);
    assert_eq!(store.len(), 1);
    let compiled = run(&vm, &code);

    vm.evict(&hash);
    assert!(!vm.is_cached(&hash));
    assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Loaded));
    assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Cached));
    vm.evict(&hash);
    assert_eq!(
        run(&vm, &code),
        compiled,
        "same fuel and output when loaded"
    );
    assert_eq!(vm.compilations(), 1);

    // Another Vm (a restarted node) on the same store loads it too.
    let restarted = vm_with(store.clone());
    assert_eq!(run(&restarted, &code), compiled);
    assert_eq!(restarted.compilations(), 0);
    assert!(restarted.is_cached(&hash));
}

#[test]
fn execute_without_an_artifact_compiles_once_and_stores_it() {
    let store = Arc::new(MemoryStore::new());
    let vm = vm_with(store.clone());
    let code = code();
    let hash = code_hash(&code);
    assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Compiled));
    assert_eq!(store.len(), 1);
    vm.evict(&hash);
    assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Loaded));
    assert_eq!(vm.compilations(), 1);
}

#[test]
fn a_corrupt_artifact_is_deleted_and_compiled_again() {
    let store = Arc::new(MemoryStore::new());
    let vm = vm_with(store.clone());
    let code = code();
    let hash = code_hash(&code);
    vm.prepare(&code).unwrap();
    let expected = run(&vm, &code);
    let key = vm.artifact_key(&hash);
    for corrupt in [
        (|bytes: &mut Vec<u8>| {
            if let Some(last) = bytes.last_mut() {
                *last ^= 0xff;
            }
        }) as fn(&mut Vec<u8>),
        |bytes| bytes.truncate(bytes.len() / 2),
        |bytes| bytes.truncate(3),
        |bytes| bytes[0] ^= 1,
    ] {
        store.tamper(&key, corrupt);
        vm.evict(&hash);
        let before = vm.compilations();
        assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Compiled));
        assert_eq!(vm.compilations(), before + 1);
        vm.evict(&hash);
        assert_eq!(run(&vm, &code), expected);
        assert_eq!(vm.compilations(), before + 1, "the new artifact is stored");
    }
}

#[test]
fn an_artifact_of_another_engine_is_not_used() {
    let store = Arc::new(MemoryStore::new());
    let vm = vm_with(store.clone());
    let code = code();
    let hash = code_hash(&code);
    // A module wasmtime serialized with another configuration (no fuel metering), framed
    // with a valid checksum under this Vm's key: wasmtime refuses it, the Vm compiles.
    let other = wasmtime::Engine::default();
    let serialized = wasmtime::Module::from_binary(&other, &code)
        .unwrap()
        .serialize()
        .unwrap();
    store.store(
        &vm.artifact_key(&hash),
        &crate::artifact::encode(5, &serialized),
    );
    assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Compiled));
    vm.evict(&hash);
    assert_eq!(vm.load(&hash, &code), Ok(ModuleSource::Loaded));

    // Another configuration is another fingerprint: its artifacts are kept apart.
    let fewer_pages = Vm::with_store(
        VmConfig {
            max_memory_pages: 8,
            ..VmConfig::default()
        },
        store.clone(),
    )
    .unwrap();
    assert_ne!(fewer_pages.artifact_key(&hash), vm.artifact_key(&hash));
    assert_eq!(fewer_pages.load(&hash, &code), Ok(ModuleSource::Compiled));
}

#[test]
fn a_code_hash_mismatch_loads_nothing() {
    let vm = vm_with(Arc::new(MemoryStore::new()));
    let code = code();
    vm.prepare(&code).unwrap();
    vm.evict(&code_hash(&code));
    assert_eq!(
        vm.load(&code_hash(&code), b"other code"),
        Err(crate::TrapReason::CodeHashMismatch)
    );
}

#[test]
fn dir_store_serves_a_restarted_vm_and_forget_deletes() {
    let dir = std::env::temp_dir().join(format!("wcme-vm-dir-store-{}", std::process::id()));
    let code = code();
    let hash = code_hash(&code);
    let vm = vm_with(Arc::new(DirStore::new(&dir)));
    vm.prepare(&code).unwrap();
    let path = DirStore::new(&dir).path(&vm.artifact_key(&hash));
    assert!(path.is_file());
    let expected = run(&vm, &code);

    let restarted = vm_with(Arc::new(DirStore::new(&dir)));
    assert_eq!(run(&restarted, &code), expected);
    assert_eq!(restarted.compilations(), 0);

    // A corrupted file is deleted, compiled again and rewritten.
    std::fs::write(&path, b"garbage").unwrap();
    let again = vm_with(Arc::new(DirStore::new(&dir)));
    assert_eq!(again.load(&hash, &code), Ok(ModuleSource::Compiled));
    assert!(std::fs::read(&path).unwrap().len() > 100);

    again.forget(&hash);
    assert!(!path.exists());
    assert!(!again.is_cached(&hash));
    let _ = std::fs::remove_dir_all(&dir);
}
