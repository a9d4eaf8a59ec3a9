//! `subchain new`: the chain spec of a new business subchain.
//!
//! The CLI checks and parses the arguments into a [`NewSubchain`]; the node binary turns that
//! into a chain spec on its subchain runtime (`NodeSpec::new_subchain`, which knows the
//! runtime's genesis config); the CLI then builds the genesis once, so a spec the runtime would
//! refuse (a bad token symbol, say) is an error here and not at the first start.

use std::io::Write;

use codec::Decode;
use sp_runtime::traits::Header as _;
use wcme_consensus_primitives::poc::RoundInfo;
use wcme_primitives::{AccountId, Balance, BlockNumber, Hash, Header};

use sp_core::{
    crypto::{AccountId32, Ss58Codec},
    sr25519,
};
use sp_keyring::Sr25519Keyring;

use wcme_subchain_primitives::{AccountPair, ConsensusKind, SignatureScheme};

use crate::{NodeSpec, cli::SubchainNewCmd, error::CliError};

/// A new business subchain, as `subchain new` was asked for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSubchain {
    /// Human-readable name.
    pub name: String,
    /// Chain id: 1–64 characters from `[a-z0-9_-]`.
    pub id: String,
    /// Base token symbol, as given (the runtime checks it).
    pub symbol: String,
    /// Validators' sr25519 keys, at least one, no duplicates; the first authors.
    pub validators: Vec<sr25519::Public>,
    /// The signature scheme of the chain's accounts (`root` and `endowed` are accounts of it).
    pub account_scheme: SignatureScheme,
    /// The root (sudo) account.
    pub root: AccountId32,
    /// Accounts endowed at genesis, with amounts in whole tokens.
    pub endowed: Vec<(AccountId32, u128)>,
    /// The consensus engine (never `poc`: that is the main chain's, with its own pallet).
    pub consensus: ConsensusKind,
    /// Block time in milliseconds.
    pub slot_duration_ms: u64,
    /// The main-chain block the light client trusts at genesis, if `--main-anchor` named a
    /// node to read it from.
    pub main_anchor: Option<MainAnchor>,
}

/// A finalized main-chain block and the voters of its round: what a subchain's light client
/// of the main chain trusts at genesis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MainAnchor {
    /// The main chain's genesis hash.
    pub genesis_hash: Hash,
    /// The block's number.
    pub number: BlockNumber,
    /// The block's hash.
    pub hash: Hash,
    /// The block's state root.
    pub state_root: Hash,
    /// Its POC round.
    pub round: u32,
    /// The round's producers: packing key and stake.
    pub voters: Vec<([u8; 32], u128)>,
    /// The main chain's C3Ns (their accounts' bytes), whose attestations the subchain's C3D
    /// counts for the main side.
    pub c3ns: Vec<[u8; 32]>,
}

fn at_hash(hash: &Hash) -> serde_json::Value {
    serde_json::Value::String(format!("{hash:?}"))
}

