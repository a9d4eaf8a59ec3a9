//! Types and constants of the smart-asset pallet: asset records, pool state, the read-only pool
//! view of the runtime API and the pallet-independent [`AmmError`].

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, traits::ConstU32};
use scale_info::TypeInfo;
use sp_core::U256;
use sp_runtime::{Permill, traits::AtLeast32BitUnsigned};

use crate::math;

/// Identifier of an asset. [`WCME`] (`0`) is the native token; smart assets and IOUs get ids from
/// `1` upwards, in order of creation.
pub type AssetId = u32;

/// The asset id of WCME itself, the quote side of every pool.
pub const WCME: AssetId = 0;

/// The symbol of the native token, reserved: no asset may be registered under it.
pub const WCME_SYMBOL: &[u8] = b"WCME";

/// Pool shares minted with the first liquidity of a pool and locked for ever (owned by nobody),
/// as in Uniswap v2: they keep the share price from being inflated to the point where small
/// deposits round to zero shares, and they keep a pool from ever being emptied.
pub const MINIMUM_LIQUIDITY: u128 = 1_000;

/// Longest swap path: `[asset, WCME, asset]` (every hop has WCME on one side).
pub const MAX_PATH_LENGTH: u32 = 3;

/// Most decimals an asset may declare (WCME has 12; `u128` holds 3.4·10^38 units).
pub const MAX_DECIMALS: u8 = 18;

/// Identifier of a subchain in the (future) subchain registry.
pub type SubchainId = u32;

/// A swap path as stored in events: 2 or 3 asset ids.
pub type SwapPath = BoundedVec<AssetId, ConstU32<MAX_PATH_LENGTH>>;

/// What kind of asset an id names.
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
pub enum AssetKind {
    /// Issued with [`crate::Pallet::issue`]: a fixed supply, all of it put into the asset's pool
    /// against the issuer's WCME collateral. Nobody can mint or burn more.
    #[codec(index = 0)]
    Smart,
    /// Registered with [`crate::Pallet::register_iou`]: its issuer mints and burns it at will
    /// (a claim on something the issuer holds elsewhere, e.g. on a subchain).
    #[codec(index = 1)]
    Iou,
}

/// The record of one smart asset or IOU.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct AssetDetails<AccountId, Symbol> {
    /// Ticker symbol: ASCII `A`–`Z`, `0`–`9`, `.` or `-`, unique, not `WCME`.
    pub symbol: Symbol,
    /// Decimal places wallets show (at most [`MAX_DECIMALS`]).
    pub decimals: u8,
    /// Smart asset (fixed supply) or IOU (minted and burned by its issuer).
    pub kind: AssetKind,
    /// The account that issued or registered the asset.
    pub issuer: AccountId,
    /// The subchain the issuer account belongs to, if the subchain registry knows it (see
    /// [`crate::SubchainInspect`]); a subchain's base token is issued by its subchain account.
    pub subchain: Option<SubchainId>,
    /// Units in existence: account balances plus the asset reserve of its pool.
    pub supply: u128,
}

/// The state of the constant-product pool of one asset against WCME.
///
/// A pool is *empty* (both reserves and `total_shares` zero) from [`crate::Pallet::create_pool`]
/// until its first liquidity; after that its WCME reserve is never below
/// [`crate::Config::MinWcmeReserve`], its asset reserve never zero and `total_shares` never below
/// [`MINIMUM_LIQUIDITY`].
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct PoolInfo<BlockNumber> {
    /// WCME held by the pool (in the pallet account), in 10^-12 WCME.
    pub wcme_reserve: u128,
    /// Units of the asset held by the pool.
    pub asset_reserve: u128,
    /// Pool shares in existence, including the [`MINIMUM_LIQUIDITY`] locked for ever.
    pub total_shares: u128,
    /// Σ over blocks of the price of 1 WCME in asset units (`asset_reserve / wcme_reserve`,
    /// scaled by 10^18) times the blocks it held, up to `last_update`. Wraps modulo 2^256.
    pub wcme_price_cumulative: U256,
    /// Σ over blocks of the price of 1 asset unit in WCME (`wcme_reserve / asset_reserve`, scaled
    /// by 10^18) times the blocks it held, up to `last_update`. Wraps modulo 2^256.
    pub asset_price_cumulative: U256,
    /// The block up to which the accumulators are brought (the first block the pool was touched
    /// in since the reserves last changed).
    pub last_update: BlockNumber,
}

