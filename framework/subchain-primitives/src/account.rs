//! Signatures of subchain accounts in the scheme a subchain chose at genesis.
//!
//! A subchain's accounts sign with one [`SignatureScheme`]: sr25519 (the default, what every
//! Substrate wallet does), ed25519, or SM2 with SM3 hashing (GB/T 32918). The extrinsic format
//! stays Substrate's: the signature is a SCALE enum, [`SchemeSignature`], that is a superset of
//! `sp_runtime::MultiSignature`:
//!
//! | index | variant | bytes after the index | verifies |
//! |---|---|---|---|
//! | 0 | `Ed25519` | 64-byte signature | on an ed25519 chain |
//! | 1 | `Sr25519` | 64-byte signature | on an sr25519 chain |
//! | 2 | `Ecdsa` | 65-byte signature | never |
//! | 3 | `Eth` | 65-byte signature | never |
//! | 4 | `Sm2` | 33-byte compressed public key, then `r ‖ s` (64 bytes) | on an SM2 chain |
//!
//! Indices 0–3 are `MultiSignature`'s, byte for byte, so @polkadot/api and every existing
//! sr25519 or ed25519 signer produce valid signatures unchanged, and an ECDSA or Ethereum
//! signature still decodes (and is refused as a bad proof, not as an undecodable extrinsic).
//! SM2 signatures are not recoverable, so the signer's public key travels with the signature.
//!
//! Accounts stay 32-byte `AccountId32`s ([`AccountSigner`]): an sr25519 or ed25519 account is its
//! public key, an SM2 account is `blake2_256` of its compressed public key
//! ([`sm2_account_id`]).
//!
//! [`AccountSignature<P>`] is the runtime's `Signature` type: [`SchemeSignature`] plus the
//! chain's scheme `P` (a [`Get`], which a runtime reads from its state). Its `Verify` accepts a
//! signature only in the chain's scheme, and only if it is the account's signature over the
//! message; malformed keys and signatures are `false`, never a panic.
//!
//! For wallets, tools and tests: [`Sm2Pair`] (an SM2 key pair with deterministic signing and
//! development keys derived from a name such as `//Alice`) and [`AccountPair`] (a key pair of any
//! of the three schemes).

use core::{fmt, marker::PhantomData};

