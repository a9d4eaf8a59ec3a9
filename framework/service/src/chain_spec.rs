//! Chain specifications: the JSON file that names a chain, its consensus and its genesis.
//!
//! The format follows Substrate's (`name`, `id`, `chainType`, `bootNodes`, `properties`,
//! `genesis.runtimeGenesis.patch` or `genesis.raw.top`) with one WCME section, `consensus`, that
//! says which engine runs the chain. There is no `code` field: the runtime is compiled into the
//! node (see `docs/architecture.md`).

use std::{collections::BTreeMap, path::Path};

use serde::{Deserialize, Serialize};
use wcme_executor::{GenesisSource, StoragePairs};

/// The shortest slot a chain may use: runtimes keep block timestamps at least 500 ms apart.
pub const MIN_SLOT_DURATION_MS: u64 = 1000;

/// Why a chain spec cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ChainSpecError {
    /// The file cannot be read.
    #[error("cannot read chain spec {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid chain spec (truncated, not JSON, a field missing or mistyped).
    #[error("invalid chain spec {path}: {source}")]
    Json {
        /// The file.
        path: String,
        /// What serde_json says, with line and column.
        source: serde_json::Error,
    },
    /// A raw storage key or value is not 0x-prefixed hex.
    #[error("invalid chain spec: raw storage {what} `{value}` is not 0x-prefixed hex")]
    BadHex {
        /// `key` or `value`.
        what: &'static str,
        /// The offending text (shortened).
        value: String,
    },
    /// The consensus section names an unknown engine or a bad authority.
    #[error("invalid chain spec: consensus: {0}")]
    Consensus(String),
    /// No built-in chain has that name.
    #[error(
        "unknown chain `{0}`: use dev, local, subchain-dev or a path to a chain spec JSON file"
    )]
    UnknownChain(String),
}

/// The kind of chain, as `system_chainType` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainType {
    /// A single-node development chain.
    Development,
    /// A local multi-node testnet.
    Local,
    /// A public chain.
    Live,
    /// Anything else.
    Custom(String),
}

impl ChainType {
    /// The name `system_chainType` returns.
    pub fn name(&self) -> String {
        match self {
            Self::Development => "Development".into(),
            Self::Local => "Local".into(),
            Self::Live => "Live".into(),
            Self::Custom(name) => name.clone(),
        }
    }
}

/// Which consensus engine runs the chain, and the engine's own settings.
///
/// In JSON the engine name is the `engine` field: `{"engine": "dev", "authority": "0x…",
/// "slotDurationMs": 6000}`, `{"engine": "poc"}`, `{"engine": "aura", "slotDurationMs": 2000}`,
/// `{"engine": "pbft", "slotDurationMs": 2000}` or `{"engine": "pow", "slotDurationMs": 1000,
/// "targetSlots": 2, "initialDifficulty": 100000, "finalityDepth": 5}`. An unknown engine is
/// rejected when the spec is read, naming the engines this node knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "engine", rename_all = "camelCase")]
pub enum ConsensusSpec {
    /// One authority authors every slot and every block is final at once (`--dev` chains).
    #[serde(rename_all = "camelCase")]
    Dev {
        /// The authority's sr25519 public key, 0x-hex.
        authority: String,
        /// Slot length (target block time) in milliseconds.
        slot_duration_ms: u64,
    },
    /// Proof-of-Credit: the runtime's `Poc` pallet schedules the producers and fixes the slot
    /// length in its genesis config (so the two can never disagree).
    Poc {},
    /// Aura: the runtime's validator set (`ValidatorSetApi`) authors in turn, one slot each;
    /// the finality gadget finalizes with one vote per validator.
    #[serde(rename_all = "camelCase")]
    Aura {
        /// Slot length (target block time) in milliseconds.
        slot_duration_ms: u64,
    },
    /// PBFT: the validators propose in turn on the last final block only, and the gadget's two
    /// voting phases commit it: instant finality, no forks, `f = ⌊(n−1)/3⌋` faults tolerated.
    #[serde(rename_all = "camelCase")]
    Pbft {
        /// Slot length (one proposer's turn) in milliseconds.
        slot_duration_ms: u64,
    },
    /// Proof of work (test and demo chains): any authoring node mines, the longest chain wins,
    /// and a block is final once `finality_depth` blocks are on top of it.
    #[serde(rename_all = "camelCase")]
    Pow {
        /// Slot length in milliseconds: the timestamp step and how long one mining attempt runs.
        slot_duration_ms: u64,
        /// The block time difficulty adjustment aims at, in slots.
        target_slots: u64,
        /// The difficulty (expected hashes per block) of the first block.
        initial_difficulty: u64,
        /// Blocks on top of a block that make it final.
        finality_depth: u32,
    },
}

