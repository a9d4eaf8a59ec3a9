//! `key generate` and `key inspect`, with subkey's output, and `key insert` into the keystore.

use std::io::Write;

use sp_core::{
    Pair,
    crypto::{Ss58AddressFormat, Ss58Codec},
    ecdsa, ed25519, sr25519,
};

use crate::{
    NodeSpec,
    cli::{KeyCmd, OutputType, Scheme},
    error::CliError,
};

/// Runs a `key` subcommand, writing to `out`.
pub fn run(spec: &NodeSpec, cmd: &KeyCmd, out: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        KeyCmd::Insert { .. } => insert(spec, cmd, out),
        _ => run_offline(cmd, out),
    }
}

/// `key insert`: needs the chain (for the keystore's place) and a password.
fn insert(spec: &NodeSpec, cmd: &KeyCmd, out: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        KeyCmd::Insert {
            shared,
            key_type,
            suri,
            keystore,
        } => {
            let key_type: wcme_keystore::KeyType = key_type.parse()?;
            let suri = match suri {
                Some(suri) => zeroize::Zeroizing::new(suri.clone()),
                None => {
                    let mut line = zeroize::Zeroizing::new(String::new());
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(CliError::io("reading the secret URI from stdin"))?;
                    zeroize::Zeroizing::new(line.trim().to_string())
                }
            };
            let chain_spec = crate::run::load_chain_spec(spec, shared)?;
            let base_path = crate::run::base_path(spec, shared)?;
            let store = crate::run::open_keystore(&base_path, &chain_spec.id, keystore)?;
            let (public, path) = store.insert(key_type, &suri)?;
            writeln!(
                out,
                "Inserted {key_type} key {} (0x{}) into {}",
                public.to_ss58check_with_version(ss58_format()),
                hex::encode(public.0),
                path.display()
            )
            .map_err(CliError::io("writing the report"))
        }
        _ => run_offline(cmd, out),
    }
}

/// The `key` subcommands that need no chain: `generate`, `inspect`.
fn run_offline(cmd: &KeyCmd, out: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        KeyCmd::Insert { .. } => Err(CliError::BadArgument(
            "key insert needs a chain and a base path".into(),
        )),
        KeyCmd::Generate {
            scheme,
            words,
            output_type,
        } => {
            let count = match words {
                12 | 15 | 18 | 21 | 24 => *words,
                other => {
                    return Err(CliError::BadArgument(format!(
                        "--words must be 12, 15, 18, 21 or 24, not {other}"
                    )));
                }
            };
            let phrase = bip39::Mnemonic::generate(count)
                .map_err(|e| CliError::BadArgument(format!("cannot generate a phrase: {e}")))?
                .to_string();
            let report = match scheme {
                Scheme::Sr25519 => secret_report::<sr25519::Pair>(&phrase)?,
                Scheme::Ed25519 => secret_report::<ed25519::Pair>(&phrase)?,
                Scheme::Ecdsa => secret_report::<ecdsa::Pair>(&phrase)?,
            };
            print_report(out, &report, *output_type)
        }
        KeyCmd::Inspect {
            uri,
            scheme,
            public,
            output_type,
        } => {
            let report = match (scheme, public) {
                (Scheme::Sr25519, false) => secret_report::<sr25519::Pair>(uri)?,
                (Scheme::Ed25519, false) => secret_report::<ed25519::Pair>(uri)?,
                (Scheme::Ecdsa, false) => secret_report::<ecdsa::Pair>(uri)?,
                (Scheme::Sr25519, true) => public_report::<sr25519::Pair>(uri)?,
                (Scheme::Ed25519, true) => public_report::<ed25519::Pair>(uri)?,
                (Scheme::Ecdsa, true) => public_report::<ecdsa::Pair>(uri)?,
            };
            print_report(out, &report, *output_type)
        }
    }
}

/// What `key` prints about a key.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyReport {
    secret_phrase: Option<String>,
    secret_seed: Option<String>,
    public_hex: String,
    account_id: String,
    ss58: String,
}

fn ss58_format() -> Ss58AddressFormat {
    Ss58AddressFormat::custom(wcme_primitives::SS58_PREFIX)
}

fn secret_report<P>(uri: &str) -> Result<KeyReport, CliError>
where
    P: Pair,
    P::Public: Ss58Codec + AsRef<[u8]>,
{
    let (pair, seed) = P::from_string_with_seed(uri, None)
        .map_err(|e| CliError::BadArgument(format!("invalid secret URI: {e:?}")))?;
    let public = pair.public();
    let looks_like_phrase = uri.split_whitespace().count() >= 12 && !uri.contains("//");
    Ok(KeyReport {
        secret_phrase: looks_like_phrase.then(|| uri.to_string()),
        secret_seed: seed.map(|s| format!("0x{}", hex::encode(s.as_ref()))),
        public_hex: format!("0x{}", hex::encode(public.as_ref())),
        account_id: account_id_hex(public.as_ref()),
        ss58: public.to_ss58check_with_version(ss58_format()),
    })
}