use codec::{Decode, DecodeWithMemTracking, Encode, EncodeLike, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{Get, Pair as _, crypto::AccountId32, ecdsa, ed25519, sr25519};
use sp_runtime::traits::{IdentifyAccount, Lazy, Verify};

use crate::{SM2_DISTID, SignatureScheme};

/// Domain prefix of [`Sm2Pair::from_dev_uri`]'s secret derivation.
pub const SM2_DEV_KEY_DOMAIN: &[u8] = b"WCME/subchain-accounts/sm2-dev-key/v1:";

/// How many times [`Sm2Pair::from_dev_uri`] re-hashes a candidate secret that is not a valid SM2
/// scalar before giving up (each try fails with probability about 2^-32).
const SM2_DEV_KEY_TRIES: usize = 16;

/// A signature of a subchain account, tagged with its scheme. SCALE-compatible with
/// `sp_runtime::MultiSignature` for indices 0–3 (see the module documentation).
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum SchemeSignature {
    /// An ed25519 signature (`MultiSignature::Ed25519`).
    #[codec(index = 0)]
    Ed25519(ed25519::Signature),
    /// An sr25519 signature (`MultiSignature::Sr25519`).
    #[codec(index = 1)]
    Sr25519(sr25519::Signature),
    /// An ECDSA signature (`MultiSignature::Ecdsa`). Decodes so that a wallet's ECDSA signature
    /// is refused as a bad proof; no subchain accepts it.
    #[codec(index = 2)]
    Ecdsa(ecdsa::Signature),
    /// An Ethereum-style ECDSA signature (`MultiSignature::Eth`). Decodes, never verifies.
    #[codec(index = 3)]
    Eth(ecdsa::KeccakSignature),
    /// An SM2 signature (SM2DSA with SM3, distinguishing id [`SM2_DISTID`]) with the signer's
    /// public key.
    #[codec(index = 4)]
    Sm2 {
        /// The signer's public key, a SEC1 compressed point (`0x02`/`0x03`, then `x`).
        public: [u8; 33],
        /// `r ‖ s`, 32 bytes each, big-endian.
        signature: [u8; 64],
    },
}

impl SchemeSignature {
    /// The scheme of the signature; `None` for the ECDSA variants, which no subchain accepts.
    pub fn scheme(&self) -> Option<SignatureScheme> {
        match self {
            Self::Ed25519(_) => Some(SignatureScheme::Ed25519),
            Self::Sr25519(_) => Some(SignatureScheme::Sr25519),
            Self::Sm2 { .. } => Some(SignatureScheme::Sm2),
            Self::Ecdsa(_) | Self::Eth(_) => None,
        }
    }

    /// Whether this is `account`'s signature over `message` on a chain whose accounts use
    /// `scheme`: the signature's scheme must be `scheme`, and then
    ///
    /// - sr25519 / ed25519: it verifies against `account` taken as the public key;
    /// - SM2: its public key hashes to `account` ([`sm2_account_id`]) and it verifies
    ///   ([`sm2_verify`]).
    ///
    /// A pure function: `false` for anything malformed, never a panic.
    pub fn verify_in(
        &self,
        scheme: SignatureScheme,
        message: &[u8],
        account: &AccountId32,
    ) -> bool {
        if self.scheme() != Some(scheme) {
            return false;
        }
        let who: &[u8; 32] = account.as_ref();
        match self {
            Self::Ed25519(signature) => signature.verify(message, &ed25519::Public::from_raw(*who)),
            Self::Sr25519(signature) => signature.verify(message, &sr25519::Public::from_raw(*who)),
            Self::Sm2 { public, signature } => {
                sm2_account_id(public) == *account && sm2_verify(public, message, signature)
            }
            Self::Ecdsa(_) | Self::Eth(_) => false,
        }
    }
}

impl From<ed25519::Signature> for SchemeSignature {
    fn from(signature: ed25519::Signature) -> Self {
        Self::Ed25519(signature)
    }
}

impl From<sr25519::Signature> for SchemeSignature {
    fn from(signature: sr25519::Signature) -> Self {
        Self::Sr25519(signature)
    }
}

/// Who signed: the public key behind a subchain account.
///
/// SCALE: `MultiSigner`'s indices for ed25519 (0) and sr25519 (1); index 4 for SM2, as in
/// [`SchemeSignature`].
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Debug,
)]
pub enum AccountSigner {
    /// An ed25519 public key; the account is the key.
    #[codec(index = 0)]
    Ed25519(ed25519::Public),
    /// An sr25519 public key; the account is the key.
    #[codec(index = 1)]
    Sr25519(sr25519::Public),
    /// An SM2 public key (SEC1 compressed); the account is its `blake2_256`.
    #[codec(index = 4)]
    Sm2([u8; 33]),
}

impl AccountSigner {
    /// The scheme of the key.
    pub fn scheme(&self) -> SignatureScheme {
        match self {
            Self::Ed25519(_) => SignatureScheme::Ed25519,
            Self::Sr25519(_) => SignatureScheme::Sr25519,
            Self::Sm2(_) => SignatureScheme::Sm2,
        }
    }
}

impl IdentifyAccount for AccountSigner {
    type AccountId = AccountId32;

    fn into_account(self) -> AccountId32 {
        match self {
            Self::Ed25519(public) => AccountId32::from(public.0),
            Self::Sr25519(public) => AccountId32::from(public.0),
            Self::Sm2(public) => sm2_account_id(&public),
        }
    }
}

impl From<ed25519::Public> for AccountSigner {
    fn from(public: ed25519::Public) -> Self {
        Self::Ed25519(public)
    }
}

impl From<sr25519::Public> for AccountSigner {
    fn from(public: sr25519::Public) -> Self {
        Self::Sr25519(public)
    }
}

/// The account of the SM2 public key `public` (SEC1 compressed): `blake2_256(public)`, as
/// Substrate derives ECDSA accounts from their compressed keys.
pub fn sm2_account_id(public: &[u8; 33]) -> AccountId32 {
    AccountId32::from(sp_crypto_hashing::blake2_256(public))
}

