//! Tests of the traceability pallet on the mock runtime: every call's happy path and events,
//! every error (each leaving storage untouched), the order of the history, the runtime-API
//! views, the weights and their refunds; and a property test over random call sequences.

use crate::{
    Error, Event, History, Products, ProductsByCustodian, RecordKind, RecordOf,
    mock::*,
    weights::{Sizes, SubstrateWeight, WeightInfo},
};
use frame_support::{
    assert_noop, assert_ok,
    dispatch::GetDispatchInfo,
    traits::{ConstU32, Hooks},
};
use sp_runtime::DispatchError;

/// Registers product `n` by `who`, named "Coffee", made in "Lima".
fn register(who: u64, n: u8) {
    assert_ok!(Traceability::register_product(
        RuntimeOrigin::signed(who),
        pid(n),
        name("Coffee"),
        loc("Lima"),
    ));
}

/// `who` hands product `n` to `to` at "Port".
fn transfer(who: u64, n: u8, to: u64) {
    assert_ok!(Traceability::transfer_custody(
        RuntimeOrigin::signed(who),
        pid(n),
        to,
        loc("Port"),
        note("waybill 7"),
    ));
}

/// `who` records a checkpoint of product `n` at "Lab".
fn checkpoint(who: u64, n: u8) {
    assert_ok!(Traceability::record_checkpoint(
        RuntimeOrigin::signed(who),
        pid(n),
        loc("Lab"),
        note("4 C"),
    ));
}

fn info(n: u8) -> crate::ProductInfoOf<Test> {
    Products::<Test>::get(pid(n)).expect("registered")
}

fn last_event() -> RuntimeEvent {
    System::events().pop().expect("an event").event
}

/// Checks the pallet's invariants.
fn check_invariants() {
    assert_ok!(Traceability::do_try_state());
}

/// A history record, for comparisons.
fn record(
    kind: RecordKind,
    from: u64,
    to: u64,
    block: u64,
    at: &str,
    text: &str,
) -> RecordOf<Test> {
    crate::Record {
        kind,
        from,
        to,
        block,
        location: loc(at),
        note: note(text),
    }
}

/// Fills the history of product `n` (held by `who`) to `MaxHistory` with checkpoints.
fn fill_history(who: u64, n: u8) {
    while Traceability::history_len(pid(n)) < MAX_HISTORY {
        checkpoint(who, n);
    }
}

// --- register_product -------------------------------------------------------------------------

#[test]
fn register_product_makes_the_caller_manufacturer_and_custodian() {
    new_test_ext().execute_with(|| {
        System::set_block_number(7);
        register(ALICE, 1);

        let product = info(1);
        assert_eq!(product.manufacturer, ALICE);
        assert_eq!(product.custodian, ALICE);
        assert_eq!(product.name, name("Coffee"));
        assert_eq!(product.origin_location, loc("Lima"));
        assert_eq!(product.registered_at, 7);
        assert_eq!(product.retired_at, None);
        assert!(!product.is_retired());
        assert!(History::<Test>::get(pid(1)).is_empty());
        assert_eq!(Traceability::products_of(ALICE), vec![pid(1)]);
        assert_eq!(
            last_event(),
            RuntimeEvent::Traceability(Event::Registered {
                product_id: pid(1),
                manufacturer: ALICE,
            })
        );
        check_invariants();
    });
}

#[test]
fn register_product_accepts_an_empty_origin_location() {
    new_test_ext().execute_with(|| {
        assert_ok!(Traceability::register_product(
            RuntimeOrigin::signed(ALICE),
            pid(1),
            name("x"),
            loc(""),
        ));
        assert!(info(1).origin_location.is_empty());
    });
}

#[test]
fn register_product_needs_a_signed_origin() {
    new_test_ext().execute_with(|| {
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
            assert_noop!(
                Traceability::register_product(origin, pid(1), name("Coffee"), loc("Lima")),
                DispatchError::BadOrigin
            );
        }
    });
}

#[test]
fn register_product_refuses_an_empty_name() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Traceability::register_product(
                RuntimeOrigin::signed(ALICE),
                pid(1),
                name(""),
                loc("Lima")
            ),
            Error::<Test>::EmptyName
        );
    });
}

