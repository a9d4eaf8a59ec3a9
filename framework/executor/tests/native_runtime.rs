//! The executor over the real main-chain runtime and a real RocksDB directory.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use codec::Decode;
use sp_inherents::InherentData;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
    Digest,
    traits::Header as _,
    transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
};
use wcme_executor::{BuildLimits, Executor, ExecutorError, GenesisSource, RuntimeDescriptor};
use wcme_primitives::{Block, Hash, Header};
use wcme_runtime_main::{WCME, signing::signed_transfer};
use wcme_storage::{BlockCommit, ChainDb, DbConfig};

fn runtime() -> RuntimeDescriptor {
    RuntimeDescriptor {
        dispatch: wcme_runtime_main::dispatch,
        version: || wcme_runtime_main::VERSION,
    }
}

struct Chain {
    _dir: tempfile::TempDir,
    executor: Executor,
    genesis: Header,
}

fn chain() -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Arc::new(ChainDb::open(dir.path(), &DbConfig::default()).expect("opens"));
    let executor = Executor::new(runtime(), db.clone());
    let genesis = executor
        .build_genesis(&GenesisSource::Preset("development".into()))
        .expect("genesis builds");
    db.commit_genesis(genesis.header.clone(), genesis.trie_nodes)
        .expect("commits");
    Chain {
        _dir: dir,
        executor,
        genesis: genesis.header,
    }
}

fn inherents(timestamp: u64) -> InherentData {
    let mut data = InherentData::new();
    data.put_data(sp_timestamp::INHERENT_IDENTIFIER, &timestamp)
        .expect("fresh id");
    data
}

fn limits() -> BuildLimits {
    BuildLimits {
        max_transactions: 1000,
        deadline: Instant::now() + Duration::from_secs(60),
    }
}

fn tx(bytes: Vec<u8>) -> (Hash, Vec<u8>) {
    (
        <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&bytes),
        bytes,
    )
}

fn commit(chain: &Chain, block: &Block, trie_nodes: wcme_storage::TrieTransaction) {
    chain
        .executor
        .db()
        .commit_block(BlockCommit {
            header: block.header.clone(),
            body: block.extrinsics.clone(),
            justifications: None,
            trie_nodes,
            set_best: true,
            finalize: false,
        })
        .expect("commits");
}

#[test]
fn built_block_imports_on_a_fresh_node_with_the_same_state_root() {
    let producer = chain();
    let importer = chain();
    assert_eq!(
        producer.genesis.hash(),
        importer.genesis.hash(),
        "genesis is deterministic"
    );
    let genesis = producer.genesis.hash();
    let bob = Sr25519Keyring::Bob.to_account_id();
    let good = signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, 5 * WCME, 0, genesis);
    let stale = signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, WCME, 0, genesis);
    let garbage = vec![0x08, 0xde, 0xad];
    let built = producer
        .executor
        .build_block(
            &producer.genesis,
            &inherents(6000),
            Digest::default(),
            vec![tx(good.clone()), tx(stale.clone()), tx(garbage.clone())],
            limits(),
        )
        .expect("builds");
    assert_eq!(built.included, vec![tx(good).0]);
    let rejected: Vec<_> = built.rejected.iter().map(|(h, e)| (*h, *e)).collect();
    assert_eq!(
        rejected,
        vec![
            (
                tx(stale).0,
                TransactionValidityError::Invalid(InvalidTransaction::Stale)
            ),
            (
                tx(garbage).0,
                TransactionValidityError::Invalid(InvalidTransaction::Call)
            ),
        ]
    );
    assert_eq!(
        built.block.extrinsics.len(),
        2,
        "timestamp inherent + transfer"
    );

    let executed = importer
        .executor
        .execute_block(&built.block, &inherents(6000))
        .expect("valid");
    assert_eq!(executed.state_root, *built.block.header.state_root());
    commit(&importer, &built.block, executed.trie_nodes);
    let key = frame_system::Account::<wcme_runtime_main::Runtime>::hashed_key_for(&bob);
    let raw = importer
        .executor
        .storage(&built.block.header.hash(), &key)
        .expect("reads")
        .expect("bob exists");
    let info =
        frame_system::AccountInfo::<u32, pallet_balances::AccountData<u128>>::decode(&mut &raw[..])
            .expect("decodes");
    assert_eq!(info.data.free, 1_000_000 * WCME + 5 * WCME);
}