/// SM2DSA verification (SM3 hashing, distinguishing id [`SM2_DISTID`]) of `signature` (`r ‖ s`)
/// over `message` by the compressed point `public`. `false` if the key is not a SEC1
/// *compressed* point of the curve (prefix `0x02`/`0x03`: other 33-byte encodings of the same
/// point, such as the compact `0x05` form, are refused, so one key has one account) or the
/// signature is malformed or wrong; never panics.
pub fn sm2_verify(public: &[u8; 33], message: &[u8], signature: &[u8; 64]) -> bool {
    use sm2::dsa::{Signature, VerifyingKey, signature::Verifier};
    if !matches!(public.first(), Some(0x02 | 0x03)) {
        return false;
    }
    let Ok(verifying_key) = VerifyingKey::from_sec1_bytes(SM2_DISTID, public) else {
        return false;
    };
    let Ok(signature) = Signature::from_bytes(signature.into()) else {
        return false;
    };
    verifying_key.verify(message, &signature).is_ok()
}

/// The runtime's signature type: a [`SchemeSignature`] that verifies only in the scheme `P`
/// says the chain's accounts use (the subchain runtime reads it from its genesis-fixed state).
///
/// SCALE and type information are exactly [`SchemeSignature`]'s: `P` only exists at compile
/// time, so metadata, wallets and the extrinsic bytes see the plain enum.
pub struct AccountSignature<P> {
    signature: SchemeSignature,
    scheme: PhantomData<fn() -> P>,
}

impl<P> AccountSignature<P> {
    /// `signature`, to be checked in `P`'s scheme.
    pub fn new(signature: SchemeSignature) -> Self {
        Self {
            signature,
            scheme: PhantomData,
        }
    }

    /// The signature.
    pub fn signature(&self) -> &SchemeSignature {
        &self.signature
    }

    /// The signature, unwrapped.
    pub fn into_inner(self) -> SchemeSignature {
        self.signature
    }
}

impl<P: Get<SignatureScheme> + 'static> Verify for AccountSignature<P> {
    type Signer = AccountSigner;

    /// [`SchemeSignature::verify_in`] the scheme `P::get()`.
    fn verify<L: Lazy<[u8]>>(&self, mut msg: L, signer: &AccountId32) -> bool {
        self.signature.verify_in(P::get(), msg.get(), signer)
    }
}

impl<P> From<SchemeSignature> for AccountSignature<P> {
    fn from(signature: SchemeSignature) -> Self {
        Self::new(signature)
    }
}

impl<P> From<AccountSignature<P>> for SchemeSignature {
    fn from(signature: AccountSignature<P>) -> Self {
        signature.signature
    }
}

impl<P> From<sr25519::Signature> for AccountSignature<P> {
    fn from(signature: sr25519::Signature) -> Self {
        Self::new(signature.into())
    }
}

impl<P> From<ed25519::Signature> for AccountSignature<P> {
    fn from(signature: ed25519::Signature) -> Self {
        Self::new(signature.into())
    }
}

// Written out instead of derived: derives would demand `P: Clone`, `P: Encode`, … of a type that
// only names a scheme.

impl<P> Clone for AccountSignature<P> {
    fn clone(&self) -> Self {
        Self::new(self.signature.clone())
    }
}

impl<P> PartialEq for AccountSignature<P> {
    fn eq(&self, other: &Self) -> bool {
        self.signature == other.signature
    }
}

impl<P> Eq for AccountSignature<P> {}

impl<P> fmt::Debug for AccountSignature<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.signature.fmt(f)
    }
}

impl<P> Encode for AccountSignature<P> {
    fn size_hint(&self) -> usize {
        self.signature.size_hint()
    }

    fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
        self.signature.encode_to(dest)
    }
}

impl<P> EncodeLike for AccountSignature<P> {}

impl<P> Decode for AccountSignature<P> {
    fn decode<I: codec::Input>(input: &mut I) -> Result<Self, codec::Error> {
        SchemeSignature::decode(input).map(Self::new)
    }
}

impl<P> DecodeWithMemTracking for AccountSignature<P> {}

impl<P> MaxEncodedLen for AccountSignature<P> {
    fn max_encoded_len() -> usize {
        SchemeSignature::max_encoded_len()
    }
}

