//! # WCME cross-chain pallet (subchain side): WCME transfers with the main chain
//!
//! The subchain's half of DESIGN §5's token movement, the counterpart of the main-chain pallet
//! ([`crate::pallet`]). A subchain runtime includes it under the name **`CrossChain`**, so that
//! its [`Outbound`] and [`Receipts`] live at [`crate::subchain_outbound_key`] and
//! [`crate::subchain_receipt_key`], where the main chain reads them with storage proofs. It
//! shares the formats ([`crate::message`]) and the proof reader ([`crate::proof`]) with the
//! main-chain side.
//!
//! - **Trust.** The subchain trusts main-chain state roots only through [`MainChainRoots`]
//!   ([`Config::MainChain`]): the state root of a finalized main-chain block its light client
//!   verified. Implementing that light client is not part of this pallet; `()` verifies nothing,
//!   so every proof-carrying call fails with [`Error::NotVerified`].
//! - **WCME on the subchain** is [`Config::Currency`], a `fungible::Mutate` that only this pallet
//!   mints and burns (a dedicated `pallet-balances` instance or an asset): minted on proof of a
//!   main → subchain message (the WCME locked in the subchain's escrow on the main chain backs
//!   it), burned when sent back. [`Minted`] is what is outstanding: minted, less burned, plus
//!   refunded. It never goes negative, and the currency's total issuance never exceeds it.
//! - **Main → subchain.** [`Pallet::receive_from_main`] mints a message proven to be in the main
//!   chain's `CrossChain::Outbound` at [`crate::main_outbound_key`]`(subchain, seq)`, in order,
//!   unless it arrives at or after its `timeout` (a subchain block): then it records
//!   [`crate::Receipt::Expired`] and the main chain refunds the sender on proof of that receipt.
//! - **Subchain → main.** [`Pallet::transfer_to_main`] burns and queues a
//!   [`crate::TransferMessage`] in [`Outbound`] with a `timeout` in main-chain blocks;
//!   [`Pallet::settle_outbound`] closes it on proof of the main chain's receipt
//!   ([`crate::main_receipt_key`]), re-minting it to the sender if it expired.
//! - **The subchain's id** on the main chain ([`OwnId`]), which the main chain's keys contain, is
//!   set at genesis or, since a subchain only gets its id when it registers (after its genesis),
//!   once by [`Config::AdminOrigin`] ([`Pallet::set_subchain_id`]).
//! - **C3D** ([`crate::c3d`]): a main → subchain message is received only once a batch holding
//!   its hash was accepted by more than 2/3 of both sides' C3Ns ([`C3ns`], set at genesis or by
//!   [`Config::AdminOrigin`] with [`Pallet::set_c3ns`]): a C3N broadcasts the batch
//!   ([`Pallet::broadcast_batch`]), the others attest it ([`Pallet::attest_batch`]), and its
//!   hashes wait in [`AttestedMessages`] for [`Pallet::receive_from_main`].
//!
//! See `docs/cross-chain.md`, "WCME transfers (subchain side)".

pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use weights::WeightInfo;

use sp_core::H256;

/// The subchain's view of main-chain finality: the state roots of finalized main-chain blocks
/// that the subchain verified (a light client of main-chain finality implements it).
pub trait MainChainRoots {
    /// The state root of main-chain block `number`, if that block is finalized, verified by the
    /// subchain and still kept; `None` otherwise.
    fn state_root(number: u32) -> Option<H256>;

    /// The number of the highest finalized main-chain block the subchain verified (0 if none):
    /// the `timeout` of a subchain → main message counts from it.
    fn finalized_number() -> u32;
}

/// Verifies nothing: no main-chain root is trusted, so nothing can be received or settled.
impl MainChainRoots for () {
    fn state_root(_number: u32) -> Option<H256> {
        None
    }

