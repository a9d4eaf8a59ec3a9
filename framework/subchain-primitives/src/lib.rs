//! What the main chain's subchain registry and a subchain's runtime agree on.
//!
//! A subchain declares its consensus engine and its validator (C3N, DESIGN §5) set twice: in its
//! own state, written at genesis and changed by its governance (the subchain runtime's
//! chain-config pallet), and in the main chain's registry (`pallet-wcme-subchains`), which audits
//! its headers and validator-set changes by them. Both read and write the types here —
//! [`ConsensusKind`], [`SignatureScheme`], [`C3nKey`] and [`ValidatorSetId`] — so a set read from
//! a subchain's state compares byte for byte with the set registered for it, and a change its
//! validators sign encodes the same on both chains. The SCALE encodings (codec indices) are
//! fixed: changing one changes what is on chain and in RPC.
//!
//! A subchain's **accounts** sign in the [`SignatureScheme`] it chose at genesis; [`account`]
//! has the account signature type subchain runtimes use ([`AccountSignature`], SCALE-compatible
//! with `MultiSignature` for sr25519 and ed25519), its SM2 verification, and key pairs for
//! wallets and tests ([`Sm2Pair`], [`AccountPair`]).
//!
//! Plain types with no FRAME or node dependencies; checks on them are pure functions
//! ([`C3nKey::from_bytes`], [`C3nKey::is_well_formed`], [`SchemeSignature::verify_in`]).

pub mod account;

pub use account::{
    AccountPair, AccountSignature, AccountSigner, KeyError, SchemeSignature, Sm2Pair,
    sm2_account_id, sm2_verify,
};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// Identifier of a subchain's validator set: `0` for the set it starts with (written at its
/// genesis and registered with it), `+1` for each change. Part of the payload validators sign
/// for a change, so a proof is valid once.
pub type ValidatorSetId = u64;

/// The distinguishing identifier SM2 signatures are made with (GB/T 35276's default,
/// `"1234567812345678"`): it enters the `Z_A` hash of SM2DSA.
pub const SM2_DISTID: &str = "1234567812345678";

/// The consensus engine a subchain runs (DESIGN §5). The main chain's registry audits its
/// headers as a light client of this engine.
///
/// SCALE: one byte, its [`code`](Self::code). JSON (genesis config): `"poc"`, `"aura"`,
/// `"pbft"`, `"pow"`.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
#[serde(rename_all = "lowercase")]
pub enum ConsensusKind {
    /// Proof-of-Credit, as the main chain.
    #[codec(index = 0)]
    Poc,
    /// Round-robin authorities (the validator set, in order) with BFT finality.
    #[codec(index = 1)]
    Aura,
    /// PBFT: three-phase commit, instant finality.
    #[codec(index = 2)]
    Pbft,
    /// Proof of work (test and demo chains).
    #[codec(index = 3)]
    Pow,
}

impl ConsensusKind {
    /// The kind with numeric `code` (its SCALE index): 0 poc, 1 aura, 2 pbft, 3 pow.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Poc),
            1 => Some(Self::Aura),
            2 => Some(Self::Pbft),
            3 => Some(Self::Pow),
            _ => None,
        }
    }

    /// The numeric code of the kind (its SCALE index), as the registry's `register` takes it.
    pub fn code(self) -> u8 {
        match self {
            Self::Poc => 0,
            Self::Aura => 1,
            Self::Pbft => 2,
            Self::Pow => 3,
        }
    }

    /// Lower-case name: as the RPC shows it, and as genesis configs and the chain spec's
    /// `consensus.engine` write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Poc => "poc",
            Self::Aura => "aura",
            Self::Pbft => "pbft",
            Self::Pow => "pow",
        }
    }
}

/// The signature scheme of a subchain's accounts and validators (DESIGN §5).
///
/// SCALE: one byte, its [`code`](Self::code). JSON (genesis config): `"sr25519"`, `"ed25519"`,
/// `"sm2"`.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
#[serde(rename_all = "lowercase")]
pub enum SignatureScheme {
    /// Schnorr over Ristretto25519 (Substrate's default).
    #[codec(index = 0)]
    Sr25519,
    /// Ed25519.
    #[codec(index = 1)]
    Ed25519,
    /// SM2 with SM3 hashing (Chinese national standard GB/T 32918).
    #[codec(index = 2)]
    Sm2,
}