#[test]
fn register_product_refuses_a_registered_id() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        assert_noop!(
            Traceability::register_product(
                RuntimeOrigin::signed(BOB),
                pid(1),
                name("Tea"),
                loc("Assam")
            ),
            Error::<Test>::ProductAlreadyRegistered
        );
        // Ids of retired products are not reused either.
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(ALICE), pid(1)));
        assert_noop!(
            Traceability::register_product(
                RuntimeOrigin::signed(ALICE),
                pid(1),
                name("Coffee"),
                loc("Lima")
            ),
            Error::<Test>::ProductAlreadyRegistered
        );
        check_invariants();
    });
}

// --- transfer_custody -------------------------------------------------------------------------

#[test]
fn transfer_custody_records_the_handover_and_moves_the_product() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        System::set_block_number(3);
        transfer(ALICE, 1, BOB);

        let product = info(1);
        assert_eq!(product.custodian, BOB);
        assert_eq!(product.manufacturer, ALICE);
        assert_eq!(
            History::<Test>::get(pid(1)).into_inner(),
            vec![record(
                RecordKind::Transfer,
                ALICE,
                BOB,
                3,
                "Port",
                "waybill 7"
            )]
        );
        assert!(Traceability::products_of(ALICE).is_empty());
        assert_eq!(Traceability::products_of(BOB), vec![pid(1)]);
        assert_eq!(
            last_event(),
            RuntimeEvent::Traceability(Event::CustodyTransferred {
                product_id: pid(1),
                from: ALICE,
                to: BOB,
                index: 0,
            })
        );

        // The new custodian passes it on.
        transfer(BOB, 1, CHARLIE);
        assert_eq!(info(1).custodian, CHARLIE);
        assert_eq!(Traceability::products_of(CHARLIE), vec![pid(1)]);
        assert_eq!(
            last_event(),
            RuntimeEvent::Traceability(Event::CustodyTransferred {
                product_id: pid(1),
                from: BOB,
                to: CHARLIE,
                index: 1,
            })
        );
        check_invariants();
    });
}

#[test]
fn transfer_custody_needs_a_signed_origin() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
            assert_noop!(
                Traceability::transfer_custody(origin, pid(1), BOB, loc("Port"), note("")),
                DispatchError::BadOrigin
            );
        }
    });
}

#[test]
fn transfer_custody_of_an_unknown_product_fails() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        assert_noop!(
            Traceability::transfer_custody(
                RuntimeOrigin::signed(ALICE),
                pid(2),
                BOB,
                loc("Port"),
                note("")
            ),
            Error::<Test>::UnknownProduct
        );
    });
}

#[test]
fn only_the_custodian_transfers_custody() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        assert_noop!(
            Traceability::transfer_custody(
                RuntimeOrigin::signed(BOB),
                pid(1),
                BOB,
                loc("Port"),
                note("")
            ),
            Error::<Test>::NotCustodian
        );
        transfer(ALICE, 1, BOB);
        // Neither the manufacturer nor a former custodian once custody has passed on.
        assert_noop!(
            Traceability::transfer_custody(
                RuntimeOrigin::signed(ALICE),
                pid(1),
                CHARLIE,
                loc("Port"),
                note("")
            ),
            Error::<Test>::NotCustodian
        );
    });
}

#[test]
fn transfer_custody_to_self_fails() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        assert_noop!(
            Traceability::transfer_custody(
                RuntimeOrigin::signed(ALICE),
                pid(1),
                ALICE,
                loc("Port"),
                note("")
            ),
            Error::<Test>::TransferToSelf
        );
    });
}

#[test]
fn transfer_custody_of_a_retired_product_fails() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(ALICE), pid(1)));
        assert_noop!(
            Traceability::transfer_custody(
                RuntimeOrigin::signed(ALICE),
                pid(1),
                BOB,
                loc("Port"),
                note("")
            ),
            Error::<Test>::ProductRetired
        );
    });
}

#[test]
fn transfer_custody_with_a_full_history_fails() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        fill_history(ALICE, 1);
        assert_eq!(Traceability::history_len(pid(1)), MAX_HISTORY);
        assert_noop!(
            Traceability::transfer_custody(
                RuntimeOrigin::signed(ALICE),
                pid(1),
                BOB,
                loc("Port"),
                note("")
            ),
            Error::<Test>::HistoryFull
        );
        assert_eq!(info(1).custodian, ALICE);
        check_invariants();
    });
}

// --- record_checkpoint ------------------------------------------------------------------------

