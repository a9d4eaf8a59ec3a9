//! # Chain-config pallet
//!
//! What makes a subchain *this* subchain, written at genesis from its chain spec: its base token
//! (symbol and decimals), the consensus kind its nodes run, the signature scheme of its accounts,
//! and its validator set (the C3N keys of DESIGN §5, bounded by [`Config::MaxValidators`]). In
//! the runtime as `ChainConfig`.
//!
//! - The **base token** and the **consensus kind** are fixed at genesis: no call changes them.
//!   Switching engines is a coordinated upgrade of every node, not a transaction.
//! - The **account scheme** ([`AccountScheme`]: sr25519, ed25519 or SM2) is fixed at genesis
//!   too: the runtime's signature type accepts signatures of this scheme only
//!   ([`ChainAccountScheme`] hands it to `wcme_subchain_primitives::AccountSignature`). Changing
//!   it would strand every account, so no call does.
//! - The **validator set** changes only through [`Pallet::set_validators`], gated by
//!   [`Config::ValidatorSetOrigin`] (root, i.e. `Sudo`, in the template; a council in a fork
//!   that swaps governance). Each change bumps [`CurrentSetId`] (0 at genesis) and emits
//!   [`Event::ValidatorsChanged`] with the whole new set, which is what a relayer submits,
//!   signed by the old set, to the main chain's registry (`update_validators`).
//!
//! All of it is served to the node (and to RPC clients through `state_call`) by the runtime
//! APIs of [`runtime_api`]: `ValidatorSetApi` (validators, set id) and `ChainConfigApi`
//! (consensus kind, base token, account scheme).
//!
//! The pallet is a module of the runtime crate (a fork keeps or extends it with the runtime);
//! it refers to nothing in the runtime but its [`Config`], so it can move to its own crate as
//! is.

pub mod runtime_api;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::{
    C3nKey, ConsensusKind, DEFAULT_ACCOUNT_SCHEME, DEFAULT_CONSENSUS, MAX_SYMBOL_LENGTH,
    RESERVED_SYMBOL, SignatureScheme, Symbol, TokenError, TokenInfo, ValidatorSetId,
};
pub use weights::WeightInfo;

