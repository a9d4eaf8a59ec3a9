//! The WCME node's own executor and database run the subchain runtime exactly as they run the
//! main chain's: genesis from a preset, a block with a signed transfer built on one node and
//! imported on another with the same state root, transaction validation, runtime API calls.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use codec::Encode;
use sp_inherents::InherentData;
use sp_keyring::Sr25519Keyring::{Alice, Bob};
use sp_runtime::{
    Digest,
    traits::Header as _,
    transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
};
use wcme_executor::{BuildLimits, Executor, ExecutorError, GenesisSource, RuntimeDescriptor};
use wcme_primitives::{Block, Hash, Header};
use wcme_runtime_subchain::{
    Balance, MILLISECS_PER_BLOCK, UNIT,
    chain_config::{C3nKey, ConsensusKind},
    genesis_config_presets::DEV_ACCOUNT_BALANCE,
    signing::signed_transfer,
};
use wcme_storage::{BlockCommit, ChainDb, DbConfig};

/// What `node-template` would hand the node for this runtime.
const SUBCHAIN_RUNTIME: RuntimeDescriptor = RuntimeDescriptor {
    dispatch: wcme_runtime_subchain::dispatch,
    version: || wcme_runtime_subchain::VERSION,
};

struct Chain {
    _dir: tempfile::TempDir,
    executor: Executor,
    genesis: Header,
}

/// A fresh node database holding preset `preset`'s genesis.
fn chain(preset: &str) -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Arc::new(ChainDb::open(dir.path(), &DbConfig::default()).expect("opens"));
    let executor = Executor::new(SUBCHAIN_RUNTIME, db.clone());
    let genesis = executor
        .build_genesis(&GenesisSource::Preset(preset.into()))
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

fn free_balance(chain: &Chain, at: &Hash, who: &wcme_runtime_subchain::AccountId) -> Balance {
    let info: frame_system::AccountInfo<u32, pallet_balances::AccountData<Balance>> = chain
        .executor
        .storage(
            at,
            &frame_system::Account::<wcme_runtime_subchain::Runtime>::hashed_key_for(who),
        )
        .expect("readable")
        .map(|raw| codec::Decode::decode(&mut &raw[..]).expect("decodes"))
        .unwrap_or_default();
    info.data.free
}

#[test]
fn the_node_executor_builds_and_imports_subchain_blocks() {
    let producer = chain("development");
    let importer = chain("development");
    assert_eq!(
        producer.genesis.hash(),
        importer.genesis.hash(),
        "genesis is deterministic"
    );
    let genesis = producer.genesis.hash();
    let bob = Bob.to_account_id();
    let good = signed_transfer(&Alice.pair(), &bob, 5 * UNIT, 0, genesis);
    let stale = signed_transfer(&Alice.pair(), &bob, UNIT, 0, genesis);
    let built = producer
        .executor
        .build_block(
            &producer.genesis,
            &inherents(MILLISECS_PER_BLOCK),
            Digest::default(),
            vec![tx(good.clone()), tx(stale.clone())],
            limits(),
        )
        .expect("builds");
    assert_eq!(built.included, vec![tx(good).0]);
    assert_eq!(
        built
            .rejected
            .iter()
            .map(|(h, e)| (*h, *e))
            .collect::<Vec<_>>(),
        vec![(
            tx(stale).0,
            TransactionValidityError::Invalid(InvalidTransaction::Stale)
        )]
    );
    assert_eq!(built.block.extrinsics.len(), 2, "timestamp + transfer");

    let executed = importer
        .executor
        .execute_block(&built.block, &inherents(MILLISECS_PER_BLOCK))
        .expect("valid");
    assert_eq!(executed.state_root, *built.block.header.state_root());
    importer
        .executor
        .db()
        .commit_block(BlockCommit {
            header: built.block.header.clone(),
            body: built.block.extrinsics.clone(),
            justifications: None,
            trie_nodes: executed.trie_nodes,
            set_best: true,
            finalize: false,
        })
        .expect("commits");
    let at = built.block.header.hash();
    assert_eq!(
        free_balance(&importer, &at, &bob),
        DEV_ACCOUNT_BALANCE + 5 * UNIT
    );
    let alice = free_balance(&importer, &at, &Alice.to_account_id());
    assert!(alice < DEV_ACCOUNT_BALANCE - 5 * UNIT, "Alice paid a fee");

    // The opaque block the node stores and gossips round-trips.
    let bytes = built.block.encode();
    assert_eq!(
        <Block as codec::Decode>::decode(&mut &bytes[..])
            .expect("decodes")
            .encode(),
        bytes
    );
}

