//! End-to-end tests: real libp2p nodes over TCP on 127.0.0.1.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use futures::future::BoxFuture;
use tokio::{runtime::Handle, sync::mpsc::Receiver, time::timeout};
use wcme_network::{
    BlockProvider, GossipConfig, Keypair, Multiaddr, NetworkConfig, NetworkError, NetworkEvent,
    NetworkHandle, NetworkService, PeerId, ReputationChange, RequestFailure, Role,
    multiaddr_with_peer,
};

const CHAIN: &str = "wcme-test";
const WAIT: Duration = Duration::from_secs(15);

/// Serves `count` blocks; block `n` is `n` repeated `n + 1` times. Fails for `from >= 1000`.
struct TestProvider {
    count: u32,
}

impl BlockProvider for TestProvider {
    fn blocks(&self, from: u32, max: u32) -> Result<Vec<Vec<u8>>, String> {
        if from >= 1000 {
            return Err("database offline".into());
        }
        Ok((from..self.count.min(from.saturating_add(max)))
            .map(block)
            .collect())
    }
}

fn block(n: u32) -> Vec<u8> {
    vec![n as u8; n as usize + 1]
}

struct Node {
    handle: NetworkHandle,
    events: Receiver<NetworkEvent>,
    addr: Multiaddr,
}

impl Node {
    fn id(&self) -> PeerId {
        self.handle.local_peer_id()
    }
}

fn config() -> NetworkConfig {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("network=debug")
        .with_test_writer()
        .try_init();
    let mut config = NetworkConfig::new(CHAIN, Keypair::generate_ed25519());
    config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.gossip = GossipConfig::small_network();
    config.limits.request_timeout = Duration::from_secs(5);
    config
}

async fn start(config: NetworkConfig) -> Node {
    start_with(config, 20).await
}

