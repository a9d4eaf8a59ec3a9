//! A mock runtime for the registry's tests: System, Balances (`u128` balances, existential
//! deposit 1), the real smart-asset pallet (through the same kind of adapters a runtime writes)
//! and Subchains, with `u128` accounts (so that subchain accounts, `modl ‖ pallet id ‖ id`, fit
//! without truncation). Drained gas goes to [`TREASURY`].

use crate as pallet_wcme_subchains;
use crate::{
    BaseTokenIssuer, C3nKey, C3nSignature, DefaultVerifier, SM2_DISTID, SignatureVerifier,
    SubchainConfig, SubchainId, TokenListing, ValidatorSignature, WithoutSm2,
    types::{Balance, BaseToken},
    verify::VerifyError,
};
use frame_support::{
    PalletId, derive_impl, parameter_types,
    traits::{
        ConstU32, ConstU64, ConstU128, OnUnbalanced,
        fungible::{Balanced, Credit},
    },
    weights::Weight,
};
use pallet_wcme_smart_assets::SmartAssetIssuer;
use sp_core::{H256, Pair, ed25519, sr25519};
use sp_runtime::{BuildStorage, DispatchError, Permill, traits::IdentityLookup};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        SmartAssets: pallet_wcme_smart_assets,
        Subchains: pallet_wcme_subchains,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountId = u128;
    type Lookup = IdentityLookup<u128>;
    type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type Balance = u128;
    type ExistentialDeposit = ConstU128<ED>;
    type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
    pub const SmartAssetsPalletId: PalletId = PalletId(*b"wcme/sma");
    pub const SubchainsPalletId: PalletId = PalletId(*b"wcme/sub");
    pub const SwapFee: Permill = Permill::from_parts(3_000);
    pub const ProtocolFee: Permill = Permill::from_parts(500);
    pub const EcosystemFund: u128 = FUND;
    /// Whether the mock has a smart-asset pallet behind `AssetIssuer` (thread-local).
    pub static IssuerEnabled: bool = true;
    /// Whether the mock's verifier checks SM2 (thread-local).
    pub static Sm2Enabled: bool = true;
}

/// What a runtime writes to let the smart-asset pallet ask the registry about subchain accounts.
pub struct RegistryInspect;
impl pallet_wcme_smart_assets::SubchainInspect<u128> for RegistryInspect {
    fn subchain_of(who: &u128) -> Option<u32> {
        Subchains::subchain_of(who)
    }
}

impl pallet_wcme_smart_assets::Config for Test {
    type Currency = Balances;
    type PalletId = SmartAssetsPalletId;
    type SwapFee = SwapFee;
    type ProtocolFee = ProtocolFee;
    type EcosystemFund = EcosystemFund;
    type MinWcmeReserve = ConstU128<MIN_WCME_RESERVE>;
    type MaxSymbolLength = ConstU32<MAX_SYMBOL>;
    type Subchains = RegistryInspect;
    type WeightInfo = ();
}

/// What a runtime writes to issue base tokens with the smart-asset pallet (switchable off with
/// [`IssuerEnabled`], which then behaves as `()`).
pub struct SmartAssetsIssuer;
impl BaseTokenIssuer<u128> for SmartAssetsIssuer {
    fn enabled() -> bool {
        IssuerEnabled::get()
    }

    fn issue(
        issuer: &u128,
        symbol: Vec<u8>,
        decimals: u8,
        supply: u128,
        collateral: Balance,
    ) -> Result<u32, DispatchError> {
        <SmartAssets as SmartAssetIssuer<u128>>::issue(issuer, symbol, decimals, supply, collateral)
    }

    fn issue_weight() -> Weight {
        <SmartAssets as SmartAssetIssuer<u128>>::issue_weight()
    }
}

/// The default verifier, or [`WithoutSm2`] when [`Sm2Enabled`] is off.
pub struct MockVerifier;
impl SignatureVerifier for MockVerifier {
    fn verify(key: &C3nKey, message: &[u8], signature: &C3nSignature) -> Result<(), VerifyError> {
        if Sm2Enabled::get() {
            DefaultVerifier::verify(key, message, signature)
        } else {
            WithoutSm2::verify(key, message, signature)
        }
    }
}