impl SignatureScheme {
    /// The scheme with numeric `code` (its SCALE index): 0 sr25519, 1 ed25519, 2 sm2.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Sr25519),
            1 => Some(Self::Ed25519),
            2 => Some(Self::Sm2),
            _ => None,
        }
    }

    /// The numeric code of the scheme (its SCALE index).
    pub fn code(self) -> u8 {
        match self {
            Self::Sr25519 => 0,
            Self::Ed25519 => 1,
            Self::Sm2 => 2,
        }
    }

    /// Lower-case name, as the RPC, genesis configs and the CLI write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sr25519 => "sr25519",
            Self::Ed25519 => "ed25519",
            Self::Sm2 => "sm2",
        }
    }

    /// The scheme called `name` (its [`name`](Self::name), any letter case).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Sr25519, Self::Ed25519, Self::Sm2]
            .into_iter()
            .find(|scheme| scheme.name().eq_ignore_ascii_case(name))
    }

    /// Length of a public key of this scheme: 32 bytes, or 33 for a compressed SM2 point.
    pub fn key_length(self) -> usize {
        match self {
            Self::Sr25519 | Self::Ed25519 => 32,
            Self::Sm2 => 33,
        }
    }
}

/// The public key of a C3N (cross-chain consensus node), i.e. of a subchain validator, tagged
/// with its scheme.
///
/// SCALE: the scheme's code, then the key bytes; fixed size (34 bytes encoded at most), so sets
/// of them are bounded. JSON (genesis config): `{"sr25519": "0x<64 hex digits>"}`,
/// `{"ed25519": "0x…"}` or `{"sm2": "0x<66 hex digits>"}`.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Debug,
)]
#[serde(rename_all = "lowercase")]
pub enum C3nKey {
    /// An sr25519 public key.
    #[codec(index = 0)]
    Sr25519(#[serde(with = "hex_key")] [u8; 32]),
    /// An ed25519 public key.
    #[codec(index = 1)]
    Ed25519(#[serde(with = "hex_key")] [u8; 32]),
    /// An SM2 public key as a SEC1 compressed point: `0x02` or `0x03`, then `x`.
    #[codec(index = 2)]
    Sm2(#[serde(with = "hex_key")] [u8; 33]),
}

impl C3nKey {
    /// The key of `scheme` made of `bytes`, if they have the scheme's form: 32 bytes for
    /// sr25519 and ed25519, 33 bytes starting with `0x02` or `0x03` for SM2 (see
    /// [`is_well_formed`](Self::is_well_formed)).
    pub fn from_bytes(scheme: SignatureScheme, bytes: &[u8]) -> Option<Self> {
        let key = match scheme {
            SignatureScheme::Sr25519 => Self::Sr25519(bytes.try_into().ok()?),
            SignatureScheme::Ed25519 => Self::Ed25519(bytes.try_into().ok()?),
            SignatureScheme::Sm2 => Self::Sm2(bytes.try_into().ok()?),
        };
        key.is_well_formed().then_some(key)
    }

    /// Whether the key has its scheme's form. sr25519 and ed25519 keys are any 32 bytes; an SM2
    /// key must start with `0x02` or `0x03`. Whether the bytes are a point of the curve is not
    /// checked: a key that is not can only make its own holder's signatures fail.
    pub fn is_well_formed(&self) -> bool {
        match self {
            Self::Sr25519(_) | Self::Ed25519(_) => true,
            Self::Sm2(key) => matches!(key.first(), Some(0x02 | 0x03)),
        }
    }

    /// The scheme of the key.
    pub fn scheme(&self) -> SignatureScheme {
        match self {
            Self::Sr25519(_) => SignatureScheme::Sr25519,
            Self::Ed25519(_) => SignatureScheme::Ed25519,
            Self::Sm2(_) => SignatureScheme::Sm2,
        }
    }

    /// The bytes of the key's account on a WCME chain (an `AccountId32`): the key itself for
    /// sr25519 and ed25519, `blake2_256` of the compressed point for SM2
    /// ([`account::sm2_account_id`]). A C3N attests cross-chain batches from this account.
    pub fn account_bytes(&self) -> [u8; 32] {
        match self {
            Self::Sr25519(key) | Self::Ed25519(key) => *key,
            Self::Sm2(key) => account::sm2_account_id(key).into(),
        }
    }

    /// The key as an sr25519 public key, if it is one: only those seal blocks and sign finality
    /// votes.
    pub fn sr25519(&self) -> Option<sp_core::sr25519::Public> {
        match self {
            Self::Sr25519(key) => Some(sp_core::sr25519::Public::from_raw(*key)),
            Self::Ed25519(_) | Self::Sm2(_) => None,
        }
    }

    /// The raw public key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Sr25519(key) | Self::Ed25519(key) => key,
            Self::Sm2(key) => key,
        }
    }
}

/// Serde of fixed-size keys as 0x-prefixed hex strings.
mod hex_key {
    use serde::{Deserializer, Serializer};