#[test]
fn record_checkpoint_appends_without_changing_custody() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        transfer(ALICE, 1, BOB);
        System::set_block_number(5);
        checkpoint(BOB, 1);

        assert_eq!(info(1).custodian, BOB);
        assert_eq!(
            History::<Test>::get(pid(1)).last(),
            Some(&record(RecordKind::Checkpoint, BOB, BOB, 5, "Lab", "4 C"))
        );
        assert_eq!(Traceability::products_of(BOB), vec![pid(1)]);
        assert_eq!(
            last_event(),
            RuntimeEvent::Traceability(Event::CheckpointRecorded {
                product_id: pid(1),
                custodian: BOB,
                index: 1,
            })
        );
        check_invariants();
    });
}

#[test]
fn record_checkpoint_needs_a_signed_origin() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
            assert_noop!(
                Traceability::record_checkpoint(origin, pid(1), loc("Lab"), note("")),
                DispatchError::BadOrigin
            );
        }
    });
}

#[test]
fn record_checkpoint_errors() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        let call = |who: u64, n: u8| {
            Traceability::record_checkpoint(
                RuntimeOrigin::signed(who),
                pid(n),
                loc("Lab"),
                note(""),
            )
        };
        assert_noop!(call(ALICE, 2), Error::<Test>::UnknownProduct);
        assert_noop!(call(BOB, 1), Error::<Test>::NotCustodian);

        fill_history(ALICE, 1);
        assert_noop!(call(ALICE, 1), Error::<Test>::HistoryFull);

        register(ALICE, 2);
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(ALICE), pid(2)));
        assert_noop!(call(ALICE, 2), Error::<Test>::ProductRetired);
        check_invariants();
    });
}

// --- retire -----------------------------------------------------------------------------------

#[test]
fn the_custodian_retires_a_product() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        transfer(ALICE, 1, BOB);
        System::set_block_number(9);
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(BOB), pid(1)));

        let product = info(1);
        assert_eq!(product.retired_at, Some(9));
        assert!(product.is_retired());
        // The custodian stays on record; the product leaves its list.
        assert_eq!(product.custodian, BOB);
        assert!(Traceability::products_of(BOB).is_empty());
        assert_eq!(Traceability::history_len(pid(1)), 1);
        assert_eq!(
            last_event(),
            RuntimeEvent::Traceability(Event::Retired {
                product_id: pid(1),
                by: BOB,
            })
        );
        check_invariants();
    });
}

#[test]
fn the_manufacturer_retires_a_product_someone_else_holds() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        transfer(ALICE, 1, BOB);
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(ALICE), pid(1)));
        assert!(info(1).is_retired());
        assert!(Traceability::products_of(BOB).is_empty());
        assert_eq!(
            last_event(),
            RuntimeEvent::Traceability(Event::Retired {
                product_id: pid(1),
                by: ALICE,
            })
        );
        check_invariants();
    });
}

#[test]
fn a_product_with_a_full_history_can_be_retired() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        fill_history(ALICE, 1);
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(ALICE), pid(1)));
        check_invariants();
    });
}

#[test]
fn retire_errors() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        transfer(ALICE, 1, BOB);
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
            assert_noop!(
                Traceability::retire(origin, pid(1)),
                DispatchError::BadOrigin
            );
        }
        assert_noop!(
            Traceability::retire(RuntimeOrigin::signed(ALICE), pid(2)),
            Error::<Test>::UnknownProduct
        );
        assert_noop!(
            Traceability::retire(RuntimeOrigin::signed(DAVE), pid(1)),
            Error::<Test>::NotManufacturerOrCustodian
        );
        transfer(BOB, 1, CHARLIE);
        // A former custodian is no longer entitled.
        assert_noop!(
            Traceability::retire(RuntimeOrigin::signed(BOB), pid(1)),
            Error::<Test>::NotManufacturerOrCustodian
        );
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(CHARLIE), pid(1)));
        assert_noop!(
            Traceability::retire(RuntimeOrigin::signed(ALICE), pid(1)),
            Error::<Test>::ProductRetired
        );
        check_invariants();
    });
}

// --- history and the runtime API --------------------------------------------------------------