    fn finalized_number() -> u32 {
        0
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::{MainChainRoots, WeightInfo};
    use crate::{
        c3d::{self, Accepted, C3dError, C3dView, C3nId, C3nSets, Channel, MinC3ns},
        message::{self, Receipt, SeqCheck, TransferMessage, account_from_bytes, account_to_bytes},
        proof::{self, ProofError},
        types::SubchainId,
    };
    use alloc::vec::Vec;
    use codec::DecodeAll;
    use frame_support::{
        pallet_prelude::*,
        traits::{
            fungible::{Inspect, Mutate},
            tokens::{Fortitude, Precision, Preservation, Provenance},
        },
    };
    use frame_system::pallet_prelude::*;
    use pallet_wcme_subchains::Balance;
    use sp_core::H256;
    use sp_runtime::{ArithmeticError, traits::UniqueSaturatedInto};

    /// A storage proof of main-chain state: the encoded trie nodes, at most
    /// [`Config::MaxProofNodes`] of them, each at most [`Config::MaxProofNodeSize`] bytes
    /// (checked by the calls before any hashing). See [`crate::proof`].
    pub type ProofOf<T> = BoundedVec<Vec<u8>, <T as Config>::MaxProofNodes>;

    /// Most attesters of a batch: both sides' sets in full (`2 * MaxC3ns`).
    pub struct MaxAttestersOf<T>(core::marker::PhantomData<T>);

    impl<T: Config> Get<u32> for MaxAttestersOf<T> {
        fn get() -> u32 {
            T::MaxC3ns::get().saturating_mul(2)
        }
    }

    /// The C3D state of the main → subchain channel.
    pub type ChannelOf<T> = Channel<<T as Config>::MaxBatch, MaxAttestersOf<T>>;

    /// The message hashes of one batch.
    pub type BatchOf<T> = BoundedVec<H256, <T as Config>::MaxBatch>;

    /// One side's C3Ns: their ids, at most [`Config::MaxC3ns`].
    pub type C3nSetOf<T> = BoundedVec<C3nId, <T as Config>::MaxC3ns>;

    /// Both sides' C3Ns as the subchain stores them ([`C3ns`]).
    #[derive(
        Encode,
        Decode,
        DecodeWithMemTracking,
        MaxEncodedLen,
        TypeInfo,
        CloneNoBound,
        PartialEqNoBound,
        EqNoBound,
        DebugNoBound,
        frame_support::DefaultNoBound,
    )]
    #[scale_info(skip_type_params(MaxC3ns))]
    pub struct StoredC3ns<MaxC3ns: Get<u32>> {
        /// The main chain's C3Ns.
        pub main: BoundedVec<C3nId, MaxC3ns>,
        /// The subchain's C3Ns.
        pub subchain: BoundedVec<C3nId, MaxC3ns>,
    }

    impl<MaxC3ns: Get<u32>> StoredC3ns<MaxC3ns> {
        /// Both sets, as [`crate::c3d`] takes them.
        pub fn sets(&self) -> C3nSets<'_> {
            C3nSets {
                main: &self.main,
                subchain: &self.subchain,
            }
        }
    }

    /// [`StoredC3ns`] bounded by [`Config::MaxC3ns`].
    pub type StoredC3nsOf<T> = StoredC3ns<<T as Config>::MaxC3ns>;

    /// The pallet: the subchain side of WCME transfers.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Default configurations of this pallet for tests.
    pub mod config_preludes {
        use super::*;
        use frame_support::{
            derive_impl,
            traits::{ConstU32, ConstU128},
        };

        /// Test defaults: a 20-block timeout, a minimum transfer of 10, proofs of at most 16
        /// nodes of 1 KiB, C3N sets of 2 to 16 a side, batches of at most 16 messages expiring
        /// after 10 blocks, unit weights.
        pub struct TestDefaultConfig;

        #[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
        impl frame_system::DefaultConfig for TestDefaultConfig {}

        #[frame_support::register_default_impl(TestDefaultConfig)]
        impl DefaultConfig for TestDefaultConfig {
            type TransferTimeout = ConstU32<20>;
            type MinTransfer = ConstU128<10>;
            type MaxProofNodes = ConstU32<16>;
            type MaxProofNodeSize = ConstU32<1024>;
            type MaxC3ns = ConstU32<16>;
            type MinMainC3ns = ConstU32<2>;
            type MinSubchainC3ns = ConstU32<2>;
            type MaxBatch = ConstU32<16>;
            type BatchExpiry = ConstU32<10>;
            type WeightInfo = ();
        }
    }

    /// Configuration of the subchain side of WCME transfers.
    #[pallet::config(with_default)]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// The finalized main-chain state roots the subchain verified: the only source of trust
        /// in main-chain state.
        #[pallet::no_default]
        type MainChain: MainChainRoots;

        /// WCME on the subchain: minted on proof of main → subchain messages, burned by
        /// subchain → main ones. Only this pallet may mint or burn it.
        #[pallet::no_default]
        type Currency: Mutate<Self::AccountId, Balance = Balance>;

        /// May set the subchain's id on the main chain once ([`Pallet::set_subchain_id`]) and
        /// both sides' C3Ns ([`Pallet::set_c3ns`]).
        #[pallet::no_default]
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Main-chain blocks a subchain → main message has to arrive: its `timeout` is the
        /// highest verified main-chain block number plus this. Positive.
        #[pallet::constant]
        type TransferTimeout: Get<u32>;

        /// The smallest amount [`Pallet::transfer_to_main`] moves: at least the currency's
        /// existential deposit (so a refund can always recreate the sender's account).
        #[pallet::constant]
        type MinTransfer: Get<Balance>;

        /// Most trie nodes in a storage proof.
        #[pallet::constant]
        type MaxProofNodes: Get<u32>;

        /// Largest trie node of a storage proof, in bytes.
        #[pallet::constant]
        type MaxProofNodeSize: Get<u32>;

        /// Most C3Ns of each side ([`C3ns`]); a batch has at most twice as many attesters.
        #[pallet::constant]
        type MaxC3ns: Get<u32>;

        /// Fewest main-chain C3Ns: [`Pallet::set_c3ns`] refuses a smaller set and no batch is
        /// broadcast with fewer. At least 1, at most `MaxC3ns`.
        #[pallet::constant]
        type MinMainC3ns: Get<u32>;

        /// Fewest subchain C3Ns: [`Pallet::set_c3ns`] refuses a smaller set and no batch is
        /// broadcast with fewer. At least 1, at most `MaxC3ns`.
        #[pallet::constant]
        type MinSubchainC3ns: Get<u32>;

        /// Most messages in one C3D batch. Positive.
        #[pallet::constant]
        type MaxBatch: Get<u32>;

        /// Blocks a pending batch waits for its attestations: one broadcast at block `b` may be
        /// replaced by another C3N's broadcast from block `b + BatchExpiry`. Positive.
        #[pallet::constant]
        type BatchExpiry: Get<u32>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;

        /// Makes main-chain state roots verified for the benchmarks.
        #[cfg(feature = "runtime-benchmarks")]
        #[pallet::no_default]
        type BenchmarkHelper: super::benchmarking::BenchmarkHelper;
    }

    /// The subchain's id in the main chain's registry: part of the main chain's keys of this
    /// subchain's messages and receipts. Unset, no transfer is possible.
    #[pallet::storage]
    pub type OwnId<T: Config> = StorageValue<_, SubchainId>;

    /// WCME outstanding on the subchain: minted on main → subchain messages, less burned by
    /// subchain → main ones, plus refunds. The main chain's escrow for this subchain backs it;
    /// the currency's total issuance never exceeds it.
    #[pallet::storage]
    pub type Minted<T: Config> = StorageValue<_, Balance, ValueQuery>;

    /// The sequence number the next subchain → main message gets (from 0).
    #[pallet::storage]
    pub type NextOutboundSeq<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// Subchain → main messages not settled yet, by sequence number: what the main chain proves
    /// and releases ([`crate::subchain_outbound_key`]); removed by [`Pallet::settle_outbound`]
    /// on proof of the main chain's receipt.
    #[pallet::storage]
    pub type Outbound<T: Config> = StorageMap<_, Twox64Concat, u64, TransferMessage>;

    /// The sequence number of the next main → subchain message the subchain accepts (from 0).
    #[pallet::storage]
    pub type NextInboundSeq<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// What the subchain did with each main → subchain message, by sequence number: what the
    /// main chain proves ([`crate::subchain_receipt_key`]) to settle its message or, if
    /// [`Receipt::Expired`], refund its sender. Kept.
    #[pallet::storage]
    pub type Receipts<T: Config> = StorageMap<_, Twox64Concat, u64, Receipt>;

    /// Both sides' C3Ns (their accounts' 32 bytes): those whose attestations accept main →
    /// subchain batches. Empty until set at genesis or by [`Pallet::set_c3ns`]; until then no
    /// batch is broadcast and no message received.
    #[pallet::storage]
    pub type C3ns<T: Config> = StorageValue<_, StoredC3nsOf<T>, ValueQuery>;

    /// The C3D state of the main → subchain channel: the message the next batch starts at, the
    /// last broadcaster, the batch waiting for attestations.
    #[pallet::storage]
    pub type C3dChannel<T: Config> = StorageValue<_, ChannelOf<T>, ValueQuery>;

    /// The verified main-chain block whose state [`Pallet::sync_c3ns`] last proved the C3Ns
    /// from: a later sync must prove a later block.
    #[pallet::storage]
    pub type C3nsSyncedAt<T: Config> = StorageValue<_, u32>;

    /// The hashes ([`crate::c3d::message_hash`]) of main → subchain messages accepted by both
    /// sides' C3Ns and not received yet, by sequence number: [`Pallet::receive_from_main`]
    /// takes only these, and removes them.
    #[pallet::storage]
    pub type AttestedMessages<T: Config> = StorageMap<_, Twox64Concat, u64, H256>;

    /// Genesis: the subchain's id on the main chain, if known before genesis, and both sides'
    /// C3Ns.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The subchain's id in the main chain's registry ([`OwnId`]); `None` to set it later
        /// with [`Pallet::set_subchain_id`].
        pub subchain_id: Option<SubchainId>,
        /// The main chain's C3Ns: at least `MinMainC3ns` distinct accounts, or none (with no
        /// `subchain_c3ns` either) to set both later with [`Pallet::set_c3ns`].
        pub main_c3ns: Vec<T::AccountId>,
        /// The subchain's C3Ns: at least `MinSubchainC3ns` distinct accounts, or none (with no
        /// `main_c3ns` either).
        pub subchain_c3ns: Vec<T::AccountId>,
        /// Unused.
        #[serde(skip)]
        pub _config: core::marker::PhantomData<T>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        /// Panics on invalid C3N lists (too few or too many, duplicates, accounts over 32
        /// bytes): a genesis that cannot be built.
        fn build(&self) {
            if let Some(id) = self.subchain_id {
                OwnId::<T>::put(id);
            }
            if self.main_c3ns.is_empty() && self.subchain_c3ns.is_empty() {
                return;
            }
            let main = Pallet::<T>::c3n_set(&self.main_c3ns, T::MinMainC3ns::get()).expect(
                "pallet-wcme-cross-chain (subchain) genesis: main_c3ns must be MinMainC3ns to \
                 MaxC3ns distinct accounts of at most 32 bytes",
            );
            let subchain = Pallet::<T>::c3n_set(&self.subchain_c3ns, T::MinSubchainC3ns::get())
                .expect(
                    "pallet-wcme-cross-chain (subchain) genesis: subchain_c3ns must be \
                     MinSubchainC3ns to MaxC3ns distinct accounts of at most 32 bytes",
                );
            C3ns::<T>::put(StoredC3ns { main, subchain });
        }
    }

    /// Events of the subchain side of WCME transfers.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// The subchain's id on the main chain was set to `id`.
        SubchainIdSet {
            /// The id.
            id: SubchainId,
        },
        /// `amount` of `sender` was burned and message `seq` queued in [`Outbound`]: the main
        /// chain releases it to `dest` before its block `timeout`.
        TransferSent {
            /// The message's sequence number.
            seq: u64,
            /// Who sent it (refunded if it expires).
            sender: T::AccountId,
            /// The receiving account on the main chain.
            dest: [u8; 32],
            /// The amount burned.
            amount: Balance,
            /// The main-chain block from which the message can no longer be received.
            timeout: u32,
        },
        /// Main → subchain message `seq` was proven: `amount` was minted to `dest`
        /// ([`Receipt::Delivered`]).
        TransferReceived {
            /// The message's sequence number.
            seq: u64,
            /// The sender on the main chain.
            sender: [u8; 32],
            /// The receiving account.
            dest: T::AccountId,
            /// The amount minted.
            amount: Balance,
        },
        /// Main → subchain message `seq` was proven at or after its timeout: nothing was minted,
        /// the receipt is [`Receipt::Expired`] and the main chain refunds its sender on proof of
        /// it.
        TransferExpired {
            /// The message's sequence number.
            seq: u64,
            /// The amount not minted.
            amount: Balance,
        },
        /// The main chain proved it released subchain → main message `seq`
        /// ([`Receipt::Delivered`]): the message is settled.
        TransferDelivered {
            /// The message's sequence number.
            seq: u64,
            /// The amount released on the main chain.
            amount: Balance,
        },
        /// The main chain proved subchain → main message `seq` expired ([`Receipt::Expired`]):
        /// `amount` was minted back to `sender`.
        TransferRefunded {
            /// The message's sequence number.
            seq: u64,
            /// Who sent it and got it back.
            sender: T::AccountId,
            /// The amount refunded.
            amount: Balance,
        },
        /// Both sides' C3Ns were replaced ([`C3ns`]).
        C3nsSet {
            /// How many main-chain C3Ns there are now.
            main: u32,
            /// How many subchain C3Ns there are now.
            subchain: u32,
        },
        /// `broadcaster` broadcast a batch of `count` main → subchain messages from `first`,
        /// named by `digest`: the other C3Ns attest it.
        BatchBroadcast {
            /// The first message's sequence number.
            first: u64,
            /// How many messages.
            count: u32,
            /// The batch's digest ([`crate::c3d::batch_digest`]).
            digest: H256,
            /// The broadcasting C3N.
            broadcaster: C3nId,
        },
        /// Both sides' C3Ns were proven from the main chain's state at verified block `at`
        /// ([`Pallet::sync_c3ns`]).
        C3nsSynced {
            /// The main-chain block.
            at: u32,
            /// How many main-chain C3Ns there are now.
            main: u32,
            /// How many subchain C3Ns (registered validators) there are now.
            subchain: u32,
        },
        /// `attester` attested the pending batch from `first`.
        BatchAttested {
            /// The batch's first message.
            first: u64,
            /// The attesting C3N.
            attester: C3nId,
        },
        /// More than 2/3 of both sides' C3Ns attested the batch: messages `first..=last` may be
        /// received ([`AttestedMessages`]).
        BatchAccepted {
            /// The first accepted message.
            first: u64,
            /// The last accepted message.
            last: u64,
        },
    }

    /// Errors of the subchain side of WCME transfers.
    #[pallet::error]
    pub enum Error<T> {
        /// The subchain's id on the main chain is not set yet: no transfer is possible.
        NoSubchainId,
        /// The subchain's id on the main chain is already set.
        SubchainIdAlreadySet,
        /// The amount is below [`Config::MinTransfer`].
        BelowMinTransfer,
        /// An account (the sender's, a C3N's or the caller's of a C3D call) does not fit in 32
        /// bytes (never for `AccountId32`).
        UnsupportedAccount,
        /// The sender cannot pay the amount.
        InsufficientBalance,
        /// The burn would leave the sender a balance above zero but below the existential
        /// deposit (lost as dust): send it all, or leave the existential deposit.
        WouldLeaveDust,
        /// The amount is more than the WCME outstanding on the subchain ([`Minted`]).
        ExceedsMinted,
        /// The 32 bytes of a message's `dest` (or `sender`, for a refund) are not an account of
        /// this chain.
        InvalidDestination,
        /// The receiving account cannot take the amount (a new account below the existential
        /// deposit, say); the message can be retried, and expires eventually.
        CannotReceive,
        /// The main-chain block is not finalized and verified by the subchain (or no longer
        /// kept), or its state root is zero.
        NotVerified,
        /// The proof has more than `MaxProofNodes` nodes or a node over `MaxProofNodeSize`
        /// bytes.
        ProofTooLarge,
        /// The proof does not prove the key against the verified state root: a node is missing,
        /// altered or not a trie node, or the proof is for another state.
        InvalidProof,
        /// The proof shows the main chain holds no such message under that sequence number, or
        /// a different one.
        MessageNotInProof,
        /// The message's sequence number was already received.
        Replayed,
        /// The message's sequence number is above the next expected one.
        OutOfOrder,
        /// No unsettled subchain → main message has this sequence number.
        UnknownMessage,
        /// The proof shows the main chain holds no receipt for the message (yet).
        NoReceipt,
        /// The main chain's receipt does not decode as a [`Receipt`].
        InvalidReceipt,
        /// The caller is not a C3N of the main chain or of the subchain ([`C3ns`]).
        NotC3n,
        /// A C3N set is smaller than its minimum ([`Config::MinMainC3ns`],
        /// [`Config::MinSubchainC3ns`]): refused by [`Pallet::set_c3ns`], and no batch is
        /// broadcast until both sets are set.
        TooFewC3ns,
        /// The caller broadcast the previous batch: another C3N broadcasts this one.
        ConsecutiveBroadcast,
        /// Another batch waits for attestations and has not expired ([`Config::BatchExpiry`]).
        BatchPending,
        /// The batch has no messages.
        EmptyBatch,
        /// The batch does not start at the channel's next unattested message.
        WrongFirst,
        /// No batch waits for attestations.
        NoPendingBatch,
        /// The attested first message or digest is not the pending batch's.
        WrongDigest,
        /// The caller attested this batch already.
        AlreadyAttested,
        /// The batch has as many attesters as both sets can hold.
        TooManyAttesters,
        /// An account appears twice in a C3N set.
        DuplicateC3n,
        /// No batch accepted by both sides' C3Ns holds this message ([`AttestedMessages`]), or
        /// the accepted one with its sequence number has other contents.
        NotAttested,
        /// The C3Ns were proven from this main-chain block or a later one already.
        StaleC3ns,
        /// The proof shows no validator set registered for this subchain, or a value of the
        /// main chain's C3Ns or of the validator set that does not decode.
        InvalidC3ns,
        /// A proven C3N set has more members than [`Config::MaxC3ns`].
        TooManyC3ns,
    }

    impl<T: Config> Error<T> {
        /// The error of a refused broadcast, attestation or C3N set: the [`Error`] of the same
        /// name, or an arithmetic overflow.
        fn c3d(error: C3dError) -> DispatchError {
            c3d::dispatch_error!(Error<T>, error)
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Checks the configuration. Runs in the runtime's tests and at node start, never in a
        /// block.
        fn integrity_test() {
            assert!(
                T::TransferTimeout::get() > 0,
                "pallet-wcme-cross-chain (subchain): TransferTimeout must be positive"
            );
            assert!(
                T::MinTransfer::get() > 0
                    && T::MinTransfer::get() >= T::Currency::minimum_balance(),
                "pallet-wcme-cross-chain (subchain): MinTransfer must be at least the existential deposit"
            );
            assert!(
                T::MaxProofNodes::get() > 0 && T::MaxProofNodeSize::get() > 0,
                "pallet-wcme-cross-chain (subchain): proofs must be allowed some nodes"
            );
            assert!(
                T::MinMainC3ns::get() >= 1 && T::MinMainC3ns::get() <= T::MaxC3ns::get(),
                "pallet-wcme-cross-chain (subchain): MinMainC3ns must be within 1..=MaxC3ns"
            );
            assert!(
                T::MinSubchainC3ns::get() >= 1 && T::MinSubchainC3ns::get() <= T::MaxC3ns::get(),
                "pallet-wcme-cross-chain (subchain): MinSubchainC3ns must be within 1..=MaxC3ns"
            );
            assert!(
                T::MaxBatch::get() >= 1,
                "pallet-wcme-cross-chain (subchain): MaxBatch must be positive"
            );
            assert!(
                T::BatchExpiry::get() >= 1,
                "pallet-wcme-cross-chain (subchain): BatchExpiry must be positive"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Receive main → subchain `message`, proven by `proof` to be the value of the main
        /// chain's `CrossChain::Outbound` at [`crate::main_outbound_key`]`(subchain, seq)` in the
        /// state of verified main-chain block `at`.
        ///
        /// Origin: signed, anyone (a relayer). The subchain's id must be set;
        /// `message.seq` must be the next inbound sequence number ([`NextInboundSeq`]) and the
        /// message one of a batch more than 2/3 of both sides' C3Ns accepted
        /// ([`AttestedMessages`], see [`Pallet::broadcast_batch`]), both checked before the
        /// proof is read. If this block's number is at or past `message.timeout`,
        /// nothing is minted: the receipt is [`Receipt::Expired`] (the main chain refunds the
        /// sender on proof of it) and the sequence advances. Otherwise `message.dest` must be an
        /// account that can receive `message.amount`; the amount is minted to it, added to
        /// [`Minted`], and the receipt is [`Receipt::Delivered`]. Either way the message's
        /// [`AttestedMessages`] entry is removed. Nothing changes if anything fails.
        ///
        /// Errors: [`Error::NoSubchainId`], [`Error::ProofTooLarge`], [`Error::NotVerified`],
        /// [`Error::Replayed`], [`Error::OutOfOrder`], [`Error::NotAttested`],
        /// [`Error::InvalidProof`], [`Error::MessageNotInProof`], [`Error::InvalidDestination`],
        /// [`Error::CannotReceive`]. Emits [`Event::TransferReceived`] or
        /// [`Event::TransferExpired`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::receive_from_main(
            Pallet::<T>::component(proof.len(), T::MaxProofNodes::get())
        ))]
        pub fn receive_from_main(
            origin: OriginFor<T>,
            at: u32,
            message: TransferMessage,
            proof: ProofOf<T>,
        ) -> DispatchResult {
            ensure_signed(origin)?;
            let id = OwnId::<T>::get().ok_or(Error::<T>::NoSubchainId)?;
            Self::check_proof_bounds(&proof)?;
            let root = Self::verified_root(at)?;
            let seq = message.seq;
            match message::check_seq(seq, NextInboundSeq::<T>::get()) {
                SeqCheck::Next => {}
                SeqCheck::Replayed => return Err(Error::<T>::Replayed.into()),
                SeqCheck::OutOfOrder => return Err(Error::<T>::OutOfOrder.into()),
            }
            let next_seq = seq.checked_add(1).ok_or(ArithmeticError::Overflow)?;
            ensure!(
                AttestedMessages::<T>::get(seq) == Some(c3d::message_hash(&message)),
                Error::<T>::NotAttested
            );
            let proven = Self::read(root, &proof, &message::main_outbound_key(id, seq))?;
            ensure!(
                proven.is_some_and(|value| value == message.encode()),
                Error::<T>::MessageNotInProof
            );

            let now: u32 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
            if now >= message.timeout {
                // Too late: record it, mint nothing, let the next message through.
                Receipts::<T>::insert(seq, Receipt::Expired);
                NextInboundSeq::<T>::put(next_seq);
                AttestedMessages::<T>::remove(seq);
                Self::deposit_event(Event::TransferExpired {
                    seq,
                    amount: message.amount,
                });
                return Ok(());
            }

            let amount = message.amount;
            let dest = account_from_bytes::<T::AccountId>(&message.dest)
                .ok_or(Error::<T>::InvalidDestination)?;
            let minted = Minted::<T>::get()
                .checked_add(amount)
                .ok_or(ArithmeticError::Overflow)?;
            T::Currency::can_deposit(&dest, amount, Provenance::Minted)
                .into_result()
                .map_err(|_| Error::<T>::CannotReceive)?;

            // Everything is checked; mint and record.
            T::Currency::mint_into(&dest, amount)?;
            Minted::<T>::put(minted);
            Receipts::<T>::insert(seq, Receipt::Delivered);
            NextInboundSeq::<T>::put(next_seq);
            AttestedMessages::<T>::remove(seq);
            Self::deposit_event(Event::TransferReceived {
                seq,
                sender: message.sender,
                dest,
                amount,
            });
            Ok(())
        }

        /// Send `amount` WCME to `dest` on the main chain: burn it from the sender and queue a
        /// [`TransferMessage`] in [`Outbound`] for the main chain to prove and release from the
        /// subchain's escrow.
        ///
        /// Origin: signed, the sender. The subchain's id must be set; `amount` must be at least
        /// [`Config::MinTransfer`], within the sender's balance and within [`Minted`], and the
        /// sender must be left with nothing or at least the existential deposit. The message
        /// gets the next outbound sequence number and `timeout` = the highest verified
        /// main-chain block number ([`MainChainRoots::finalized_number`]) +
        /// [`Config::TransferTimeout`]: a main-chain block from which it is no longer received.
        /// Nothing changes if anything fails.
        ///
        /// Errors: [`Error::NoSubchainId`], [`Error::BelowMinTransfer`],
        /// [`Error::UnsupportedAccount`], [`Error::ExceedsMinted`],
        /// [`Error::InsufficientBalance`], [`Error::WouldLeaveDust`], the currency's error if
        /// the burn fails. Emits [`Event::TransferSent`].
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::transfer_to_main())]
        pub fn transfer_to_main(
            origin: OriginFor<T>,
            dest: [u8; 32],
            amount: Balance,
        ) -> DispatchResult {
            let sender = ensure_signed(origin)?;
            ensure!(OwnId::<T>::get().is_some(), Error::<T>::NoSubchainId);
            ensure!(
                amount >= T::MinTransfer::get(),
                Error::<T>::BelowMinTransfer
            );
            let sender_bytes = account_to_bytes(&sender).ok_or(Error::<T>::UnsupportedAccount)?;
            let minted = Minted::<T>::get()
                .checked_sub(amount)
                .ok_or(Error::<T>::ExceedsMinted)?;
            ensure!(
                T::Currency::reducible_balance(
                    &sender,
                    Preservation::Expendable,
                    Fortitude::Polite
                ) >= amount,
                Error::<T>::InsufficientBalance
            );
            let left = T::Currency::balance(&sender).saturating_sub(amount);
            ensure!(
                left == 0 || left >= T::Currency::minimum_balance(),
                Error::<T>::WouldLeaveDust
            );
            let seq = NextOutboundSeq::<T>::get();
            let next_seq = seq.checked_add(1).ok_or(ArithmeticError::Overflow)?;
            let timeout =
                T::MainChain::finalized_number().saturating_add(T::TransferTimeout::get());
            let message = TransferMessage {
                seq,
                sender: sender_bytes,
                dest,
                amount,
                timeout,
            };

            // Everything is checked; burn and queue.
            T::Currency::burn_from(
                &sender,
                amount,
                Preservation::Expendable,
                Precision::Exact,
                Fortitude::Polite,
            )?;
            Minted::<T>::put(minted);
            NextOutboundSeq::<T>::put(next_seq);
            Outbound::<T>::insert(seq, message);
            Self::deposit_event(Event::TransferSent {
                seq,
                sender,
                dest,
                amount,
                timeout,
            });
            Ok(())
        }

        /// Settle subchain → main message `seq` on proof of the main chain's receipt for it: the
        /// value of its `CrossChain::Receipts` at [`crate::main_receipt_key`]`(subchain, seq)`
        /// in the state of verified main-chain block `at`.
        ///
        /// Origin: signed, anyone (the sender or a relayer). The message must be unsettled in
        /// [`Outbound`]. [`Receipt::Delivered`]: the message is removed (the main chain released
        /// it). [`Receipt::Expired`]: the amount is minted back to the sender, added to
        /// [`Minted`], and the message is removed. Nothing changes if anything fails.
        ///
        /// Errors: [`Error::NoSubchainId`], [`Error::ProofTooLarge`], [`Error::UnknownMessage`],
        /// [`Error::NotVerified`], [`Error::InvalidProof`], [`Error::NoReceipt`],
        /// [`Error::InvalidReceipt`], and for a refund [`Error::InvalidDestination`],
        /// [`Error::CannotReceive`]. Emits [`Event::TransferDelivered`] or
        /// [`Event::TransferRefunded`].
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::settle_outbound(
            Pallet::<T>::component(proof.len(), T::MaxProofNodes::get())
        ))]
        pub fn settle_outbound(
            origin: OriginFor<T>,
            seq: u64,
            at: u32,
            proof: ProofOf<T>,
        ) -> DispatchResult {
            ensure_signed(origin)?;
            let id = OwnId::<T>::get().ok_or(Error::<T>::NoSubchainId)?;
            Self::check_proof_bounds(&proof)?;
            let message = Outbound::<T>::get(seq).ok_or(Error::<T>::UnknownMessage)?;
            let root = Self::verified_root(at)?;
            let value = Self::read(root, &proof, &message::main_receipt_key(id, seq))?
                .ok_or(Error::<T>::NoReceipt)?;
            let receipt =
                Receipt::decode_all(&mut &value[..]).map_err(|_| Error::<T>::InvalidReceipt)?;
            let amount = message.amount;
            match receipt {
                Receipt::Delivered => {
                    Outbound::<T>::remove(seq);
                    Self::deposit_event(Event::TransferDelivered { seq, amount });
                }
                Receipt::Expired => {
                    let sender = account_from_bytes::<T::AccountId>(&message.sender)
                        .ok_or(Error::<T>::InvalidDestination)?;
                    let minted = Minted::<T>::get()
                        .checked_add(amount)
                        .ok_or(ArithmeticError::Overflow)?;
                    T::Currency::can_deposit(&sender, amount, Provenance::Minted)
                        .into_result()
                        .map_err(|_| Error::<T>::CannotReceive)?;

                    // Everything is checked; refund.
                    T::Currency::mint_into(&sender, amount)?;
                    Minted::<T>::put(minted);
                    Outbound::<T>::remove(seq);
                    Self::deposit_event(Event::TransferRefunded {
                        seq,
                        sender,
                        amount,
                    });
                }
            }
            Ok(())
        }

        /// Set the subchain's id in the main chain's registry ([`OwnId`]), once: a subchain
        /// gets its id when it registers on the main chain, after its genesis.
        ///
        /// Origin: [`Config::AdminOrigin`]. The id must not be set yet (at genesis or by this
        /// call).
        ///
        /// Errors: [`Error::SubchainIdAlreadySet`]. Emits [`Event::SubchainIdSet`].
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::set_subchain_id())]
        pub fn set_subchain_id(origin: OriginFor<T>, id: SubchainId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            ensure!(
                OwnId::<T>::get().is_none(),
                Error::<T>::SubchainIdAlreadySet
            );
            OwnId::<T>::put(id);
            Self::deposit_event(Event::SubchainIdSet { id });
            Ok(())
        }

        /// Replace both sides' C3Ns ([`C3ns`]): the accounts whose attestations accept main →
        /// subchain batches, `main` of the main chain and `subchain` of this one (an account
        /// may be in both).
        ///
        /// Origin: [`Config::AdminOrigin`]. `main` must hold at least [`Config::MinMainC3ns`]
        /// distinct accounts and `subchain` at least [`Config::MinSubchainC3ns`], each of at
        /// most 32 bytes. A pending batch keeps its attestations; only the new sets' members
        /// count for its quorum. Nothing changes if anything fails.
        ///
        /// Errors: [`Error::UnsupportedAccount`], [`Error::TooFewC3ns`],
        /// [`Error::DuplicateC3n`]. Emits [`Event::C3nsSet`].
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::set_c3ns(
            Pallet::<T>::component(main.len(), T::MaxC3ns::get()),
            Pallet::<T>::component(subchain.len(), T::MaxC3ns::get())
        ))]
        pub fn set_c3ns(
            origin: OriginFor<T>,
            main: BoundedVec<T::AccountId, T::MaxC3ns>,
            subchain: BoundedVec<T::AccountId, T::MaxC3ns>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let main = Self::c3n_set(&main, T::MinMainC3ns::get())?;
            let subchain = Self::c3n_set(&subchain, T::MinSubchainC3ns::get())?;
            let sizes = (
                Self::component(main.len(), u32::MAX),
                Self::component(subchain.len(), u32::MAX),
            );
            C3ns::<T>::put(StoredC3ns { main, subchain });
            Self::deposit_event(Event::C3nsSet {
                main: sizes.0,
                subchain: sizes.1,
            });
            Ok(())
        }

        /// Broadcast a C3D batch of main → subchain messages: the hashes
        /// ([`crate::c3d::message_hash`]) of messages `first..first + hashes.len()` as the
        /// caller's node of the main chain holds them. The broadcast is the caller's
        /// attestation.
        ///
        /// Origin: signed, a C3N of either side ([`C3ns`]). The subchain's id must be set, each
        /// side must have its minimum of C3Ns, the caller must not have broadcast the previous
        /// batch, no other batch may be pending (unless broadcast [`Config::BatchExpiry`] blocks
        /// ago or more: it is replaced), `first` must be the channel's next unattested message
        /// and the batch not empty. If the caller alone is a quorum of both sides, the batch is
        /// accepted at once. Nothing changes if anything fails.
        ///
        /// Errors: [`Error::NoSubchainId`], [`Error::UnsupportedAccount`],
        /// [`Error::TooFewC3ns`], [`Error::NotC3n`], [`Error::ConsecutiveBroadcast`],
        /// [`Error::BatchPending`], [`Error::WrongFirst`], [`Error::EmptyBatch`]. Emits
        /// [`Event::BatchBroadcast`] (and [`Event::BatchAccepted`]).
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::broadcast_batch(
            Pallet::<T>::component(hashes.len(), T::MaxBatch::get())
        ))]
        pub fn broadcast_batch(
            origin: OriginFor<T>,
            first: u64,
            hashes: BatchOf<T>,
        ) -> DispatchResult {
            let who = Self::c3n_id(ensure_signed(origin)?)?;
            ensure!(OwnId::<T>::get().is_some(), Error::<T>::NoSubchainId);
            let c3ns = C3ns::<T>::get();
            let mut channel = C3dChannel::<T>::get();
            let count = Self::component(hashes.len(), u32::MAX);
            let digest = c3d::batch_digest(first, &hashes);
            let now: u32 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
            let accepted = channel
                .broadcast(
                    c3ns.sets(),
                    Self::min_c3ns(),
                    who,
                    first,
                    hashes,
                    now,
                    T::BatchExpiry::get(),
                )
                .map_err(Error::<T>::c3d)?;

            // Everything is checked; store the channel and any accepted hashes.
            C3dChannel::<T>::put(channel);
            Self::deposit_event(Event::BatchBroadcast {
                first,
                count,
                digest,
                broadcaster: who,
            });
            if let Some(accepted) = accepted {
                Self::accept(accepted);
            }
            Ok(())
        }

        /// Attest the pending C3D batch, named by its `first` message and `digest`
        /// ([`crate::c3d::PendingBatch::digest`]), after comparing its hashes with the messages
        /// the caller's node of the main chain holds. Once the attesters include more than 2/3
        /// of the main chain's C3Ns and more than 2/3 of the subchain's, the batch is accepted:
        /// its messages may be received ([`AttestedMessages`]).
        ///
        /// Origin: signed, a C3N of either side ([`C3ns`]) that has not attested the batch yet.
        /// Nothing changes if anything fails. Charged for a full batch's acceptance, refunded to
        /// the messages actually accepted.
        ///
        /// Errors: [`Error::UnsupportedAccount`], [`Error::NoPendingBatch`],
        /// [`Error::WrongDigest`], [`Error::NotC3n`], [`Error::AlreadyAttested`],
        /// [`Error::TooManyAttesters`]. Emits [`Event::BatchAttested`] (and
        /// [`Event::BatchAccepted`]).
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::attest_batch(T::MaxBatch::get()))]
        pub fn attest_batch(
            origin: OriginFor<T>,
            first: u64,
            digest: H256,
        ) -> DispatchResultWithPostInfo {
            let who = Self::c3n_id(ensure_signed(origin)?)?;
            let c3ns = C3ns::<T>::get();
            let mut channel = C3dChannel::<T>::get();
            let accepted = channel
                .attest(c3ns.sets(), who, first, digest)
                .map_err(Error::<T>::c3d)?;

            // Everything is checked; store the channel and any accepted hashes.
            C3dChannel::<T>::put(channel);
            Self::deposit_event(Event::BatchAttested {
                first,
                attester: who,
            });
            let accepted_count = accepted.as_ref().map_or(0, |batch| batch.hashes.len());
            if let Some(accepted) = accepted {
                Self::accept(accepted);
            }
            Ok(Some(T::WeightInfo::attest_batch(Self::component(
                accepted_count,
                T::MaxBatch::get(),
            )))
            .into())
        }

        /// Replace both sides' C3Ns ([`C3ns`]) with the main chain's own record of them, proven
        /// by `proof` against verified main-chain block `at`: its `CrossChain::MainC3ns`
        /// ([`crate::message::main_c3ns_key`]) and this subchain's registered validator set
        /// `Subchains::ValidatorSets(id)` ([`crate::message::validator_set_key`]), whose keys'
        /// accounts ([`crate::types::C3nKey::account_bytes`]) are the subchain's C3Ns. So the
        /// subchain follows the main chain's governance and the registry's validator changes
        /// without its root.
        ///
        /// Origin: signed, anyone (a relayer). The subchain's id must be set, `at` later than
        /// the block of the last sync ([`C3nsSyncedAt`]), each set within its minimum and
        /// [`Config::MaxC3ns`] and without duplicates. Nothing changes if anything fails; a
        /// pending batch keeps its attestations (only the new sets' members count).
        ///
        /// Errors: [`Error::NoSubchainId`], [`Error::ProofTooLarge`], [`Error::NotVerified`],
        /// [`Error::StaleC3ns`], [`Error::InvalidProof`], [`Error::InvalidC3ns`],
        /// [`Error::TooManyC3ns`], [`Error::TooFewC3ns`], [`Error::DuplicateC3n`]. Emits
        /// [`Event::C3nsSynced`].
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::sync_c3ns(
            Pallet::<T>::component(proof.len(), T::MaxProofNodes::get())
        ))]
        pub fn sync_c3ns(origin: OriginFor<T>, at: u32, proof: ProofOf<T>) -> DispatchResult {
            ensure_signed(origin)?;
            let id = OwnId::<T>::get().ok_or(Error::<T>::NoSubchainId)?;
            Self::check_proof_bounds(&proof)?;
            let root = Self::verified_root(at)?;
            ensure!(
                C3nsSyncedAt::<T>::get().is_none_or(|synced| at > synced),
                Error::<T>::StaleC3ns
            );
            // An absent `MainC3ns` is the main chain's empty list (a `ValueQuery`).
            let main: Vec<C3nId> = match Self::read(root, &proof, &message::main_c3ns_key())? {
                Some(value) => Vec::<C3nId>::decode_all(&mut &value[..])
                    .map_err(|_| Error::<T>::InvalidC3ns)?,
                None => Vec::new(),
            };
            let registered = Self::read(root, &proof, &message::validator_set_key(id))?
                .ok_or(Error::<T>::InvalidC3ns)?;
            let registered =
                pallet_wcme_subchains::ValidatorSet::<Vec<crate::types::C3nKey>>::decode_all(
                    &mut &registered[..],
                )
                .map_err(|_| Error::<T>::InvalidC3ns)?;
            let subchain: Vec<C3nId> = registered
                .keys
                .iter()
                .map(crate::types::C3nKey::account_bytes)
                .collect();
            let main = c3d::bounded_set(main, T::MinMainC3ns::get()).map_err(Error::<T>::c3d)?;
            let subchain =
                c3d::bounded_set(subchain, T::MinSubchainC3ns::get()).map_err(Error::<T>::c3d)?;

            // Everything is checked; replace the sets.
            let sizes = (main.len() as u32, subchain.len() as u32);
            C3ns::<T>::put(StoredC3ns { main, subchain });
            C3nsSyncedAt::<T>::put(at);
            Self::deposit_event(Event::C3nsSynced {
                at,
                main: sizes.0,
                subchain: sizes.1,
            });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The subchain's id on the main chain, if set.
        pub fn subchain_id() -> Option<SubchainId> {
            OwnId::<T>::get()
        }

        /// WCME outstanding on the subchain ([`Minted`]).
        pub fn minted() -> Balance {
            Minted::<T>::get()
        }

        /// Unsettled subchain → main message `seq`.
        pub fn outbound(seq: u64) -> Option<TransferMessage> {
            Outbound::<T>::get(seq)
        }

        /// The sequence number of the next subchain → main message.
        pub fn next_outbound_seq() -> u64 {
            NextOutboundSeq::<T>::get()
        }

        /// The sequence number of the next main → subchain message the subchain accepts.
        pub fn next_inbound_seq() -> u64 {
            NextInboundSeq::<T>::get()
        }

        /// The subchain's receipt of main → subchain message `seq`.
        pub fn receipt(seq: u64) -> Option<Receipt> {
            Receipts::<T>::get(seq)
        }

        /// The C3D state of the main → subchain channel, for relayers and C3Ns: both C3N sets,
        /// the channel (next message, last broadcaster, pending batch) and the limits.
        pub fn c3d_view() -> C3dView {
            let c3ns = C3ns::<T>::get();
            C3dView::new(c3ns.sets(), C3dChannel::<T>::get(), T::BatchExpiry::get())
        }

        /// The hash of main → subchain message `seq` if a batch accepted by both sides' C3Ns
        /// holds it and it was not received yet.
        pub fn attested_message(seq: u64) -> Option<H256> {
            AttestedMessages::<T>::get(seq)
        }

        /// `accounts` as a C3N set: their ids, distinct, at least `min` of them.
        fn c3n_set(accounts: &[T::AccountId], min: u32) -> Result<C3nSetOf<T>, DispatchError> {
            let set = accounts
                .iter()
                .map(|account| account_to_bytes(account).ok_or(Error::<T>::UnsupportedAccount))
                .collect::<Result<Vec<_>, _>>()?;
            // Only a genesis list can exceed the bound (a call's is bounded).
            c3d::bounded_set(set, min).map_err(Error::<T>::c3d)
        }

        /// The C3N id of `account`: its 32 bytes.
        fn c3n_id(account: T::AccountId) -> Result<C3nId, DispatchError> {
            account_to_bytes(&account).ok_or_else(|| Error::<T>::UnsupportedAccount.into())
        }

        /// Each side's minimum of C3Ns.
        fn min_c3ns() -> MinC3ns {
            MinC3ns {
                main: T::MinMainC3ns::get(),
                subchain: T::MinSubchainC3ns::get(),
            }
        }

        /// Records an accepted batch's hashes for [`Pallet::receive_from_main`]. Messages below
        /// [`NextInboundSeq`] were received already (only on a chain that received messages
        /// before C3D): they are not recorded.
        fn accept(accepted: Accepted) {
            let next_in = NextInboundSeq::<T>::get();
            let mut seq = accepted.first;
            for hash in &accepted.hashes {
                if seq >= next_in {
                    AttestedMessages::<T>::insert(seq, hash);
                }
                seq = seq.saturating_add(1);
            }
            Self::deposit_event(Event::BatchAccepted {
                first: accepted.first,
                last: seq.saturating_sub(1),
            });
        }

        /// `Ok` if `proof` is within [`Config::MaxProofNodes`] and [`Config::MaxProofNodeSize`].
        fn check_proof_bounds(proof: &ProofOf<T>) -> DispatchResult {
            proof::check_bounds(proof, T::MaxProofNodes::get(), T::MaxProofNodeSize::get())
                .map_err(|_| Error::<T>::ProofTooLarge)?;
            Ok(())
        }

        /// The verified state root of main-chain block `at`: non-zero.
        fn verified_root(at: u32) -> Result<H256, DispatchError> {
            T::MainChain::state_root(at)
                .filter(|root| !root.is_zero())
                .ok_or_else(|| Error::<T>::NotVerified.into())
        }

        /// The value of `key` in the main-chain state under `root`, from a bounded `proof`.
        fn read(
            root: H256,
            proof: &ProofOf<T>,
            key: &[u8],
        ) -> Result<Option<Vec<u8>>, DispatchError> {
            proof::read_proof(root, proof, key).map_err(|error| {
                match error {
                    ProofError::ZeroRoot => Error::<T>::NotVerified,
                    ProofError::TooManyNodes | ProofError::NodeTooLarge => {
                        Error::<T>::ProofTooLarge
                    }
                    ProofError::MissingNode | ProofError::BadNode => Error::<T>::InvalidProof,
                }
                .into()
            })
        }

        /// `len` as a weight component, at most `max` (longer proofs do not decode).
        fn component(len: usize, max: u32) -> u32 {
            u32::try_from(len).unwrap_or(u32::MAX).min(max)
        }

        /// The pallet's invariants: unsettled messages are stored under their own sequence
        /// number, below the next one; receipts are below the next inbound sequence number; the
        /// currency's total issuance is at most [`Minted`] (equal unless dust was lost); a
        /// pending batch starts at the channel's next message and is not empty; attested
        /// messages are at or above the next inbound sequence number and below the channel's
        /// next message; the C3N sets have no duplicates.
        #[cfg(any(test, feature = "try-runtime"))]
        pub fn do_try_state() -> Result<(), sp_runtime::DispatchError> {
            let next_out = NextOutboundSeq::<T>::get();
            for (seq, message) in Outbound::<T>::iter() {
                ensure!(message.seq == seq, "outbound message under another seq");
                ensure!(seq < next_out, "outbound message at or above the next seq");
            }
            let next_in = NextInboundSeq::<T>::get();
            ensure!(
                Receipts::<T>::iter_keys().all(|seq| seq < next_in),
                "receipt at or above the next inbound seq"
            );
            ensure!(
                T::Currency::total_issuance() <= Minted::<T>::get(),
                "WCME issued beyond what was minted"
            );
            let channel = C3dChannel::<T>::get();
            if let Some(pending) = &channel.pending {
                ensure!(
                    pending.first == channel.next,
                    "pending batch not at the channel's next message"
                );
                ensure!(!pending.hashes.is_empty(), "empty pending batch");
                ensure!(
                    pending.attesters.first() == Some(&pending.broadcaster),
                    "pending batch's first attester is not its broadcaster"
                );
            }
            ensure!(
                AttestedMessages::<T>::iter_keys().all(|seq| seq >= next_in && seq < channel.next),
                "attested message outside next inbound seq..channel next"
            );
            let c3ns = C3ns::<T>::get();
            ensure!(
                c3d::check_set(&c3ns.main, 0).is_ok() && c3d::check_set(&c3ns.subchain, 0).is_ok(),
                "duplicate C3N"
            );
            Ok(())
        }
    }
}
