//! An in-process libp2p peer for tests that feed a real node what a misbehaving peer would.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use jsonrpsee::http_client::HttpClient;
use wcme_service::wcme_network::{
    BlockProvider, GossipConfig, Keypair, NetworkConfig, NetworkEvent, NetworkHandle,
    NetworkService,
};

use super::{TestNode, call};

/// Serves no blocks: the harness peers have no chain.
pub struct NoBlocks;

impl BlockProvider for NoBlocks {
    fn blocks(&self, _: u32, _: u32) -> Result<Vec<Vec<u8>>, String> {
        Ok(Vec::new())
    }
}

/// An in-process libp2p peer connected to the node.
pub struct Harness {
    /// The peer's network.
    pub network: NetworkHandle,
    /// Its events.
    pub events: tokio::sync::mpsc::Receiver<NetworkEvent>,
    /// Its peer id.
    pub peer_id: String,
}

impl Harness {
    /// Starts a peer of chain `chain_id` (the spec id) that dials `node` and waits (bounded)
    /// until the node lists it.
    pub async fn join(node: &TestNode, rpc: &HttpClient, chain_id: &str) -> Harness {
        let genesis: sp_core::H256 = call(rpc, "chain_getBlockHash", vec![0.into()])
            .await
            .expect("genesis hash");
        let network_id = wcme_service::network_id(chain_id, &genesis);
        let mut config = NetworkConfig::new(network_id, Keypair::generate_ed25519());
        config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().expect("multiaddr")];
        config.boot_nodes = vec![node.p2p_addr().parse().expect("multiaddr")];
        config.gossip = GossipConfig::small_network();
        let (network, events) = NetworkService::start(
            config,
            Arc::new(NoBlocks),
            tokio::runtime::Handle::current(),
        )
        .expect("network starts");
        let peer_id = network.local_peer_id().to_string();
        let deadline = Instant::now() + Duration::from_secs(15);
        while !lists_peer(rpc, &peer_id).await {
            assert!(
                Instant::now() < deadline,
                "the harness peer never connected"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Harness {
            network,
            events,
            peer_id,
        }
    }

    /// Gossips `payload(0)`, `payload(1)`, … until the node disconnects this peer (bounded);
    /// returns how many were sent.
    pub async fn send_until_banned(
        &mut self,
        node: &TestNode,
        rpc: &HttpClient,
        payload: impl Fn(u32) -> Vec<u8>,
    ) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut sent = 0u32;
        loop {
            if self.network.publish_block(payload(sent)).await.is_ok() {
                sent += 1;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
            while let Ok(event) = self.events.try_recv() {
                if matches!(event, NetworkEvent::PeerDisconnected { .. }) {
                    let deadline = Instant::now() + Duration::from_secs(5);
                    while lists_peer(rpc, &self.peer_id).await {
                        assert!(
                            Instant::now() < deadline,
                            "the node still lists the banned peer"
                        );
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    self.network.shutdown().await;
                    return sent;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the node never dropped the peer after {sent} bad blocks\n{}",
                node.log()
            );
        }
    }
}

/// Whether the node lists `peer_id` among its peers.
pub async fn lists_peer(rpc: &HttpClient, peer_id: &str) -> bool {
    let peers: Vec<serde_json::Value> = call(rpc, "system_peers", vec![])
        .await
        .expect("system_peers");
    peers.iter().any(|peer| peer["peerId"] == peer_id)
}