/// Genesis as a runtime config patch or as raw storage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Genesis {
    /// Built by the runtime's `GenesisBuilder`.
    RuntimeGenesis(RuntimeGenesis),
    /// Storage key/value pairs, hex.
    Raw(RawGenesis),
}

/// A genesis config for the runtime's `GenesisBuilder`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuntimeGenesis {
    /// A patch over the runtime's default config.
    Patch(serde_json::Value),
    /// A complete config.
    Config(serde_json::Value),
}

/// Raw genesis storage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawGenesis {
    /// Top-level trie: 0x-hex key → 0x-hex value.
    pub top: BTreeMap<String, String>,
    /// Child tries (unused by WCME runtimes, kept for format compatibility).
    #[serde(default)]
    pub children_default: BTreeMap<String, serde_json::Value>,
}

/// A chain specification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainSpec {
    /// Human-readable chain name (`system_chain`).
    pub name: String,
    /// Short id; the database lives in `<base-path>/chains/<id>/db`.
    pub id: String,
    /// Kind of chain.
    pub chain_type: ChainType,
    /// Peers to connect to at start.
    #[serde(default)]
    pub boot_nodes: Vec<String>,
    /// Token properties (`tokenSymbol`, `tokenDecimals`, `ss58Format`).
    #[serde(default)]
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// The `spec_name` of the runtime the chain runs, when it is not the node's own (a node
    /// may have several compiled in: `wcme-node` also runs the subchain template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// The consensus engine.
    pub consensus: ConsensusSpec,
    /// The genesis state.
    pub genesis: Genesis,
}

impl ChainSpec {
    /// Reads a chain spec JSON file.
    pub fn from_file(path: &Path) -> Result<Self, ChainSpecError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ChainSpecError::Io {
            path: shown.clone(),
            source,
        })?;
        let spec: Self = serde_json::from_slice(&bytes).map_err(|source| ChainSpecError::Json {
            path: shown,
            source,
        })?;
        spec.consensus.validate()?;
        if let Genesis::Raw(raw) = &spec.genesis {
            raw_pairs(raw)?;
        }
        Ok(spec)
    }

    /// The spec as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serializing plain data structures cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Where the runtime takes the genesis state from.
    pub fn genesis_source(&self) -> Result<GenesisSource, ChainSpecError> {
        Ok(match &self.genesis {
            Genesis::RuntimeGenesis(RuntimeGenesis::Patch(patch)) => {
                GenesisSource::Patch(patch.clone())
            }
            Genesis::RuntimeGenesis(RuntimeGenesis::Config(config)) => {
                GenesisSource::Config(config.clone())
            }
            Genesis::Raw(raw) => GenesisSource::Raw(raw_pairs(raw)?),
        })
    }
}

impl ConsensusSpec {
    /// The engine's name as the spec writes it.
    pub fn engine_name(&self) -> &'static str {
        match self {
            Self::Dev { .. } => "dev",
            Self::Poc {} => "poc",
            Self::Aura { .. } => "aura",
            Self::Pbft { .. } => "pbft",
            Self::Pow { .. } => "pow",
        }
    }

    /// The key a development account (`//Alice`, …) authors with on this engine: a POC agent
    /// seals with its packing key (`//Alice//poc`), never its account key (DESIGN §4); the other
    /// engines' validators are registered with their account keys.
    pub fn dev_authoring_uri(&self, account_uri: &str) -> String {
        match self {
            Self::Poc {} => format!(
                "{account_uri}{}",
                wcme_consensus_primitives::poc::DEV_PACKING_KEY_PATH
            ),
            Self::Dev { .. } | Self::Aura { .. } | Self::Pbft { .. } | Self::Pow { .. } => {
                account_uri.to_string()
            }
        }
    }

    /// Checks the engine's settings.
    pub fn validate(&self) -> Result<(), ChainSpecError> {
        match self {
            Self::Dev {
                authority,
                slot_duration_ms,
            } => {
                dev_authority(authority)?;
                check_slot_duration(*slot_duration_ms)
            }
            Self::Poc {} => Ok(()),
            Self::Aura { slot_duration_ms } | Self::Pbft { slot_duration_ms } => {
                check_slot_duration(*slot_duration_ms)
            }
            Self::Pow {
                slot_duration_ms,
                target_slots,
                initial_difficulty,
                finality_depth,
            } => {
                check_slot_duration(*slot_duration_ms)?;
                if *target_slots == 0 {
                    return Err(ChainSpecError::Consensus(
                        "targetSlots must be at least 1".into(),
                    ));
                }
                if *initial_difficulty == 0 {
                    return Err(ChainSpecError::Consensus(
                        "initialDifficulty must be at least 1".into(),
                    ));
                }
                if *finality_depth == 0 {
                    return Err(ChainSpecError::Consensus(
                        "finalityDepth must be at least 1".into(),
                    ));
                }
                Ok(())
            }
        }
    }
}

