//! # Traceability pallet
//!
//! The business pallet of the supply-chain example subchain: it follows products from their
//! manufacturer through every handover to their delivery, so that anyone can check where a
//! product has been and who held it.
//!
//! - **Registration.** [`Pallet::register_product`]: a manufacturer registers a product under a
//!   [`ProductId`] of its choosing (typically the hash of a serial number), with a name and the
//!   place it was made. The caller is the manufacturer and the first custodian.
//! - **Custody.** [`Pallet::transfer_custody`]: the current custodian hands the product over to
//!   another account, at a location and with a note (a waybill, a seal number). Each handover
//!   is appended to the product's history.
//! - **Checkpoints.** [`Pallet::record_checkpoint`]: the custodian records an event without a
//!   change of custody (an inspection, a temperature reading, a customs clearance), also
//!   appended to the history.
//! - **Retirement.** [`Pallet::retire`]: the manufacturer or the custodian marks the product
//!   delivered or consumed; it then takes no more transfers or checkpoints. Its record and
//!   history stay for lookups.
//!
//! A history holds at most [`Config::MaxHistory`] records; once full, transfers and checkpoints
//! fail with [`Error::HistoryFull`] (the product can still be retired). Every call checks
//! everything before it writes, so a failed call changes nothing even outside the storage
//! layer FRAME wraps calls in.
//!
//! Wallets and scanners read products and histories through
//! [`runtime_api::TraceabilityApi`] (`state_call`; no RPC crate).
//!
//! ## Invariants
//!
//! Checked by `Pallet::do_try_state` (`try-runtime`, and after every step of the property
//! tests): a product's custodian is the `to` of its last history record, or its manufacturer
//! if it has none; every transfer starts from the previous custodian and goes to another
//! account; records are in block order, not before registration; a product is listed under its
//! custodian in [`ProductsByCustodian`] exactly while it is not retired.
//!
//! ## Weights
//!
//! [`weights::SubstrateWeight`] is hand-derived from each call's storage accesses until the
//! example node runs `benchmark pallet` (see `weights.rs`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod runtime_api;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
    use super::WeightInfo;
    use crate::types::{ProductId, ProductInfo, ProductView, Record, RecordKind, RecordView};
    use alloc::vec::Vec;
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;

    /// A product name as stored and passed to [`Pallet::register_product`].
    pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLength>;

    /// A location as stored and passed to the calls.
    pub type LocationOf<T> = BoundedVec<u8, <T as Config>::MaxLocationLength>;

    /// A note as stored and passed to the calls.
    pub type NoteOf<T> = BoundedVec<u8, <T as Config>::MaxNoteLength>;

    /// A product as stored.
    pub type ProductInfoOf<T> = ProductInfo<
        <T as frame_system::Config>::AccountId,
        BlockNumberFor<T>,
        NameOf<T>,
        LocationOf<T>,
    >;

    /// A history record as stored.
    pub type RecordOf<T> =
        Record<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, LocationOf<T>, NoteOf<T>>;

    /// A product's history as stored: at most `MaxHistory` records, oldest first.
    pub type HistoryOf<T> = BoundedVec<RecordOf<T>, <T as Config>::MaxHistory>;

    /// A product as the runtime API returns it.
    pub type ProductViewOf<T> =
        ProductView<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

    /// A history record as the runtime API returns it.
    pub type RecordViewOf<T> =
        RecordView<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

    /// The pallet: products and their custody.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Configuration of the traceability pallet.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Longest product name, in bytes. Positive.
        #[pallet::constant]
        type MaxNameLength: Get<u32>;

        /// Longest location (of origin, of a handover or a checkpoint), in bytes.
        #[pallet::constant]
        type MaxLocationLength: Get<u32>;

        /// Longest note of a handover or a checkpoint, in bytes.
        #[pallet::constant]
        type MaxNoteLength: Get<u32>;

        /// Most records in a product's history (transfers and checkpoints together). Positive.
        #[pallet::constant]
        type MaxHistory: Get<u32>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// Every product ever registered, by id (retired ones stay).
    #[pallet::storage]
    pub type Products<T: Config> = StorageMap<_, Blake2_128Concat, ProductId, ProductInfoOf<T>>;

    /// The custody history of each product, oldest record first. No entry until the first
    /// transfer or checkpoint.
    #[pallet::storage]
    pub type History<T: Config> =
        StorageMap<_, Blake2_128Concat, ProductId, HistoryOf<T>, ValueQuery>;

    /// The products each account holds that are not retired (an index for
    /// [`Pallet::products_of`]).
    #[pallet::storage]
    pub type ProductsByCustodian<T: Config> = StorageDoubleMap<
        _,
        Blake2_128Concat,
        T::AccountId,
        Blake2_128Concat,
        ProductId,
        (),
        OptionQuery,
    >;

    /// Events of the traceability pallet.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// `manufacturer` registered product `product_id` and holds it.
        Registered {
            /// The product.
            product_id: ProductId,
            /// Its manufacturer and first custodian.
            manufacturer: T::AccountId,
        },
        /// Custody of `product_id` passed from `from` to `to`, recorded as history entry
        /// `index`.
        CustodyTransferred {
            /// The product.
            product_id: ProductId,
            /// The previous custodian.
            from: T::AccountId,
            /// The new custodian.
            to: T::AccountId,
            /// Position of the record in the product's history (0 for the first).
            index: u32,
        },
        /// The custodian of `product_id` recorded a checkpoint as history entry `index`.
        CheckpointRecorded {
            /// The product.
            product_id: ProductId,
            /// Its custodian, who recorded it.
            custodian: T::AccountId,
            /// Position of the record in the product's history (0 for the first).
            index: u32,
        },
        /// `by` retired product `product_id` (delivered or consumed).
        Retired {
            /// The product.
            product_id: ProductId,
            /// Its manufacturer or custodian, who retired it.
            by: T::AccountId,
        },
    }

    /// Errors of the traceability pallet.
    #[pallet::error]
    pub enum Error<T> {
        /// A product with this id is already registered (possibly retired).
        ProductAlreadyRegistered,
        /// The product name is empty.
        EmptyName,
        /// No product has this id.
        UnknownProduct,
        /// Only the product's current custodian may do this.
        NotCustodian,
        /// Only the product's manufacturer or current custodian may retire it.
        NotManufacturerOrCustodian,
        /// The custodian cannot transfer custody to itself (record a checkpoint instead).
        TransferToSelf,
        /// The product is retired: no more transfers, checkpoints or retirement.
        ProductRetired,
        /// The product's history already has `MaxHistory` records.
        HistoryFull,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Checks the configuration. Runs in the runtime's tests and at node start, never in a
        /// block.
        fn integrity_test() {
            assert!(
                T::MaxNameLength::get() > 0,
                "pallet-traceability: MaxNameLength must be positive"
            );
            assert!(
                T::MaxHistory::get() > 0,
                "pallet-traceability: MaxHistory must be positive"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Register product `product_id`, named `name`, made at `origin_location`.
        ///
        /// Origin: signed; the caller becomes the product's manufacturer and first custodian.
        ///
        /// Errors: [`Error::EmptyName`], [`Error::ProductAlreadyRegistered`] (also for a
        /// retired product: ids are never reused). Emits [`Event::Registered`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_product())]
        pub fn register_product(
            origin: OriginFor<T>,
            product_id: ProductId,
            name: NameOf<T>,
            origin_location: LocationOf<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_register_product(who, product_id, name, origin_location)
        }

        /// Hand product `product_id` over to `to` at `location`, with `note`.
        ///
        /// Origin: signed, the product's current custodian. Appends a
        /// [`RecordKind::Transfer`] record to the product's history.
        ///
        /// Weight: charged for a history of `MaxHistory - 1` records, refunded down to the
        /// history's actual length.
        ///
        /// Errors: [`Error::UnknownProduct`], [`Error::ProductRetired`],
        /// [`Error::NotCustodian`], [`Error::TransferToSelf`], [`Error::HistoryFull`]. Emits
        /// [`Event::CustodyTransferred`].
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::transfer_custody(Pallet::<T>::worst_history_len()))]
        pub fn transfer_custody(
            origin: OriginFor<T>,
            product_id: ProductId,
            to: T::AccountId,
            location: LocationOf<T>,
            note: NoteOf<T>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let len = Self::do_transfer_custody(who, product_id, to, location, note)?;
            Ok(Some(T::WeightInfo::transfer_custody(len)).into())
        }

        /// Record a checkpoint of product `product_id` at `location`, with `note` (what was
        /// inspected or measured), without a change of custody.
        ///
        /// Origin: signed, the product's current custodian. Appends a
        /// [`RecordKind::Checkpoint`] record to the product's history.
        ///
        /// Weight: charged for a history of `MaxHistory - 1` records, refunded down to the
        /// history's actual length.
        ///
        /// Errors: [`Error::UnknownProduct`], [`Error::ProductRetired`],
        /// [`Error::NotCustodian`], [`Error::HistoryFull`]. Emits
        /// [`Event::CheckpointRecorded`].
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::record_checkpoint(Pallet::<T>::worst_history_len()))]
        pub fn record_checkpoint(
            origin: OriginFor<T>,
            product_id: ProductId,
            location: LocationOf<T>,
            note: NoteOf<T>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let len = Self::do_record_checkpoint(who, product_id, location, note)?;
            Ok(Some(T::WeightInfo::record_checkpoint(len)).into())
        }

        /// Retire product `product_id`: it was delivered or consumed. It keeps its record and
        /// history but takes no more transfers or checkpoints, and leaves its custodian's
        /// [`ProductsByCustodian`] list.
        ///
        /// Origin: signed, the product's manufacturer or current custodian.
        ///
        /// Errors: [`Error::UnknownProduct`], [`Error::ProductRetired`],
        /// [`Error::NotManufacturerOrCustodian`]. Emits [`Event::Retired`].
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::retire())]
        pub fn retire(origin: OriginFor<T>, product_id: ProductId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_retire(who, product_id)
        }
    }

    impl<T: Config> Pallet<T> {
        /// Product `id` as the runtime API returns it.
        pub fn product(id: ProductId) -> Option<ProductViewOf<T>> {
            Products::<T>::get(id)
                .map(|info| info.map_bytes(|n| n.into_inner(), |l| l.into_inner()))
        }

        /// The history of product `id` as the runtime API returns it, oldest record first.
        pub fn history(id: ProductId) -> Vec<RecordViewOf<T>> {
            History::<T>::get(id)
                .into_iter()
                .map(|record| record.map_bytes(|l| l.into_inner(), |n| n.into_inner()))
                .collect()
        }

        /// The products `who` holds that are not retired, in storage order.
        pub fn products_of(who: T::AccountId) -> Vec<ProductId> {
            ProductsByCustodian::<T>::iter_key_prefix(who).collect()
        }

        /// How many records the history of product `id` has.
        pub fn history_len(id: ProductId) -> u32 {
            History::<T>::decode_len(id).map_or(0, |len| u32::try_from(len).unwrap_or(u32::MAX))
        }

        /// The longest history a transfer or checkpoint can append to: `MaxHistory - 1`.
        pub fn worst_history_len() -> u32 {
            T::MaxHistory::get().saturating_sub(1)
        }

        /// [`Pallet::register_product`] for an already checked origin: checks, then writes.
        pub(crate) fn do_register_product(
            who: T::AccountId,
            product_id: ProductId,
            name: NameOf<T>,
            origin_location: LocationOf<T>,
        ) -> DispatchResult {
            ensure!(!name.is_empty(), Error::<T>::EmptyName);
            ensure!(
                !Products::<T>::contains_key(product_id),
                Error::<T>::ProductAlreadyRegistered
            );

            // Everything is checked; write.
            Products::<T>::insert(
                product_id,
                ProductInfo {
                    manufacturer: who.clone(),
                    custodian: who.clone(),
                    name,
                    origin_location,
                    registered_at: frame_system::Pallet::<T>::block_number(),
                    retired_at: None,
                },
            );
            ProductsByCustodian::<T>::insert(&who, product_id, ());
            Self::deposit_event(Event::Registered {
                product_id,
                manufacturer: who,
            });
            Ok(())
        }

        /// [`Pallet::transfer_custody`] for an already checked origin: checks, then writes.
        /// Returns the length the history had before (the new record's index).
        pub(crate) fn do_transfer_custody(
            who: T::AccountId,
            product_id: ProductId,
            to: T::AccountId,
            location: LocationOf<T>,
            note: NoteOf<T>,
        ) -> Result<u32, DispatchError> {
            let mut info = Self::active_product(product_id)?;
            ensure!(info.custodian == who, Error::<T>::NotCustodian);
            ensure!(to != who, Error::<T>::TransferToSelf);
            let index = Self::free_history_slot(product_id)?;

            // Everything is checked; write. The append is the only write that can fail, and it
            // fails without writing.
            let record = Record {
                kind: RecordKind::Transfer,
                from: who.clone(),
                to: to.clone(),
                block: frame_system::Pallet::<T>::block_number(),
                location,
                note,
            };
            History::<T>::try_append(product_id, record).map_err(|()| Error::<T>::HistoryFull)?;
            info.custodian = to.clone();
            Products::<T>::insert(product_id, info);
            ProductsByCustodian::<T>::remove(&who, product_id);
            ProductsByCustodian::<T>::insert(&to, product_id, ());
            Self::deposit_event(Event::CustodyTransferred {
                product_id,
                from: who,
                to,
                index,
            });
            Ok(index)
        }

        /// [`Pallet::record_checkpoint`] for an already checked origin: checks, then writes.
        /// Returns the length the history had before (the new record's index).
        pub(crate) fn do_record_checkpoint(
            who: T::AccountId,
            product_id: ProductId,
            location: LocationOf<T>,
            note: NoteOf<T>,
        ) -> Result<u32, DispatchError> {
            let info = Self::active_product(product_id)?;
            ensure!(info.custodian == who, Error::<T>::NotCustodian);
            let index = Self::free_history_slot(product_id)?;

            // Everything is checked; write (the append fails without writing).
            let record = Record {
                kind: RecordKind::Checkpoint,
                from: who.clone(),
                to: who.clone(),
                block: frame_system::Pallet::<T>::block_number(),
                location,
                note,
            };
            History::<T>::try_append(product_id, record).map_err(|()| Error::<T>::HistoryFull)?;
            Self::deposit_event(Event::CheckpointRecorded {
                product_id,
                custodian: who,
                index,
            });
            Ok(index)
        }

        /// [`Pallet::retire`] for an already checked origin: checks, then writes.
        pub(crate) fn do_retire(who: T::AccountId, product_id: ProductId) -> DispatchResult {
            let mut info = Self::active_product(product_id)?;
            ensure!(
                info.manufacturer == who || info.custodian == who,
                Error::<T>::NotManufacturerOrCustodian
            );

            // Everything is checked; write.
            ProductsByCustodian::<T>::remove(&info.custodian, product_id);
            info.retired_at = Some(frame_system::Pallet::<T>::block_number());
            Products::<T>::insert(product_id, info);
            Self::deposit_event(Event::Retired {
                product_id,
                by: who,
            });
            Ok(())
        }

        /// Product `id`, if it exists and is not retired.
        fn active_product(id: ProductId) -> Result<ProductInfoOf<T>, DispatchError> {
            let info = Products::<T>::get(id).ok_or(Error::<T>::UnknownProduct)?;
            ensure!(!info.is_retired(), Error::<T>::ProductRetired);
            Ok(info)
        }

        /// The index the next record of product `id` gets, or [`Error::HistoryFull`].
        fn free_history_slot(id: ProductId) -> Result<u32, DispatchError> {
            let len = Self::history_len(id);
            ensure!(len < T::MaxHistory::get(), Error::<T>::HistoryFull);
            Ok(len)
        }

        /// The pallet's invariants (see the crate documentation).
        #[cfg(any(test, feature = "try-runtime"))]
        pub fn do_try_state() -> Result<(), sp_runtime::DispatchError> {
            for (id, info) in Products::<T>::iter() {
                ensure!(!info.name.is_empty(), "product with an empty name");
                let history = History::<T>::get(id);
                let mut custodian = &info.manufacturer;
                let mut block = info.registered_at;
                for record in history.iter() {
                    ensure!(
                        record.from == *custodian,
                        "record does not start from the custodian of its time"
                    );
                    match record.kind {
                        RecordKind::Transfer => {
                            ensure!(record.to != record.from, "transfer to self")
                        }
                        RecordKind::Checkpoint => {
                            ensure!(record.to == record.from, "checkpoint changes custody")
                        }
                    }
                    ensure!(record.block >= block, "records out of block order");
                    custodian = &record.to;
                    block = record.block;
                }
                ensure!(
                    info.custodian == *custodian,
                    "custodian is not the last record's recipient"
                );
                if let Some(retired_at) = info.retired_at {
                    ensure!(retired_at >= block, "retired before its last record");
                }
                let listed = ProductsByCustodian::<T>::contains_key(&info.custodian, id);
                let active = !info.is_retired();
                ensure!(
                    listed == active,
                    "custodian index differs from the product's status"
                );
            }
            ensure!(
                History::<T>::iter_keys().all(Products::<T>::contains_key),
                "history of an unknown product"
            );
            for (who, id) in ProductsByCustodian::<T>::iter_keys() {
                let info = Products::<T>::get(id).ok_or("index lists an unknown product")?;
                ensure!(
                    info.custodian == who && !info.is_retired(),
                    "index lists a product under the wrong account"
                );
            }
            Ok(())
        }
    }
}