fn public_report<P>(text: &str) -> Result<KeyReport, CliError>
where
    P: Pair,
    P::Public: Ss58Codec + AsRef<[u8]>,
{
    let public = match text.strip_prefix("0x") {
        Some(digits) => {
            let bytes = hex::decode(digits)
                .map_err(|_| CliError::BadArgument("public key is not valid hex".into()))?;
            P::Public::try_from(&bytes[..]).map_err(|_| {
                CliError::BadArgument(format!("public key has the wrong length ({})", bytes.len()))
            })?
        }
        None => P::Public::from_ss58check(text)
            .map_err(|e| CliError::BadArgument(format!("invalid SS58 address: {e:?}")))?,
    };
    Ok(KeyReport {
        public_hex: format!("0x{}", hex::encode(public.as_ref())),
        account_id: account_id_hex(public.as_ref()),
        ss58: public.to_ss58check_with_version(ss58_format()),
        ..Default::default()
    })
}

/// The 32-byte account id: the public key itself, or its blake2-256 hash for 33-byte ECDSA keys
/// (as `MultiSigner` does).
fn account_id_hex(public: &[u8]) -> String {
    if public.len() == 32 {
        format!("0x{}", hex::encode(public))
    } else {
        format!(
            "0x{}",
            hex::encode(
                <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(public)
            )
        )
    }
}

fn print_report(
    out: &mut dyn Write,
    report: &KeyReport,
    output: OutputType,
) -> Result<(), CliError> {
    let text = match output {
        OutputType::Json => {
            let json = serde_json::json!({
                "secretPhrase": report.secret_phrase,
                "secretSeed": report.secret_seed,
                "publicKey": report.public_hex,
                "accountId": report.account_id,
                "ss58PublicKey": report.ss58,
                "ss58Address": report.ss58,
            });
            format!("{json:#}\n")
        }
        OutputType::Text => {
            let mut text = String::new();
            if let Some(phrase) = &report.secret_phrase {
                text.push_str(&format!("Secret phrase:       {phrase}\n"));
            }
            text.push_str("  Network ID:        substrate\n");
            if let Some(seed) = &report.secret_seed {
                text.push_str(&format!("  Secret seed:       {seed}\n"));
            }
            text.push_str(&format!("  Public key (hex):  {}\n", report.public_hex));
            text.push_str(&format!("  Account ID:        {}\n", report.account_id));
            text.push_str(&format!("  Public key (SS58): {}\n", report.ss58));
            text.push_str(&format!("  SS58 Address:      {}\n", report.ss58));
            text
        }
    };
    out.write_all(text.as_bytes())
        .map_err(CliError::io("writing the key report"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE_SS58: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn inspect(uri: &str, public: bool) -> Result<String, CliError> {
        let mut out = Vec::new();
        run_offline(
            &KeyCmd::Inspect {
                uri: uri.into(),
                scheme: Scheme::Sr25519,
                public,
                output_type: OutputType::Text,
            },
            &mut out,
        )?;
        Ok(String::from_utf8(out).expect("utf8"))
    }

    #[test]
    fn inspects_alice_like_subkey() {
        let text = inspect("//Alice", false).expect("valid");
        assert!(text.contains(ALICE_SS58), "{text}");
        assert!(
            text.contains("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
        );
        let public = inspect(ALICE_SS58, true).expect("valid");
        assert!(
            public.contains("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
        );
    }

    #[test]
    fn generated_phrase_inspects_to_the_same_key() {
        let mut out = Vec::new();
        run_offline(
            &KeyCmd::Generate {
                scheme: Scheme::Sr25519,
                words: 12,
                output_type: OutputType::Json,
            },
            &mut out,
        )
        .expect("generates");
        let json: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let phrase = json["secretPhrase"].as_str().expect("phrase");
        assert_eq!(phrase.split(' ').count(), 12);
        let text = inspect(phrase, false).expect("valid");
        assert!(text.contains(json["ss58Address"].as_str().expect("address")));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert!(matches!(
            inspect("not a valid uri at all //", false),
            Err(CliError::BadArgument(_))
        ));
        assert!(matches!(
            inspect("0x1234", true),
            Err(CliError::BadArgument(_))
        ));
        assert!(matches!(
            inspect("5Nope", true),
            Err(CliError::BadArgument(_))
        ));
        let mut out = Vec::new();
        let result = run_offline(
            &KeyCmd::Generate {
                scheme: Scheme::Sr25519,
                words: 13,
                output_type: OutputType::Text,
            },
            &mut out,
        );
        assert!(matches!(result, Err(CliError::BadArgument(_))));
    }
}
