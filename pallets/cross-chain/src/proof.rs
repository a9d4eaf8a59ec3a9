//! Storage proofs: reading one key of a chain's state from a proof against its state root.
//!
//! A proof is a **standard Substrate storage proof**: the set of encoded trie nodes, in any order,
//! exactly as `state_getReadProof(keys, at)` returns them under `"proof"` (or
//! `sp_trie::StorageProof::into_iter_nodes`). The trie is FRAME's state trie:
//! `sp_trie::LayoutV1<BlakeTwo256>` (nodes of state version 0 decode the same way), keys the
//! storage keys of [`crate::message`].
//!
//! [`read_proof`] puts the nodes in a memory database keyed by their `blake2_256` hash and looks
//! the key up from the root: a node the lookup needs and the proof lacks (or a root no node hashes
//! to) is [`ProofError::MissingNode`], so a tampered node or a proof for another root fails;
//! nodes the lookup does not need are ignored. [`read_proof_bounded`] first refuses proofs with
//! too many or too large nodes, before any hashing.

use alloc::vec::Vec;
use sp_core::H256;
use sp_runtime::traits::BlakeTwo256;
use sp_trie::{HashDBT, LayoutV1, MemoryDB};

/// The trie layout of WCME state: FRAME's, version 1.
pub type StateLayout = LayoutV1<BlakeTwo256>;

/// Why a storage proof does not prove anything.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProofError {
    /// The root is zero: no audited state has it.
    ZeroRoot,
    /// More nodes than allowed.
    TooManyNodes,
    /// A node larger than allowed.
    NodeTooLarge,
    /// A node the lookup needs is not in the proof (or does not hash to what its parent says,
    /// or no node hashes to the root).
    MissingNode,
    /// A node on the path does not decode as a trie node.
    BadNode,
}

/// Reads `key` in the state whose root is `root`, from the trie nodes `proof`: `Ok(Some(value))`
/// if the proof shows the key holds `value`, `Ok(None)` if it shows the key is absent, `Err` if
/// it proves neither. Unbounded: callers bound the proof first ([`read_proof_bounded`]).
pub fn read_proof(
    root: H256,
    proof: &[Vec<u8>],
    key: &[u8],
) -> Result<Option<Vec<u8>>, ProofError> {
    if root.is_zero() {
        return Err(ProofError::ZeroRoot);
    }
    let mut db = MemoryDB::<BlakeTwo256>::with_hasher(Default::default());
    for node in proof {
        db.insert(sp_trie::EMPTY_PREFIX, node);
    }
    sp_trie::read_trie_value::<StateLayout, _>(&db, &root, key, None, None).map_err(|error| {
        match *error {
            sp_trie::TrieError::<StateLayout>::InvalidStateRoot(_)
            | sp_trie::TrieError::<StateLayout>::IncompleteDatabase(_) => ProofError::MissingNode,
            sp_trie::TrieError::<StateLayout>::ValueAtIncompleteKey(..)
            | sp_trie::TrieError::<StateLayout>::DecoderError(..)
            | sp_trie::TrieError::<StateLayout>::InvalidHash(..) => ProofError::BadNode,
        }
    })
}

/// [`read_proof`] of a proof with at most `max_nodes` nodes of at most `max_node_size` bytes
/// each; a larger proof is refused before any node is hashed.
pub fn read_proof_bounded(
    root: H256,
    proof: &[Vec<u8>],
    key: &[u8],
    max_nodes: u32,
    max_node_size: u32,
) -> Result<Option<Vec<u8>>, ProofError> {
    check_bounds(proof, max_nodes, max_node_size)?;
    read_proof(root, proof, key)
}

/// `Ok` if `proof` has at most `max_nodes` nodes of at most `max_node_size` bytes each.
pub fn check_bounds(
    proof: &[Vec<u8>],
    max_nodes: u32,
    max_node_size: u32,
) -> Result<(), ProofError> {
    if u32::try_from(proof.len()).map_or(true, |nodes| nodes > max_nodes) {
        return Err(ProofError::TooManyNodes);
    }
    if proof
        .iter()
        .any(|node| u32::try_from(node.len()).map_or(true, |size| size > max_node_size))
    {
        return Err(ProofError::NodeTooLarge);
    }
    Ok(())
}

/// Builds the state trie holding `entries` and returns its root with a storage proof of `keys`
/// (present or absent): what `state_getReadProof(keys)` returns on a chain with that state. For
/// tests, benchmarks and tools; a chain's node produces real proofs from its own state.
pub fn build_proof(entries: &[(Vec<u8>, Vec<u8>)], keys: &[&[u8]]) -> (H256, Vec<Vec<u8>>) {
    use sp_trie::{Trie, TrieMut};

    let mut db = MemoryDB::<BlakeTwo256>::with_hasher(Default::default());
    let mut root = H256::zero();
    {
        let mut trie = sp_trie::trie_types::TrieDBMutBuilderV1::new(&mut db, &mut root).build();
        for (key, value) in entries {
            // A memory database does not fail; an entry that did would be missing from the
            // proof, which the caller's checks would show.
            let _ = trie.insert(key, value);
        }
    }
    let recorder = sp_trie::recorder::Recorder::<BlakeTwo256>::default();
    {
        let mut trie_recorder = recorder.as_trie_recorder(root);
        let trie = sp_trie::TrieDBBuilder::<StateLayout>::new(&db, &root)
            .with_recorder(&mut trie_recorder)
            .build();
        for key in keys {
            let _ = trie.get(key);
        }
    }
    (
        root,
        recorder.drain_storage_proof().into_iter_nodes().collect(),
    )
}
