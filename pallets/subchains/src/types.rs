//! Types of the subchain registry: what a registration says (consensus kind, signature scheme,
//! validator keys, base token), what is stored per subchain, and the read-only view the runtime
//! API returns.
//!
//! Call arguments carry plain `Vec`s and numeric codes so that every malformed input (too many
//! validators, an unknown consensus kind, a key of the wrong length) reaches the pallet and is
//! refused with a typed error, instead of failing to decode as an extrinsic. Storage holds the
//! checked, bounded forms.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, traits::ConstU32};
use scale_info::TypeInfo;
use sp_core::H256;

/// The types the registry shares with subchain runtimes (`wcme-subchain-primitives`): the
/// consensus kind, the signature scheme and validator (C3N) keys a subchain registers with, and
/// the validator-set id its changes are numbered by.
pub use wcme_subchain_primitives::{
    C3nKey, ConsensusKind, SM2_DISTID, SignatureScheme, ValidatorSetId,
};

/// WCME balances (10^-12 WCME), as in the rest of the main chain.
pub type Balance = u128;

/// Identifier of a registered subchain: `1, 2, …` in order of registration. `0` is never given
/// out; cross-chain messages use it for the main chain itself. The same type as
/// `pallet_wcme_smart_assets::SubchainId`.
pub type SubchainId = u32;

/// Identifier of a smart asset (`pallet_wcme_smart_assets::AssetId`).
pub type AssetId = u32;

/// Longest chain id, in bytes (the node's own limit on chain-spec ids).
pub const MAX_CHAIN_ID_LENGTH: u32 = 64;

/// Most decimals a base token may declare (the smart-asset pallet's limit).
pub const MAX_DECIMALS: u8 = 18;

/// The native token's symbol, which no subchain's base token may take.
pub const WCME_SYMBOL: &[u8] = b"WCME";

/// A subchain's chain id as stored: the `id` of its chain spec, which names its gossip topics
/// (`/wcme/<chain id>/…`). 1–64 bytes of ASCII letters, digits, `.`, `_` and `-`.
pub type ChainId = BoundedVec<u8, ConstU32<MAX_CHAIN_ID_LENGTH>>;

/// The domain separator at the start of every validator-set change payload.
pub const VALIDATOR_SET_DOMAIN: &[u8] = b"WCME/subchains/validator-set/v1";

/// A validator's signature: 64 bytes in every scheme (sr25519 and ed25519 signatures; SM2's
/// `r ‖ s`, each 32 bytes big-endian).
pub type C3nSignature = [u8; 64];

/// One signature of a validator-set change proof: the signer's position in the current set and
/// its signature over [`crate::verify::validator_set_payload`].
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct ValidatorSignature {
    /// Index of the signer in the subchain's current validator set.
    pub index: u32,
    /// The signature.
    pub signature: C3nSignature,
}

/// A subchain's base token: its ticker and decimals.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct BaseToken<Symbol> {
    /// Ticker: ASCII `A`–`Z`, `0`–`9`, `.` or `-`, not `WCME` (the smart-asset rules).
    pub symbol: Symbol,
    /// Decimal places, at most [`MAX_DECIMALS`].
    pub decimals: u8,
}

/// Listing of the base token as a smart asset at registration: `supply` units are issued into a
/// new pool against `collateral` WCME, which sets the token's initial price.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct TokenListing {
    /// Units of the base token issued into the pool (positive).
    pub supply: u128,
    /// WCME paid by the registrant into the pool as collateral (positive; the smart-asset
    /// pallet's own minimum applies too).
    pub collateral: Balance,
}

/// What a subchain registers with: the argument of [`crate::Pallet::register`].
///
/// Codes and keys are raw here and checked by the pallet, each failure with its own error.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct SubchainConfig {
    /// Human-readable name: 1..=`MaxNameLength` bytes of printable ASCII, no leading or
    /// trailing space, unique regardless of letter case.
    pub name: Vec<u8>,
    /// The subchain's chain id (its chain spec `id`): 1–64 bytes of ASCII letters, digits, `.`,
    /// `_` and `-`, unique.
    pub chain_id: Vec<u8>,
    /// The base token.
    pub base_token: BaseToken<Vec<u8>>,
    /// `Some` to issue the base token as a smart asset (needs a smart-asset pallet behind
    /// [`crate::Config::AssetIssuer`]); `None` to register without listing it.
    pub listing: Option<TokenListing>,
    /// [`ConsensusKind`] code: 0 poc, 1 aura, 2 pbft, 3 pow.
    pub consensus: u8,
    /// [`SignatureScheme`] code: 0 sr25519, 1 ed25519, 2 sm2.
    pub signature_scheme: u8,
    /// The initial validator (C3N) public keys in the scheme's form (see
    /// [`C3nKey::from_bytes`]): 1..=`MaxValidators`, no duplicates.
    pub validators: Vec<Vec<u8>>,
    /// Hash of the subchain's genesis block (not zero).
    pub genesis_hash: H256,
}

