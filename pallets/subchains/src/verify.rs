//! Verification of audited validator-set changes, as pure functions without storage: the signed
//! payload, signature checks per scheme behind [`SignatureVerifier`], and the "> 2/3 of the
//! current set" quorum rule.
//!
//! ## The payload
//!
//! The validators of subchain `id` approve a new set by signing the 32-byte
//!
//! ```text
//! blake2_256(SCALE(( b"WCME/subchains/validator-set/v1": Vec<u8>,
//!                    id: u32, chain_id: Vec<u8>, genesis_hash: H256,
//!                    new_set_id: u64, new_validators: Vec<C3nKey> )))
//! ```
//!
//! ([`validator_set_payload`]). `new_set_id` is the current set's id plus one, so a proof is
//! valid for exactly one change: once applied, the set id has moved on and replaying the proof
//! fails. The chain id, genesis hash and registry id bind it to one subchain.
//!
//! sr25519 and ed25519 signatures are over the payload bytes; SM2 signatures are SM2DSA over
//! the payload with the default distinguishing id [`wcme_subchain_primitives::SM2_DISTID`] (SM3 of `Z_A ‖ payload`).

use alloc::vec;
use codec::Encode;
use sp_core::{H256, ed25519, sr25519};
use sp_crypto_hashing::blake2_256;

use crate::types::{
    C3nKey, C3nSignature, SubchainId, VALIDATOR_SET_DOMAIN, ValidatorSetId, ValidatorSignature,
};

/// Why a signature did not verify.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VerifyError {
    /// The signature is not the key's over the message (or the key is not a valid point).
    BadSignature,
    /// This verifier cannot check signatures of the key's scheme.
    UnsupportedScheme,
}

/// Checks one validator signature. The pallet's [`crate::Config::SignatureVerifier`].
pub trait SignatureVerifier {
    /// `Ok` if `signature` is `key`'s signature over `message` in `key`'s scheme.
    fn verify(key: &C3nKey, message: &[u8], signature: &C3nSignature) -> Result<(), VerifyError>;
}

/// Verifies all three schemes: sr25519 and ed25519 through `sp_io`'s host functions, SM2 with
/// RustCrypto's `sm2` (SM2DSA with SM3, distinguishing id
/// [`wcme_subchain_primitives::SM2_DISTID`]).
pub struct DefaultVerifier;

impl SignatureVerifier for DefaultVerifier {
    fn verify(key: &C3nKey, message: &[u8], signature: &C3nSignature) -> Result<(), VerifyError> {
        let valid = match key {
            C3nKey::Sr25519(key) => sp_io::crypto::sr25519_verify(
                &sr25519::Signature::from_raw(*signature),
                message,
                &sr25519::Public::from_raw(*key),
            ),
            C3nKey::Ed25519(key) => sp_io::crypto::ed25519_verify(
                &ed25519::Signature::from_raw(*signature),
                message,
                &ed25519::Public::from_raw(*key),
            ),
            C3nKey::Sm2(key) => sm2_verify(key, message, signature),
        };
        if valid {
            Ok(())
        } else {
            Err(VerifyError::BadSignature)
        }
    }
}

/// Verifies sr25519 and ed25519 only; SM2 keys get [`VerifyError::UnsupportedScheme`]. For
/// runtimes that do not want SM2 arithmetic on chain.
pub struct WithoutSm2;

impl SignatureVerifier for WithoutSm2 {
    fn verify(key: &C3nKey, message: &[u8], signature: &C3nSignature) -> Result<(), VerifyError> {
        match key {
            C3nKey::Sm2(_) => Err(VerifyError::UnsupportedScheme),
            _ => DefaultVerifier::verify(key, message, signature),
        }
    }
}

/// SM2DSA verification of `signature` (`r ‖ s`) over `message` by the compressed point `key`
/// (`0x02`/`0x03` only): the same check a subchain's SM2 accounts get.
pub use wcme_subchain_primitives::sm2_verify;

/// The 32 bytes the validators of subchain `subchain` sign to approve `validators` as their set
/// number `new_set_id` (see the module documentation).
pub fn validator_set_payload(
    subchain: SubchainId,
    chain_id: &[u8],
    genesis_hash: &H256,
    new_set_id: ValidatorSetId,
    validators: &[C3nKey],
) -> [u8; 32] {
    (
        VALIDATOR_SET_DOMAIN,
        subchain,
        chain_id,
        genesis_hash,
        new_set_id,
        validators,
    )
        .using_encoded(blake2_256)
}

/// Why a validator-set change proof was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QuorumError {
    /// The proof has more signatures than the set has validators.
    TooManySignatures,
    /// A signature names an index outside the current set.
    UnknownSigner,
    /// Two signatures name the same validator.
    DuplicateSigner,
    /// Signers are not more than 2/3 of the current set.
    InsufficientSignatures,
    /// A signature does not verify.
    InvalidSignature,
    /// The verifier does not support the set's scheme.
    UnsupportedScheme,
}

/// Whether `signers` validators are more than two thirds of `total`: `3·signers > 2·total`.
pub fn exceeds_two_thirds(signers: usize, total: usize) -> bool {
    let signers = u128::try_from(signers).unwrap_or(u128::MAX);
    let total = u128::try_from(total).unwrap_or(u128::MAX);
    signers.saturating_mul(3) > total.saturating_mul(2)
}

/// Checks that `proof` carries valid signatures over `payload` of more than two thirds of `keys`
/// (each validator counted once) and returns how many signed.
///
/// Cheap checks first (count, indices, duplicates, quorum), then every signature is verified
/// with `V`: one bad signature refuses the whole proof.
pub fn check_quorum<V: SignatureVerifier>(
    keys: &[C3nKey],
    payload: &[u8],
    proof: &[ValidatorSignature],
) -> Result<u32, QuorumError> {
    if proof.len() > keys.len() {
        return Err(QuorumError::TooManySignatures);
    }
    let mut seen = vec![false; keys.len()];
    for item in proof {
        let index = usize::try_from(item.index).map_err(|_| QuorumError::UnknownSigner)?;
        let slot = seen.get_mut(index).ok_or(QuorumError::UnknownSigner)?;
        if *slot {
            return Err(QuorumError::DuplicateSigner);
        }
        *slot = true;
    }
    if !exceeds_two_thirds(proof.len(), keys.len()) {
        return Err(QuorumError::InsufficientSignatures);
    }
    for item in proof {
        let index = usize::try_from(item.index).map_err(|_| QuorumError::UnknownSigner)?;
        let key = keys.get(index).ok_or(QuorumError::UnknownSigner)?;
        V::verify(key, payload, &item.signature).map_err(|error| match error {
            VerifyError::BadSignature => QuorumError::InvalidSignature,
            VerifyError::UnsupportedScheme => QuorumError::UnsupportedScheme,
        })?;
    }
    u32::try_from(proof.len()).map_err(|_| QuorumError::TooManySignatures)
}
