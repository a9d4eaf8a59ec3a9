use std::path::Path;

use sp_core::{Pair as _, sr25519};

use crate::{FORMAT_VERSION, KdfParams, KeyType, Keystore, KeystoreError, Password};

/// Cheap scrypt costs: the format is the same, the tests stay fast.
const CHEAP: KdfParams = KdfParams {
    log_n: 4,
    r: 8,
    p: 1,
};
const POC: KeyType = KeyType(*b"poc_");
const OTHER: KeyType = KeyType(*b"othr");

fn keystore(dir: &Path, password: &str) -> Keystore {
    Keystore::open(dir, Password::new(password.to_string()).expect("password"))
        .expect("opens")
        .with_kdf(CHEAP)
}

fn public_of(suri: &str) -> sr25519::Public {
    sr25519::Pair::from_string(suri, None)
        .expect("valid suri")
        .public()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("reads")).expect("json")
}

fn write_json(path: &Path, value: &serde_json::Value) {
    std::fs::write(path, value.to_string()).expect("writes");
}

fn is_corrupt(result: Result<sr25519::Pair, KeystoreError>, file: &Path) -> bool {
    matches!(result, Err(KeystoreError::Corrupt { path, .. }) if path == file)
}

#[test]
fn a_key_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "correct horse");
    let public = store.insert(POC, "//Alice//poc").expect("inserts");
    assert_eq!(public, public_of("//Alice//poc"));
    let pair = store.load(POC, &public).expect("loads");
    assert_eq!(pair.public(), public);
    // The decrypted key signs like the original.
    let message = b"block";
    let signature = pair.sign(message);
    assert!(sr25519::Pair::verify(&signature, message, &public));
    // Another handle on the same directory (a node restart) opens it too.
    let reopened = keystore(dir.path(), "correct horse");
    assert_eq!(reopened.load_pairs(POC).expect("loads").len(), 1);
}

#[test]
fn default_costs_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Keystore::open(
        dir.path(),
        Password::new("pw".to_string()).expect("password"),
    )
    .expect("opens");
    let public = store.insert(POC, "//Alice").expect("inserts");
    let file = json(&store.key_path(POC, &public));
    assert_eq!(
        file["kdf"],
        serde_json::json!({ "logN": 15, "r": 8, "p": 1 })
    );
    assert_eq!(file["version"], FORMAT_VERSION);
    assert_eq!(store.load(POC, &public).expect("loads").public(), public);
}

#[test]
fn keys_are_listed_by_key_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    assert!(store.public_keys(POC).expect("lists").is_empty());
    assert!(store.load_pairs(POC).expect("loads").is_empty());
    let alice = store.insert(POC, "//Alice//poc").expect("inserts");
    let bob = store.insert(POC, "//Bob//poc").expect("inserts");
    let charlie = store.insert(OTHER, "//Charlie").expect("inserts");
    // Not keys: a leftover temporary file, a stray file, a file named for a short key.
    std::fs::write(dir.path().join("706f635fabcd.partial"), b"x").expect("writes");
    std::fs::write(dir.path().join("README"), b"x").expect("writes");
    std::fs::write(dir.path().join("706f635f00"), b"x").expect("writes");
    let mut expected = vec![alice, bob];
    expected.sort();
    assert_eq!(store.public_keys(POC).expect("lists"), expected);
    assert_eq!(store.public_keys(OTHER).expect("lists"), vec![charlie]);
    let mut loaded: Vec<_> = store
        .load_pairs(POC)
        .expect("loads")
        .iter()
        .map(|p| p.public())
        .collect();
    loaded.sort();
    assert_eq!(loaded, expected);
}

#[test]
fn files_are_named_like_substrate_and_hold_no_plaintext() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let suri = "bottom drive obey lake curtain smoke basket hold race lonely fit walk//Alice";
    let public = store.insert(POC, suri).expect("inserts");
    let name = format!("706f635f{}", hex::encode(public.0));
    let path = dir.path().join(&name);
    assert_eq!(store.key_path(POC, &public), path);
    let text = std::fs::read_to_string(&path).expect("reads");
    for needle in [suri, "bottom", "Alice"] {
        assert!(!text.contains(needle), "{needle} in plaintext: {text}");
        assert!(
            !text.contains(&hex::encode(needle)),
            "{needle} as hex: {text}"
        );
    }
    // Padded: a short and a long secret URI seal to the same length.
    let bob = store.insert(POC, "//Bob").expect("inserts");
    let sealed_len = |public: &sr25519::Public| {
        json(&store.key_path(POC, public))["ciphertext"]
            .as_str()
            .expect("hex")
            .len()
    };
    assert_eq!(sealed_len(&public), sealed_len(&bob));
    assert_eq!(sealed_len(&bob), 2 + 2 * (128 + 16));
    std::fs::remove_file(store.key_path(POC, &bob)).expect("removes");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf8"))
        .collect();
    assert_eq!(names, vec![name], "no temporary file is left behind");
}

