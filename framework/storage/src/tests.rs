//! Chain database tests on real RocksDB directories.

use codec::Encode;
use sp_runtime::traits::Header as _;
use sp_state_machine::Backend;
use sp_trie::PrefixedMemoryDB;
use wcme_primitives::{Hash, Hashing, Header};

use crate::{BlockCommit, ChainDb, DbConfig, StorageError, TrieTransaction};

/// A state with one key, as its trie nodes and root.
fn state_with(key: &[u8], value: &[u8]) -> (TrieTransaction, Hash) {
    let empty = sp_state_machine::new_in_mem::<Hashing>();
    let (root, nodes) = empty.storage_root(
        std::iter::once((key, Some(value))),
        sp_runtime::StateVersion::V1,
    );
    (nodes, root)
}

fn header(number: u32, parent: Hash, state_root: Hash, salt: u8) -> Header {
    Header::new(
        number,
        Hash::repeat_byte(salt),
        state_root,
        parent,
        Default::default(),
    )
}

fn block(db: &ChainDb, header: Header, nodes: TrieTransaction, best: bool) -> Hash {
    let hash = header.hash();
    db.commit_block(BlockCommit {
        header,
        body: vec![],
        justifications: None,
        trie_nodes: nodes,
        set_best: best,
        finalize: false,
    })
    .expect("commits");
    hash
}

fn genesis(db: &ChainDb) -> Header {
    let (nodes, root) = state_with(b"genesis", b"state");
    let header = header(0, Hash::zero(), root, 0);
    db.commit_genesis(header.clone(), nodes).expect("genesis");
    header
}

#[test]
fn blocks_and_state_survive_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (g, b1) = {
        let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
        assert!(db.info().is_none());
        let g = genesis(&db);
        let (nodes, root) = state_with(b"key", b"one");
        let b1 = block(&db, header(1, g.hash(), root, 1), nodes, true);
        (g, b1)
    };
    let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("reopens");
    let info = db.require_info().expect("has genesis");
    assert_eq!(info.genesis, g.hash());
    assert_eq!(info.best, (1, b1));
    assert_eq!(db.canonical_hash(1).expect("reads"), Some(b1));
    let state = db.state_at_block(&b1).expect("state");
    assert_eq!(state.storage(b"key").expect("reads"), Some(b"one".to_vec()));
    // Archive: the genesis state is still readable.
    let old = db.state_at_block(&g.hash()).expect("state");
    assert_eq!(
        old.storage(b"genesis").expect("reads"),
        Some(b"state".to_vec())
    );
    assert!(matches!(
        db.commit_genesis(g, TrieTransaction::default()),
        Err(StorageError::GenesisExists)
    ));
}

#[test]
fn longer_fork_becomes_canonical_and_shorter_one_is_unindexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
    let g = genesis(&db);
    let root = *g.state_root();
    let a1 = block(
        &db,
        header(1, g.hash(), root, 1),
        PrefixedMemoryDB::default(),
        true,
    );
    let a2 = block(
        &db,
        header(2, a1, root, 2),
        PrefixedMemoryDB::default(),
        true,
    );
    let b1 = block(
        &db,
        header(1, g.hash(), root, 11),
        PrefixedMemoryDB::default(),
        false,
    );
    assert_eq!(db.canonical_hash(1).expect("reads"), Some(a1));
    let b2 = block(
        &db,
        header(2, b1, root, 12),
        PrefixedMemoryDB::default(),
        false,
    );
    let b3 = block(
        &db,
        header(3, b2, root, 13),
        PrefixedMemoryDB::default(),
        true,
    );
    assert_eq!(db.info().expect("info").best, (3, b3));
    assert_eq!(db.canonical_hash(1).expect("reads"), Some(b1));
    assert_eq!(db.canonical_hash(2).expect("reads"), Some(b2));
    assert_ne!(db.canonical_hash(2).expect("reads"), Some(a2));
    // Back to a shorter chain: index entries above it go away.
    let a3 = block(
        &db,
        header(1, g.hash(), root, 21),
        PrefixedMemoryDB::default(),
        true,
    );
    assert_eq!(db.canonical_hash(1).expect("reads"), Some(a3));
    assert_eq!(db.canonical_hash(2).expect("reads"), None);
    assert_eq!(db.canonical_hash(3).expect("reads"), None);
}