impl<P: 'static> TypeInfo for AccountSignature<P> {
    type Identity = SchemeSignature;

    fn type_info() -> scale_info::Type {
        SchemeSignature::type_info()
    }
}

/// Why a key could not be made or could not sign.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyError {
    /// The 32 bytes are not an SM2 secret (zero, or not below the curve order).
    InvalidSm2Secret,
    /// No valid SM2 secret came out of the development-key derivation.
    NoSm2DevKey,
    /// The secret URI is not one `sp_core` can derive an sr25519 / ed25519 key from.
    InvalidSecretUri,
    /// SM2 signing failed (a nonce that gives `r = 0`, `r + k = n` or `s = 0`; about 2^-256
    /// likely).
    Sm2SigningFailed,
}

/// An SM2 key pair (SM2DSA with SM3, distinguishing id [`SM2_DISTID`]) for subchain accounts:
/// what a wallet, a tool or a test signs with on an SM2 subchain. Signing is deterministic
/// (RFC 6979 nonces): the same key and message give the same signature.
#[derive(Clone)]
pub struct Sm2Pair {
    key: sm2::dsa::SigningKey,
}

impl Sm2Pair {
    /// The pair with the 32-byte big-endian secret scalar `secret` (`1..n`).
    pub fn from_secret(secret: &[u8; 32]) -> Result<Self, KeyError> {
        sm2::dsa::SigningKey::from_slice(SM2_DISTID, secret)
            .map(|key| Self { key })
            .map_err(|_| KeyError::InvalidSm2Secret)
    }

    /// A development key named by `uri` (e.g. `//Alice`): the secret is
    /// `blake2_256(SM2_DEV_KEY_DOMAIN ‖ uri)`, re-hashed with `blake2_256` while it is not a
    /// valid scalar.
    ///
    /// Anyone can derive these keys: they are for development and test chains only. This is
    /// not Substrate's `//` key derivation (SM2 has none); the URI is only a name.
    pub fn from_dev_uri(uri: &str) -> Result<Self, KeyError> {
        let mut secret =
            sp_crypto_hashing::blake2_256(&[SM2_DEV_KEY_DOMAIN, uri.as_bytes()].concat());
        for _ in 0..SM2_DEV_KEY_TRIES {
            if let Ok(pair) = Self::from_secret(&secret) {
                return Ok(pair);
            }
            secret = sp_crypto_hashing::blake2_256(&secret);
        }
        Err(KeyError::NoSm2DevKey)
    }

    /// The secret scalar, 32 bytes big-endian.
    pub fn secret(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }

    /// The public key, a SEC1 compressed point.
    pub fn public(&self) -> [u8; 33] {
        use sm2::elliptic_curve::sec1::ToSec1Point;
        self.key
            .verifying_key()
            .as_affine()
            .to_compressed_point()
            .into()
    }

    /// The account of the key: `blake2_256` of [`public`](Self::public).
    pub fn account_id(&self) -> AccountId32 {
        sm2_account_id(&self.public())
    }

    /// `r ‖ s` of the SM2DSA signature over `message`.
    pub fn sign_raw(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        use sm2::dsa::signature::Signer as _;
        let signature: sm2::dsa::Signature = self
            .key
            .try_sign(message)
            .map_err(|_| KeyError::Sm2SigningFailed)?;
        Ok(signature.to_bytes().into())
    }

    /// The account signature over `message` ([`SchemeSignature::Sm2`], with the public key).
    pub fn sign(&self, message: &[u8]) -> Result<SchemeSignature, KeyError> {
        Ok(SchemeSignature::Sm2 {
            public: self.public(),
            signature: self.sign_raw(message)?,
        })
    }
}

impl fmt::Debug for Sm2Pair {
    /// The public key only: the secret is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let public = self.public();
        f.debug_struct("Sm2Pair")
            .field(
                "public",
                &sp_core::hexdisplay::HexDisplay::from(&&public[..]),
            )
            .finish()
    }
}