#[test]
fn history_keeps_the_order_of_the_calls() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        register(ALICE, 2);
        System::set_block_number(2);
        checkpoint(ALICE, 1);
        transfer(ALICE, 2, CHARLIE);
        System::set_block_number(3);
        transfer(ALICE, 1, BOB);
        System::set_block_number(4);
        checkpoint(BOB, 1);

        assert_eq!(
            History::<Test>::get(pid(1)).into_inner(),
            vec![
                record(RecordKind::Checkpoint, ALICE, ALICE, 2, "Lab", "4 C"),
                record(RecordKind::Transfer, ALICE, BOB, 3, "Port", "waybill 7"),
                record(RecordKind::Checkpoint, BOB, BOB, 4, "Lab", "4 C"),
            ]
        );
        // The other product's history is its own.
        assert_eq!(
            History::<Test>::get(pid(2)).into_inner(),
            vec![record(
                RecordKind::Transfer,
                ALICE,
                CHARLIE,
                2,
                "Port",
                "waybill 7"
            )]
        );
        check_invariants();
    });
}

#[test]
fn runtime_api_views() {
    new_test_ext().execute_with(|| {
        assert_eq!(Traceability::product(pid(1)), None);
        assert!(Traceability::history(pid(1)).is_empty());
        assert!(Traceability::products_of(ALICE).is_empty());

        register(ALICE, 1);
        register(ALICE, 2);
        transfer(ALICE, 1, BOB);
        checkpoint(BOB, 1);

        let view = Traceability::product(pid(1)).expect("registered");
        assert_eq!(view.manufacturer, ALICE);
        assert_eq!(view.custodian, BOB);
        assert_eq!(view.name, b"Coffee".to_vec());
        assert_eq!(view.origin_location, b"Lima".to_vec());
        assert_eq!(view.registered_at, 1);
        assert_eq!(view.retired_at, None);

        let history = Traceability::history(pid(1));
        assert_eq!(history.len(), 2);
        assert_eq!(
            history
                .iter()
                .map(|r| (r.kind, r.from, r.to))
                .collect::<Vec<_>>(),
            vec![
                (RecordKind::Transfer, ALICE, BOB),
                (RecordKind::Checkpoint, BOB, BOB)
            ]
        );
        assert_eq!(
            history.first().map(|r| r.location.clone()),
            Some(b"Port".to_vec())
        );
        assert_eq!(
            history.last().map(|r| r.note.clone()),
            Some(b"4 C".to_vec())
        );

        assert_eq!(Traceability::products_of(ALICE), vec![pid(2)]);
        assert_eq!(Traceability::products_of(BOB), vec![pid(1)]);
    });
}

#[test]
fn views_encode_like_the_stored_records() {
    use codec::Encode;
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        transfer(ALICE, 1, BOB);
        // Clients may decode either form: the bounded and plain byte strings encode alike.
        assert_eq!(
            Traceability::product(pid(1)).encode(),
            Products::<Test>::get(pid(1)).encode()
        );
        assert_eq!(
            Traceability::history(pid(1)).encode(),
            History::<Test>::get(pid(1)).encode()
        );
    });
}

// --- weights and configuration ----------------------------------------------------------------

#[test]
fn appending_calls_charge_the_worst_case_and_refund_to_the_actual_history() {
    new_test_ext().execute_with(|| {
        register(ALICE, 1);
        let worst = MAX_HISTORY - 1;
        assert_eq!(Traceability::worst_history_len(), worst);

        let call = crate::Call::<Test>::transfer_custody {
            product_id: pid(1),
            to: BOB,
            location: loc("Port"),
            note: note(""),
        };
        assert_eq!(
            call.get_dispatch_info().call_weight,
            <() as WeightInfo>::transfer_custody(worst)
        );
        let post = Traceability::transfer_custody(
            RuntimeOrigin::signed(ALICE),
            pid(1),
            BOB,
            loc("Port"),
            note(""),
        )
        .expect("transfers");
        assert_eq!(
            post.actual_weight,
            Some(<() as WeightInfo>::transfer_custody(0))
        );

        let call = crate::Call::<Test>::record_checkpoint {
            product_id: pid(1),
            location: loc("Lab"),
            note: note(""),
        };
        assert_eq!(
            call.get_dispatch_info().call_weight,
            <() as WeightInfo>::record_checkpoint(worst)
        );
        let post = Traceability::record_checkpoint(
            RuntimeOrigin::signed(BOB),
            pid(1),
            loc("Lab"),
            note(""),
        )
        .expect("records");
        assert_eq!(
            post.actual_weight,
            Some(<() as WeightInfo>::record_checkpoint(1))
        );
    });
}

