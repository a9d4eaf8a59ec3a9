//! The relayer against in-memory chains: a subchain of linked headers with justifications
//! on some of them, and a main chain that audits submissions the way `CrossChain` does
//! (contiguous batches onto the audited head, stale batches refused, gas per header).

use std::{collections::HashMap, sync::Arc, time::Duration};

use parking_lot::Mutex;
use sp_runtime::{Digest, traits::Header as _};

use super::*;

fn chain(length: u32) -> Vec<Header> {
    let mut parent = Hash::repeat_byte(0x99);
    (1..=length)
        .map(|number| {
            let header = Header::new(
                number,
                Hash::repeat_byte(1),
                Hash::repeat_byte(2),
                parent,
                Digest::default(),
            );
            parent = header.hash();
            header
        })
        .collect()
}

fn genesis() -> Hash {
    Hash::repeat_byte(0x99)
}

#[derive(Clone)]
struct FakeSubchain {
    headers: Arc<Mutex<Vec<Header>>>,
    finalized: Arc<Mutex<u32>>,
    justified: Arc<Mutex<HashMap<Hash, Vec<u8>>>>,
}

impl FakeSubchain {
    /// `length` blocks, the first `finalized` final, a justification on every `every`-th.
    fn new(length: u32, finalized: u32, every: u32) -> Self {
        let headers = chain(length);
        let justified = headers
            .iter()
            .filter(|h| h.number % every == 0 || h.number == finalized)
            .filter(|h| h.number <= finalized)
            .map(|h| (h.hash(), h.number.to_le_bytes().to_vec()))
            .collect();
        Self {
            headers: Arc::new(Mutex::new(headers)),
            finalized: Arc::new(Mutex::new(finalized)),
            justified: Arc::new(Mutex::new(justified)),
        }
    }
}

impl ChainSource for FakeSubchain {
    async fn finalized_number(&self) -> Result<BlockNumber, RelayError> {
        Ok(*self.finalized.lock())
    }

    async fn best_number(&self) -> Result<BlockNumber, RelayError> {
        Ok(self.headers.lock().len() as u32)
    }

    async fn header(&self, number: BlockNumber) -> Result<Header, RelayError> {
        let index = number.checked_sub(1).ok_or(RelayError::MissingBlock(0))? as usize;
        self.headers
            .lock()
            .get(index)
            .cloned()
            .ok_or(RelayError::MissingBlock(number))
    }

    async fn justification(&self, hash: Hash) -> Result<Option<Vec<u8>>, RelayError> {
        Ok(self.justified.lock().get(&hash).cloned())
    }

    async fn read_proof(&self, _: &[u8], at: Hash) -> Result<StorageProof, RelayError> {
        Err(RelayError::Rpc {
            chain: "subchain",
            method: "state_getReadProof".into(),
            reason: format!("no state kept at {at:?}"),
        })
    }
}

#[derive(Default)]
struct MainState {
    state: Option<SubchainState>,
    proof: Option<ProofKind>,
    audited: Vec<Header>,
    gas_headers: u32,
    submissions: Vec<(u32, u32)>,
    /// Accept transactions but never include them.
    stalled: bool,
}

#[derive(Clone)]
struct FakeMain(Arc<Mutex<MainState>>);

impl FakeMain {
    fn new(proof: ProofKind, gas_headers: u32) -> Self {
        Self(Arc::new(Mutex::new(MainState {
            state: Some(SubchainState::Active),
            proof: Some(proof),
            gas_headers,
            ..Default::default()
        })))
    }

    fn audited_numbers(&self) -> Vec<u32> {
        self.0.lock().audited.iter().map(|h| h.number).collect()
    }
}

impl MainChain for FakeMain {
    async fn registration(&self, id: SubchainId) -> Result<Option<Registration>, RelayError> {
        let state = self.0.lock();
        Ok((id == 7).then(|| Registration {
            state: state.state.clone().unwrap_or(SubchainState::Retired),
            proof: state.proof.unwrap_or(ProofKind::Justification),
            genesis_hash: genesis(),
        }))
    }

