//! Building the genesis state and block.

use codec::Encode;
use sp_runtime::traits::{Hash as _, Header as _};
use sp_state_machine::OverlayedChanges;
use wcme_primitives::{Hash, Hashing, Header};
use wcme_storage::TrieTransaction;

use crate::{
    error::ExecutorError,
    runtime::{Executor, RuntimeDescriptor},
};

/// Storage key/value pairs.
pub type StoragePairs = Vec<(Vec<u8>, Vec<u8>)>;

/// Where the genesis state comes from.
#[derive(Clone, Debug)]
pub enum GenesisSource {
    /// A named preset of the runtime's `GenesisBuilder` (e.g. `development`).
    Preset(String),
    /// A JSON patch over the runtime's default genesis config.
    Patch(serde_json::Value),
    /// A complete genesis config.
    Config(serde_json::Value),
    /// Raw storage key/value pairs (a `--raw` chain spec).
    Raw(StoragePairs),
}

/// The genesis block with its state.
pub struct GenesisState {
    /// Header of block #0.
    pub header: Header,
    /// Trie nodes of the genesis state.
    pub trie_nodes: TrieTransaction,
    /// The genesis storage as key/value pairs, sorted by key.
    pub storage: StoragePairs,
}

impl Executor {
    /// Builds the genesis state from `source` and the block #0 that commits to it.
    pub fn build_genesis(&self, source: &GenesisSource) -> Result<GenesisState, ExecutorError> {
        self.runtime.build_genesis(source)
    }
}

type EmptyState = sp_state_machine::InMemoryBackend<Hashing>;

fn empty_state() -> EmptyState {
    sp_state_machine::new_in_mem::<Hashing>()
}

impl RuntimeDescriptor {
    /// Builds the genesis state from `source` and the block #0 that commits to it.
    pub fn build_genesis(&self, source: &GenesisSource) -> Result<GenesisState, ExecutorError> {
        let empty = empty_state();
        let mut overlay = OverlayedChanges::default();
        match source {
            GenesisSource::Raw(pairs) => {
                for (key, value) in pairs {
                    overlay.set_storage(key.clone(), Some(value.clone()));
                }
            }
            GenesisSource::Preset(name) => {
                let patch = self.preset(name)?;
                self.build_state(&empty, &mut overlay, &self.merged_with_default(patch)?)?;
            }
            GenesisSource::Patch(patch) => {
                self.build_state(
                    &empty,
                    &mut overlay,
                    &self.merged_with_default(patch.clone())?,
                )?;
            }
            GenesisSource::Config(config) => self.build_state(&empty, &mut overlay, config)?,
        }
        let mut storage: StoragePairs = overlay
            .changes_mut()
            .filter_map(|(key, value)| value.value().map(|v| (key.clone(), v.clone())))
            .collect();
        storage.sort();
        let (trie_nodes, state_root) = self.drain_changes(&empty, &mut overlay)?;
        let state_version = (self.version)().state_version();
        let header = Header::new(
            0,
            Hashing::trie_root(Vec::new(), state_version),
            state_root,
            Hash::zero(),
            Default::default(),
        );
        Ok(GenesisState {
            header,
            trie_nodes,
            storage,
        })
    }

    /// The JSON patch of a named runtime preset.
    pub fn preset(&self, name: &str) -> Result<serde_json::Value, ExecutorError> {
        let json = self
            .genesis_call_preset(Some(name.as_bytes().to_vec()))?
            .ok_or_else(|| {
                ExecutorError::Genesis(format!("the runtime has no genesis preset `{name}`"))
            })?;
        serde_json::from_slice(&json)
            .map_err(|e| ExecutorError::Genesis(format!("preset `{name}` is not JSON: {e}")))
    }

    /// Names of the runtime's genesis presets.
    pub fn preset_names(&self) -> Result<Vec<String>, ExecutorError> {
        let empty = empty_state();
        let names: Vec<Vec<u8>> = self.execute_decoded(
            &empty,
            &mut OverlayedChanges::default(),
            "GenesisBuilder_preset_names",
            &[],
        )?;
        Ok(names
            .into_iter()
            .map(|n| String::from_utf8_lossy(&n).into_owned())
            .collect())
    }

    fn genesis_call_preset(&self, id: Option<Vec<u8>>) -> Result<Option<Vec<u8>>, ExecutorError> {
        let empty = empty_state();
        self.execute_decoded(
            &empty,
            &mut OverlayedChanges::default(),
            "GenesisBuilder_get_preset",
            &id.encode(),
        )
    }

    /// The runtime's default genesis config with `patch` merged into it.
    fn merged_with_default(
        &self,
        patch: serde_json::Value,
    ) -> Result<serde_json::Value, ExecutorError> {
        let default = self.genesis_call_preset(None)?.ok_or_else(|| {
            ExecutorError::Genesis("the runtime has no default genesis config".into())
        })?;
        let mut config: serde_json::Value = serde_json::from_slice(&default)
            .map_err(|e| ExecutorError::Genesis(format!("default config is not JSON: {e}")))?;
        json_merge(&mut config, patch);
        Ok(config)
    }

    fn build_state(
        &self,
        empty: &EmptyState,
        overlay: &mut OverlayedChanges<Hashing>,
        config: &serde_json::Value,
    ) -> Result<(), ExecutorError> {
        let json = serde_json::to_vec(config)
            .map_err(|e| ExecutorError::Genesis(format!("cannot serialize config: {e}")))?;
        let result: Result<(), String> =
            self.execute_decoded(empty, overlay, "GenesisBuilder_build_state", &json.encode())?;
        result.map_err(|message| ExecutorError::Runtime {
            method: "GenesisBuilder_build_state",
            message,
        })
    }
}

/// Merges `patch` into `base` as Substrate's chain-spec builder does: objects key by key,
/// recursively; any other value replaces what was there.
pub(crate) fn json_merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                json_merge(base.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

#[cfg(test)]
mod tests {
    use super::json_merge;
    use serde_json::json;

    #[test]
    fn merge_replaces_leaves_and_recurses_into_objects() {
        let mut base = json!({"a": {"x": 1, "y": [1, 2]}, "b": 2});
        json_merge(&mut base, json!({"a": {"y": [3], "z": true}, "c": null}));
        assert_eq!(
            base,
            json!({"a": {"x": 1, "y": [3], "z": true}, "b": 2, "c": null})
        );
    }
}