impl<BlockNumber: AtLeast32BitUnsigned + Copy> PoolInfo<BlockNumber> {
    /// A pool without liquidity, created at block `now`.
    pub fn empty(now: BlockNumber) -> Self {
        Self {
            wcme_reserve: 0,
            asset_reserve: 0,
            total_shares: 0,
            wcme_price_cumulative: U256::zero(),
            asset_price_cumulative: U256::zero(),
            last_update: now,
        }
    }

    /// Whether the pool has no liquidity yet.
    pub fn is_empty(&self) -> bool {
        self.total_shares == 0
    }

    /// Bring the price accumulators forward to block `now` (Uniswap v2's `_update`): the current
    /// reserves held for every block since `last_update`, so each accumulator grows by the price
    /// times the blocks elapsed. Called before the reserves change, so the prices summed are the
    /// ones that held until this block; the first touch in a block does the work, later touches in
    /// the same block find nothing elapsed. Constant work; empty pools accumulate nothing.
    pub fn accumulate_to(&mut self, now: BlockNumber) {
        if now <= self.last_update {
            return;
        }
        let elapsed: u64 = now.saturating_sub(self.last_update).unique_saturated_into();
        if self.wcme_reserve > 0 && self.asset_reserve > 0 {
            self.wcme_price_cumulative = math::accumulate(
                self.wcme_price_cumulative,
                math::price(self.asset_reserve, self.wcme_reserve),
                elapsed,
            );
            self.asset_price_cumulative = math::accumulate(
                self.asset_price_cumulative,
                math::price(self.wcme_reserve, self.asset_reserve),
                elapsed,
            );
        }
        self.last_update = now;
    }
}

/// A pool as the runtime API reports it: reserves, shares, fees and the price accumulators brought
/// forward to the block the API is called at.
///
/// A time-weighted average price between two observations is `(cumulative₂ − cumulative₁) /
/// (cumulative_at₂ − cumulative_at₁) / 10^18` (subtracting modulo 2^256).
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PoolView<BlockNumber> {
    /// WCME held by the pool.
    pub wcme_reserve: u128,
    /// Asset units held by the pool.
    pub asset_reserve: u128,
    /// Pool shares in existence, including the locked [`MINIMUM_LIQUIDITY`].
    pub total_shares: u128,
    /// Total fee of a swap, taken from its input ([`crate::Config::SwapFee`]).
    pub swap_fee: Permill,
    /// Part of the input that goes to the ecosystem fund ([`crate::Config::ProtocolFee`]),
    /// included in `swap_fee`.
    pub protocol_fee: Permill,
    /// [`PoolInfo::wcme_price_cumulative`] brought forward to `cumulative_at`.
    pub wcme_price_cumulative: U256,
    /// [`PoolInfo::asset_price_cumulative`] brought forward to `cumulative_at`.
    pub asset_price_cumulative: U256,
    /// The block the accumulators are valid at (the block the API was called at).
    pub cumulative_at: BlockNumber,
}

/// Why an AMM computation or quote failed. Independent of the runtime, so the runtime API can
/// return it; every variant maps to the [`crate::Error`] of the same name.
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
pub enum AmmError {
    /// An amount that must be positive is zero.
    #[codec(index = 0)]
    ZeroAmount,
    /// The path is shorter than 2 or longer than [`MAX_PATH_LENGTH`], or has a hop without WCME.
    #[codec(index = 1)]
    InvalidPath,
    /// The path names the same asset twice.
    #[codec(index = 2)]
    IdenticalAssets,
    /// No asset has this id.
    #[codec(index = 3)]
    UnknownAsset,
    /// The asset exists but has no pool.
    #[codec(index = 4)]
    PoolNotFound,
    /// The pool cannot serve the request: it is empty, or the output asked for is not below its
    /// reserve.
    #[codec(index = 5)]
    InsufficientLiquidity,
    /// The trade would leave the pool's WCME reserve below the minimum or its asset reserve at
    /// zero.
    #[codec(index = 6)]
    ReserveBelowMinimum,
    /// The input is too small to buy a single unit (or to be worth a single share).
    #[codec(index = 7)]
    ZeroOutput,
    /// A result or intermediate value does not fit the arithmetic.
    #[codec(index = 8)]
    Overflow,
    /// The deposit is too small to mint a single pool share (the first deposit must be worth more
    /// than [`MINIMUM_LIQUIDITY`]).
    #[codec(index = 9)]
    InsufficientLiquidityMinted,
    /// A swap would lower the pool's reserve product. Never expected: a defensive check.
    #[codec(index = 10)]
    InvariantViolated,
}