/// The chain's account scheme as a [`Get`](frame_support::traits::Get): reads
/// [`AccountScheme`] (so it must run inside the chain's state, as signature checks do). The
/// subchain runtime's `Signature` is `AccountSignature<ChainAccountScheme<Runtime>>`.
pub struct ChainAccountScheme<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<SignatureScheme> for ChainAccountScheme<T> {
    fn get() -> SignatureScheme {
        AccountScheme::<T>::get()
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::{
        C3nKey, ConsensusKind, DEFAULT_ACCOUNT_SCHEME, DEFAULT_CONSENSUS, SignatureScheme,
        TokenInfo, ValidatorSetId, WeightInfo,
    };
    use alloc::{string::String, vec::Vec};
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;

    /// The validator set as stored: at most [`Config::MaxValidators`] keys, in order.
    pub type ValidatorsOf<T> = BoundedVec<C3nKey, <T as Config>::MaxValidators>;

    /// The pallet: the subchain's genesis identity and its validator set.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Configuration of the chain-config pallet.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Who may replace the validator set: root (through `Sudo`) in the template, a council
        /// or another collective in a fork that governs itself.
        type ValidatorSetOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Most validators in a set (the main chain's registry accepts up to 100).
        #[pallet::constant]
        type MaxValidators: Get<u32>;

        /// Decimals the runtime's amounts (existential deposit, fees) are written in; the
        /// genesis config must declare the same.
        #[pallet::constant]
        type TokenDecimals: Get<u8>;

        /// The symbol a default genesis config declares.
        #[pallet::constant]
        type DefaultTokenSymbol: Get<&'static str>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// The base token, as declared at genesis.
    #[pallet::storage]
    pub type Token<T: Config> = StorageValue<_, TokenInfo, OptionQuery>;

    /// [`DEFAULT_CONSENSUS`], what [`Consensus`] reads before genesis is built.
    #[pallet::type_value]
    pub fn DefaultConsensus() -> ConsensusKind {
        DEFAULT_CONSENSUS
    }

    /// The consensus kind, as declared at genesis.
    ///
    /// The node picks its engine from the chain spec's `consensus` section; this record is the
    /// chain's own statement of which engine that must be, readable through
    /// `ChainConfigApi_consensus_kind` (so a node can check that its spec names the same engine),
    /// and the kind the subchain declares to the main chain's registry, which audits its headers
    /// by it. No call changes it: switching engines is a coordinated upgrade of every node, not
    /// a transaction.
    #[pallet::storage]
    pub type Consensus<T: Config> = StorageValue<_, ConsensusKind, ValueQuery, DefaultConsensus>;

    /// [`DEFAULT_ACCOUNT_SCHEME`], what [`AccountScheme`] reads before genesis is built.
    #[pallet::type_value]
    pub fn DefaultAccountScheme() -> SignatureScheme {
        DEFAULT_ACCOUNT_SCHEME
    }

    /// The signature scheme of the chain's accounts, as declared at genesis: transactions must be
    /// signed in it (the runtime's signature type reads it through
    /// [`ChainAccountScheme`](super::ChainAccountScheme)); a signature of another scheme is a bad
    /// proof. Readable through `ChainConfigApi_account_scheme`. No call changes it: accounts
    /// are keys of this scheme, and a change would leave them unable to sign.
    #[pallet::storage]
    pub type AccountScheme<T: Config> =
        StorageValue<_, SignatureScheme, ValueQuery, DefaultAccountScheme>;

    /// [`DEFAULT_ACCOUNT_SCHEME`], for a genesis config that names no account scheme.
    fn default_account_scheme() -> SignatureScheme {
        DEFAULT_ACCOUNT_SCHEME
    }

    /// The current validator set: no duplicates, every key of one scheme; empty only if the
    /// genesis config named no validators and root has not set any since.
    #[pallet::storage]
    pub type Validators<T: Config> = StorageValue<_, ValidatorsOf<T>, ValueQuery>;

    /// The id of the current validator set: 0 for the genesis set, +1 per change.
    #[pallet::storage]
    pub type CurrentSetId<T: Config> = StorageValue<_, ValidatorSetId, ValueQuery>;

    /// The subchain's identity at genesis. In JSON (`chainConfig` of the runtime genesis
    /// config): `{"tokenSymbol": "SUB", "tokenDecimals": 12, "consensus": "aura",
    /// "accountScheme": "sr25519", "validators": [{"sr25519": "0x…"}]}`.
    #[pallet::genesis_config]
    pub struct GenesisConfig<T: Config> {
        /// The base token's ticker: 1–16 bytes of `A`–`Z`, `0`–`9`, `.`, `-`; not `WCME`.
        pub token_symbol: String,
        /// The base token's decimals: must equal [`Config::TokenDecimals`].
        pub token_decimals: u8,
        /// The consensus engine the chain runs.
        pub consensus: ConsensusKind,
        /// The signature scheme of the chain's accounts: `"sr25519"`, `"ed25519"` or `"sm2"`.
        /// Optional in JSON ([`DEFAULT_ACCOUNT_SCHEME`] if absent), so chain specs written before
        /// it existed still build.
        #[serde(default = "default_account_scheme")]
        pub account_scheme: SignatureScheme,
        /// The first validator set: the same rules as [`Pallet::set_validators`], except that
        /// it may be empty. FRAME requires the default genesis config to build, and no default
        /// can name a business's validators; a chain built without any has none until root sets
        /// them, so every real chain spec lists them (the presets do).
        pub validators: Vec<C3nKey>,
        #[serde(skip)]
        #[doc(hidden)]
        pub _config: PhantomData<T>,
    }

    impl<T: Config> Default for GenesisConfig<T> {
        /// The runtime's default token and consensus kind and **no validators** (see
        /// [`GenesisConfig::validators`]).
        fn default() -> Self {
            Self {
                token_symbol: T::DefaultTokenSymbol::get().into(),
                token_decimals: T::TokenDecimals::get(),
                consensus: DEFAULT_CONSENSUS,
                account_scheme: DEFAULT_ACCOUNT_SCHEME,
                validators: Vec::new(),
                _config: PhantomData,
            }
        }
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        /// # Panics
        ///
        /// If the token or a non-empty validator set breaks the rules above: a genesis that
        /// declares a token the runtime does not count in, or a set that `set_validators` would
        /// refuse, must not produce a chain (like pallet-balances' own genesis checks, this only
        /// ever runs while building genesis state, never in a block).
        fn build(&self) {
            let token = TokenInfo::new(
                self.token_symbol.as_bytes(),
                self.token_decimals,
                T::TokenDecimals::get(),
            );
            let token = match token {
                Ok(token) => token,
                Err(e) => panic!("chain-config genesis: invalid base token: {e:?}"),
            };
            let validators = if self.validators.is_empty() {
                ValidatorsOf::<T>::default()
            } else {
                match Pallet::<T>::check_validators(self.validators.clone()) {
                    Ok(validators) => validators,
                    Err(e) => panic!("chain-config genesis: invalid validator set: {e:?}"),
                }
            };
            Token::<T>::put(token);
            Consensus::<T>::put(self.consensus);
            AccountScheme::<T>::put(self.account_scheme);
            Validators::<T>::put(validators);
            CurrentSetId::<T>::put(0);
        }
    }

    /// Events of the chain-config pallet.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// The validator set was replaced.
        ValidatorsChanged {
            /// Id of the new set.
            set_id: ValidatorSetId,
            /// The new set, in order.
            validators: ValidatorsOf<T>,
        },
    }

    /// Errors of the chain-config pallet.
    #[pallet::error]
    pub enum Error<T> {
        /// The validator set is empty.
        NoValidators,
        /// The validator set has more than [`Config::MaxValidators`] keys.
        TooManyValidators,
        /// A key does not have its scheme's form (an SM2 key not starting with `0x02`/`0x03`).
        InvalidValidatorKey,
        /// The keys are not all of one signature scheme.
        MixedKeySchemes,
        /// A key appears twice.
        DuplicateValidator,
        /// The new set is the current set.
        Unchanged,
        /// The set id cannot grow any further.
        SetIdOverflow,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(
                T::MaxValidators::get() > 0,
                "chain-config: MaxValidators must allow at least one validator"
            );
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Replace the validator set with `validators`, in this order.
        ///
        /// Origin: [`Config::ValidatorSetOrigin`] (root through `Sudo` in the template). The set
        /// must have 1..=[`Config::MaxValidators`] well-formed keys of one scheme and no
        /// duplicates ([`Error::NoValidators`], [`Error::TooManyValidators`],
        /// [`Error::InvalidValidatorKey`], [`Error::MixedKeySchemes`],
        /// [`Error::DuplicateValidator`]) and differ from the current one
        /// ([`Error::Unchanged`]). Bumps [`CurrentSetId`] and emits
        /// [`Event::ValidatorsChanged`]. A failed call changes nothing.
        ///
        /// The new set is in the state of the block that includes the call, so an engine that
        /// reads the set at a block's parent sees it from the next block on. The main chain
        /// learns of it only when a relayer submits the change, signed by more than 2/3 of the
        /// old set, to its registry.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::set_validators(
            validators.len().try_into().unwrap_or(u32::MAX)
        ))]
        pub fn set_validators(origin: OriginFor<T>, validators: Vec<C3nKey>) -> DispatchResult {
            T::ValidatorSetOrigin::ensure_origin(origin)?;
            let validators = Self::check_validators(validators)?;
            ensure!(validators != Validators::<T>::get(), Error::<T>::Unchanged);
            let set_id = CurrentSetId::<T>::get()
                .checked_add(1)
                .ok_or(Error::<T>::SetIdOverflow)?;

            Validators::<T>::put(&validators);
            CurrentSetId::<T>::put(set_id);
            Self::deposit_event(Event::ValidatorsChanged { set_id, validators });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// `validators` as a stored set, if they follow the rules of
        /// [`Pallet::set_validators`] (all but [`Error::Unchanged`]).
        pub fn check_validators(validators: Vec<C3nKey>) -> Result<ValidatorsOf<T>, Error<T>> {
            // Bounded first, so every loop below runs over at most `MaxValidators` keys.
            let validators = ValidatorsOf::<T>::try_from(validators)
                .map_err(|_| Error::<T>::TooManyValidators)?;
            let first = validators.first().ok_or(Error::<T>::NoValidators)?;
            ensure!(
                validators.iter().all(C3nKey::is_well_formed),
                Error::<T>::InvalidValidatorKey
            );
            let scheme = first.scheme();
            ensure!(
                validators.iter().all(|key| key.scheme() == scheme),
                Error::<T>::MixedKeySchemes
            );
            let mut sorted = validators.clone().into_inner();
            sorted.sort_unstable();
            ensure!(
                sorted.windows(2).all(|pair| pair.first() != pair.get(1)),
                Error::<T>::DuplicateValidator
            );
            Ok(validators)
        }

        /// The current validator set, in order.
        pub fn validators() -> Vec<C3nKey> {
            Validators::<T>::get().into_inner()
        }

        /// The id of the current validator set.
        pub fn validator_set_id() -> ValidatorSetId {
            CurrentSetId::<T>::get()
        }

        /// The consensus kind recorded at genesis.
        pub fn consensus_kind() -> ConsensusKind {
            Consensus::<T>::get()
        }

        /// The base token recorded at genesis (`None` only before genesis is built).
        pub fn base_token() -> Option<TokenInfo> {
            Token::<T>::get()
        }

        /// The signature scheme of the chain's accounts, recorded at genesis.
        pub fn account_scheme() -> SignatureScheme {
            AccountScheme::<T>::get()
        }
    }
}