#[test]
fn weights_grow_with_the_history_and_price_the_database() {
    use crate::weights::{BASE_REF_TIME, TRIE_PATH_BYTES};
    // The mock's `DbWeight` is zero: its weights are the computation and proof allowances.
    type Mock = SubstrateWeight<Test>;
    for f in [Mock::transfer_custody, Mock::record_checkpoint] {
        assert!(f(1).all_gt(f(0)));
        assert!(f(MAX_HISTORY).all_gt(f(1)));
    }
    assert_eq!(Mock::register_product().ref_time(), BASE_REF_TIME);
    assert_eq!(Mock::transfer_custody(0).ref_time(), BASE_REF_TIME);

    // `()` prices database accesses with RocksDB's figures.
    type Rocks = ();
    let db = frame_support::weights::constants::RocksDbWeight::get();
    assert_eq!(
        <Rocks as WeightInfo>::register_product().ref_time(),
        BASE_REF_TIME + db.reads_writes(1, 2).ref_time()
    );
    assert_eq!(
        <Rocks as WeightInfo>::transfer_custody(0).ref_time(),
        BASE_REF_TIME + db.reads_writes(2, 4).ref_time()
    );
    assert_eq!(
        <Rocks as WeightInfo>::record_checkpoint(0).ref_time(),
        BASE_REF_TIME + db.reads_writes(2, 1).ref_time()
    );
    assert_eq!(
        <Rocks as WeightInfo>::retire().ref_time(),
        BASE_REF_TIME + db.reads_writes(1, 2).ref_time()
    );
    for w in [
        <Rocks as WeightInfo>::register_product(),
        <Rocks as WeightInfo>::transfer_custody(0),
        <Rocks as WeightInfo>::record_checkpoint(0),
        <Rocks as WeightInfo>::retire(),
    ] {
        assert!(w.proof_size() > TRIE_PATH_BYTES);
    }
    // Each stored record adds its largest encoding to the proof.
    assert_eq!(
        <Rocks as WeightInfo>::transfer_custody(3).proof_size()
            - <Rocks as WeightInfo>::transfer_custody(2).proof_size(),
        Sizes::SUGGESTED.record
    );
}

#[test]
fn weight_sizes_are_the_largest_encodings() {
    use codec::MaxEncodedLen;
    type Name = frame_support::BoundedVec<u8, ConstU32<64>>;
    type Note = frame_support::BoundedVec<u8, ConstU32<128>>;
    type Account = sp_runtime::AccountId32;
    let suggested = Sizes {
        product: crate::ProductInfo::<Account, u32, Name, Name>::max_encoded_len() as u64,
        record: crate::Record::<Account, u32, Name, Note>::max_encoded_len() as u64,
    };
    assert_eq!(Sizes::SUGGESTED, suggested);

    let mock = Sizes::of::<Test>();
    assert_eq!(
        mock.product,
        crate::ProductInfoOf::<Test>::max_encoded_len() as u64
    );
    assert_eq!(mock.record, RecordOf::<Test>::max_encoded_len() as u64);
}

#[test]
fn integrity_test_passes() {
    new_test_ext().execute_with(|| {
        <Traceability as Hooks<u64>>::integrity_test();
    });
}

#[test]
fn index_lists_every_active_product_of_a_custodian() {
    new_test_ext().execute_with(|| {
        for n in 1..=3 {
            register(ALICE, n);
        }
        transfer(ALICE, 2, BOB);
        assert_ok!(Traceability::retire(RuntimeOrigin::signed(ALICE), pid(3)));
        let mut held = Traceability::products_of(ALICE);
        held.sort();
        assert_eq!(held, vec![pid(1)]);
        assert!(ProductsByCustodian::<Test>::contains_key(BOB, pid(2)));
        assert!(!ProductsByCustodian::<Test>::contains_key(ALICE, pid(3)));
        check_invariants();
    });
}

// --- properties -------------------------------------------------------------------------------

/// Random sequences of calls, checked against a model of who holds what:
///
/// - every call succeeds or fails exactly as the model predicts, with the predicted error;
/// - a failed call writes nothing: the storage root is unchanged. The checks run on the
///   `do_*` functions, which FRAME does not wrap in a storage layer, so this tests that the
///   pallet validates before it writes, not FRAME's rollback;
/// - after every step: the custodian is the `to` of the last record or the manufacturer, the
///   history has at most `MaxHistory` records, it matches the model, and `do_try_state` holds.
mod properties {
    use super::*;
    use crate::Pallet;
    use proptest::prelude::*;
    use sp_io::storage::root as storage_root;
    use sp_runtime::StateVersion;
    use std::collections::BTreeMap;