    async fn audited_head(&self, _: SubchainId) -> Result<Option<AuditedHead>, RelayError> {
        Ok(self.0.lock().audited.last().map(|h| AuditedHead {
            number: h.number,
            hash: h.hash(),
        }))
    }

    async fn submit_headers(
        &self,
        _: SubchainId,
        headers: &[Header],
        proof: &HeaderProof,
    ) -> Result<Hash, RelayError> {
        let mut main = self.0.lock();
        let (Some(first), Some(last)) = (headers.first(), headers.last()) else {
            return Ok(Hash::zero());
        };
        main.submissions.push((first.number, last.number));
        if main.stalled || main.state != Some(SubchainState::Active) {
            return Ok(Hash::zero());
        }
        let head = main
            .audited
            .last()
            .map_or((0, genesis()), |h| (h.number, h.hash()));
        if first.number != head.0 + 1 || first.parent_hash != head.1 {
            // AlreadyAudited / broken link: the transaction fails, nothing is charged.
            return Ok(Hash::zero());
        }
        let audit = match proof {
            HeaderProof::Justification(encoded) => {
                assert_eq!(
                    encoded,
                    &last.number.to_le_bytes().to_vec(),
                    "proof of the last"
                );
                headers.len()
            }
            HeaderProof::Work => headers.len().saturating_sub(6),
        };
        for header in headers.iter().take(audit) {
            if main.gas_headers == 0 {
                break;
            }
            main.gas_headers -= 1;
            main.audited.push(header.clone());
            if main.gas_headers == 0 {
                main.state = Some(SubchainState::Suspended);
            }
        }
        Ok(Hash::repeat_byte(0x77))
    }
}

fn config() -> RelayerConfig {
    RelayerConfig {
        subchain: 7,
        max_batch: 10,
        pow_confirmations: 6,
        poll: Duration::from_millis(1),
        inclusion_timeout: Duration::from_millis(50),
    }
}

async fn run_until_idle<S: ChainSource + Sync, M: MainChain + Sync>(
    relayer: &Relayer<S, M>,
) -> Pass {
    for _ in 0..100 {
        match relayer.step().await {
            Ok(Pass::Audited { .. }) => continue,
            Ok(idle) => return idle,
            Err(error) => panic!("relay failed: {error}"),
        }
    }
    panic!("the relayer never went idle");
}

#[tokio::test]
async fn finalized_headers_are_relayed_in_batches_ending_at_justified_blocks() {
    // 35 blocks, 32 final, justifications on every 4th (and the finalized head).
    let source = FakeSubchain::new(35, 32, 4);
    let main = FakeMain::new(ProofKind::Justification, 1_000);
    let relayer = Relayer::new(source, main.clone(), config(), None);
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::Audited { from: 1, to: 8 })
    );
    assert_eq!(run_until_idle(&relayer).await, Pass::UpToDate);
    assert_eq!(main.audited_numbers(), (1..=32).collect::<Vec<_>>());
    // Batches of at most 10, each ending on a justified block: 1–8, 9–16, 17–24, 25–32.
    assert_eq!(
        main.0.lock().submissions,
        vec![(1, 8), (9, 16), (17, 24), (25, 32)]
    );
}

#[tokio::test]
async fn nothing_is_submitted_for_an_inactive_subchain_or_without_a_proof() {
    let source = FakeSubchain::new(20, 20, 100);
    let main = FakeMain::new(ProofKind::Justification, 1_000);
    // Only #20 (the finalized head) is justified, beyond the first batch of 10.
    let relayer = Relayer::new(source, main.clone(), config(), None);
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::NoProof { from: 1, to: 10 })
    );
    main.0.lock().state = Some(SubchainState::Suspended);
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::NotActive(SubchainState::Suspended))
    );
    assert!(main.0.lock().submissions.is_empty());
}

