//! What the runtime's integration tests share.
#![allow(dead_code)]

use codec::{Decode, Encode};
use wcme_runtime_main::dispatch;

/// Test externalities holding preset `id`'s genesis state, built through the runtime API
/// (`GenesisBuilder_get_preset`, then `GenesisBuilder_build_state`) exactly as the node does.
pub fn preset_ext(id: &str) -> sp_io::TestExternalities {
    let id: Option<String> = Some(id.into());
    let out = dispatch("GenesisBuilder_get_preset", &id.encode()).expect("api exists");
    let json = Option::<Vec<u8>>::decode(&mut &out[..])
        .expect("decodes")
        .expect("preset exists");
    let mut ext = sp_io::TestExternalities::new_empty();
    ext.execute_with(|| {
        let out = dispatch("GenesisBuilder_build_state", &json.encode()).expect("api exists");
        let result = sp_genesis_builder::Result::decode(&mut &out[..]).expect("decodes");
        assert_eq!(result, Ok(()), "build_state accepts the preset as is");
    });
    ext.commit_all().expect("commit genesis");
    ext
}

/// The `development` preset's genesis state.
pub fn dev_ext() -> sp_io::TestExternalities {
    preset_ext(sp_genesis_builder::DEV_RUNTIME_PRESET)
}