/// Reads the anchor from the main-chain node at `url`: its finalized block, checked against the
/// hash the node named, the voters of that block's round (`PocApi_current_round` there) and the
/// main chain's C3Ns (`CrossChainApi_main_c3ns`).
pub(crate) fn read_main_anchor(url: &str) -> Result<MainAnchor, CliError> {
    use wcme_relayer::rpc::{connect, request};
    const CHAIN: &str = "main";
    crate::block_on(async {
        let client = connect(CHAIN, url)?;
        let genesis_hash: Hash =
            request(&client, CHAIN, "chain_getBlockHash", vec![0.into()]).await?;
        let hash: Hash = request(&client, CHAIN, "chain_getFinalizedHead", vec![]).await?;
        let at = at_hash(&hash);
        let header: Header = request(&client, CHAIN, "chain_getHeader", vec![at.clone()]).await?;
        if header.hash() != hash {
            return Err(CliError::BadArgument(format!(
                "--main-anchor {url}: the node's header of its finalized block {hash:?} hashes \
                 to {:?}",
                header.hash()
            )));
        }
        let encoded: sp_core::Bytes = request(
            &client,
            CHAIN,
            "state_call",
            vec!["PocApi_current_round".into(), "0x".into(), at],
        )
        .await
        .map_err(|e| {
            CliError::BadArgument(format!(
                "--main-anchor {url}: not a main chain (PocApi_current_round: {e})"
            ))
        })?;
        let round = RoundInfo::<AccountId, Balance>::decode(&mut &encoded[..]).map_err(|e| {
            CliError::BadArgument(format!(
                "--main-anchor {url}: not a main chain (PocApi_current_round: {e})"
            ))
        })?;
        if round.producers.is_empty() {
            return Err(CliError::BadArgument(format!(
                "--main-anchor {url}: round {} of the main chain has no producers, so no \
                 finality votes to trust (a --dev main chain does not run Proof-of-Credit)",
                round.index
            )));
        }
        let encoded: sp_core::Bytes = request(
            &client,
            CHAIN,
            "state_call",
            vec![
                "CrossChainApi_main_c3ns".into(),
                "0x".into(),
                at_hash(&hash),
            ],
        )
        .await?;
        let c3ns = Vec::<[u8; 32]>::decode(&mut &encoded[..]).map_err(|e| {
            CliError::BadArgument(format!(
                "--main-anchor {url}: the main chain's C3Ns do not decode: {e}"
            ))
        })?;
        Ok(MainAnchor {
            c3ns,
            genesis_hash,
            number: *header.number(),
            hash,
            state_root: *header.state_root(),
            round: round.index,
            voters: round
                .producers
                .iter()
                .map(|producer| (producer.packing_key.0, producer.stake))
                .collect(),
        })
    })
}

/// `subchain new`: prints (or writes) the new subchain's chain spec.
pub(crate) fn new(spec: &NodeSpec, cmd: &SubchainNewCmd) -> Result<(), CliError> {
    let build = spec.new_subchain.ok_or_else(|| {
        CliError::BadArgument("this node has no subchain runtime to build a spec for".into())
    })?;
    let mut new = parse(cmd)?;
    if let Some(url) = &cmd.main_anchor {
        new.main_anchor = Some(read_main_anchor(url)?);
    }
    let json = build_spec(spec, build, &new)?.to_json();
    match &cmd.output {
        Some(path) => std::fs::write(path, format!("{json}\n"))
            .map_err(CliError::io(format!("writing {}", path.display()))),
        None => writeln!(std::io::stdout().lock(), "{json}")
            .map_err(CliError::io("writing the chain spec")),
    }
}

/// The chain spec of `new` by the node's builder, once the subchain runtime accepted its
/// genesis.
pub(crate) fn build_spec(
    spec: &NodeSpec,
    build: crate::SubchainSpecBuilder,
    new: &NewSubchain,
) -> Result<wcme_service::ChainSpec, CliError> {
    let chain_spec = build(new)?;
    spec.runtime_for(&chain_spec)?
        .build_genesis(&chain_spec.genesis_source()?)
        .map_err(|error| match error {
            // The runtime's genesis checks panic with their reason (e.g. a reserved symbol).
            wcme_executor::ExecutorError::RuntimePanic { message, .. } => CliError::BadArgument(
                format!("the subchain runtime refuses this genesis: {message}"),
            ),
            other => other.into(),
        })?;
    Ok(chain_spec)
}