#[test]
fn a_wrong_password_is_its_own_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let public = keystore(dir.path(), "right")
        .insert(POC, "//Alice//poc")
        .expect("inserts");
    let wrong = keystore(dir.path(), "wrong");
    let path = wrong.key_path(POC, &public);
    assert!(matches!(
        wrong.load(POC, &public),
        Err(KeystoreError::WrongPassword { path: p }) if p == path
    ));
    assert!(matches!(
        wrong.load_pairs(POC),
        Err(KeystoreError::WrongPassword { .. })
    ));
    // Nor can a wrong password replace the file.
    let before = std::fs::read(&path).expect("reads");
    assert!(matches!(
        wrong.insert(POC, "//Alice//poc"),
        Err(KeystoreError::WrongPassword { .. })
    ));
    assert_eq!(std::fs::read(&path).expect("reads"), before);
}

#[test]
fn a_tampered_file_is_corrupt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let public = store.insert(POC, "//Alice//poc").expect("inserts");
    let path = store.key_path(POC, &public);
    let original = json(&path);

    let flip_last_digit = |text: &str| {
        let flipped = if text.ends_with('0') { "1" } else { "0" };
        format!("{}{flipped}", &text[..text.len() - 1])
    };
    for field in ["ciphertext", "nonce"] {
        let mut file = original.clone();
        file[field] = flip_last_digit(file[field].as_str().expect("hex")).into();
        write_json(&path, &file);
        assert!(is_corrupt(store.load(POC, &public), &path), "{field}");
    }
    // The header is authenticated too.
    let mut file = original.clone();
    file["public"] = format!("0x{}", hex::encode(public_of("//Bob").0)).into();
    write_json(&path, &file);
    assert!(is_corrupt(store.load(POC, &public), &path));
    let mut file = original.clone();
    file["keyType"] = "othr".into();
    write_json(&path, &file);
    assert!(is_corrupt(store.load(POC, &public), &path));
    // Not hex, a field missing, a field added.
    let mut file = original.clone();
    file["salt"] = "0xzz".into();
    write_json(&path, &file);
    assert!(is_corrupt(store.load(POC, &public), &path));
    let mut file = original.clone();
    file.as_object_mut()
        .expect("object")
        .remove("passwordCheck");
    write_json(&path, &file);
    assert!(is_corrupt(store.load(POC, &public), &path));
    let mut file = original.clone();
    file["comment"] = "hello".into();
    write_json(&path, &file);
    assert!(is_corrupt(store.load(POC, &public), &path));

    write_json(&path, &original);
    assert!(store.load(POC, &public).is_ok());
}

#[test]
fn a_truncated_or_empty_file_is_corrupt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let public = store.insert(POC, "//Alice//poc").expect("inserts");
    let path = store.key_path(POC, &public);
    let original = std::fs::read(&path).expect("reads");
    for len in [0, 1, original.len() / 2, original.len() - 3] {
        std::fs::write(&path, &original[..len]).expect("truncates");
        assert!(is_corrupt(store.load(POC, &public), &path), "{len} bytes");
        assert!(matches!(
            store.load_pairs(POC),
            Err(KeystoreError::Corrupt { .. })
        ));
    }
    std::fs::write(&path, vec![b' '; 100 * 1024]).expect("writes");
    assert!(is_corrupt(store.load(POC, &public), &path), "oversized");
}

#[test]
fn an_unknown_version_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let public = store.insert(POC, "//Alice//poc").expect("inserts");
    let path = store.key_path(POC, &public);
    // A future version may change every other field.
    write_json(&path, &serde_json::json!({ "version": 2, "argon2": {} }));
    assert!(matches!(
        store.load(POC, &public),
        Err(KeystoreError::UnsupportedVersion { version: 2, .. })
    ));
    write_json(&path, &serde_json::json!({ "keyType": "poc_" }));
    assert!(is_corrupt(store.load(POC, &public), &path));
}

#[test]
fn a_file_under_another_keys_name_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let alice = store.insert(POC, "//Alice//poc").expect("inserts");
    let bob = public_of("//Bob//poc");
    let bob_path = store.key_path(POC, &bob);
    std::fs::copy(store.key_path(POC, &alice), &bob_path).expect("copies");
    assert!(is_corrupt(store.load(POC, &bob), &bob_path));
    // Renamed and re-labelled: the associated data still ties it to Alice.
    let mut file = json(&bob_path);
    file["public"] = format!("0x{}", hex::encode(bob.0)).into();
    write_json(&bob_path, &file);
    assert!(is_corrupt(store.load(POC, &bob), &bob_path));
    // Under another key type's name.
    let other_path = store.key_path(OTHER, &alice);
    std::fs::copy(store.key_path(POC, &alice), &other_path).expect("copies");
    assert!(is_corrupt(store.load(OTHER, &alice), &other_path));
    assert!(store.load(POC, &alice).is_ok());
}