    /// `key` as `"0x…"`.
    pub fn serialize<S: Serializer, const N: usize>(
        key: &[u8; N],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        sp_core::bytes::serialize(key, serializer)
    }

    /// Exactly `N` bytes from a hex string (with or without `0x`).
    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        deserializer: D,
    ) -> Result<[u8; N], D::Error> {
        let mut key = [0u8; N];
        sp_core::bytes::deserialize_check_len(
            deserializer,
            sp_core::bytes::ExpectedLen::Exact(&mut key),
        )?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The encodings on chain and in RPC: fixtures, not round trips, so that a changed codec
    /// index fails here.
    #[test]
    fn consensus_kind_codes_names_and_encodings() {
        for (kind, code, name) in [
            (ConsensusKind::Poc, 0u8, "poc"),
            (ConsensusKind::Aura, 1, "aura"),
            (ConsensusKind::Pbft, 2, "pbft"),
            (ConsensusKind::Pow, 3, "pow"),
        ] {
            assert_eq!(kind.code(), code);
            assert_eq!(ConsensusKind::from_code(code), Some(kind));
            assert_eq!(kind.encode(), vec![code]);
            assert_eq!(ConsensusKind::decode(&mut &[code][..]), Ok(kind));
            assert_eq!(kind.name(), name);
            assert_eq!(serde_json::to_value(kind).expect("json"), json!(name));
            assert_eq!(
                serde_json::from_value::<ConsensusKind>(json!(name)).ok(),
                Some(kind)
            );
        }
        assert_eq!(ConsensusKind::from_code(4), None);
        assert!(ConsensusKind::decode(&mut &[4u8][..]).is_err());
        assert!(serde_json::from_value::<ConsensusKind>(json!("raft")).is_err());
        assert_eq!(ConsensusKind::max_encoded_len(), 1);
    }

    #[test]
    fn signature_scheme_codes_names_and_encodings() {
        for (scheme, code, name, key_length) in [
            (SignatureScheme::Sr25519, 0u8, "sr25519", 32),
            (SignatureScheme::Ed25519, 1, "ed25519", 32),
            (SignatureScheme::Sm2, 2, "sm2", 33),
        ] {
            assert_eq!(scheme.code(), code);
            assert_eq!(SignatureScheme::from_code(code), Some(scheme));
            assert_eq!(scheme.encode(), vec![code]);
            assert_eq!(scheme.name(), name);
            assert_eq!(SignatureScheme::from_name(name), Some(scheme));
            assert_eq!(
                SignatureScheme::from_name(&name.to_uppercase()),
                Some(scheme)
            );
            assert_eq!(serde_json::to_value(scheme).expect("json"), json!(name));
            assert_eq!(
                serde_json::from_value::<SignatureScheme>(json!(name)).ok(),
                Some(scheme)
            );
            assert_eq!(scheme.key_length(), key_length);
        }
        assert_eq!(SignatureScheme::from_name("ecdsa"), None);
        assert!(serde_json::from_value::<SignatureScheme>(json!("ecdsa")).is_err());
        assert_eq!(SignatureScheme::from_code(3), None);
        assert!(SignatureScheme::decode(&mut &[3u8][..]).is_err());
    }

    #[test]
    fn c3n_key_encodings() {
        let mut sm2 = [7u8; 33];
        sm2[0] = 0x02;
        for (key, encoded, key_json) in [
            (
                C3nKey::Sr25519([5; 32]),
                [&[0u8][..], &[5; 32]].concat(),
                json!({ "sr25519": format!("0x{}", "05".repeat(32)) }),
            ),
            (
                C3nKey::Ed25519([6; 32]),
                [&[1u8][..], &[6; 32]].concat(),
                json!({ "ed25519": format!("0x{}", "06".repeat(32)) }),
            ),
            (
                C3nKey::Sm2(sm2),
                [&[2u8][..], &sm2].concat(),
                json!({ "sm2": format!("0x02{}", "07".repeat(32)) }),
            ),
        ] {
            // The scheme's code, then the bytes: no length prefix.
            assert_eq!(key.encode(), encoded);
            assert_eq!(encoded[0], key.scheme().code());
            assert_eq!(&encoded[1..], key.as_bytes());
            assert_eq!(key.as_bytes().len(), key.scheme().key_length());
            assert_eq!(C3nKey::decode(&mut &encoded[..]), Ok(key));
            assert_eq!(serde_json::to_value(key).expect("json"), key_json);
            assert_eq!(serde_json::from_value::<C3nKey>(key_json).ok(), Some(key));
        }
        assert_eq!(C3nKey::max_encoded_len(), 34);
        // Hex of the wrong length is refused.
        assert!(serde_json::from_value::<C3nKey>(json!({ "sr25519": "0x0505" })).is_err());
        assert!(
            serde_json::from_value::<C3nKey>(json!({ "sm2": format!("0x{}", "02".repeat(32)) }))
                .is_err()
        );
    }

    #[test]
    fn key_forms() {
        use SignatureScheme::*;
        assert_eq!(
            C3nKey::from_bytes(Sr25519, &[1; 32]),
            Some(C3nKey::Sr25519([1; 32]))
        );
        assert_eq!(
            C3nKey::from_bytes(Ed25519, &[1; 32]),
            Some(C3nKey::Ed25519([1; 32]))
        );
        assert_eq!(C3nKey::from_bytes(Sr25519, &[1; 33]), None);
        assert_eq!(C3nKey::from_bytes(Ed25519, &[1; 31]), None);
        assert_eq!(C3nKey::from_bytes(Sm2, &[2; 32]), None);
        let mut sm2 = [7u8; 33];
        for prefix in [0x02, 0x03] {
            sm2[0] = prefix;
            assert_eq!(C3nKey::from_bytes(Sm2, &sm2), Some(C3nKey::Sm2(sm2)));
            assert!(C3nKey::Sm2(sm2).is_well_formed());
            assert_eq!(C3nKey::Sm2(sm2).as_bytes(), &sm2[..]);
            assert_eq!(C3nKey::Sm2(sm2).scheme(), Sm2);
            assert_eq!(C3nKey::Sm2(sm2).sr25519(), None);
        }
        for prefix in [0x00, 0x04, 0xff] {
            sm2[0] = prefix;
            assert_eq!(C3nKey::from_bytes(Sm2, &sm2), None);
            assert!(!C3nKey::Sm2(sm2).is_well_formed());
        }
        assert!(C3nKey::Sr25519([0; 32]).is_well_formed());
        assert_eq!(
            C3nKey::Sr25519([7; 32]).sr25519(),
            Some(sp_core::sr25519::Public::from_raw([7; 32]))
        );
        assert_eq!(C3nKey::Ed25519([7; 32]).sr25519(), None);
        assert!(C3nKey::Ed25519([0xff; 32]).is_well_formed());
    }
}