/// Checks and parses the arguments of `subchain new`.
pub(crate) fn parse(cmd: &SubchainNewCmd) -> Result<NewSubchain, CliError> {
    let bad = |message: String| CliError::BadArgument(message);
    let name = cmd.name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(bad("the subchain name must have 1 to 64 characters".into()));
    }
    let id = match &cmd.id {
        Some(id) => id.clone(),
        None => id_from_name(name),
    };
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'));
    if !id_ok {
        return Err(bad(format!(
            "chain id {id:?}: use 1 to 64 characters from [a-z0-9_-]"
        )));
    }
    let account_scheme = account_scheme(&cmd.accounts)?;
    let mut validators = Vec::new();
    for validator in &cmd.validators {
        // Validators author with sr25519 keys, whatever the accounts sign with.
        let key = sr25519::Public::from(<[u8; 32]>::from(account(
            validator,
            SignatureScheme::Sr25519,
        )?));
        if validators.contains(&key) {
            return Err(bad(format!("validator {validator} is listed twice")));
        }
        validators.push(key);
    }
    let (Some(first), Some(first_name)) = (validators.first(), cmd.validators.first()) else {
        return Err(bad("a subchain needs at least one validator".into()));
    };
    let root = match &cmd.sudo {
        Some(sudo) => account(sudo, account_scheme)?,
        None => match (account_scheme, dev_name(first_name)) {
            // The first validator's development account of the chain's scheme.
            (_, Some(_)) => account(first_name, account_scheme)?,
            (SignatureScheme::Sr25519, None) => AccountId32::from(first.0),
            (scheme, None) => {
                return Err(bad(format!(
                    "--accounts {}: the first validator's sr25519 key is no account on this \
                     chain; name the root account with --sudo",
                    scheme.name()
                )));
            }
        },
    };
    let mut endowed: Vec<(AccountId32, u128)> = Vec::new();
    for entry in &cmd.endow {
        let (who, amount) = entry
            .split_once('=')
            .ok_or_else(|| bad(format!("--endow {entry:?}: expected ACCOUNT=AMOUNT")))?;
        let who = account(who, account_scheme)?;
        let amount: u128 = amount.trim().parse().map_err(|_| {
            bad(format!(
                "--endow {entry:?}: the amount is not a whole number"
            ))
        })?;
        if endowed.iter().any(|(known, _)| *known == who) {
            return Err(bad(format!("--endow: {who} is endowed twice")));
        }
        endowed.push((who, amount));
    }
    if cmd.slot_duration_ms < 1000 {
        return Err(bad("--slot-duration-ms must be at least 1000".into()));
    }
    let consensus = match cmd.consensus.as_str() {
        "aura" => ConsensusKind::Aura,
        "pbft" => ConsensusKind::Pbft,
        "pow" => ConsensusKind::Pow,
        "poc" => {
            return Err(bad(
                "--consensus poc: Proof-of-Credit is the main chain's engine and needs its Poc \
                 pallet; a subchain runs aura, pbft or pow"
                    .into(),
            ));
        }
        other => {
            return Err(bad(format!("--consensus {other:?}: use aura, pbft or pow")));
        }
    };
    Ok(NewSubchain {
        name: name.to_string(),
        id,
        symbol: cmd.symbol.clone(),
        validators,
        account_scheme,
        root,
        endowed,
        consensus,
        slot_duration_ms: cmd.slot_duration_ms,
        main_anchor: None,
    })
}

/// `Supply Chain` → `supply_chain`.
fn id_from_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The account scheme named `name` (`--accounts`).
fn account_scheme(name: &str) -> Result<SignatureScheme, CliError> {
    SignatureScheme::from_name(name.trim()).ok_or_else(|| {
        CliError::BadArgument(format!("--accounts {name:?}: use sr25519, ed25519 or sm2"))
    })
}

/// The development account called `text` (`alice` … `ferdie`, `alicestash`, …, any case).
fn dev_name(text: &str) -> Option<Sr25519Keyring> {
    let text = text.trim();
    Sr25519Keyring::iter().find(|who| format!("{who:?}").eq_ignore_ascii_case(text))
}

