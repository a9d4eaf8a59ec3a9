//! `benchmark contracts`: calls of the example token contract (`examples/contracts/token/token.c`,
//! built by `examples/contracts/build.sh`) through the throughput harness of `benchmark transfers`
//! ([`run_workload`]), so that a contract transfer compares with a native `balances` transfer.
//!
//! The token inputs are encoded here, after `token.c`'s ABI: `deploy(initial_supply: u128)`
//! mints the supply to the deployer, selector `0x03` is `transfer(to: [u8; 32], amount: u128)`
//! (little-endian). Another contract needs its own encoding; the benchmark is for this token.
//! The node signs the contracts pallet's calls ([`ContractHooks::sign`]) and derives the token's
//! address ([`ContractHooks::address`]).

use std::path::Path;

use sp_core::{Pair as _, sr25519};

use super::throughput::{ThroughputReport, Workload, funded_dev_spec, round_robin, run_workload};
use crate::{
    NodeSpec,
    contract::{ContractHooks, ContractTx},
    error::CliError,
};

/// Fuel each token call may burn (`gas_limit`). A `transfer` uses a small fraction of it and an
/// `instantiate` of the token too (a call that ran out would fail the run: the harness checks
/// every extrinsic's events); the unused part is refunded, so it does not shorten blocks beyond
/// the declared weight of the last extrinsic that fits.
pub(super) const GAS_LIMIT: u64 = 10_000_000;
/// The token's `transfer(to, amount)` selector.
const SEL_TRANSFER: u8 = 0x03;
/// Salt of the token the transfers go through.
const TOKEN_SALT: &[u8] = b"wcme-bench-token";
/// Supply minted by each instantiation of the `instantiations` workload.
const INSTANCE_SUPPLY: u128 = 1_000_000;
/// The recipient of every measured transfer, as in `benchmark transfers`.
const RECIPIENT: [u8; 32] = [7u8; 32];

/// The token's `deploy` input: the initial supply, minted to the deployer.
fn deploy_input(supply: u128) -> Vec<u8> {
    supply.to_le_bytes().to_vec()
}

/// The token's `transfer(to, amount)` call input.
fn transfer_input(to: &[u8; 32], amount: u128) -> Vec<u8> {
    let mut input = Vec::with_capacity(1 + 32 + 16);
    input.push(SEL_TRANSFER);
    input.extend_from_slice(to);
    input.extend_from_slice(&amount.to_le_bytes());
    input
}

fn account(pair: &sr25519::Pair) -> [u8; 32] {
    pair.public().0
}

/// `upload_code(code)` with no limit on the code deposit.
fn upload(code: &[u8]) -> ContractTx {
    ContractTx::UploadCode {
        code: code.to_vec(),
        storage_deposit_limit: u128::MAX,
    }
}

/// `benchmark contracts`: `transfers` token `transfer`s of 1 unit to one recipient from
/// `accounts` senders in turn. Setup (untimed, signed by the funder): upload the code,
/// instantiate the token (its supply is minted to the funder), then give each sender the tokens
/// its transfers spend.
pub(super) fn transfers(
    spec: &NodeSpec,
    hooks: ContractHooks,
    code: &[u8],
    dir: &Path,
    transfers: usize,
    accounts: usize,
    block_size: usize,
) -> Result<ThroughputReport, CliError> {
    let (senders, funder, chain_spec) = funded_dev_spec(spec, accounts)?;
    let funder = &funder;
    let code_hash = sp_crypto_hashing::blake2_256(code);
    let token = (hooks.address)(&account(funder), &code_hash, TOKEN_SALT);
    let per_sender = u128::try_from(transfers.div_ceil(accounts)).unwrap_or(u128::MAX);
    let supply = per_sender.saturating_mul(u128::try_from(accounts).unwrap_or(u128::MAX));
    tracing::info!(
        target: "benchmark",
        token = %hex::encode(token),
        per_sender,
        "contract transfers: the token and each sender's balance"
    );
    run_workload(
        spec,
        &chain_spec,
        dir,
        "contract transfers",
        block_size,
        |genesis| {
            let call = |data: Vec<u8>| ContractTx::Call {
                dest: token,
                value: 0,
                gas_limit: GAS_LIMIT,
                data,
            };
            let mut setup = vec![
                upload(code),
                ContractTx::Instantiate {
                    code_hash,
                    value: 0,
                    gas_limit: GAS_LIMIT,
                    data: deploy_input(supply),
                    salt: TOKEN_SALT.to_vec(),
                },
            ];
            setup.extend(
                senders
                    .iter()
                    .map(|sender| call(transfer_input(&account(sender), per_sender))),
            );
            let setup = setup
                .iter()
                .zip(0u32..)
                .map(|(tx, nonce)| (hooks.sign)(funder, tx, nonce, genesis))
                .collect();
            let transfer = call(transfer_input(&RECIPIENT, 1));
            let measured = round_robin(&senders, transfers, |sender, nonce| {
                (hooks.sign)(sender, &transfer, nonce, genesis)
            });
            Ok(Workload { setup, measured })
        },
    )
}

/// `benchmark contracts --instantiations`: `count` instantiations of the token (each minting
/// [`INSTANCE_SUPPLY`] to its deployer), from `accounts` senders in turn, each with a salt of its
/// own; the setup (untimed) uploads the code.
pub(super) fn instantiations(
    spec: &NodeSpec,
    hooks: ContractHooks,
    code: &[u8],
    dir: &Path,
    count: usize,
    accounts: usize,
    block_size: usize,
) -> Result<ThroughputReport, CliError> {
    let (senders, funder, chain_spec) = funded_dev_spec(spec, accounts)?;
    let funder = &funder;
    let code_hash = sp_crypto_hashing::blake2_256(code);
    run_workload(
        spec,
        &chain_spec,
        dir,
        "instantiations",
        block_size,
        |genesis| {
            let setup = vec![(hooks.sign)(funder, &upload(code), 0, genesis)];
            let measured = round_robin(&senders, count, |sender, nonce| {
                let instantiate = ContractTx::Instantiate {
                    code_hash,
                    value: 0,
                    gas_limit: GAS_LIMIT,
                    data: deploy_input(INSTANCE_SUPPLY),
                    // Distinct per deployer, hence a distinct address per instantiation.
                    salt: [b"wcme-bench-".as_slice(), &nonce.to_le_bytes()].concat(),
                };
                (hooks.sign)(sender, &instantiate, nonce, genesis)
            });
            Ok(Workload { setup, measured })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_inputs_follow_the_token_abi() {
        assert_eq!(
            deploy_input(5),
            [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        let input = transfer_input(&[9; 32], 0x0102);
        assert_eq!(input.len(), 1 + 32 + 16);
        assert_eq!(input.first(), Some(&SEL_TRANSFER));
        assert_eq!(input.get(1..33), Some(&[9u8; 32][..]));
        assert_eq!(input.get(33..35), Some(&[0x02, 0x01][..]));
        assert!(
            input
                .get(35..)
                .is_some_and(|rest| rest.iter().all(|b| *b == 0))
        );
    }
}