#[tokio::test]
async fn running_out_of_gas_part_way_keeps_the_audited_prefix_and_stops() {
    let source = FakeSubchain::new(10, 10, 1);
    let main = FakeMain::new(ProofKind::Justification, 4);
    let relayer = Relayer::new(source, main.clone(), config(), None);
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::Audited { from: 1, to: 4 })
    );
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::NotActive(SubchainState::Suspended))
    );
    // Topped up: relaying resumes after the audited head.
    {
        let mut state = main.0.lock();
        state.gas_headers = 100;
        state.state = Some(SubchainState::Active);
    }
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::Audited { from: 5, to: 10 })
    );
    assert_eq!(main.audited_numbers(), (1..=10).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_node_on_another_chain_is_a_fatal_error() {
    let source = FakeSubchain::new(10, 10, 1);
    let main = FakeMain::new(ProofKind::Justification, 100);
    // The main chain audited #1..#3 of a different chain.
    main.0.lock().audited = chain(3)
        .into_iter()
        .map(|mut h| {
            h.state_root = Hash::repeat_byte(0x55);
            h
        })
        .collect();
    let relayer = Relayer::new(source, main.clone(), config(), None);
    let error = relayer.step().await.err();
    assert!(
        matches!(error, Some(RelayError::Diverged { number: 4, .. })),
        "{error:?}"
    );
    assert!(error.is_some_and(|e| e.is_fatal()));
    assert!(main.0.lock().submissions.is_empty());
    let unknown = Relayer::new(
        FakeSubchain::new(1, 1, 1),
        main,
        RelayerConfig {
            subchain: 8,
            ..config()
        },
        None,
    );
    assert!(matches!(
        unknown.run(std::future::pending()).await,
        Err(RelayError::UnknownSubchain(8))
    ));
}

#[tokio::test]
async fn pow_headers_are_audited_under_their_confirmations() {
    let source = FakeSubchain::new(30, 0, 1);
    let main = FakeMain::new(ProofKind::Work, 1_000);
    let relayer = Relayer::new(source.clone(), main.clone(), config(), None);
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::Audited { from: 1, to: 4 })
    );
    assert_eq!(run_until_idle(&relayer).await, Pass::UpToDate);
    // Everything but the last six blocks is audited.
    assert_eq!(main.audited_numbers(), (1..=24).collect::<Vec<_>>());
    // Too few new blocks to bury even one: nothing is submitted.
    let submitted = main.0.lock().submissions.len();
    assert_eq!(relayer.step().await.ok(), Some(Pass::UpToDate));
    assert_eq!(main.0.lock().submissions.len(), submitted);
}

#[tokio::test]
async fn a_batch_that_is_never_included_times_out_and_the_next_pass_resumes() {
    let source = FakeSubchain::new(5, 5, 1);
    let main = FakeMain::new(ProofKind::Justification, 100);
    main.0.lock().stalled = true;
    let metrics = RelayMetrics::register(&substrate_prometheus_endpoint::Registry::new()).ok();
    let relayer = Relayer::new(source, main.clone(), config(), metrics);
    assert!(matches!(
        relayer.step().await,
        Err(RelayError::NotAudited { from: 1, to: 5, .. })
    ));
    main.0.lock().stalled = false;
    assert_eq!(
        relayer.step().await.ok(),
        Some(Pass::Audited { from: 1, to: 5 })
    );
}

