//! A node composed in-process with `NodeBuilder`: modules, an RPC extension and a clean stop.

use std::{sync::Arc, time::Duration};

use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder, rpc_params};
use sp_keyring::Sr25519Keyring;
use wcme_executor::RuntimeDescriptor;
use wcme_service::{
    ChainSpec, ChainType, Client, ConsensusSpec, Genesis, NodeBuilder, NodeConfig, RpcConfig,
    RuntimeGenesis,
};

fn runtime() -> RuntimeDescriptor {
    RuntimeDescriptor {
        dispatch: wcme_runtime_main::dispatch,
        version: || wcme_runtime_main::VERSION,
    }
}

fn spec() -> ChainSpec {
    ChainSpec {
        name: "Builder Test".into(),
        id: "builder_test".into(),
        chain_type: ChainType::Development,
        boot_nodes: vec![],
        properties: Default::default(),
        runtime: None,
        consensus: ConsensusSpec::Dev {
            authority: format!("0x{}", hex::encode(Sr25519Keyring::Alice.public().0)),
            slot_duration_ms: 1000,
        },
        genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Patch(
            runtime().preset("development").expect("preset"),
        )),
    }
}

/// An extension answering with the best block number, read through the client.
fn best_number_rpc(client: &Arc<Client>) -> Result<jsonrpsee::RpcModule<()>, wcme_rpc::RpcError> {
    let client = client.clone();
    let mut module = jsonrpsee::RpcModule::new(());
    module.register_method("test_bestNumber", move |_, _, _| client.info().best.0)?;
    Ok(module)
}

#[tokio::test(flavor = "multi_thread")]
async fn builder_starts_modules_serves_extensions_and_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = NodeConfig {
        name: "builder-test".into(),
        impl_name: "WCME Test Node".into(),
        impl_version: "0.0.0".into(),
        database_path: NodeConfig::database_path_for(dir.path(), "builder_test"),
        chain_spec: spec(),
        rpc: Some(RpcConfig {
            addr: "127.0.0.1:0".parse().expect("addr"),
            ..RpcConfig::default()
        }),
        prometheus: None,
        authoring_keys: vec![Sr25519Keyring::Alice.pair()],
        network: None,
    };
    let node = NodeBuilder::new(config, runtime())
        .with_rpc(best_number_rpc)
        .start(tokio::runtime::Handle::current())
        .expect("starts");
    assert_eq!(
        node.modules(),
        ["metrics", "storage", "chain", "txpool", "authoring", "rpc"]
    );
    let addr = node.rpc_addr().expect("rpc runs");
    let rpc = HttpClientBuilder::default()
        .build(format!("http://{addr}"))
        .expect("client");
    let mut imported = node.client().subscribe_imported();
    let block = tokio::time::timeout(Duration::from_secs(20), imported.recv())
        .await
        .expect("a block within 20 s")
        .expect("event");
    let best: u32 = rpc
        .request("test_bestNumber", rpc_params![])
        .await
        .expect("extension");
    assert!(best >= *sp_runtime::traits::Header::number(&block.header));
    let methods: serde_json::Value = rpc
        .request("rpc_methods", rpc_params![])
        .await
        .expect("list");
    assert!(
        methods["methods"]
            .as_array()
            .expect("list")
            .contains(&"test_bestNumber".into())
    );
    node.stop().await.expect("stops cleanly");
    assert!(
        rpc.request::<u32, _>("test_bestNumber", rpc_params![])
            .await
            .is_err()
    );
}