/// Where a subchain is in its lifecycle.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum SubchainStatus<BlockNumber> {
    /// Headers and messages are accepted and charged.
    #[codec(index = 0)]
    Active,
    /// Nothing is accepted: its gas is below `MinGasBalance` or it is frozen (see
    /// [`SubchainInfo::frozen`]). A top-up, or unfreezing, reactivates it once neither holds.
    #[codec(index = 1)]
    Suspended,
    /// Deregistered by its owner; nothing is accepted ever again. Its remaining stake goes back
    /// to the owner from block `refund_at` ([`crate::Pallet::withdraw_retired`]).
    #[codec(index = 2)]
    Retired {
        /// First block the stake can be refunded in.
        refund_at: BlockNumber,
        /// Whether it has been.
        refunded: bool,
    },
}

impl<BlockNumber> SubchainStatus<BlockNumber> {
    /// Whether the subchain is active.
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Active)
    }

    /// Whether the subchain is retired (refunded or not).
    pub fn is_retired(&self) -> bool {
        matches!(self, Self::Retired { .. })
    }
}

/// The registry's record of one subchain. Its validator set is stored apart
/// ([`crate::ValidatorSets`]) so that charging gas does not read it.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct SubchainInfo<AccountId, BlockNumber, Name, Symbol> {
    /// Who registered it: may deregister it and receives the refund.
    pub owner: AccountId,
    /// Its name.
    pub name: Name,
    /// Its chain id.
    pub chain_id: ChainId,
    /// Its base token.
    pub base_token: BaseToken<Symbol>,
    /// The smart asset its base token was issued as, if it was.
    pub asset_id: Option<AssetId>,
    /// Its consensus engine.
    pub consensus: ConsensusKind,
    /// Its signature scheme (every validator key is of it).
    pub signature_scheme: SignatureScheme,
    /// Hash of its genesis block.
    pub genesis_hash: H256,
    /// Prepaid gas left: the WCME held on the subchain account for
    /// [`crate::HoldReason::GasStake`].
    pub gas: Balance,
    /// Gas drained so far.
    pub gas_spent: Balance,
    /// Headers charged so far.
    pub headers_charged: u64,
    /// Cross-chain messages charged so far.
    pub messages_charged: u64,
    /// Frozen on evidence (only `unfreeze` lifts it); a frozen subchain is never active and
    /// cannot be deregistered or refunded.
    pub frozen: bool,
    /// Its lifecycle state.
    pub status: SubchainStatus<BlockNumber>,
    /// The block it registered in.
    pub registered_at: BlockNumber,
}

/// A subchain's validator (C3N) set as stored.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ValidatorSet<Keys> {
    /// The set's id: 0 at registration, +1 per audited change.
    pub id: ValidatorSetId,
    /// The keys, in the order signers refer to by index.
    pub keys: Keys,
}

/// What a gas charge paid for.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
pub enum GasCharge {
    /// An audited header (the header fee).
    #[codec(index = 0)]
    Header,
    /// A cross-chain message (the message fee).
    #[codec(index = 1)]
    Message,
}

/// The gas fees every subchain pays ([`crate::Fees`]): set at genesis and by root, each at most
/// `MinGasBalance`.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
pub struct GasFees {
    /// Gas drained per audited header.
    pub header_fee: Balance,
    /// Gas drained per cross-chain message.
    pub message_fee: Balance,
}

/// Why a subchain was suspended.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
pub enum SuspendReason {
    /// Its gas fell below `MinGasBalance`.
    #[codec(index = 0)]
    OutOfGas,
    /// It was frozen on evidence.
    #[codec(index = 1)]
    Frozen,
}

/// A subchain as the runtime API (and the `wcme_subchains` / `wcme_subchain` RPC) shows it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct SubchainView<AccountId, BlockNumber> {
    /// Its id.
    pub id: SubchainId,
    /// Its owner.
    pub owner: AccountId,
    /// The subchain account: holds the gas stake, issued the base token.
    pub account: AccountId,
    /// Its name.
    pub name: Vec<u8>,
    /// Its chain id.
    pub chain_id: Vec<u8>,
    /// Its base token's symbol.
    pub symbol: Vec<u8>,
    /// Its base token's decimals.
    pub decimals: u8,
    /// The smart asset of its base token, if issued.
    pub asset_id: Option<AssetId>,
    /// Its consensus engine.
    pub consensus: ConsensusKind,
    /// Its signature scheme.
    pub signature_scheme: SignatureScheme,
    /// Hash of its genesis block.
    pub genesis_hash: H256,
    /// Prepaid gas left.
    pub gas: Balance,
    /// Gas drained so far.
    pub gas_spent: Balance,
    /// Headers charged so far.
    pub headers_charged: u64,
    /// Messages charged so far.
    pub messages_charged: u64,
    /// Whether it is frozen.
    pub frozen: bool,
    /// Its lifecycle state.
    pub status: SubchainStatus<BlockNumber>,
    /// The block it registered in.
    pub registered_at: BlockNumber,
    /// Id of its current validator set.
    pub validator_set_id: ValidatorSetId,
    /// Its current validators (kept after retirement).
    pub validators: Vec<C3nKey>,
}

/// A bond posted for one validator key of a subchain: slashed if that key pre-commits two
/// conflicting finalized headers.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ValidatorBond<AccountId, BlockNumber> {
    /// Who posted it: its WCME is held on this account, and only it withdraws.
    pub bonder: AccountId,
    /// The WCME held.
    pub amount: Balance,
    /// Once unbonding: the first block it can be withdrawn in.
    pub withdrawable_at: Option<BlockNumber>,
}
