//! mDNS discovery between real libp2p nodes in one process.
//!
//! libp2p-mdns ignores loopback addresses: it sends its queries on every other interface that has
//! an IPv4 address (with multicast looped back to the sending host), and peers answer with their
//! listen addresses rewritten to the address the answer came from. So these nodes listen on
//! `0.0.0.0` and need one non-loopback interface with multicast, as any container with a network
//! has. Without one (checked in `/proc/net/igmp`) the tests say so and stop.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use tokio::{runtime::Handle, sync::mpsc::Receiver, time::timeout};
use wcme_network::{
    BlockProvider, GossipConfig, Keypair, NetworkConfig, NetworkError, NetworkEvent, NetworkHandle,
    NetworkService, PeerId, Role, multiaddr_with_peer,
};

/// How long a node may take to meet another. libp2p-mdns probes at short intervals only until
/// it has discovered somebody, then queries every `MDNS_QUERY_INTERVAL` (30 s): a node that
/// found a stranger first (another test binary's node on the same interface) meets its partner
/// at the next query at the latest, so the wait covers two of them.
const WAIT: Duration = Duration::from_secs(70);

/// The tests here take turns: each one's nodes would otherwise be the other's strangers.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct NoBlocks;

impl BlockProvider for NoBlocks {
    fn blocks(&self, _: u32, _: u32) -> Result<Vec<Vec<u8>>, String> {
        Ok(Vec::new())
    }
}

/// Whether an interface other than `lo` takes part in IPv4 multicast. `/proc/net/igmp` lists
/// each such interface on a line starting with its index; elsewhere than Linux, assume yes.
fn has_multicast_interface() -> bool {
    let Ok(igmp) = std::fs::read_to_string("/proc/net/igmp") else {
        return true;
    };
    igmp.lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
        .filter_map(|line| line.split_whitespace().nth(1))
        .any(|device| device != "lo")
}

/// A chain id no other test run on this machine uses, so concurrent runs do not mix.
fn unique_chain(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{name}-{}-{nanos}", std::process::id())
}

fn mdns_config(chain: &str) -> NetworkConfig {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("network=debug,libp2p_mdns=debug")
        .with_test_writer()
        .try_init();
    let mut config = NetworkConfig::new(chain, Keypair::generate_ed25519());
    // mDNS announces the listen addresses with the IP its answer came from, never 127.0.0.1.
    config.listen_addresses = vec!["/ip4/0.0.0.0/tcp/0".parse().unwrap()];
    config.gossip = GossipConfig::small_network();
    config.enable_mdns = true;
    config
}

fn start(config: NetworkConfig) -> (NetworkHandle, Receiver<NetworkEvent>) {
    NetworkService::start(config, Arc::new(NoBlocks), Handle::current()).unwrap()
}

async fn wait_for(
    events: &mut Receiver<NetworkEvent>,
    mut pred: impl FnMut(&NetworkEvent) -> bool,
) -> Option<NetworkEvent> {
    timeout(WAIT, async {
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

fn identified(event: &NetworkEvent, peer: PeerId) -> bool {
    matches!(event, NetworkEvent::PeerIdentified { peer_id, .. } if *peer_id == peer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_without_boot_nodes_find_each_other_with_mdns() {
    if !has_multicast_interface() {
        eprintln!("skipped: no non-loopback interface with IPv4 multicast (see /proc/net/igmp)");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let chain = unique_chain("mdns");
    let (a, mut a_events) = start(mdns_config(&chain));
    let mut cfg = mdns_config(&chain);
    cfg.role = Role::Authority;
    let (b, mut b_events) = start(cfg);
    let (a_id, b_id) = (a.local_peer_id(), b.local_peer_id());

    let seen = wait_for(&mut a_events, |e| identified(e, b_id)).await;
    assert!(
        matches!(
            seen,
            Some(NetworkEvent::PeerIdentified {
                role: Role::Authority,
                ..
            })
        ),
        "A never found B through mDNS: {seen:?}"
    );
    let seen = wait_for(&mut b_events, |e| identified(e, a_id)).await;
    assert!(seen.is_some(), "B never found A through mDNS");
    assert!(
        a.peers().await.unwrap().iter().any(|p| p.peer_id == b_id),
        "B is not among A's peers"
    );
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_of_another_chain_found_by_mdns_are_dropped_not_banned() {
    if !has_multicast_interface() {
        eprintln!("skipped: no non-loopback interface with IPv4 multicast (see /proc/net/igmp)");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let (a, mut a_events) = start(mdns_config(&unique_chain("mdns-a")));
    let (b, _b_events) = start(mdns_config(&unique_chain("mdns-b")));
    let b_id = b.local_peer_id();

    // mDNS finds B and one of them dials the other; identify shows another chain and the
    // connection is dropped without B ever being taken for a peer of A's chain.
    let mut identified_b = false;
    let connected = wait_for(&mut a_events, |e| {
        identified_b |= identified(e, b_id);
        matches!(e, NetworkEvent::PeerConnected { peer_id, .. } if *peer_id == b_id)
    })
    .await;
    assert!(connected.is_some(), "A never met B through mDNS");
    let disconnected = wait_for(&mut a_events, |e| {
        identified_b |= identified(e, b_id);
        matches!(e, NetworkEvent::PeerDisconnected { peer_id } if *peer_id == b_id)
    })
    .await;
    assert!(
        disconnected.is_some(),
        "A kept B although B runs another chain"
    );
    assert!(!identified_b, "B was identified as a peer of A's chain");

    // The wrong chain costs a little reputation, far from a ban: B can still be dialled.
    let deadline = Instant::now() + WAIT;
    let b_addr = loop {
        if let Some(addr) = b.listen_addresses().await.unwrap().into_iter().next() {
            break multiaddr_with_peer(addr, b_id);
        }
        assert!(Instant::now() < deadline, "B did not start listening");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let dialled = a.dial(b_addr).await;
    assert!(
        !matches!(dialled, Err(NetworkError::PeerBanned(_))),
        "{dialled:?}"
    );
    a.shutdown().await;
    b.shutdown().await;
}