/// A key pair of a subchain account in any of the three schemes.
// An ed25519 pair is about 480 bytes, the others less: a wallet or a test holds a handful of
// pairs, so boxing would only add an allocation per key.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum AccountPair {
    /// An sr25519 key pair.
    Sr25519(sr25519::Pair),
    /// An ed25519 key pair.
    Ed25519(ed25519::Pair),
    /// An SM2 key pair.
    Sm2(Sm2Pair),
}

impl AccountPair {
    /// The development key `uri` (`//Alice`, `//Alice//stash`, …) in `scheme`: for sr25519 and
    /// ed25519 `sp_core`'s derivation from the development phrase, so `//Alice` is
    /// `sp_keyring`'s Alice; for SM2 [`Sm2Pair::from_dev_uri`].
    pub fn from_dev_uri(scheme: SignatureScheme, uri: &str) -> Result<Self, KeyError> {
        match scheme {
            SignatureScheme::Sr25519 => sr25519::Pair::from_string(uri, None)
                .map(Self::Sr25519)
                .map_err(|_| KeyError::InvalidSecretUri),
            SignatureScheme::Ed25519 => ed25519::Pair::from_string(uri, None)
                .map(Self::Ed25519)
                .map_err(|_| KeyError::InvalidSecretUri),
            SignatureScheme::Sm2 => Sm2Pair::from_dev_uri(uri).map(Self::Sm2),
        }
    }

    /// The scheme of the pair.
    pub fn scheme(&self) -> SignatureScheme {
        match self {
            Self::Sr25519(_) => SignatureScheme::Sr25519,
            Self::Ed25519(_) => SignatureScheme::Ed25519,
            Self::Sm2(_) => SignatureScheme::Sm2,
        }
    }

    /// The public key as an [`AccountSigner`].
    pub fn signer(&self) -> AccountSigner {
        match self {
            Self::Sr25519(pair) => AccountSigner::Sr25519(pair.public()),
            Self::Ed25519(pair) => AccountSigner::Ed25519(pair.public()),
            Self::Sm2(pair) => AccountSigner::Sm2(pair.public()),
        }
    }

    /// The account of the pair.
    pub fn account_id(&self) -> AccountId32 {
        self.signer().into_account()
    }

    /// The account signature over `message`. Only SM2 signing can fail (see
    /// [`KeyError::Sm2SigningFailed`]).
    pub fn sign(&self, message: &[u8]) -> Result<SchemeSignature, KeyError> {
        match self {
            Self::Sr25519(pair) => Ok(pair.sign(message).into()),
            Self::Ed25519(pair) => Ok(pair.sign(message).into()),
            Self::Sm2(pair) => pair.sign(message),
        }
    }
}

impl fmt::Debug for AccountPair {
    /// The scheme and the public key only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AccountPair").field(&self.signer()).finish()
    }
}

impl From<sr25519::Pair> for AccountPair {
    fn from(pair: sr25519::Pair) -> Self {
        Self::Sr25519(pair)
    }
}

impl From<ed25519::Pair> for AccountPair {
    fn from(pair: ed25519::Pair) -> Self {
        Self::Ed25519(pair)
    }
}

impl From<Sm2Pair> for AccountPair {
    fn from(pair: Sm2Pair) -> Self {
        Self::Sm2(pair)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sp_runtime::MultiSignature;

    /// Test chains of each scheme.
    struct Sr25519Chain;
    impl Get<SignatureScheme> for Sr25519Chain {
        fn get() -> SignatureScheme {
            SignatureScheme::Sr25519
        }
    }
    struct Ed25519Chain;
    impl Get<SignatureScheme> for Ed25519Chain {
        fn get() -> SignatureScheme {
            SignatureScheme::Ed25519
        }
    }
    struct Sm2Chain;
    impl Get<SignatureScheme> for Sm2Chain {
        fn get() -> SignatureScheme {
            SignatureScheme::Sm2
        }
    }

    fn verify<P: Get<SignatureScheme> + 'static>(
        signature: &SchemeSignature,
        message: &[u8],
        account: &AccountId32,
    ) -> bool {
        AccountSignature::<P>::new(signature.clone()).verify(message, account)
    }

    fn dev(scheme: SignatureScheme, uri: &str) -> AccountPair {
        AccountPair::from_dev_uri(scheme, uri).expect("a development key")
    }