#[test]
fn inserting_twice_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let (pair, phrase, seed) = sr25519::Pair::generate_with_phrase(None);
    let public = store.insert(POC, &phrase).expect("inserts");
    assert_eq!(public, pair.public());
    let path = store.key_path(POC, &public);
    let before = std::fs::read(&path).expect("reads");
    // The same secret again: nothing to do.
    assert_eq!(store.insert(POC, &phrase).expect("idempotent"), public);
    assert_eq!(std::fs::read(&path).expect("reads"), before);
    // The same key from another secret URI (its seed): refused, the file kept.
    let seed = format!("0x{}", hex::encode(seed));
    assert_eq!(public_of(&seed), public);
    assert!(matches!(
        store.insert(POC, &seed),
        Err(KeystoreError::Conflict { path: p }) if p == path
    ));
    assert_eq!(std::fs::read(&path).expect("reads"), before);
    // The same secret under another key type is another key.
    assert_eq!(store.insert(OTHER, &phrase).expect("inserts"), public);
    assert_eq!(store.public_keys(POC).expect("lists"), vec![public]);
}

#[test]
fn a_costly_kdf_in_a_file_is_refused_not_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    let public = store.insert(POC, "//Alice//poc").expect("inserts");
    let path = store.key_path(POC, &public);
    for kdf in [
        serde_json::json!({ "logN": 40, "r": 8, "p": 1 }),
        serde_json::json!({ "logN": 20, "r": 1024, "p": 1 }),
        serde_json::json!({ "logN": 10, "r": 8, "p": 1_000_000 }),
        serde_json::json!({ "logN": 10, "r": 0, "p": 1 }),
    ] {
        let mut file = json(&path);
        file["kdf"] = kdf.clone();
        write_json(&path, &file);
        assert!(is_corrupt(store.load(POC, &public), &path), "{kdf}");
    }
}

#[test]
fn bad_inputs_are_refused() {
    assert!(matches!(
        Password::new(String::new()),
        Err(KeystoreError::EmptyPassword)
    ));
    assert!(matches!(
        Password::from_file_contents("\n".to_string().into()),
        Err(KeystoreError::EmptyPassword)
    ));
    for bad in ["poc", "poc__", "pöc", "po c", ""] {
        assert!(
            matches!(bad.parse::<KeyType>(), Err(KeystoreError::BadKeyType(t)) if t == bad),
            "{bad}"
        );
    }
    assert_eq!("poc_".parse::<KeyType>().expect("valid"), POC);
    assert_eq!(POC.to_string(), "poc_");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = keystore(dir.path(), "pw");
    for bad in ["not a key //", "0x1234", "0xzz", "//Alice\0"] {
        assert!(
            matches!(store.insert(POC, bad), Err(KeystoreError::BadSecret)),
            "{bad}"
        );
    }
    assert!(store.public_keys(POC).expect("lists").is_empty());
}

#[test]
fn the_password_is_not_printed() {
    let password = Password::new("hunter2".to_string()).expect("password");
    assert!(!format!("{password:?}").contains("hunter2"));
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(!format!("{:?}", keystore(dir.path(), "hunter2")).contains("hunter2"));
}

#[test]
fn a_password_file_loses_one_trailing_newline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let written = keystore(dir.path(), "pw ");
    let public = written.insert(POC, "//Alice").expect("inserts");
    for contents in ["pw \n", "pw \r\n", "pw "] {
        let password = Password::from_file_contents(contents.to_string().into()).expect("valid");
        let store = Keystore::open(dir.path(), password).expect("opens");
        assert!(store.load(POC, &public).is_ok(), "{contents:?}");
    }
    let password = Password::from_file_contents("pw \n\n".to_string().into()).expect("valid");
    let store = Keystore::open(dir.path(), password).expect("opens");
    assert!(matches!(
        store.load(POC, &public),
        Err(KeystoreError::WrongPassword { .. })
    ));
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("chains/dev/keystore");
    let store = keystore(&keys, "pw");
    let public = store.insert(POC, "//Alice//poc").expect("inserts");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&store.key_path(POC, &public)), 0o600);
    assert_eq!(mode(&keys), 0o700);
    // An existing directory with loose permissions is tightened on open.
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let _ = keystore(&keys, "pw");
    assert_eq!(mode(&keys), 0o700);
}
