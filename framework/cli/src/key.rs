//! `key generate` and `key inspect`, with subkey's output, and `key insert` into the keystore.

use std::{
    io::{BufRead, IsTerminal, Write},
    path::Path,
};

use sp_core::{
    Pair,
    crypto::{Ss58AddressFormat, Ss58Codec},
    ecdsa, ed25519, sr25519,
};
use wcme_subchain_primitives::{Sm2Pair, sm2_account_id};
use zeroize::Zeroizing;

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
    let KeyCmd::Insert { shared, .. } = cmd else {
        return run_offline(cmd, out);
    };
    let chain_spec = crate::run::load_chain_spec(spec, shared)?;
    let base_path = crate::run::base_path(spec, shared)?;
    let dir = crate::run::keystore_dir(&base_path, &chain_spec.id);
    insert_into(&dir, cmd, &mut std::io::stdin().lock(), out)
}

/// Inserts the key of `key insert` into the keystore in `dir`; the secret URI comes from
/// `--suri` or, without it, the first line of `stdin`.
fn insert_into(
    dir: &Path,
    cmd: &KeyCmd,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let KeyCmd::Insert {
        key_type,
        scheme,
        suri,
        keystore,
        ..
    } = cmd
    else {
        return run_offline(cmd, out);
    };
    // Everything that can be checked is, before the secret is asked for.
    let key_type: wcme_keystore::KeyType = key_type.parse()?;
    if *scheme != Scheme::Sr25519 {
        return Err(CliError::BadArgument(format!(
            "--scheme {scheme:?}: the keystore holds sr25519 keys only"
        )));
    }
    let password = crate::run::keystore_password(keystore)?;
    let suri = match suri {
        Some(suri) => Zeroizing::new(suri.clone()),
        None => read_secret(stdin)?,
    };
    let store = wcme_keystore::Keystore::open(dir, password)?;
    let public = store.insert(key_type, &suri)?;
    writeln!(
        out,
        "Key type:          {key_type}\n\
         Public key (hex):  0x{}\n\
         Public key (SS58): {}\n\
         Stored in:         {}",
        hex::encode(public.0),
        public.to_ss58check_with_version(ss58_format()),
        store.key_path(key_type, &public).display()
    )
    .map_err(CliError::io("writing the report"))
}

/// The secret URI from the first line of standard input, so that it stays out of the shell
/// history and the process list.
fn read_secret(stdin: &mut dyn BufRead) -> Result<Zeroizing<String>, CliError> {
    if std::io::stdin().is_terminal() {
        // A prompt on stderr; stdout stays the report.
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, "Secret URI (echoed): ");
        let _ = stderr.flush();
    }
    let mut line = Zeroizing::new(String::new());
    stdin
        .read_line(&mut line)
        .map_err(CliError::io("reading the secret URI from stdin"))?;
    let secret = Zeroizing::new(line.trim().to_string());
    if secret.is_empty() {
        return Err(CliError::BadArgument(
            "no secret URI: pass --suri or write it to standard input".into(),
        ));
    }
    Ok(secret)
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
                // SM2 has no phrase derivation: the phrase's entropy is the secret scalar.
                Scheme::Sm2 => {
                    let mnemonic = bip39::Mnemonic::parse(&phrase)
                        .map_err(|e| CliError::BadArgument(format!("generated phrase: {e}")))?;
                    let entropy: [u8; 32] = mnemonic.to_entropy().try_into().map_err(|_| {
                        CliError::BadArgument("--scheme sm2 needs --words 24".into())
                    })?;
                    sm2_secret_report(&format!("0x{}", hex::encode(entropy)))?
                }
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
                (Scheme::Sm2, false) => sm2_secret_report(uri)?,
                (Scheme::Sm2, true) => sm2_public_report(uri)?,
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

