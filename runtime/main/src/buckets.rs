//! The genesis allocation of the WCME supply (DESIGN §3).
//!
//! The genesis supply is exactly [`GENESIS_SUPPLY`] = 960,000,000 WCME, split into six buckets,
//! each held by its own genesis account:
//!
//! | bucket | share | WCME |
//! |---|---|---|
//! | frozen reserve (frozen at genesis by `pallet-wcme-reserve`) | 50 % | 480,000,000 |
//! | founding team | 5 % | 48,000,000 |
//! | community activities | 8.4 % | 80,640,000 |
//! | technical team | 3.2 % | 30,720,000 |
//! | technical-ecosystem fund | 16.4 % | 157,440,000 |
//! | operations and business cooperation | 17 % | 163,200,000 |
//!
//! On development and local chains the bucket accounts are sr25519 keys derived from Substrate's
//! public development phrase ([`sp_core::crypto::DEV_PHRASE`]) with each bucket's
//! [`GenesisBucket::derivation`], so `subkey inspect //wcme//frozen-reserve` shows the same
//! account. A production chain spec names real accounts instead.

use alloc::{format, string::String, vec::Vec};
use sp_core::{
    Pair,
    crypto::{DEV_PHRASE, SecretStringError},
    sr25519,
};
use sp_runtime::{MultiSigner, traits::IdentifyAccount};

use crate::{AccountId, Balance, WCME};

/// One genesis allocation bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenesisBucket {
    /// Human-readable name (as in DESIGN §3).
    pub name: &'static str,
    /// Hard-derivation path appended to the development phrase to get the development account.
    pub derivation: &'static str,
    /// The bucket's genesis balance in 10^-12 WCME.
    pub amount: Balance,
}

/// The frozen reserve: 50 %, frozen at genesis, released only by root.
pub const FROZEN_RESERVE: GenesisBucket = GenesisBucket {
    name: "frozen reserve",
    derivation: "//wcme//frozen-reserve",
    amount: 480_000_000 * WCME,
};

/// The founding team: 5 %.
pub const FOUNDING_TEAM: GenesisBucket = GenesisBucket {
    name: "founding team",
    derivation: "//wcme//founding-team",
    amount: 48_000_000 * WCME,
};

/// Community activities: 8.4 %.
pub const COMMUNITY: GenesisBucket = GenesisBucket {
    name: "community activities",
    derivation: "//wcme//community",
    amount: 80_640_000 * WCME,
};

/// The technical team: 3.2 %.
pub const TECHNICAL_TEAM: GenesisBucket = GenesisBucket {
    name: "technical team",
    derivation: "//wcme//technical-team",
    amount: 30_720_000 * WCME,
};

/// The technical-ecosystem fund: 16.4 %.
pub const ECOSYSTEM_FUND: GenesisBucket = GenesisBucket {
    name: "technical-ecosystem fund",
    derivation: "//wcme//ecosystem-fund",
    amount: 157_440_000 * WCME,
};

/// The development account of [`ECOSYSTEM_FUND`] (`//wcme//ecosystem-fund`,
/// `5EtQhqdN5VAwnQ9tSTeWHxHU224C7Y43ybPKj63kqm3mp7E7`) as raw bytes, for runtime parameters that
/// need the account without deriving a key (a test checks it against the derivation).
pub const ECOSYSTEM_FUND_DEV_ACCOUNT: [u8; 32] = [
    0x7c, 0xda, 0x81, 0xba, 0x68, 0x91, 0x00, 0x24, 0x71, 0xe6, 0x87, 0xa5, 0x06, 0x0a, 0x4f, 0xc0,
    0xba, 0x43, 0xf6, 0x05, 0x0c, 0xa8, 0xa6, 0x54, 0xc9, 0xda, 0xe6, 0x17, 0x68, 0xf7, 0x13, 0x5b,
];

/// Operations and business cooperation: 17 %.
pub const OPERATIONS: GenesisBucket = GenesisBucket {
    name: "operations and business cooperation",
    derivation: "//wcme//operations",
    amount: 163_200_000 * WCME,
};

/// All six buckets, frozen reserve first.
pub const BUCKETS: [GenesisBucket; 6] = [
    FROZEN_RESERVE,
    FOUNDING_TEAM,
    COMMUNITY,
    TECHNICAL_TEAM,
    ECOSYSTEM_FUND,
    OPERATIONS,
];

/// The genesis supply: exactly 960,000,000 WCME.
pub const GENESIS_SUPPLY: Balance = 960_000_000 * WCME;

/// Sum of all bucket amounts, computed at compile time.
const fn buckets_sum() -> Balance {
    let mut sum: Balance = 0;
    let mut rest: &[GenesisBucket] = &BUCKETS;
    while let [first, tail @ ..] = rest {
        // Overflow in a const fn is a compile error, so this cannot wrap silently.
        sum += first.amount;
        rest = tail;
    }
    sum
}

// The buckets must add up to the genesis supply; checked when the crate compiles.
const _: () = assert!(buckets_sum() == GENESIS_SUPPLY);

/// Sum of the buckets' amounts (`None` on overflow, which the constants rule out).
pub fn total() -> Option<Balance> {
    BUCKETS
        .iter()
        .try_fold(0, |acc: Balance, b| acc.checked_add(b.amount))
}

/// The development secret URI for a derivation path: the development phrase plus `derivation`.
pub fn dev_uri(derivation: &str) -> String {
    format!("{DEV_PHRASE}{derivation}")
}

/// The sr25519 development account for a derivation path (e.g. `"//wcme//operations"`).
pub fn dev_account(derivation: &str) -> Result<AccountId, SecretStringError> {
    let pair = sr25519::Pair::from_string(&dev_uri(derivation), None)?;
    Ok(MultiSigner::from(pair.public()).into_account())
}

/// The sr25519 development key pair for a derivation path, for tests and dev tooling that sign
/// as a bucket account.
pub fn dev_pair(derivation: &str) -> Result<sr25519::Pair, SecretStringError> {
    sr25519::Pair::from_string(&dev_uri(derivation), None)
}

impl GenesisBucket {
    /// This bucket's development account.
    pub fn dev_account(&self) -> Result<AccountId, SecretStringError> {
        dev_account(self.derivation)
    }
}

/// The development accounts of all buckets, in [`BUCKETS`] order.
pub fn dev_bucket_accounts() -> Result<Vec<AccountId>, SecretStringError> {
    BUCKETS.iter().map(GenesisBucket::dev_account).collect()
}

/// `(account, amount)` of every bucket on development chains, in [`BUCKETS`] order.
pub fn dev_bucket_balances() -> Result<Vec<(AccountId, Balance)>, SecretStringError> {
    BUCKETS
        .iter()
        .map(|b| b.dev_account().map(|a| (a, b.amount)))
        .collect()
}
