//! Types of the chain-config pallet: the consensus kind, account scheme, validator keys and the
//! base token a subchain records at genesis.
//!
//! [`ConsensusKind`], [`C3nKey`] (a validator key), [`SignatureScheme`] and [`ValidatorSetId`]
//! are the main chain's registry's own (`pallet-wcme-subchains`), from the crate both use
//! (`wcme-subchain-primitives`), so a validator set read from a subchain's state is compared
//! byte for byte with the set registered for it on the main chain.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, traits::ConstU32};
use scale_info::TypeInfo;

pub use wcme_subchain_primitives::{C3nKey, ConsensusKind, SignatureScheme, ValidatorSetId};

/// The consensus kind of a genesis config that names none: [`ConsensusKind::Aura`], round-robin
/// authorities (the validator set, in order) with BFT finality. With a single validator it is
/// what the node's single-authority dev engine does.
pub const DEFAULT_CONSENSUS: ConsensusKind = ConsensusKind::Aura;

/// The account scheme of a genesis config that names none: [`SignatureScheme::Sr25519`], what
/// every Substrate wallet signs with.
pub const DEFAULT_ACCOUNT_SCHEME: SignatureScheme = SignatureScheme::Sr25519;

/// Longest base-token symbol, in bytes (the main chain's smart-asset limit).
pub const MAX_SYMBOL_LENGTH: u32 = 16;

/// The main chain's native token symbol, which no subchain's base token may take.
pub const RESERVED_SYMBOL: &[u8] = b"WCME";

/// A base-token symbol as stored: 1..=[`MAX_SYMBOL_LENGTH`] bytes of `A`–`Z`, `0`–`9`, `.`, `-`.
pub type Symbol = BoundedVec<u8, ConstU32<MAX_SYMBOL_LENGTH>>;

/// The subchain's base token as recorded at genesis.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct TokenInfo {
    /// Ticker, e.g. `SUB`.
    pub symbol: Symbol,
    /// Decimal places of the smallest unit.
    pub decimals: u8,
}

/// Why a genesis base token was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TokenError {
    /// The symbol is empty.
    EmptySymbol,
    /// The symbol is longer than [`MAX_SYMBOL_LENGTH`] bytes.
    SymbolTooLong,
    /// The symbol has a byte other than `A`–`Z`, `0`–`9`, `.`, `-`.
    InvalidSymbol,
    /// The symbol is `WCME`, the main chain's token.
    ReservedSymbol,
    /// The declared decimals are not those the runtime's amounts are written in.
    DecimalsMismatch {
        /// Declared in the genesis config.
        declared: u8,
        /// The runtime's (`Config::TokenDecimals`).
        runtime: u8,
    },
}

impl TokenInfo {
    /// The token `symbol` with `decimals`, checked against the smart-asset symbol rules and the
    /// runtime's `runtime_decimals`.
    pub fn new(symbol: &[u8], decimals: u8, runtime_decimals: u8) -> Result<Self, TokenError> {
        if symbol.is_empty() {
            return Err(TokenError::EmptySymbol);
        }
        let bounded = Symbol::try_from(symbol.to_vec()).map_err(|_| TokenError::SymbolTooLong)?;
        if !symbol
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
        {
            return Err(TokenError::InvalidSymbol);
        }
        if symbol == RESERVED_SYMBOL {
            return Err(TokenError::ReservedSymbol);
        }
        if decimals != runtime_decimals {
            return Err(TokenError::DecimalsMismatch {
                declared: decimals,
                runtime: runtime_decimals,
            });
        }
        Ok(Self {
            symbol: bounded,
            decimals,
        })
    }
}