#[tokio::test]
async fn concurrent_and_restarted_relayers_audit_every_header_exactly_once() {
    let source = FakeSubchain::new(60, 60, 3);
    let main = FakeMain::new(ProofKind::Justification, 1_000);
    let first = Relayer::new(source.clone(), main.clone(), config(), None);
    let second = Relayer::new(source.clone(), main.clone(), config(), None);
    // Both follow the chain at once; one of them is "restarted" (a new instance) half-way.
    let (a, b) = tokio::join!(run_until_idle(&first), async {
        let before = run_until_idle(&second).await;
        let restarted = Relayer::new(source.clone(), main.clone(), config(), None);
        (before, run_until_idle(&restarted).await)
    });
    assert_eq!(a, Pass::UpToDate);
    assert_eq!(b, (Pass::UpToDate, Pass::UpToDate));
    assert_eq!(main.audited_numbers(), (1..=60).collect::<Vec<_>>());
}

fn module_settings(main_url: &str, subchain_url: &str) -> module::RelaySettings {
    use sp_core::Pair as _;
    module::RelaySettings {
        main_url: main_url.into(),
        subchain_url: subchain_url.into(),
        key: sp_core::sr25519::Pair::from_seed(&[1; 32]),
        signers: RelaySigners {
            main: |_, _, _, _| Err("never called".into()),
            subchain: None,
        },
        config: config(),
        metrics: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_module_waits_for_an_unreachable_main_chain_and_stops_when_told() {
    // Port 9 (discard) on loopback: nothing answers JSON-RPC there.
    let (module, outcome) = module::RelayModule::with_outcome(module_settings(
        "ws://127.0.0.1:9",
        "http://127.0.0.1:9",
    ));
    let mut manager = wcme_module::ModuleManager::new(tokio::runtime::Handle::current());
    assert!(manager.register(Box::new(module)).is_ok());
    assert!(manager.start_all().is_ok());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(manager.shutdown(Duration::from_secs(10)).await.is_empty());
    assert!(matches!(outcome.await, Ok(Ok(()))));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_module_refuses_to_start_with_an_unusable_endpoint() {
    let mut manager = wcme_module::ModuleManager::new(tokio::runtime::Handle::current());
    let module = module::RelayModule::new(module_settings("ws://127.0.0.1:9", "not a url"));
    assert!(manager.register(Box::new(module)).is_ok());
    let error = manager.start_all().err().map(|e| e.to_string());
    assert!(
        error.as_deref().is_some_and(|e| e.contains("relay")),
        "{error:?}"
    );
}

/// Main-chain headers `1..` whose rounds are `rounds`, each with a POC pre-digest (or none
/// where the round is `None`).
fn main_headers(rounds: &[Option<u32>]) -> Vec<Header> {
    use wcme_consensus_primitives::poc::PreDigest;
    rounds
        .iter()
        .zip(1u32..)
        .map(|(round, number)| {
            let mut header = Header::new(
                number,
                Hash::zero(),
                Hash::zero(),
                Hash::zero(),
                Digest::default(),
            );
            if let Some(round) = round {
                header.digest.push(
                    PreDigest {
                        round: *round,
                        slot: u64::from(number),
                        author_index: 0,
                    }
                    .to_digest_item(),
                );
            }
            header
        })
        .collect()
}

#[test]
fn main_chain_batches_hold_one_round_and_hand_off_only_to_the_next() {
    use bridge::main_batch;
    // The light client's round, then the next one: a batch of the first round, no hand-off.
    let headers = main_headers(&[Some(3), Some(3), Some(4), Some(4)]);
    assert_eq!(main_batch(3, &headers).ok(), Some((2, false)));
    // The next round first: a hand-off batch of that round alone.
    assert_eq!(main_batch(3, &headers[2..]).ok(), Some((2, true)));
    assert_eq!(main_batch(3, &[]).ok(), Some((0, false)));
    // A skipped round, or an older one: the light client cannot follow.
    for head_round in [1, 5] {
        assert!(matches!(
            main_batch(head_round, &headers[2..]),
            Err(RelayError::LightClientStuck { round: 4, .. })
        ));
    }
    // A header without a round is an error, not a guess.
    assert!(matches!(
        main_batch(3, &main_headers(&[Some(3), None])),
        Err(RelayError::NoPreDigest(2))
    ));
}