#[test]
fn tampered_blocks_are_rejected_without_panicking() {
    let chain = chain();
    let built = chain
        .executor
        .build_block(
            &chain.genesis,
            &inherents(6000),
            Digest::default(),
            vec![],
            limits(),
        )
        .expect("builds");

    let mut wrong_root = built.block.clone();
    wrong_root.header.state_root = Hash::repeat_byte(1);
    assert!(matches!(
        chain.executor.execute_block(&wrong_root, &inherents(6000)),
        Err(ExecutorError::RuntimePanic { .. } | ExecutorError::StateRootMismatch { .. })
    ));

    let mut no_inherent = built.block.clone();
    no_inherent.extrinsics.clear();
    assert!(
        chain
            .executor
            .execute_block(&no_inherent, &inherents(6000))
            .is_err()
    );

    // A timestamp far in the future fails the inherent check.
    let future = chain
        .executor
        .build_block(
            &chain.genesis,
            &inherents(10_000_000),
            Digest::default(),
            vec![],
            limits(),
        )
        .expect("builds");
    assert!(matches!(
        chain
            .executor
            .execute_block(&future.block, &inherents(6000)),
        Err(ExecutorError::BadInherents { .. })
    ));

    // The valid block still imports after all of that.
    chain
        .executor
        .execute_block(&built.block, &inherents(6000))
        .expect("valid");
}

#[test]
fn runtime_calls_report_unknown_methods_and_bad_input() {
    let chain = chain();
    let genesis = chain.genesis.hash();
    let version: sp_version::RuntimeVersion = chain
        .executor
        .call_decoded(&genesis, "Core_version", &[])
        .expect("version");
    assert_eq!(version.spec_name, "wcme");
    assert!(matches!(
        chain.executor.call_at(&genesis, "No_such_api", &[]),
        Err(ExecutorError::UnknownMethod(_))
    ));
    assert!(matches!(
        chain
            .executor
            .call_at(&genesis, "AccountNonceApi_account_nonce", &[1, 2]),
        Err(ExecutorError::BadInput { .. })
    ));
    assert!(matches!(
        chain
            .executor
            .call_at(&Hash::repeat_byte(3), "Core_version", &[]),
        Err(ExecutorError::Storage(
            wcme_storage::StorageError::UnknownBlock(_)
        ))
    ));
}

#[test]
fn transaction_validation_uses_a_throwaway_overlay() {
    let chain = chain();
    let genesis = chain.genesis.hash();
    let bob = Sr25519Keyring::Bob.to_account_id();
    let transfer = signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, WCME, 0, genesis);
    let validity = chain
        .executor
        .validate_transaction(&genesis, TransactionSource::External, &transfer)
        .expect("runtime answers");
    let valid = validity.expect("valid");
    assert!(!valid.provides.is_empty());
    // Validating twice gives the same answer: nothing was written.
    let again = chain
        .executor
        .validate_transaction(&genesis, TransactionSource::External, &transfer)
        .expect("runtime answers");
    assert_eq!(again, Ok(valid));
    let future_nonce = signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, WCME, 5, genesis);
    let future = chain
        .executor
        .validate_transaction(&genesis, TransactionSource::External, &future_nonce)
        .expect("runtime answers")
        .expect("valid in the future");
    assert!(!future.requires.is_empty(), "nonce 5 waits for nonce 4");
}

#[test]
fn state_of_a_newer_runtime_is_refused() {
    let chain = chain();
    let older = RuntimeDescriptor {
        dispatch: wcme_runtime_main::dispatch,
        version: || {
            let mut version = wcme_runtime_main::VERSION;
            version.spec_version -= 1;
            version
        },
    };
    let old_node = Executor::new(older, chain.executor.db().clone());
    let result = old_node.build_block(
        &chain.genesis,
        &inherents(6000),
        Digest::default(),
        vec![],
        limits(),
    );
    assert!(matches!(result, Err(ExecutorError::RuntimeMismatch { .. })));
    let built = chain
        .executor
        .build_block(
            &chain.genesis,
            &inherents(6000),
            Digest::default(),
            vec![],
            limits(),
        )
        .expect("the current runtime builds");
    assert!(matches!(
        old_node.execute_block(&built.block, &inherents(6000)),
        Err(ExecutorError::RuntimeMismatch { .. })
    ));
}