/// An account of a chain whose accounts use `scheme`: a development name (`alice` … `ferdie`:
/// the account of that development key in `scheme`, e.g. Alice's SM2 account on an SM2 chain),
/// SS58, or 32 bytes of 0x-hex.
fn account(text: &str, scheme: SignatureScheme) -> Result<AccountId32, CliError> {
    let text = text.trim();
    if let Some(who) = dev_name(text) {
        let uri = format!("//{}", <&'static str>::from(who));
        return AccountPair::from_dev_uri(scheme, &uri)
            .map(|pair| pair.account_id())
            .map_err(|e| {
                CliError::BadArgument(format!(
                    "{text}: no {} development key: {e:?}",
                    scheme.name()
                ))
            });
    }
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes: [u8; 32] = hex::decode(hex)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| CliError::BadArgument(format!("{text}: expected 32 bytes of 0x-hex")))?;
        return Ok(AccountId32::from(bytes));
    }
    AccountId32::from_ss58check(text).map_err(|_| {
        CliError::BadArgument(format!(
            "{text}: not an account (use SS58, 0x-hex or a development name such as alice)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(name: &str) -> SubchainNewCmd {
        SubchainNewCmd {
            name: name.into(),
            id: None,
            symbol: "SUP".into(),
            validators: vec!["alice".into()],
            sudo: None,
            endow: Vec::new(),
            consensus: "aura".into(),
            accounts: "sr25519".into(),
            slot_duration_ms: 6000,
            main_anchor: None,
            output: None,
        }
    }

    /// Development account `uri`'s account in `scheme`.
    fn dev(scheme: SignatureScheme, uri: &str) -> AccountId32 {
        AccountPair::from_dev_uri(scheme, uri)
            .expect("a development key")
            .account_id()
    }

    #[test]
    fn accounts_default_to_sr25519() {
        let parsed = parse(&cmd("S")).expect("valid");
        assert_eq!(parsed.account_scheme, SignatureScheme::Sr25519);
        assert_eq!(
            dev(SignatureScheme::Sr25519, "//Alice"),
            Sr25519Keyring::Alice.to_account_id()
        );
    }

    #[test]
    fn development_names_are_accounts_of_the_chains_scheme() {
        for (name, scheme) in [
            ("sr25519", SignatureScheme::Sr25519),
            ("ed25519", SignatureScheme::Ed25519),
            ("sm2", SignatureScheme::Sm2),
            ("SM2", SignatureScheme::Sm2),
        ] {
            let mut args = cmd("S");
            args.accounts = name.into();
            args.validators = vec!["alice".into(), "bob".into()];
            args.endow = vec!["alice=1000".into(), "CharlieStash=5".into()];
            let parsed = parse(&args).expect("valid");
            assert_eq!(parsed.account_scheme, scheme);
            // Validators keep their sr25519 keys.
            assert_eq!(
                parsed.validators,
                vec![Sr25519Keyring::Alice.public(), Sr25519Keyring::Bob.public()]
            );
            // Root defaults to the first validator's account of the scheme.
            assert_eq!(parsed.root, dev(scheme, "//Alice"));
            assert_eq!(
                parsed.endowed,
                vec![
                    (dev(scheme, "//Alice"), 1000),
                    (dev(scheme, "//Charlie//stash"), 5)
                ]
            );
            args.sudo = Some("bob".into());
            assert_eq!(parse(&args).expect("valid").root, dev(scheme, "//Bob"));
        }
        assert_eq!(
            dev(SignatureScheme::Ed25519, "//Alice"),
            sp_keyring::Ed25519Keyring::Alice.to_account_id()
        );
        assert_ne!(
            dev(SignatureScheme::Sm2, "//Alice"),
            Sr25519Keyring::Alice.to_account_id()
        );
    }

    #[test]
    fn raw_accounts_are_taken_as_they_are_in_every_scheme() {
        let raw = AccountId32::from([7u8; 32]);
        let mut args = cmd("S");
        args.accounts = "sm2".into();
        args.endow = vec![format!("0x{}", hex::encode([7u8; 32])), raw.to_ss58check()]
            .into_iter()
            .enumerate()
            .map(|(i, who)| format!("{who}={i}"))
            .collect();
        // Duplicate, since both name the same account.
        assert!(matches!(parse(&args), Err(CliError::BadArgument(_))));
        args.endow.truncate(1);
        assert_eq!(parse(&args).expect("valid").endowed, vec![(raw, 0)]);
    }

    #[test]
    fn an_sm2_chain_with_a_raw_first_validator_needs_a_root() {
        let mut args = cmd("S");
        args.accounts = "sm2".into();
        args.validators = vec![format!(
            "0x{}",
            hex::encode(Sr25519Keyring::Dave.public().0)
        )];
        let refused = parse(&args);
        assert!(
            matches!(&refused, Err(CliError::BadArgument(message)) if message.contains("--sudo")),
            "{refused:?}"
        );
        args.sudo = Some("eve".into());
        assert_eq!(
            parse(&args).expect("valid").root,
            dev(SignatureScheme::Sm2, "//Eve")
        );
        // On an sr25519 chain the key is an account.
        args.accounts = "sr25519".into();
        args.sudo = None;
        assert_eq!(
            parse(&args).expect("valid").root,
            Sr25519Keyring::Dave.to_account_id()
        );
    }

    #[test]
    fn unknown_account_schemes_are_refused() {
        for name in ["ecdsa", "", "sm3", "sr25519,sm2"] {
            let mut args = cmd("S");
            args.accounts = name.into();
            let refused = parse(&args);
            assert!(
                matches!(&refused, Err(CliError::BadArgument(message))
                    if message.contains("--accounts") && message.contains("sm2")),
                "{name}: {refused:?}"
            );
        }
    }

    #[test]
    fn defaults_follow_the_name_and_the_first_validator() {
        let parsed = parse(&cmd("Supply Chain")).expect("valid");
        assert_eq!(parsed.id, "supply_chain");
        assert_eq!(parsed.validators, vec![Sr25519Keyring::Alice.public()]);
        assert_eq!(parsed.root, Sr25519Keyring::Alice.to_account_id());
    }

    #[test]
    fn accounts_come_as_dev_names_ss58_or_hex() {
        let bob = Sr25519Keyring::Bob.to_account_id();
        let mut args = cmd("S");
        args.validators = vec![
            "Bob".into(),
            Sr25519Keyring::Charlie.to_account_id().to_ss58check(),
            format!("0x{}", hex::encode(Sr25519Keyring::Dave.public().0)),
        ];
        args.endow = vec![format!("{bob}=1000"), "eve=5".into()];
        let parsed = parse(&args).expect("valid");
        assert_eq!(parsed.validators.len(), 3);
        assert_eq!(parsed.root, bob.clone());
        assert_eq!(
            parsed.endowed,
            vec![(bob, 1000), (Sr25519Keyring::Eve.to_account_id(), 5)]
        );
    }

    #[test]
    fn bad_arguments_are_typed_errors() {
        let refused = |edit: &dyn Fn(&mut SubchainNewCmd)| {
            let mut args = cmd("Supply Chain");
            edit(&mut args);
            assert!(
                matches!(parse(&args), Err(CliError::BadArgument(_))),
                "{args:?}"
            );
        };
        refused(&|a| a.name = "  ".into());
        refused(&|a| a.id = Some("Upper/Case".into()));
        refused(&|a| a.validators = Vec::new());
        refused(&|a| a.validators = vec!["alice".into(), "Alice".into()]);
        refused(&|a| a.validators = vec!["nobody".into()]);
        refused(&|a| a.validators = vec!["0x1234".into()]);
        refused(&|a| a.endow = vec!["alice".into()]);
        refused(&|a| a.endow = vec!["alice=-1".into()]);
        refused(&|a| a.endow = vec!["alice=1".into(), "alice=2".into()]);
        refused(&|a| a.slot_duration_ms = 10);
        refused(&|a| a.consensus = "poc".into());
        refused(&|a| a.consensus = "magic".into());
        for (name, kind) in [
            ("aura", ConsensusKind::Aura),
            ("pbft", ConsensusKind::Pbft),
            ("pow", ConsensusKind::Pow),
        ] {
            let mut args = cmd("Supply Chain");
            args.consensus = name.into();
            assert_eq!(parse(&args).expect("valid").consensus, kind);
        }
    }
}
