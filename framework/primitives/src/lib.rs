//! Chain-wide WCME types.
//!
//! Every crate of the node and every runtime agrees on these: what an account, a balance, a block
//! number and a hash are, and what a header and an (opaque) block look like on the wire. The formats
//! are Substrate's (`generic::Header<u32, BlakeTwo256>`, `MultiSignature` accounts) so that
//! @polkadot/api, subxt and existing wallets decode them unchanged.

use sp_runtime::{
    MultiSignature, OpaqueExtrinsic, generic,
    traits::{BlakeTwo256, IdentifyAccount, Verify},
};

pub use sp_core::H256;

/// Block number: `u32`, as on Substrate chains.
pub type BlockNumber = u32;
/// A signature of the chain's default scheme (sr25519, ed25519 or ecdsa behind `MultiSignature`).
pub type Signature = MultiSignature;
/// An account id: the 32-byte public key behind a `MultiSignature` signer.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance in the smallest unit (10^-12 WCME).
pub type Balance = u128;
/// An account's transaction index.
pub type Nonce = u32;
/// A block, state or extrinsic hash.
pub type Hash = H256;
/// The hasher of blocks and state.
pub type Hashing = BlakeTwo256;
/// A block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// A block whose extrinsics are kept as opaque bytes: what the node stores, gossips and serves.
pub type Block = generic::Block<Header, OpaqueExtrinsic>;
/// A block plus its justifications, as returned by `chain_getBlock`.
pub type SignedBlock = generic::SignedBlock<Block>;
/// A digest item in a header.
pub type DigestItem = generic::DigestItem;
pub use sp_runtime::OpaqueExtrinsic as Extrinsic;

/// Decimals of the WCME token.
pub const TOKEN_DECIMALS: u8 = 12;
/// Ticker of the WCME token.
pub const TOKEN_SYMBOL: &str = "WCME";
/// One WCME in the smallest unit.
pub const WCME: Balance = 1_000_000_000_000;
/// SS58 address prefix of the development chains (Substrate's generic prefix).
pub const SS58_PREFIX: u16 = 42;

/// Where a transaction is in its life, as `author_submitAndWatchExtrinsic` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransactionStatus {
    /// Valid, but waits for an earlier transaction (nonce gap).
    Future,
    /// Valid and ready to be included in the next block.
    Ready,
    /// Included in the block with this hash.
    InBlock(Hash),
    /// The block that included it is no longer on the best chain.
    Retracted(Hash),
    /// The block that included it is final.
    Finalized(Hash),
    /// Replaced by another transaction with the same tags (e.g. same sender and nonce).
    Usurped(Hash),
    /// Removed from the pool because of limits.
    Dropped,
    /// Became invalid (e.g. after a new block).
    Invalid,
}

impl TransactionStatus {
    /// Whether no further status will follow this one.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Finalized(_) | Self::Usurped(_) | Self::Dropped | Self::Invalid
        )
    }
}