    /// sr25519 and ed25519 signatures are `MultiSignature`'s bytes, both ways; the ECDSA
    /// variants too.
    #[test]
    fn encoding_is_multisignatures_for_shared_variants() {
        let sr = sp_core::sr25519::Pair::from_string("//Alice", None).expect("key");
        let ed = sp_core::ed25519::Pair::from_string("//Alice", None).expect("key");
        let ec = sp_core::ecdsa::Pair::from_string("//Alice", None).expect("key");
        let message = b"transfer";
        // One signature each (sr25519 signing is randomised), in both enums.
        let (sr, ed, ec) = (sr.sign(message), ed.sign(message), ec.sign(message));
        let eth = ecdsa::KeccakSignature::from_raw([9; 65]);
        let cases = [
            (SchemeSignature::Sr25519(sr), MultiSignature::Sr25519(sr)),
            (SchemeSignature::Ed25519(ed), MultiSignature::Ed25519(ed)),
            (SchemeSignature::Ecdsa(ec), MultiSignature::Ecdsa(ec)),
            (SchemeSignature::Eth(eth), MultiSignature::Eth(eth)),
        ];
        for (ours, multi) in cases {
            let bytes = multi.encode();
            assert_eq!(ours.encode(), bytes);
            assert_eq!(SchemeSignature::decode(&mut &bytes[..]), Ok(ours.clone()));
            assert_eq!(MultiSignature::decode(&mut &ours.encode()[..]), Ok(multi));
            let wrapped = AccountSignature::<Sr25519Chain>::decode(&mut &bytes[..]).expect("ok");
            assert_eq!(wrapped.encode(), bytes);
            assert_eq!(wrapped.signature(), &ours);
            assert_eq!(wrapped.into_inner(), ours);
        }
        // Index fixtures.
        assert_eq!(
            SchemeSignature::Ed25519(ed25519::Signature::from_raw([1; 64])).encode(),
            [&[0u8][..], &[1; 64]].concat()
        );
        assert_eq!(
            SchemeSignature::Sr25519(sr25519::Signature::from_raw([2; 64])).encode(),
            [&[1u8][..], &[2; 64]].concat()
        );
        let sm2 = SchemeSignature::Sm2 {
            public: [3; 33],
            signature: [4; 64],
        };
        assert_eq!(sm2.encode(), [&[4u8][..], &[3; 33], &[4; 64]].concat());
        assert_eq!(SchemeSignature::max_encoded_len(), 98);
        assert_eq!(AccountSignature::<Sm2Chain>::max_encoded_len(), 98);
        // Type information is the enum's, whatever the chain's scheme.
        assert_eq!(
            scale_info::meta_type::<AccountSignature<Sm2Chain>>(),
            scale_info::meta_type::<SchemeSignature>()
        );
    }

    fn public_ed(pair: &AccountPair) -> [u8; 32] {
        match pair.signer() {
            AccountSigner::Ed25519(public) => public.0,
            _ => panic!("ed25519 signer"),
        }
    }

    #[test]
    fn account_ids_per_scheme() {
        let sr = dev(SignatureScheme::Sr25519, "//Alice");
        let alice = sp_core::sr25519::Pair::from_string("//Alice", None).expect("key");
        assert_eq!(sr.account_id(), AccountId32::from(alice.public().0));
        let ed = dev(SignatureScheme::Ed25519, "//Alice");
        let AccountSigner::Ed25519(public) = ed.signer() else {
            panic!("ed25519 signer");
        };
        assert_eq!(ed.account_id(), AccountId32::from(public.0));
        let sm2 = dev(SignatureScheme::Sm2, "//Alice");
        let AccountPair::Sm2(pair) = &sm2 else {
            panic!("SM2 pair");
        };
        let public = pair.public();
        assert!(matches!(public[0], 0x02 | 0x03));
        assert_eq!(
            sm2.account_id(),
            AccountId32::from(sp_crypto_hashing::blake2_256(&public))
        );
        assert_eq!(AccountSigner::Sm2(public).into_account(), sm2.account_id());
        // A C3N key attests from the same accounts.
        for (pair, key) in [
            (&sr, crate::C3nKey::Sr25519(alice.public().0)),
            (&ed, crate::C3nKey::Ed25519(public_ed(&ed))),
            (&sm2, crate::C3nKey::Sm2(public)),
        ] {
            assert_eq!(AccountId32::from(key.account_bytes()), pair.account_id());
        }
        // Three different accounts for Alice.
        assert_ne!(sr.account_id(), ed.account_id());
        assert_ne!(sr.account_id(), sm2.account_id());
    }