    /// Accounts 1–4, products 1–3.
    const ACCOUNTS: u64 = 4;
    const PRODUCTS: u8 = 3;

    #[derive(Clone, Debug)]
    enum Op {
        Register {
            who: u64,
            product: u8,
            empty_name: bool,
        },
        /// `who: None` is the current custodian (or [`ALICE`] for an unknown product).
        Transfer {
            who: Option<u64>,
            product: u8,
            to: u64,
            text: usize,
        },
        Checkpoint {
            who: Option<u64>,
            product: u8,
            text: usize,
        },
        Retire {
            who: Option<u64>,
            product: u8,
        },
        /// A transfer without a signed origin, through the dispatchable.
        Unsigned {
            product: u8,
        },
        Advance {
            blocks: u64,
        },
    }

    fn account() -> impl Strategy<Value = u64> {
        1..=ACCOUNTS
    }

    fn caller() -> impl Strategy<Value = Option<u64>> {
        prop_oneof![3 => Just(None), 1 => account().prop_map(Some)]
    }

    fn product() -> impl Strategy<Value = u8> {
        1..=PRODUCTS
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            2 => (account(), product(), proptest::bool::weighted(0.2))
                .prop_map(|(who, product, empty_name)| Op::Register { who, product, empty_name }),
            5 => (caller(), product(), account(), 0..=MAX_NOTE as usize)
                .prop_map(|(who, product, to, text)| Op::Transfer { who, product, to, text }),
            3 => (caller(), product(), 0..=MAX_NOTE as usize)
                .prop_map(|(who, product, text)| Op::Checkpoint { who, product, text }),
            1 => (caller(), product()).prop_map(|(who, product)| Op::Retire { who, product }),
            1 => product().prop_map(|product| Op::Unsigned { product }),
            1 => (0u64..=3).prop_map(|blocks| Op::Advance { blocks }),
        ]
    }

    /// What the model knows of a product.
    #[derive(Clone, Debug)]
    struct Model {
        manufacturer: u64,
        custodian: u64,
        retired: bool,
        /// (kind, from, to) of each record.
        history: Vec<(RecordKind, u64, u64)>,
    }

    /// `len` bytes of text (a location or a note).
    fn text(len: usize) -> Vec<u8> {
        vec![b'x'; len]
    }

    /// The model's prediction for an appending call by `who` on `product`.
    fn predict_append(
        model: &BTreeMap<u8, Model>,
        who: u64,
        product: u8,
        to: Option<u64>,
    ) -> Result<(), Error<Test>> {
        let m = model.get(&product).ok_or(Error::<Test>::UnknownProduct)?;
        if m.retired {
            return Err(Error::ProductRetired);
        }
        if m.custodian != who {
            return Err(Error::NotCustodian);
        }
        if to == Some(who) {
            return Err(Error::TransferToSelf);
        }
        if m.history.len() >= MAX_HISTORY as usize {
            return Err(Error::HistoryFull);
        }
        Ok(())
    }

    fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
        let mut model: BTreeMap<u8, Model> = BTreeMap::new();
        for op in ops {
            let before = storage_root(StateVersion::V1);
            let events = System::event_count();
            let caller_of = |who: Option<u64>, product: u8, model: &BTreeMap<u8, Model>| {
                who.unwrap_or_else(|| model.get(&product).map_or(ALICE, |m| m.custodian))
            };
            let (result, expected): (Result<(), DispatchError>, Result<(), DispatchError>) =
                match op {
                    Op::Register {
                        who,
                        product,
                        empty_name,
                    } => {
                        let expected = if empty_name {
                            Err(Error::<Test>::EmptyName)
                        } else if model.contains_key(&product) {
                            Err(Error::ProductAlreadyRegistered)
                        } else {
                            Ok(())
                        };
                        let product_name = if empty_name { name("") } else { name("Coffee") };
                        let result = Pallet::<Test>::do_register_product(
                            who,
                            pid(product),
                            product_name,
                            loc("Lima"),
                        );
                        if expected.is_ok() {
                            model.insert(
                                product,
                                Model {
                                    manufacturer: who,
                                    custodian: who,
                                    retired: false,
                                    history: Vec::new(),
                                },
                            );
                        }
                        (result, expected.map_err(Into::into))
                    }
                    Op::Transfer {
                        who,
                        product,
                        to,
                        text: len,
                    } => {
                        let who = caller_of(who, product, &model);
                        let expected = predict_append(&model, who, product, Some(to));
                        let result = Pallet::<Test>::do_transfer_custody(
                            who,
                            pid(product),
                            to,
                            text(len.min(MAX_LOCATION as usize))
                                .try_into()
                                .expect("bounded"),
                            text(len).try_into().expect("bounded"),
                        )
                        .map(|index| {
                            assert_eq!(index as usize, model[&product].history.len());
                        });
                        if expected.is_ok()
                            && let Some(m) = model.get_mut(&product)
                        {
                            m.history.push((RecordKind::Transfer, who, to));
                            m.custodian = to;
                        }
                        (result, expected.map_err(Into::into))
                    }
                    Op::Checkpoint {
                        who,
                        product,
                        text: len,
                    } => {
                        let who = caller_of(who, product, &model);
                        let expected = predict_append(&model, who, product, None);
                        let result = Pallet::<Test>::do_record_checkpoint(
                            who,
                            pid(product),
                            text(len.min(MAX_LOCATION as usize))
                                .try_into()
                                .expect("bounded"),
                            text(len).try_into().expect("bounded"),
                        )
                        .map(|_| ());
                        if expected.is_ok()
                            && let Some(m) = model.get_mut(&product)
                        {
                            m.history.push((RecordKind::Checkpoint, who, who));
                        }
                        (result, expected.map_err(Into::into))
                    }
                    Op::Retire { who, product } => {
                        let who = caller_of(who, product, &model);
                        let expected = match model.get(&product) {
                            None => Err(Error::<Test>::UnknownProduct),
                            Some(m) if m.retired => Err(Error::ProductRetired),
                            Some(m) if m.manufacturer != who && m.custodian != who => {
                                Err(Error::NotManufacturerOrCustodian)
                            }
                            Some(_) => Ok(()),
                        };
                        let result = Pallet::<Test>::do_retire(who, pid(product));
                        if expected.is_ok()
                            && let Some(m) = model.get_mut(&product)
                        {
                            m.retired = true;
                        }
                        (result, expected.map_err(Into::into))
                    }
                    Op::Unsigned { product } => {
                        let result = Traceability::transfer_custody(
                            RuntimeOrigin::none(),
                            pid(product),
                            BOB,
                            loc(""),
                            note(""),
                        )
                        .map(|_| ())
                        .map_err(|e| e.error);
                        (result, Err(DispatchError::BadOrigin))
                    }
                    Op::Advance { blocks } => {
                        System::set_block_number(System::block_number() + blocks);
                        (Ok(()), Ok(()))
                    }
                };
            prop_assert_eq!(&result, &expected);
            if result.is_err() {
                prop_assert_eq!(
                    storage_root(StateVersion::V1),
                    before,
                    "a failed call wrote"
                );
                prop_assert_eq!(System::event_count(), events);
            }

            prop_assert_eq!(Traceability::do_try_state(), Ok(()));
            for n in 1..=PRODUCTS {
                let history = History::<Test>::get(pid(n));
                prop_assert!(history.len() <= MAX_HISTORY as usize);
                match (Products::<Test>::get(pid(n)), model.get(&n)) {
                    (None, None) => prop_assert!(history.is_empty()),
                    (Some(info), Some(m)) => {
                        let expected_custodian =
                            history.last().map_or(info.manufacturer, |record| record.to);
                        prop_assert_eq!(info.custodian, expected_custodian);
                        prop_assert_eq!(info.custodian, m.custodian);
                        prop_assert_eq!(info.manufacturer, m.manufacturer);
                        prop_assert_eq!(info.is_retired(), m.retired);
                        let kinds: Vec<_> =
                            history.iter().map(|r| (r.kind, r.from, r.to)).collect();
                        prop_assert_eq!(&kinds, &m.history);
                    }
                    (stored, modelled) => {
                        prop_assert!(false, "stored {stored:?}, modelled {modelled:?}")
                    }
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn random_calls_keep_the_invariants(ops in prop::collection::vec(op(), 1..80)) {
            new_test_ext().execute_with(|| run(ops))?;
        }
    }
}