async fn start_with(config: NetworkConfig, blocks: u32) -> Node {
    let provider = Arc::new(TestProvider { count: blocks });
    let (handle, events) = NetworkService::start(config, provider, Handle::current()).unwrap();
    let deadline = Instant::now() + WAIT;
    let addr = loop {
        if let Some(addr) = handle.listen_addresses().await.unwrap().into_iter().next() {
            break addr;
        }
        assert!(Instant::now() < deadline, "node did not start listening");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let addr = multiaddr_with_peer(addr, handle.local_peer_id());
    Node {
        handle,
        events,
        addr,
    }
}

/// Waits for an event matching `pred`, skipping others.
async fn wait_for(
    events: &mut Receiver<NetworkEvent>,
    within: Duration,
    mut pred: impl FnMut(&NetworkEvent) -> bool,
) -> Option<NetworkEvent> {
    timeout(within, async {
        while let Some(event) = events.recv().await {
            if pred(&event) {
                return Some(event);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
}

async fn wait_connected(node: &mut Node, peer: PeerId) {
    let event = wait_for(
        &mut node.events,
        WAIT,
        |e| matches!(e, NetworkEvent::PeerConnected { peer_id, .. } if *peer_id == peer),
    )
    .await;
    assert!(event.is_some(), "{} never saw {peer} connect", node.id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_connect_through_a_boot_node() {
    let mut a = start(config()).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![a.addr.clone()];
    let mut b = start(cfg).await;
    wait_connected(&mut b, a.id()).await;
    wait_connected(&mut a, b.id()).await;
    let peers = a.handle.peers().await.unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].peer_id, b.id());
    assert_eq!(peers[0].reputation, 0);
    a.handle.shutdown().await;
    b.handle.shutdown().await;
    assert!(matches!(
        a.handle.peers().await,
        Err(NetworkError::ShutDown)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_learn_each_others_role_through_identify() {
    let mut cfg = config();
    cfg.role = Role::Authority;
    let mut authority = start(cfg).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![authority.addr.clone()];
    let mut full = start(cfg).await;

    let (authority_id, full_id) = (authority.id(), full.id());
    let seen = wait_for(
        &mut full.events,
        WAIT,
        |e| matches!(e, NetworkEvent::PeerIdentified { peer_id, .. } if *peer_id == authority_id),
    )
    .await;
    let Some(NetworkEvent::PeerIdentified {
        role,
        agent_version,
        ..
    }) = seen
    else {
        panic!("the full node never identified the authority");
    };
    assert_eq!(role, Role::Authority);
    assert!(agent_version.ends_with("role=authority"), "{agent_version}");
    let seen = wait_for(
        &mut authority.events,
        WAIT,
        |e| matches!(e, NetworkEvent::PeerIdentified { peer_id, .. } if *peer_id == full_id),
    )
    .await;
    assert!(
        matches!(
            seen,
            Some(NetworkEvent::PeerIdentified {
                role: Role::Full,
                ..
            })
        ),
        "{seen:?}"
    );
    let peers = full.handle.peers().await.unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].role, Some(Role::Authority));
    let peers = authority.handle.peers().await.unwrap();
    assert_eq!(peers[0].role, Some(Role::Full));
    authority.handle.shutdown().await;
    full.handle.shutdown().await;
}

type Publish = fn(&NetworkHandle, Vec<u8>) -> BoxFuture<'_, Result<(), NetworkError>>;

fn is_payload(event: &NetworkEvent, kind: usize, payload: &[u8]) -> bool {
    match (kind, event) {
        (0, NetworkEvent::BlockAnnounced { data, .. })
        | (1, NetworkEvent::TransactionReceived { data, .. })
        | (2, NetworkEvent::VoteReceived { data, .. }) => data == payload,
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gossip_on_every_topic_reaches_all_nodes_of_a_star() {
    // B is the hub; A and C know only B.
    let mut b = start(config()).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![b.addr.clone()];
    let mut a = start(cfg).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![b.addr.clone()];
    let mut c = start(cfg).await;
    wait_connected(&mut a, b.id()).await;
    wait_connected(&mut c, b.id()).await;

    let publishers: [Publish; 3] = [
        |h, d| Box::pin(h.publish_block(d)),
        |h, d| Box::pin(h.publish_transaction(d)),
        |h, d| Box::pin(h.publish_vote(d)),
    ];
    for (kind, publish) in publishers.iter().enumerate() {
        let payload = format!("payload of kind {kind}").into_bytes();
        let deadline = Instant::now() + WAIT;
        let (mut at_b, mut at_c) = (false, false);
        while !(at_b && at_c) {
            assert!(
                Instant::now() < deadline,
                "gossip of kind {kind} did not reach B ({at_b}) and C ({at_c})"
            );
            match publish(&a.handle, payload.clone()).await {
                Ok(()) => {}
                Err(NetworkError::NoPeersForTopic { .. }) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                Err(e) => panic!("publish failed: {e}"),
            }
            let window = Duration::from_millis(1500);
            if !at_b {
                at_b = wait_for(&mut b.events, window, |e| is_payload(e, kind, &payload))
                    .await
                    .is_some();
            }
            if !at_c {
                at_c = wait_for(&mut c.events, window, |e| is_payload(e, kind, &payload))
                    .await
                    .is_some();
            }
        }
    }
    // The publisher does not receive its own messages.
    assert!(
        wait_for(&mut a.events, Duration::from_millis(200), |e| {
            is_payload(e, 0, b"payload of kind 0")
        })
        .await
        .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_requests_are_served_capped_and_errors_are_typed() {
    let mut cfg = config();
    cfg.limits.max_blocks_per_request = 4;
    let mut server = start_with(cfg, 10).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![server.addr.clone()];
    let mut client = start(cfg).await;
    wait_connected(&mut client, server.id()).await;
    wait_connected(&mut server, client.id()).await;

    let blocks = client
        .handle
        .request_blocks(server.id(), 2, 3)
        .await
        .unwrap();
    assert_eq!(blocks, vec![block(2), block(3), block(4)]);

    // The server caps `max` at its limit of 4.
    let blocks = client
        .handle
        .request_blocks(server.id(), 0, 100)
        .await
        .unwrap();
    assert_eq!(blocks, (0..4).map(block).collect::<Vec<_>>());

    // Past the end of the chain: fewer or no blocks.
    let blocks = client
        .handle
        .request_blocks(server.id(), 8, 4)
        .await
        .unwrap();
    assert_eq!(blocks, vec![block(8), block(9)]);
    assert!(
        client
            .handle
            .request_blocks(server.id(), 50, 4)
            .await
            .unwrap()
            .is_empty()
    );

    // A provider error comes back as a typed remote error.
    let err = client
        .handle
        .request_blocks(server.id(), 1000, 4)
        .await
        .unwrap_err();
    match err {
        NetworkError::RequestFailed {
            peer,
            reason: RequestFailure::Remote(message),
        } => {
            assert_eq!(peer, server.id());
            assert_eq!(message, "database offline");
        }
        other => panic!("unexpected error {other:?}"),
    }

    // Nobody at this peer id: a typed failure, not a hang.
    let err = client
        .handle
        .request_blocks(PeerId::random(), 0, 1)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        NetworkError::RequestFailed {
            reason: RequestFailure::DialFailure,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_reported_below_the_threshold_is_disconnected_and_banned() {
    let mut a = start(config()).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![a.addr.clone()];
    let mut b = start(cfg).await;
    wait_connected(&mut a, b.id()).await;

    a.handle
        .report_peer(b.id(), ReputationChange::new(-100, "test"))
        .unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let peers = a.handle.peers().await.unwrap();
        if peers
            .iter()
            .any(|p| p.peer_id == b.id() && p.reputation < 0)
        {
            break;
        }
        assert!(Instant::now() < deadline, "report not applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    a.handle
        .report_peer(b.id(), ReputationChange::new(-5000, "test"))
        .unwrap();
    let gone = wait_for(
        &mut a.events,
        WAIT,
        |e| matches!(e, NetworkEvent::PeerDisconnected { peer_id } if *peer_id == b.id()),
    )
    .await;
    assert!(gone.is_some(), "banned peer was not disconnected");
    assert!(a.handle.peers().await.unwrap().is_empty());

    let b_saw_close = wait_for(
        &mut b.events,
        WAIT,
        |e| matches!(e, NetworkEvent::PeerDisconnected { peer_id } if *peer_id == a.id()),
    )
    .await;
    assert!(b_saw_close.is_some());

    // B tries to come back: A refuses the connection.
    b.handle.dial(a.addr.clone()).await.unwrap();
    let back = wait_for(
        &mut a.events,
        Duration::from_secs(2),
        |e| matches!(e, NetworkEvent::PeerConnected { peer_id, .. } if *peer_id == b.id()),
    )
    .await;
    assert!(back.is_none(), "banned peer reconnected");
    assert!(a.handle.peers().await.unwrap().is_empty());

    // A will not dial or ask B either.
    assert!(matches!(
        a.handle.dial(b.addr.clone()).await,
        Err(NetworkError::PeerBanned(p)) if p == b.id()
    ));
    assert!(matches!(
        a.handle.request_blocks(b.id(), 0, 1).await,
        Err(NetworkError::PeerBanned(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_gossip_is_dropped_and_costs_the_sender() {
    let mut cfg = config();
    cfg.limits.max_gossip_size = 1024;
    let mut receiver = start(cfg).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![receiver.addr.clone()];
    let sender = start(cfg).await;
    wait_connected(&mut receiver, sender.id()).await;

    // The sender's own limit is the default (2 MiB), so it publishes 4000 bytes.
    let payload = vec![7u8; 4000];
    let deadline = Instant::now() + WAIT;
    loop {
        match sender.handle.publish_block(payload.clone()).await {
            Ok(()) => break,
            Err(NetworkError::NoPeersForTopic { .. }) => {
                assert!(Instant::now() < deadline, "receiver never subscribed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("publish failed: {e}"),
        }
    }
    let deadline = Instant::now() + WAIT;
    loop {
        let peers = receiver.handle.peers().await.unwrap();
        if peers
            .iter()
            .any(|p| p.peer_id == sender.id() && p.reputation < -100)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "sender was not penalised: {peers:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = wait_for(&mut receiver.events, Duration::from_millis(300), |e| {
        matches!(e, NetworkEvent::BlockAnnounced { .. })
    })
    .await;
    assert!(delivered.is_none(), "oversized message was delivered");

    // Locally, an oversized publish is refused before it reaches the network.
    assert!(matches!(
        receiver.handle.publish_block(payload).await,
        Err(NetworkError::MessageTooLarge {
            size: 4000,
            max: 1024
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_loses_gossip_events_not_the_swarm() {
    let mut cfg = config();
    cfg.limits.event_queue = 2;
    let receiver = start(cfg).await;
    let mut cfg = config();
    cfg.boot_nodes = vec![receiver.addr.clone()];
    let sender = start(cfg).await;

    let deadline = Instant::now() + WAIT;
    let mut n = 0u32;
    while receiver.handle.dropped_events() == 0 {
        assert!(Instant::now() < deadline, "no event was dropped");
        match sender
            .handle
            .publish_transaction(n.to_le_bytes().to_vec())
            .await
        {
            Ok(()) | Err(NetworkError::NoPeersForTopic { .. }) => {}
            Err(e) => panic!("publish failed: {e}"),
        }
        n += 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The swarm still answers commands.
    assert_eq!(receiver.handle.peers().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configuration_is_refused_at_start() {
    let mut cfg = config();
    cfg.boot_nodes = vec!["/ip4/127.0.0.1/tcp/30333".parse().unwrap()];
    let err = NetworkService::start(cfg, Arc::new(TestProvider { count: 0 }), Handle::current())
        .unwrap_err();
    assert!(matches!(err, NetworkError::BadAddress { .. }));
}

/// Sleeps before answering, so requests pile up on the server.
struct SlowProvider;

impl BlockProvider for SlowProvider {
    fn blocks(&self, from: u32, _max: u32) -> Result<Vec<Vec<u8>>, String> {
        std::thread::sleep(Duration::from_millis(300));
        Ok(vec![block(from)])
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_beyond_the_per_peer_limit_are_refused() {
    let mut cfg = config();
    cfg.limits.max_inbound_requests_per_peer = 2;
    let (server, mut server_events) =
        NetworkService::start(cfg, Arc::new(SlowProvider), Handle::current()).unwrap();
    let deadline = Instant::now() + WAIT;
    let server_addr = loop {
        if let Some(addr) = server.listen_addresses().await.unwrap().into_iter().next() {
            break multiaddr_with_peer(addr, server.local_peer_id());
        }
        assert!(Instant::now() < deadline, "server did not start listening");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let mut cfg = config();
    cfg.boot_nodes = vec![server_addr];
    let mut client = start(cfg).await;
    wait_connected(&mut client, server.local_peer_id()).await;
    assert!(
        wait_for(&mut server_events, WAIT, |e| matches!(
            e,
            NetworkEvent::PeerConnected { .. }
        ))
        .await
        .is_some()
    );

    let requests = (0..5).map(|i| client.handle.request_blocks(server.local_peer_id(), i, 1));
    let results = futures::future::join_all(requests).await;
    let served = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(NetworkError::RequestFailed {
                    reason: RequestFailure::Refused,
                    ..
                })
            )
        })
        .count();
    assert_eq!(served + refused, 5, "{results:?}");
    assert!(served >= 2 && refused >= 1, "{results:?}");
    // Refusals cost the client reputation on the server.
    let peers = server.peers().await.unwrap();
    assert_eq!(peers.len(), 1);
    assert!(peers[0].reputation < 0, "{peers:?}");
}