/// Drained gas and slashed bonds are paid to [`TREASURY`].
pub struct ToTreasury;
impl OnUnbalanced<Credit<u128, Balances>> for ToTreasury {
    fn on_nonzero_unbalanced(amount: Credit<u128, Balances>) {
        // The treasury exists from genesis, so resolving cannot fail; were it to, the credit
        // would be dropped, i.e. burned.
        let _ = <Balances as Balanced<u128>>::resolve(&TREASURY, amount);
    }
}

impl pallet_wcme_subchains::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type PalletId = SubchainsPalletId;
    type MinStake = ConstU128<MIN_STAKE>;
    type MinGasBalance = ConstU128<MIN_GAS>;
    type DefaultHeaderFee = ConstU128<HEADER_FEE>;
    type DefaultMessageFee = ConstU128<MESSAGE_FEE>;
    type OnGasCharged = ToTreasury;
    type RetirementDelay = ConstU64<RETIREMENT_DELAY>;
    type MaxValidators = ConstU32<MAX_VALIDATORS>;
    type MinBond = ConstU128<MIN_BOND>;
    type BondingDuration = ConstU64<BONDING_DURATION>;
    type OnBondSlashed = ToTreasury;
    type MaxNameLength = ConstU32<MAX_NAME>;
    type MaxSymbolLength = ConstU32<MAX_SYMBOL>;
    type GovernanceOrigin = frame_system::EnsureRoot<u128>;
    type SignatureVerifier = MockVerifier;
    type AssetIssuer = SmartAssetsIssuer;
    type WeightInfo = ();
}

pub const ED: Balance = 1;
pub const MIN_STAKE: Balance = 1_000;
pub const MIN_GAS: Balance = 100;
pub const MIN_BOND: Balance = 50;
pub const BONDING_DURATION: u64 = 20;
pub const HEADER_FEE: Balance = 10;
pub const MESSAGE_FEE: Balance = 4;
pub const RETIREMENT_DELAY: u64 = 10;
pub const MAX_VALIDATORS: u32 = 7;
pub const MAX_NAME: u32 = 16;
pub const MAX_SYMBOL: u32 = 8;
pub const MIN_WCME_RESERVE: Balance = 1_000;

/// A registrant with plenty of WCME.
pub const ALICE: u128 = 1;
/// Another one.
pub const BOB: u128 = 2;
/// An account with a little WCME.
pub const CHARLIE: u128 = 3;
/// Receives drained gas.
pub const TREASURY: u128 = 50;
/// The smart-asset ecosystem fund.
pub const FUND: u128 = 99;
/// Genesis WCME of [`ALICE`] and [`BOB`].
pub const RICH: Balance = 1_000_000_000;
/// Genesis WCME of [`CHARLIE`].
pub const POOR: Balance = 500;
/// Genesis WCME of [`TREASURY`] and [`FUND`].
pub const SEED: Balance = 1_000;

/// The sr25519 validator key pair with seed `n`.
pub fn sr_pair(n: u8) -> sr25519::Pair {
    sr25519::Pair::from_seed(&[n; 32])
}

/// The ed25519 validator key pair with seed `n`.
pub fn ed_pair(n: u8) -> ed25519::Pair {
    ed25519::Pair::from_seed(&[n; 32])
}

/// The SM2 validator signing key with secret `[n; 32]` (`n` > 0).
pub fn sm2_key(n: u8) -> sm2::dsa::SigningKey {
    sm2::dsa::SigningKey::from_slice(SM2_DISTID, &[n; 32]).expect("a valid SM2 secret")
}

/// A test validator of any scheme.
// Test-only, a few of them per test: the size of the key pairs does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum Signer {
    Sr(sr25519::Pair),
    Ed(ed25519::Pair),
    Sm2(sm2::dsa::SigningKey),
}

impl Signer {
    /// The validator's public key bytes, as passed to the calls.
    pub fn public(&self) -> Vec<u8> {
        match self {
            Signer::Sr(pair) => pair.public().0.to_vec(),
            Signer::Ed(pair) => pair.public().0.to_vec(),
            Signer::Sm2(key) => {
                use sm2::elliptic_curve::sec1::ToSec1Point;
                key.verifying_key()
                    .as_affine()
                    .to_sec1_point(true)
                    .as_bytes()
                    .to_vec()
            }
        }
    }

    /// The validator's signature over `message`.
    pub fn sign(&self, message: &[u8]) -> C3nSignature {
        match self {
            Signer::Sr(pair) => pair.sign(message).0,
            Signer::Ed(pair) => pair.sign(message).0,
            Signer::Sm2(key) => {
                use sm2::dsa::signature::Signer as _;
                let signature: sm2::dsa::Signature = key.sign(message);
                signature.to_bytes().into()
            }
        }
    }
}

