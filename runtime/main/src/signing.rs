//! Building signed extrinsics natively: what a wallet does, for the node's benchmarks, tests and
//! tools. Wallets such as @polkadot/api build the same bytes from the metadata.

use codec::Encode;
use sp_core::{Pair as _, sr25519};
use sp_runtime::generic::Era;

use crate::{
    AccountId, Address, Balance, BalancesCall, Hash, Nonce, Runtime, RuntimeCall, SignedPayload,
    TxExtension, UncheckedExtrinsic, VERSION,
};

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension(nonce: Nonce, era: Era, tip: Balance) -> TxExtension {
    (
        frame_system::CheckNonZeroSender::<Runtime>::new(),
        frame_system::CheckSpecVersion::<Runtime>::new(),
        frame_system::CheckTxVersion::<Runtime>::new(),
        frame_system::CheckGenesis::<Runtime>::new(),
        frame_system::CheckEra::<Runtime>::from(era),
        frame_system::CheckNonce::<Runtime>::from(nonce),
        frame_system::CheckWeight::<Runtime>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
    )
}

/// Signs `call` by `signer` with `nonce` as an immortal transaction of the chain with `genesis`.
pub fn sign(
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: Nonce,
    genesis: Hash,
) -> UncheckedExtrinsic {
    let extension = tx_extension(nonce, Era::Immortal, 0);
    let implicit = (
        (),
        VERSION.spec_version,
        VERSION.transaction_version,
        genesis,
        genesis,
        (),
        (),
        (),
    );
    let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
    let signature = payload.using_encoded(|bytes| signer.sign(bytes));
    let address = Address::Id(AccountId::from(signer.public().0));
    UncheckedExtrinsic::new_signed(call, address, signature.into(), extension)
}

/// The encoded `Balances::transfer_keep_alive(to, amount)` signed by `signer`.
pub fn signed_transfer(
    signer: &sr25519::Pair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8> {
    let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: Address::Id(to.clone()),
        value: amount,
    });
    sign(signer, call, nonce, genesis).encode()
}