    #[test]
    fn sm2_dev_keys_are_deterministic_and_distinct() {
        let alice = Sm2Pair::from_dev_uri("//Alice").expect("key");
        let again = Sm2Pair::from_dev_uri("//Alice").expect("key");
        let bob = Sm2Pair::from_dev_uri("//Bob").expect("key");
        assert_eq!(alice.public(), again.public());
        assert_eq!(alice.secret(), again.secret());
        assert_ne!(alice.public(), bob.public());
        // The secret is the domain-separated hash (valid at the first try for Alice).
        let expected = sp_crypto_hashing::blake2_256(&[SM2_DEV_KEY_DOMAIN, b"//Alice"].concat());
        assert_eq!(alice.secret(), expected);
        assert_eq!(
            Sm2Pair::from_secret(&alice.secret()).expect("key").public(),
            alice.public()
        );
        // Deterministic signing.
        assert_eq!(alice.sign(b"m"), alice.sign(b"m"));
        // The secret does not show in Debug output.
        let shown = format!("{alice:?} {:?}", AccountPair::Sm2(alice.clone()));
        assert!(!shown.contains(&hex::encode(alice.secret())), "{shown}");
    }

    #[test]
    fn invalid_sm2_secrets_are_refused() {
        assert_eq!(
            Sm2Pair::from_secret(&[0; 32]).err(),
            Some(KeyError::InvalidSm2Secret)
        );
        assert_eq!(
            Sm2Pair::from_secret(&[0xff; 32]).err(),
            Some(KeyError::InvalidSm2Secret)
        );
        assert!(Sm2Pair::from_secret(&[1; 32]).is_ok());
        assert_eq!(
            AccountPair::from_dev_uri(SignatureScheme::Sr25519, "not a uri").err(),
            Some(KeyError::InvalidSecretUri)
        );
    }

    #[test]
    fn each_scheme_round_trips_on_its_own_chain_only() {
        let message = b"a transfer payload";
        for scheme in [
            SignatureScheme::Sr25519,
            SignatureScheme::Ed25519,
            SignatureScheme::Sm2,
        ] {
            let pair = dev(scheme, "//Alice");
            let signature = pair.sign(message).expect("signs");
            assert_eq!(signature.scheme(), Some(scheme));
            let account = pair.account_id();
            let on = |chain: SignatureScheme| match chain {
                SignatureScheme::Sr25519 => verify::<Sr25519Chain>(&signature, message, &account),
                SignatureScheme::Ed25519 => verify::<Ed25519Chain>(&signature, message, &account),
                SignatureScheme::Sm2 => verify::<Sm2Chain>(&signature, message, &account),
            };
            assert!(on(scheme), "{scheme:?} verifies on its own chain");
            for other in [
                SignatureScheme::Sr25519,
                SignatureScheme::Ed25519,
                SignatureScheme::Sm2,
            ] {
                if other != scheme {
                    assert!(!on(other), "{scheme:?} is refused on a {other:?} chain");
                }
            }
            // Another message, another account.
            assert!(!signature.verify_in(scheme, b"another payload", &account));
            let bob = dev(scheme, "//Bob").account_id();
            assert!(!signature.verify_in(scheme, message, &bob));
        }
    }

    #[test]
    fn sm2_key_must_hash_to_the_account() {
        let message = b"payload";
        let alice = Sm2Pair::from_dev_uri("//Alice").expect("key");
        let bob = Sm2Pair::from_dev_uri("//Bob").expect("key");
        // Bob's valid signature, presented for Alice's account.
        let signature = bob.sign(message).expect("signs");
        assert!(signature.verify_in(SignatureScheme::Sm2, message, &bob.account_id()));
        assert!(!signature.verify_in(SignatureScheme::Sm2, message, &alice.account_id()));
        // Alice's key with Bob's signature: the key matches the account, the signature not.
        let SchemeSignature::Sm2 {
            signature: bobs, ..
        } = signature
        else {
            panic!("SM2 signature");
        };
        let forged = SchemeSignature::Sm2 {
            public: alice.public(),
            signature: bobs,
        };
        assert!(!forged.verify_in(SignatureScheme::Sm2, message, &alice.account_id()));
    }

