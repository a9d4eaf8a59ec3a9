//! What the subchain runtime's integration tests share.
#![allow(dead_code)]

use codec::{Decode, Encode};
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::Header as _;
use wcme_runtime_subchain::{
    AccountId, Header, MILLISECS_PER_BLOCK, RuntimeCall, System, TimestampCall, UncheckedExtrinsic,
    dispatch,
};

/// The JSON of preset `id`, as `GenesisBuilder_get_preset` returns it.
pub fn preset_json(id: &str) -> Vec<u8> {
    let id: Option<String> = Some(id.into());
    let out = dispatch("GenesisBuilder_get_preset", &id.encode()).expect("api exists");
    Option::<Vec<u8>>::decode(&mut &out[..])
        .expect("decodes")
        .expect("preset exists")
}

/// `GenesisBuilder_build_state` of `json` in fresh externalities: the runtime's verdict and, if
/// it accepted, the committed state.
pub fn build_state(json: Vec<u8>) -> (sp_genesis_builder::Result, sp_io::TestExternalities) {
    let mut ext = sp_io::TestExternalities::new_empty();
    let result = ext.execute_with(|| {
        let out = dispatch("GenesisBuilder_build_state", &json.encode()).expect("api exists");
        sp_genesis_builder::Result::decode(&mut &out[..]).expect("decodes")
    });
    ext.commit_all().expect("commit genesis");
    (result, ext)
}

/// Test externalities holding preset `id`'s genesis state, built through the runtime API
/// (`GenesisBuilder_get_preset`, then `GenesisBuilder_build_state`) exactly as the node does.
pub fn preset_ext(id: &str) -> sp_io::TestExternalities {
    let (result, ext) = build_state(preset_json(id));
    assert_eq!(result, Ok(()), "build_state accepts the preset as is");
    ext
}

/// The `development` preset's genesis state.
pub fn dev_ext() -> sp_io::TestExternalities {
    preset_ext(sp_genesis_builder::DEV_RUNTIME_PRESET)
}

/// The `local_testnet` preset's genesis state.
pub fn local_ext() -> sp_io::TestExternalities {
    preset_ext(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
}

/// The account of development key `who`.
pub fn account(who: Sr25519Keyring) -> AccountId {
    who.to_account_id()
}

/// Start block 1 on top of genesis and apply the timestamp inherent (which every block needs),
/// through `dispatch` as the node's block builder does.
pub fn start_block_one() {
    let parent = System::block_hash(0);
    let header = Header::new(
        1,
        Default::default(),
        Default::default(),
        parent,
        Default::default(),
    );
    dispatch("Core_initialize_block", &header.encode()).expect("api exists");
    let timestamp = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: MILLISECS_PER_BLOCK,
    }));
    apply(&timestamp.encode())
        .expect("inherent is valid")
        .expect("inherent dispatches");
}

/// `BlockBuilder_apply_extrinsic` of the encoded extrinsic `xt`, decoded.
pub fn apply(xt: &[u8]) -> sp_runtime::ApplyExtrinsicResult {
    // The argument is the extrinsic's own encoding (which starts with its length).
    let out = dispatch("BlockBuilder_apply_extrinsic", xt).expect("api exists");
    sp_runtime::ApplyExtrinsicResult::decode(&mut &out[..]).expect("decodes")
}

/// `BlockBuilder_finalize_block`: finish the current block and return its header.
pub fn finalize_block() -> Header {
    let out = dispatch("BlockBuilder_finalize_block", &[]).expect("api exists");
    Header::decode(&mut &out[..]).expect("decodes")
}

/// The raw `System::Events` storage value, as the node reads it after a block.
pub fn raw_events() -> Vec<u8> {
    let key = frame_support::storage::storage_prefix(b"System", b"Events");
    sp_io::storage::get(&key)
        .map(|v| v.to_vec())
        .unwrap_or_default()
}