/// An SM2 key from a 0x-hex 32-byte secret or a development name (`//Alice`).
fn sm2_secret_report(uri: &str) -> Result<KeyReport, CliError> {
    let pair = match uri.strip_prefix("0x") {
        Some(digits) => {
            let secret: [u8; 32] = hex::decode(digits)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| {
                    CliError::BadArgument("an SM2 secret is 32 bytes of 0x-hex".into())
                })?;
            Sm2Pair::from_secret(&secret)
        }
        None => Sm2Pair::from_dev_uri(uri),
    }
    .map_err(|e| CliError::BadArgument(format!("invalid SM2 key: {e:?}")))?;
    let public = pair.public();
    Ok(KeyReport {
        secret_seed: Some(format!("0x{}", hex::encode(pair.secret()))),
        public_hex: format!("0x{}", hex::encode(public)),
        account_id: account_id_hex(&public),
        ss58: pair.account_id().to_ss58check_with_version(ss58_format()),
        ..Default::default()
    })
}

/// An SM2 public key (33-byte compressed point, 0x-hex) and its account.
fn sm2_public_report(text: &str) -> Result<KeyReport, CliError> {
    let public: [u8; 33] = text
        .strip_prefix("0x")
        .and_then(|digits| hex::decode(digits).ok())
        .and_then(|bytes| bytes.try_into().ok())
        .filter(|key: &[u8; 33]| matches!(key.first(), Some(0x02 | 0x03)))
        .ok_or_else(|| {
            CliError::BadArgument(
                "an SM2 public key is a 33-byte compressed point in 0x-hex (0x02… or 0x03…)".into(),
            )
        })?;
    let account = sm2_account_id(&public);
    Ok(KeyReport {
        public_hex: format!("0x{}", hex::encode(public)),
        account_id: account_id_hex(&public),
        ss58: account.to_ss58check_with_version(ss58_format()),
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

    fn sm2(cmd: KeyCmd) -> Result<serde_json::Value, CliError> {
        let mut out = Vec::new();
        run_offline(&cmd, &mut out)?;
        Ok(serde_json::from_slice(&out).expect("json"))
    }

    fn sm2_inspect(uri: &str, public: bool) -> Result<serde_json::Value, CliError> {
        sm2(KeyCmd::Inspect {
            uri: uri.into(),
            scheme: Scheme::Sm2,
            public,
            output_type: OutputType::Json,
        })
    }

    #[test]
    fn sm2_keys_show_the_subchain_account() {
        let alice = Sm2Pair::from_dev_uri("//Alice").expect("dev key");
        let json = sm2_inspect("//Alice", false).expect("valid");
        assert_eq!(
            json["publicKey"],
            format!("0x{}", hex::encode(alice.public()))
        );
        assert_eq!(
            json["ss58Address"],
            alice.account_id().to_ss58check_with_version(ss58_format())
        );
        // The same key from its secret, and its account from the public key alone.
        let seed = json["secretSeed"].as_str().expect("seed");
        assert_eq!(sm2_inspect(seed, false).expect("valid"), json);
        let public = json["publicKey"].as_str().expect("public");
        let from_public = sm2_inspect(public, true).expect("valid");
        assert_eq!(from_public["ss58Address"], json["ss58Address"]);
        assert_eq!(from_public["accountId"], json["accountId"]);
        // A generated key inspects to itself.
        let generated = sm2(KeyCmd::Generate {
            scheme: Scheme::Sm2,
            words: 24,
            output_type: OutputType::Json,
        })
        .expect("generates");
        let seed = generated["secretSeed"].as_str().expect("seed");
        assert_eq!(
            sm2_inspect(seed, false).expect("valid")["ss58Address"],
            generated["ss58Address"]
        );
        // Bad input: typed errors.
        for (bad, public) in [
            ("0x1234", false),
            (&format!("0x{}", "00".repeat(32)) as &str, false),
            ("0x1234", true),
            (&format!("0x05{}", "11".repeat(32)) as &str, true),
        ] {
            assert!(
                matches!(sm2_inspect(bad, public), Err(CliError::BadArgument(_))),
                "{bad}"
            );
        }
        let twelve = sm2(KeyCmd::Generate {
            scheme: Scheme::Sm2,
            words: 12,
            output_type: OutputType::Json,
        });
        assert!(matches!(twelve, Err(CliError::BadArgument(_))));
    }

    fn insert_cmd(args: &[&str]) -> KeyCmd {
        use clap::Parser;
        let cli = crate::Cli::try_parse_from(
            ["wcme-node", "key", "insert"]
                .into_iter()
                .chain(args.iter().copied()),
        )
        .expect("parses");
        match cli.subcommand {
            Some(crate::Command::Key(cmd)) => cmd,
            other => panic!("not key insert: {other:?}"),
        }
    }

    fn insert(dir: &Path, args: &[&str], stdin: &str) -> Result<String, CliError> {
        let mut out = Vec::new();
        insert_into(dir, &insert_cmd(args), &mut stdin.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).expect("utf8"))
    }

    fn stored(dir: &Path, password: &str) -> Vec<sr25519::Public> {
        wcme_keystore::Keystore::open(
            dir,
            wcme_keystore::Password::new(password.to_string()).expect("password"),
        )
        .expect("opens")
        .public_keys(crate::run::AUTHORING_KEY_TYPE)
        .expect("lists")
    }

    #[test]
    fn inserts_from_the_flag_or_stdin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let keystore = dir.path().join("keystore");
        let report =
            insert(&keystore, &["--suri", "//Alice", "--password", "pw"], "").expect("inserts");
        assert!(report.contains(ALICE_SS58), "{report}");
        assert!(
            report.contains("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"),
            "{report}"
        );
        assert!(report.contains("706f635fd43593c7"), "{report}");
        assert!(report.contains("poc_"), "{report}");
        // Without --suri the first line of stdin is the secret.
        let report = insert(&keystore, &["--password", "pw"], "//Bob\nignored\n").expect("inserts");
        let bob = sr25519::Pair::from_string("//Bob", None)
            .expect("key")
            .public();
        assert!(report.contains(&hex::encode(bob.0)), "{report}");
        assert_eq!(stored(&keystore, "pw").len(), 2);
        // Again with the same secret: fine, nothing new.
        insert(&keystore, &["--password", "pw"], "//Bob").expect("idempotent");
        assert_eq!(stored(&keystore, "pw").len(), 2);
    }

    #[test]
    fn bad_insert_arguments_are_typed_errors() {
        use wcme_keystore::KeystoreError;
        let dir = tempfile::tempdir().expect("tempdir");
        let keystore = dir.path().join("keystore");
        let pw = ["--password", "pw"];
        let with = |extra: &[&'static str]| -> Vec<&'static str> {
            pw.iter().chain(extra.iter()).copied().collect()
        };
        for bad in ["poc", "poc__", "pöc_"] {
            assert!(matches!(
                insert(
                    &keystore,
                    &with(&["--key-type", bad, "--suri", "//Alice"]),
                    ""
                ),
                Err(CliError::Keystore(KeystoreError::BadKeyType(_)))
            ));
        }
        assert!(matches!(
            insert(
                &keystore,
                &with(&["--scheme", "ed25519", "--suri", "//Alice"]),
                ""
            ),
            Err(CliError::BadArgument(_))
        ));
        assert!(
            !keystore.exists(),
            "nothing is created for a refused command"
        );
        assert!(matches!(
            insert(&keystore, &with(&["--suri", "not a key //"]), ""),
            Err(CliError::Keystore(KeystoreError::BadSecret))
        ));
        assert!(matches!(
            insert(&keystore, &with(&[]), "\n"),
            Err(CliError::BadArgument(_))
        ));
        assert!(matches!(
            insert(&keystore, &["--password", "", "--suri", "//Alice"], ""),
            Err(CliError::Keystore(KeystoreError::EmptyPassword))
        ));
        // Another password than the keystore's cannot replace a stored key.
        insert(&keystore, &with(&["--suri", "//Alice"]), "").expect("inserts");
        assert!(matches!(
            insert(&keystore, &["--password", "other", "--suri", "//Alice"], ""),
            Err(CliError::Keystore(KeystoreError::WrongPassword { .. }))
        ));
        assert_eq!(stored(&keystore, "pw").len(), 1);
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