fn check_slot_duration(slot_duration_ms: u64) -> Result<(), ChainSpecError> {
    if slot_duration_ms < MIN_SLOT_DURATION_MS {
        return Err(ChainSpecError::Consensus(format!(
            "slotDurationMs must be at least {MIN_SLOT_DURATION_MS}"
        )));
    }
    Ok(())
}

/// The dev engine's authority key from its 0x-hex form.
pub(crate) fn dev_authority(hex: &str) -> Result<sp_core::sr25519::Public, ChainSpecError> {
    let bytes = decode_hex(hex, "key")
        .map_err(|_| ChainSpecError::Consensus("authority is not 0x-hex".into()))?;
    let raw: [u8; 32] = bytes
        .try_into()
        .map_err(|_| ChainSpecError::Consensus("authority must be 32 bytes".into()))?;
    Ok(sp_core::sr25519::Public::from_raw(raw))
}

impl ChainSpec {
    /// The same spec with its genesis replaced by raw storage.
    pub fn into_raw(mut self, storage: &[(Vec<u8>, Vec<u8>)]) -> Self {
        let top = storage
            .iter()
            .map(|(k, v)| {
                (
                    format!("0x{}", hex::encode(k)),
                    format!("0x{}", hex::encode(v)),
                )
            })
            .collect();
        self.genesis = Genesis::Raw(RawGenesis {
            top,
            children_default: BTreeMap::new(),
        });
        self
    }
}

fn raw_pairs(raw: &RawGenesis) -> Result<StoragePairs, ChainSpecError> {
    raw.top
        .iter()
        .map(|(k, v)| Ok((decode_hex(k, "key")?, decode_hex(v, "value")?)))
        .collect()
}

fn decode_hex(text: &str, what: &'static str) -> Result<Vec<u8>, ChainSpecError> {
    let bad = || ChainSpecError::BadHex {
        what,
        value: text.chars().take(20).collect(),
    };
    let digits = text.strip_prefix("0x").ok_or_else(bad)?;
    hex::decode(digits).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ChainSpec {
        ChainSpec {
            name: "Development".into(),
            id: "dev".into(),
            chain_type: ChainType::Development,
            boot_nodes: vec![],
            properties: Default::default(),
            runtime: None,
            consensus: ConsensusSpec::Dev {
                authority: format!("0x{}", "11".repeat(32)),
                slot_duration_ms: 6000,
            },
            genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Patch(serde_json::json!({}))),
        }
    }

    #[test]
    fn round_trips_through_json_in_substrate_shape() {
        let json = spec().to_json();
        assert!(json.contains("\"chainType\": \"Development\""));
        assert!(json.contains("\"runtimeGenesis\""));
        let back: ChainSpec = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, spec());
    }

    #[test]
    fn truncated_file_names_the_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("spec.json");
        let json = spec().to_json();
        std::fs::write(&path, &json[..json.len() / 2]).expect("write");
        let error = ChainSpec::from_file(&path).expect_err("truncated");
        let message = error.to_string();
        assert!(message.contains("spec.json"), "{message}");
        assert!(
            message.contains("EOF") || message.contains("line"),
            "{message}"
        );
    }

    #[test]
    fn raw_genesis_with_bad_hex_is_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("raw.json");
        let mut raw = spec().into_raw(&[(vec![1], vec![2])]);
        if let Genesis::Raw(r) = &mut raw.genesis {
            r.top.insert("0xzz".into(), "0x00".into());
        }
        std::fs::write(&path, raw.to_json()).expect("write");
        assert!(matches!(
            ChainSpec::from_file(&path),
            Err(ChainSpecError::BadHex { .. })
        ));
    }

    #[test]
    fn unknown_engine_and_bad_settings_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("spec.json");
        let mut json: serde_json::Value = serde_json::from_str(&spec().to_json()).expect("json");
        json["consensus"]["engine"] = "magic".into();
        std::fs::write(&path, json.to_string()).expect("write");
        let error = ChainSpec::from_file(&path).expect_err("unknown engine");
        assert!(
            error.to_string().contains("unknown variant `magic`"),
            "{error}"
        );

        let bad = ConsensusSpec::Dev {
            authority: "0x1234".into(),
            slot_duration_ms: 6000,
        };
        assert!(matches!(bad.validate(), Err(ChainSpecError::Consensus(_))));
        let fast = ConsensusSpec::Dev {
            authority: format!("0x{}", "11".repeat(32)),
            slot_duration_ms: 10,
        };
        assert!(matches!(fast.validate(), Err(ChainSpecError::Consensus(_))));

        let poc: ConsensusSpec =
            serde_json::from_str(r#"{"engine":"poc"}"#).expect("poc needs no settings");
        assert_eq!(poc, ConsensusSpec::Poc {});
        assert_eq!(
            serde_json::to_string(&poc).expect("json"),
            r#"{"engine":"poc"}"#
        );
    }
}
