//! The light client as the transfers pallet's [`MainChainRoots`]: a subchain runtime with both
//! (`MainClient` and the subchain side as `CrossChain`) mints a main → subchain message only
//! once the main-chain block whose state holds it is verified final (and the C3Ns attested it).

use super::mock::{CHECKPOINT, GENESIS, STAKE, chain, checkpoint, justify, round0};
use crate::{
    main_client as pallet_main_client,
    message::{TransferMessage, main_outbound_key},
    proof::build_proof,
    subchain::{self as pallet_subchain, MainChainRoots},
};
use codec::Encode;
use frame_support::{BoundedVec, assert_noop, assert_ok, derive_impl, traits::Get};
use sp_core::{H256, Pair as _};
use sp_runtime::{AccountId32, BuildStorage};

type Block = frame_system::mocking::MockBlock<Runtime>;

frame_support::construct_runtime!(
    pub enum Runtime {
        System: frame_system,
        Wcme: pallet_balances,
        MainClient: pallet_main_client,
        CrossChain: pallet_subchain,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Runtime {
    type Block = Block;
    type AccountId = AccountId32;
    type Lookup = sp_runtime::traits::IdentityLookup<AccountId32>;
    type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Runtime {
    type AccountStore = System;
    type Balance = u128;
    type RuntimeHoldReason = RuntimeHoldReason;
}

#[derive_impl(pallet_main_client::config_preludes::TestDefaultConfig)]
impl pallet_main_client::Config for Runtime {
    type AdminOrigin = frame_system::EnsureRoot<AccountId32>;
}

#[derive_impl(pallet_subchain::config_preludes::TestDefaultConfig)]
impl pallet_subchain::Config for Runtime {
    type MainChain = MainClient;
    type Currency = Wcme;
    type AdminOrigin = frame_system::EnsureRoot<AccountId32>;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = MainClient;
}

/// The subchain's id on the main chain.
const SUBCHAIN: u32 = 7;

/// The C3Ns of both sides (the same two accounts).
fn c3ns() -> Vec<AccountId32> {
    vec![AccountId32::new([11; 32]), AccountId32::new([12; 32])]
}

fn ext() -> sp_io::TestExternalities {
    let anchor = checkpoint();
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        wcme: Default::default(),
        main_client: pallet_main_client::GenesisConfig {
            genesis_hash: GENESIS,
            checkpoint_number: anchor.number,
            checkpoint_hash: anchor.hash(),
            checkpoint_state_root: anchor.state_root,
            round: 0,
            voters: round0()
                .iter()
                .map(|pair| (pair.public().0, STAKE))
                .collect(),
            _config: Default::default(),
        },
        cross_chain: pallet_subchain::GenesisConfig {
            subchain_id: Some(SUBCHAIN),
            main_c3ns: c3ns(),
            subchain_c3ns: c3ns(),
            _config: Default::default(),
        },
    }
    .build_storage()
    .expect("genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

#[test]
fn messages_are_minted_only_against_finalized_main_chain_roots() {
    ext().execute_with(|| {
        let relayer = AccountId32::new([1; 32]);
        let dest = AccountId32::new([2; 32]);
        let message = TransferMessage {
            seq: 0,
            sender: [9; 32],
            dest: dest.clone().into(),
            amount: 500,
            timeout: 100,
        };
        let key = main_outbound_key(SUBCHAIN, 0);
        let (root, proof) = build_proof(
            &[
                (key.clone(), message.encode()),
                (b"other".to_vec(), vec![3; 40]),
            ],
            &[&key],
        );
        let headers = chain(&checkpoint(), 2, 0, |number| {
            if number == CHECKPOINT + 1 {
                root
            } else {
                H256::from_low_u64_be(u64::from(number))
            }
        });
        let at = CHECKPOINT + 1;
        let receive = |proof: &Vec<Vec<u8>>| {
            CrossChain::receive_from_main(
                RuntimeOrigin::signed(relayer.clone()),
                at,
                message,
                BoundedVec::truncate_from(proof.clone()),
            )
        };

        // Not verified yet: the block is not final to the subchain.
        assert_noop!(
            receive(&proof),
            pallet_subchain::Error::<Runtime>::NotVerified
        );
        // A justification short of 2/3 verifies nothing.
        let last = headers.last().expect("headers");
        assert_noop!(
            MainClient::submit_main_headers(
                RuntimeOrigin::signed(relayer.clone()),
                BoundedVec::truncate_from(headers.clone()),
                justify(last, 0, &round0()[..2]),
                None,
            ),
            pallet_main_client::Error::<Runtime>::InsufficientWeight
        );
        assert_noop!(
            receive(&proof),
            pallet_subchain::Error::<Runtime>::NotVerified
        );

        assert_ok!(MainClient::submit_main_headers(
            RuntimeOrigin::signed(relayer.clone()),
            BoundedVec::truncate_from(headers.clone()),
            justify(last, 0, &round0()[..3]),
            None,
        ));
        assert_eq!(MainClient::state_root(at), Some(root));
        // Verified, but not attested by the C3Ns yet; then both attest it.
        assert_noop!(
            receive(&proof),
            pallet_subchain::Error::<Runtime>::NotAttested
        );
        let hashes = vec![crate::c3d::message_hash(&message)];
        let [first_c3n, second_c3n] = <[AccountId32; 2]>::try_from(c3ns()).expect("two");
        assert_ok!(CrossChain::broadcast_batch(
            RuntimeOrigin::signed(first_c3n),
            0,
            BoundedVec::truncate_from(hashes.clone()),
        ));
        assert_ok!(CrossChain::attest_batch(
            RuntimeOrigin::signed(second_c3n),
            0,
            crate::c3d::batch_digest(0, &hashes),
        ));
        assert_ok!(receive(&proof));
        assert_eq!(Wcme::free_balance(&dest), 500);
        assert_eq!(pallet_subchain::Pallet::<Runtime>::minted(), 500);

        // A subchain → main message times out relative to the verified main-chain head.
        assert_ok!(CrossChain::transfer_to_main(
            RuntimeOrigin::signed(dest.clone()),
            [5; 32],
            100,
        ));
        let sent = pallet_subchain::Pallet::<Runtime>::outbound(0).expect("queued");
        let timeout: u32 = <Runtime as pallet_subchain::Config>::TransferTimeout::get();
        assert_eq!(sent.timeout, CHECKPOINT + 2 + timeout);
    });
}