#[test]
fn finalization_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
    let g = genesis(&db);
    let root = *g.state_root();
    let a1 = block(
        &db,
        header(1, g.hash(), root, 1),
        PrefixedMemoryDB::default(),
        true,
    );
    let side = block(
        &db,
        header(1, g.hash(), root, 9),
        PrefixedMemoryDB::default(),
        false,
    );
    assert!(matches!(
        db.finalize(&side, None),
        Err(StorageError::BadFinalization { .. })
    ));
    assert!(matches!(
        db.finalize(&Hash::repeat_byte(5), None),
        Err(StorageError::UnknownBlock(_))
    ));
    // Proven final off the best chain: made best first, then final.
    assert_eq!(
        db.set_best(&side).expect("side becomes best").best,
        (1, side)
    );
    assert_eq!(db.canonical_hash(1).expect("index"), Some(side));
    assert!(matches!(
        db.finalize(&a1, None),
        Err(StorageError::BadFinalization { .. })
    ));
    db.set_best(&a1).expect("back");
    db.finalize(&a1, None).expect("finalizes");
    assert_eq!(db.info().expect("info").finalized, (1, a1));
    assert!(matches!(
        db.set_best(&side),
        Err(StorageError::BadFinalization { .. })
    ));
    assert!(matches!(
        db.finalize(&g.hash(), None),
        Err(StorageError::BadFinalization { .. })
    ));
}

#[test]
fn unknown_parent_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
    let g = genesis(&db);
    let orphan = header(2, Hash::repeat_byte(4), *g.state_root(), 1);
    let result = db.commit_block(BlockCommit {
        header: orphan,
        body: vec![],
        justifications: None,
        trie_nodes: PrefixedMemoryDB::default(),
        set_best: true,
        finalize: false,
    });
    assert!(matches!(result, Err(StorageError::UnknownParent { .. })));
    assert_eq!(db.info().expect("info").best.0, 0, "nothing written");
}

#[test]
fn inconsistent_meta_is_refused_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
        genesis(&db);
        let meta = db.db.cf_handle("meta").expect("meta");
        db.db
            .put_cf(meta, b"best", (3u32, Hash::repeat_byte(3)).encode())
            .expect("put");
    }
    match ChainDb::open(dir.path(), &DbConfig::default()) {
        Err(StorageError::Inconsistent(message)) => assert!(message.contains("best"), "{message}"),
        other => panic!("expected an inconsistency, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn meta_without_blocks_and_blocks_without_meta_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
        genesis(&db);
        let meta = db.db.cf_handle("meta").expect("meta");
        db.db.delete_cf(meta, b"genesis").expect("delete");
    }
    assert!(matches!(
        ChainDb::open(dir.path(), &DbConfig::default()),
        Err(StorageError::Inconsistent(_))
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("opens");
        genesis(&db);
        let meta = db.db.cf_handle("meta").expect("meta");
        for key in [&b"genesis"[..], b"schema", b"best", b"finalized"] {
            db.db.delete_cf(meta, key).expect("delete");
        }
    }
    assert!(matches!(
        ChainDb::open(dir.path(), &DbConfig::default()),
        Err(StorageError::Inconsistent(_))
    ));
}

#[test]
fn auxiliary_records_survive_reopening_apart_from_the_meta() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("open");
        genesis(&db);
        assert_eq!(db.aux(b"voter").expect("read"), None);
        db.put_aux(b"voter", b"state 1").expect("write");
        db.put_aux(b"voter", b"state 2").expect("overwrite");
        // A record named like the chain's own metadata does not touch it.
        db.put_aux(b"best", b"not a block").expect("write");
    }
    let db = ChainDb::open(dir.path(), &DbConfig::default()).expect("reopen");
    assert_eq!(db.aux(b"voter").expect("read"), Some(b"state 2".to_vec()));
    assert_eq!(db.require_info().expect("info").best.0, 0);
}
