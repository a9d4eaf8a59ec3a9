//! Peer reputation: scores, the costs the network charges on its own, and bans.
//!
//! [`PeerBook`] is plain data driven by the caller's clock, so its rules are tested without a
//! network.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use libp2p::PeerId;

use crate::config::ReputationConfig;

/// A change of a peer's reputation and why, as in Substrate's `ReputationChange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReputationChange {
    /// Amount added to the score (negative for misbehaviour).
    pub value: i32,
    /// Why, for logs.
    pub reason: &'static str,
}

impl ReputationChange {
    /// A change of `value` for `reason`.
    pub const fn new(value: i32, reason: &'static str) -> Self {
        Self { value, reason }
    }

    /// A change that bans the peer at once whatever its score.
    pub const fn new_fatal(reason: &'static str) -> Self {
        Self {
            value: i32::MIN,
            reason,
        }
    }
}

/// The costs the network service charges on its own.
pub mod costs {
    use super::ReputationChange;

    /// A gossip message larger than the limit.
    pub const OVERSIZED_MESSAGE: ReputationChange =
        ReputationChange::new(-200, "oversized gossip message");
    /// A gossip message that fails validation (empty, unknown topic).
    pub const INVALID_GOSSIP: ReputationChange =
        ReputationChange::new(-100, "invalid gossip message");
    /// A request to the peer that failed (timeout, stream error).
    pub const FAILED_REQUEST: ReputationChange = ReputationChange::new(-20, "failed request");
    /// A response that breaks the protocol.
    pub const INVALID_RESPONSE: ReputationChange =
        ReputationChange::new(-200, "invalid block response");
    /// A request that breaks the protocol or is malformed.
    pub const INVALID_REQUEST: ReputationChange =
        ReputationChange::new(-100, "invalid block request");
    /// More concurrent requests than allowed.
    pub const TOO_MANY_REQUESTS: ReputationChange =
        ReputationChange::new(-50, "too many concurrent requests");
    /// A peer of another chain or protocol version.
    pub const WRONG_PROTOCOL: ReputationChange =
        ReputationChange::new(-100, "different protocol version");
}

/// What a reputation report led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The new score; the peer stays.
    Scored(i32),
    /// The score fell below the threshold: the peer is banned until the given instant.
    Banned(Instant),
}

/// Scores and bans of peers.
#[derive(Debug)]
pub struct PeerBook {
    config: ReputationConfig,
    scores: HashMap<PeerId, i32>,
    banned: HashMap<PeerId, Instant>,
}

impl PeerBook {
    /// An empty book.
    pub fn new(config: ReputationConfig) -> Self {
        Self {
            config,
            scores: HashMap::new(),
            banned: HashMap::new(),
        }
    }

    /// The peer's score (0 for a peer never reported).
    pub fn score(&self, peer: &PeerId) -> i32 {
        self.scores.get(peer).copied().unwrap_or(0)
    }

    /// Whether the peer is banned at `now`.
    pub fn is_banned(&self, peer: &PeerId, now: Instant) -> bool {
        self.banned.get(peer).is_some_and(|until| *until > now)
    }

    /// Applies a change; bans the peer if its score falls below the threshold.
    pub fn report(
        &mut self,
        peer: PeerId,
        change: ReputationChange,
        now: Instant,
    ) -> ReportOutcome {
        let score = self.score(&peer).saturating_add(change.value);
        if self.scores.len() >= self.config.max_tracked_peers && !self.scores.contains_key(&peer) {
            self.evict_score();
        }
        self.scores.insert(peer, score);
        if score < self.config.ban_threshold {
            let until = now + self.config.ban_duration;
            if self.banned.len() >= self.config.max_banned_peers && !self.banned.contains_key(&peer)
            {
                self.evict_ban();
            }
            self.banned.insert(peer, until);
            ReportOutcome::Banned(until)
        } else {
            ReportOutcome::Scored(score)
        }
    }

    /// Forgets a disconnected peer's score unless it is negative (so misbehaving peers cannot
    /// reset it by reconnecting).
    pub fn disconnected(&mut self, peer: &PeerId) {
        if self.scores.get(peer).is_some_and(|s| *s >= 0) {
            self.scores.remove(peer);
        }
    }