    #[test]
    fn malformed_sm2_keys_and_signatures_are_false() {
        let message = b"payload";
        let alice = Sm2Pair::from_dev_uri("//Alice").expect("key");
        let SchemeSignature::Sm2 { public, signature } = alice.sign(message).expect("signs") else {
            panic!("SM2 signature");
        };
        // The same point in SEC1's compact form (`0x05 ‖ x`) and other prefixes: one key, one
        // account.
        let other_prefixes = [0x00, 0x04, 0x05, 0x06, 0x07, 0xff].map(|prefix| {
            let mut key = public;
            key[0] = prefix;
            key
        });
        // An x coordinate above the field prime, and all zeros.
        let mut not_on_curve = [0xff; 33];
        not_on_curve[0] = 0x02;
        for key in other_prefixes.into_iter().chain([not_on_curve, [0u8; 33]]) {
            // With the account the key hashes to, so only the key's validity decides.
            let account = sm2_account_id(&key);
            let candidate = SchemeSignature::Sm2 {
                public: key,
                signature,
            };
            assert!(!candidate.verify_in(SignatureScheme::Sm2, message, &account));
            assert!(!sm2_verify(&key, message, &signature));
        }
        // r = 0, s = 0, r and s at or above the order.
        for bad in [[0u8; 64], [0xff; 64]] {
            let candidate = SchemeSignature::Sm2 {
                public,
                signature: bad,
            };
            assert!(!candidate.verify_in(SignatureScheme::Sm2, message, &alice.account_id()));
        }
        // ECDSA never verifies, on any chain.
        let ec = sp_core::ecdsa::Pair::from_string("//Alice", None).expect("key");
        let ecdsa = SchemeSignature::Ecdsa(ec.sign(message));
        let account = AccountId32::from(sp_crypto_hashing::blake2_256(&ec.public().0));
        assert_eq!(ecdsa.scheme(), None);
        for scheme in [
            SignatureScheme::Sr25519,
            SignatureScheme::Ed25519,
            SignatureScheme::Sm2,
        ] {
            assert!(!ecdsa.verify_in(scheme, message, &account));
        }
    }

    proptest! {
        /// Whatever the bytes, decoding and verifying a signature on any chain returns; the
        /// verdict is `false` unless the bytes really are a valid signature.
        #[test]
        fn random_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..140),
            tag in 0u8..6,
            message in proptest::collection::vec(any::<u8>(), 0..64),
            account in any::<[u8; 32]>(),
        ) {
            let mut input = vec![tag];
            input.extend_from_slice(&bytes);
            let account = AccountId32::from(account);
            if let Ok(signature) = SchemeSignature::decode(&mut &input[..]) {
                prop_assert!(!verify::<Sr25519Chain>(&signature, &message, &account));
                prop_assert!(!verify::<Ed25519Chain>(&signature, &message, &account));
                prop_assert!(!verify::<Sm2Chain>(&signature, &message, &account));
                // An SM2 candidate checked against the account its key hashes to reaches the
                // curve arithmetic.
                if let SchemeSignature::Sm2 { public, .. } = &signature {
                    let own = sm2_account_id(public);
                    prop_assert!(!verify::<Sm2Chain>(&signature, &message, &own));
                }
            }
        }

        /// Any compressed-point-shaped key with any signature: no panic, and `false`.
        #[test]
        fn random_sm2_keys_never_panic(
            prefix in prop_oneof![Just(0x02u8), Just(0x03u8), any::<u8>()],
            x in any::<[u8; 32]>(),
            r in any::<[u8; 32]>(),
            s in any::<[u8; 32]>(),
        ) {
            let mut public = [0u8; 33];
            public[0] = prefix;
            public[1..].copy_from_slice(&x);
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&r);
            signature[32..].copy_from_slice(&s);
            prop_assert!(!sm2_verify(&public, b"message", &signature));
        }
    }
}