#[test]
fn the_node_executor_validates_transactions_and_reads_the_chain_config() {
    let chain = chain("local_testnet");
    let genesis = chain.genesis.hash();
    let transfer = signed_transfer(&Alice.pair(), &Bob.to_account_id(), UNIT, 0, genesis);
    let valid = chain
        .executor
        .validate_transaction(&genesis, TransactionSource::External, &transfer)
        .expect("runtime answers")
        .expect("valid");
    assert!(!valid.provides.is_empty());

    let version = chain.executor.runtime_version(&genesis).expect("version");
    assert_eq!(version.spec_name, "wcme-subchain");
    let validators: Vec<C3nKey> = chain
        .executor
        .call_decoded(&genesis, "ValidatorSetApi_validators", &[])
        .expect("api");
    assert_eq!(validators.len(), 4);
    let kind: ConsensusKind = chain
        .executor
        .call_decoded(&genesis, "ChainConfigApi_consensus_kind", &[])
        .expect("api");
    assert_eq!(kind, ConsensusKind::Aura);
    assert!(matches!(
        chain
            .executor
            .call_at(&genesis, "PocApi_slot_duration_ms", &[]),
        Err(ExecutorError::UnknownMethod(_))
    ));
    assert_eq!(
        SUBCHAIN_RUNTIME.preset_names().expect("names"),
        vec!["development", "local_testnet"]
    );
}

#[test]
fn a_node_with_another_runtime_refuses_the_subchain_state() {
    // A node whose compiled-in runtime has another `spec_name` (e.g. the main chain's `wcme`)
    // must not execute blocks on top of a subchain's state.
    let chain = chain("development");
    let other = RuntimeDescriptor {
        dispatch: wcme_runtime_subchain::dispatch,
        version: || {
            let mut version = wcme_runtime_subchain::VERSION;
            version.spec_name = "wcme".into();
            version
        },
    };
    let other_node = Executor::new(other, chain.executor.db().clone());
    let result = other_node.build_block(
        &chain.genesis,
        &inherents(MILLISECS_PER_BLOCK),
        Digest::default(),
        vec![],
        limits(),
    );
    assert!(
        matches!(result, Err(ExecutorError::RuntimeMismatch { .. })),
        "{:?}",
        result.err()
    );
}

#[test]
fn a_bad_genesis_is_refused_with_the_runtime_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Arc::new(ChainDb::open(dir.path(), &DbConfig::default()).expect("opens"));
    let executor = Executor::new(SUBCHAIN_RUNTIME, db);
    let alice = serde_json::json!({ "sr25519": format!("0x{}", hex::encode(Alice.public().0)) });

    // A chain-spec patch merged onto the runtime's default config, as the node merges it.
    let good = serde_json::json!({ "chainConfig": { "validators": [alice.clone()] } });
    executor
        .build_genesis(&GenesisSource::Patch(good))
        .expect("a patch naming the validators builds");

    let duplicate = serde_json::json!({ "chainConfig": { "validators": [alice.clone(), alice] } });
    match executor.build_genesis(&GenesisSource::Patch(duplicate)) {
        Err(ExecutorError::RuntimePanic { message, .. }) => assert!(
            message.contains("invalid validator set: DuplicateValidator"),
            "{message}"
        ),
        other => panic!("expected a runtime panic, got {:?}", other.err()),
    }
}