    /// Periodic upkeep: scores move 1/64 of the way back to zero (at least 1), expired bans
    /// are lifted. Call it about once a second.
    pub fn tick(&mut self, now: Instant) {
        for score in self.scores.values_mut() {
            let step = (*score / 64).abs().max(1);
            *score = match (*score).cmp(&0) {
                std::cmp::Ordering::Greater => (*score - step).max(0),
                std::cmp::Ordering::Less => (*score + step).min(0),
                std::cmp::Ordering::Equal => 0,
            };
        }
        self.banned.retain(|_, until| *until > now);
    }

    /// Number of peers banned (including expired bans not yet lifted by [`Self::tick`]).
    pub fn banned_count(&self) -> usize {
        self.banned.len()
    }

    /// How long bans last.
    pub fn ban_duration(&self) -> Duration {
        self.config.ban_duration
    }

    fn evict_score(&mut self) {
        // Forget the score closest to zero: it carries the least information.
        if let Some(peer) = self
            .scores
            .iter()
            .min_by_key(|(_, s)| s.unsigned_abs())
            .map(|(p, _)| *p)
        {
            self.scores.remove(&peer);
        }
    }

    fn evict_ban(&mut self) {
        if let Some(peer) = self
            .banned
            .iter()
            .min_by_key(|(_, until)| **until)
            .map(|(p, _)| *p)
        {
            self.banned.remove(&peer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> PeerBook {
        PeerBook::new(ReputationConfig {
            ban_threshold: -100,
            ban_duration: Duration::from_secs(10),
            max_banned_peers: 2,
            max_tracked_peers: 3,
        })
    }

    #[test]
    fn falling_below_threshold_bans_until_expiry() {
        let mut book = book();
        let peer = PeerId::random();
        let now = Instant::now();
        assert_eq!(
            book.report(peer, ReputationChange::new(-60, "x"), now),
            ReportOutcome::Scored(-60)
        );
        assert!(!book.is_banned(&peer, now));
        let outcome = book.report(peer, ReputationChange::new(-60, "x"), now);
        assert_eq!(
            outcome,
            ReportOutcome::Banned(now + Duration::from_secs(10))
        );
        assert!(book.is_banned(&peer, now + Duration::from_secs(9)));
        assert!(!book.is_banned(&peer, now + Duration::from_secs(10)));
        book.tick(now + Duration::from_secs(11));
        assert_eq!(book.banned_count(), 0);
    }

    #[test]
    fn fatal_change_bans_at_once_and_scores_saturate() {
        let mut book = book();
        let peer = PeerId::random();
        let now = Instant::now();
        book.report(peer, ReputationChange::new(-1, "x"), now);
        assert!(matches!(
            book.report(peer, ReputationChange::new_fatal("x"), now),
            ReportOutcome::Banned(_)
        ));
        assert_eq!(book.score(&peer), i32::MIN);
    }

    #[test]
    fn scores_decay_towards_zero_and_maps_stay_bounded() {
        let mut book = book();
        let now = Instant::now();
        let peer = PeerId::random();
        book.report(peer, ReputationChange::new(-50, "x"), now);
        book.tick(now);
        assert_eq!(book.score(&peer), -49);
        for _ in 0..100 {
            book.tick(now);
        }
        assert_eq!(book.score(&peer), 0);
        for _ in 0..10 {
            book.report(PeerId::random(), ReputationChange::new(-1000, "x"), now);
        }
        assert!(book.scores.len() <= 3);
        assert!(book.banned.len() <= 2);
    }

    #[test]
    fn disconnect_keeps_only_negative_scores() {
        let mut book = book();
        let now = Instant::now();
        let good = PeerId::random();
        let bad = PeerId::random();
        book.report(good, ReputationChange::new(10, "x"), now);
        book.report(bad, ReputationChange::new(-10, "x"), now);
        book.disconnected(&good);
        book.disconnected(&bad);
        assert_eq!(book.score(&good), 0);
        assert_eq!(book.score(&bad), -10);
    }
}