/// `n` sr25519 validators, seeds `first..first + n`.
pub fn sr_signers(first: u8, n: u8) -> Vec<Signer> {
    (first..first.saturating_add(n))
        .map(|i| Signer::Sr(sr_pair(i)))
        .collect()
}

/// `n` ed25519 validators, seeds `first..first + n`.
pub fn ed_signers(first: u8, n: u8) -> Vec<Signer> {
    (first..first.saturating_add(n))
        .map(|i| Signer::Ed(ed_pair(i)))
        .collect()
}

/// `n` SM2 validators, secrets `first..first + n` (`first` > 0).
pub fn sm2_signers(first: u8, n: u8) -> Vec<Signer> {
    (first..first.saturating_add(n))
        .map(|i| Signer::Sm2(sm2_key(i)))
        .collect()
}

/// The public keys of `signers`.
pub fn publics(signers: &[Signer]) -> Vec<Vec<u8>> {
    signers.iter().map(Signer::public).collect()
}

/// A valid configuration: name `name`, chain id `name` lower-cased with `-` for spaces,
/// symbol `SUB`, 12
/// decimals, PBFT, sr25519, four validators (seeds 1–4), no listing.
pub fn config(name: &str) -> SubchainConfig {
    SubchainConfig {
        name: name.as_bytes().to_vec(),
        chain_id: name.to_ascii_lowercase().replace(' ', "-").into_bytes(),
        base_token: BaseToken {
            symbol: b"SUB".to_vec(),
            decimals: 12,
        },
        listing: None,
        consensus: 2,
        signature_scheme: 0,
        validators: publics(&sr_signers(1, 4)),
        genesis_hash: H256::repeat_byte(0xab),
    }
}

/// `config` with validators `signers` of scheme code `scheme`.
pub fn config_with(name: &str, scheme: u8, signers: &[Signer]) -> SubchainConfig {
    SubchainConfig {
        signature_scheme: scheme,
        validators: publics(signers),
        ..config(name)
    }
}

/// `config` with a listing.
pub fn listed_config(
    name: &str,
    symbol: &str,
    supply: u128,
    collateral: Balance,
) -> SubchainConfig {
    let mut config = config(name);
    config.base_token.symbol = symbol.as_bytes().to_vec();
    config.listing = Some(TokenListing { supply, collateral });
    config
}

/// Signatures of `signers` (with their indices in the current set) over the payload of
/// subchain `id` changing to set `set_id` with `validators`.
pub fn proof(
    id: SubchainId,
    set_id: u64,
    validators: &[Vec<u8>],
    signers: &[(u32, &Signer)],
) -> Vec<ValidatorSignature> {
    let payload = payload_for(id, set_id, validators);
    signers
        .iter()
        .map(|(index, signer)| ValidatorSignature {
            index: *index,
            signature: signer.sign(&payload),
        })
        .collect()
}

/// The payload of a change of subchain `id` to set `set_id` with raw keys `validators`.
pub fn payload_for(id: SubchainId, set_id: u64, validators: &[Vec<u8>]) -> [u8; 32] {
    let info = crate::Subchains::<Test>::get(id).expect("registered");
    let keys: Vec<C3nKey> = validators
        .iter()
        .map(|k| C3nKey::from_bytes(info.signature_scheme, k).expect("well-formed key"))
        .collect();
    crate::verify::validator_set_payload(id, &info.chain_id, &info.genesis_hash, set_id, &keys)
}

/// Sets the header fee in storage, as `set_gas_fees` would (at most [`MIN_GAS`]).
pub fn set_header_fee(fee: Balance) {
    crate::Fees::<Test>::mutate(|fees| fees.header_fee = fee);
}

/// The header fee in storage.
pub fn header_fee() -> Balance {
    crate::Fees::<Test>::get().header_fee
}

/// Test externalities at block 1 (so events are kept) with the mock's genesis balances.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        balances: pallet_balances::GenesisConfig {
            balances: vec![
                (ALICE, RICH),
                (BOB, RICH),
                (CHARLIE, POOR),
                (TREASURY, SEED),
                (FUND, SEED),
            ],
            ..Default::default()
        },
        subchains: Default::default(),
    }
    .build_storage()
    .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
