//! How a node that catches up shows it: an `indicatif` bar on stderr when stderr is a terminal,
//! else an info line (target `sync`) every [`LOG_INTERVAL`], as Substrate's informant prints it:
//! `⚙️  Syncing 123.4 bps, target=#N (k peers), best: #M (0x1234…abcd), finalized #F (…)`.
//!
//! The arithmetic and the text are plain functions ([`bps`], [`Rate`], [`syncing_line`]);
//! [`SyncProgress`] decides when to show them and owns the bar.

use std::{
    io::IsTerminal,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wcme_primitives::Hash;

/// Interval between two `Syncing` log lines.
pub(crate) const LOG_INTERVAL: Duration = Duration::from_secs(5);
/// Interval between two updates of the rate shown next to the bar.
const BAR_RATE_INTERVAL: Duration = Duration::from_secs(1);
/// A catch-up shorter than this shows nothing: every new peer and every block with an unknown
/// parent starts one, and most of them fetch a block or two.
pub(crate) const SHOW_AFTER: Duration = Duration::from_secs(2);

/// Blocks per second: `blocks` imported in `elapsed` (0 when no time passed).
pub(crate) fn bps(blocks: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        blocks as f64 / secs
    } else {
        0.0
    }
}

/// The import rate over periods: each [`Rate::sample`] gives the rate since the previous one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rate {
    at: Instant,
    number: u32,
}

impl Rate {
    /// Starts measuring at `at`, with `number` the best block then.
    pub(crate) fn new(at: Instant, number: u32) -> Self {
        Self { at, number }
    }

    /// Whether `interval` passed since the period began.
    pub(crate) fn due(&self, now: Instant, interval: Duration) -> bool {
        now.saturating_duration_since(self.at) >= interval
    }

    /// Blocks per second from the start of the period to (`now`, `number`); starts the next
    /// period there.
    pub(crate) fn sample(&mut self, now: Instant, number: u32) -> f64 {
        let rate = bps(
            u64::from(number.saturating_sub(self.number)),
            now.saturating_duration_since(self.at),
        );
        *self = Self::new(now, number);
        rate
    }
}

/// Where the chain and the network stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// Best block number and hash.
    pub best: (u32, Hash),
    /// Finalized block number and hash.
    pub finalized: (u32, Hash),
    /// Highest block number known on a peer (at least the best block).
    pub target: u32,
    /// Connected peers.
    pub peers: usize,
}

/// The log line of a node catching up, in Substrate's words.
pub(crate) fn syncing_line(bps: f64, s: &Snapshot) -> String {
    format!(
        "⚙️  Syncing {bps:.1} bps, target=#{} ({} peers), best: #{} ({}), finalized #{} ({})",
        s.target.max(s.best.0),
        s.peers,
        s.best.0,
        s.best.1,
        s.finalized.0,
        s.finalized.1,
    )
}

/// The line closing a catch-up that showed progress.
pub(crate) fn synced_line(blocks: u32, elapsed: Duration, best: u32) -> String {
    format!(
        "⚙️  Synced {blocks} blocks in {:.1} s ({:.1} bps), best: #{best}",
        elapsed.as_secs_f64(),
        bps(u64::from(blocks), elapsed)
    )
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    /// Info lines through `tracing`.
    Log,
    /// A progress bar on stderr.
    Bar,
}

/// The bar's look: with a gauge and an eta when the target is above the best block, else the
/// best block and the rate only. No emoji: terminals disagree on their width, and a line one
/// column too wide wraps and leaves a copy of the bar behind at every redraw.
fn bar_style(has_target: bool) -> ProgressStyle {
    let (template, fallback) = if has_target {
        (
            "Syncing #{pos}/#{len} {msg} [{wide_bar}] eta {eta}",
            ProgressStyle::default_bar(),
        )
    } else {
        ("Syncing #{pos} {msg}", ProgressStyle::default_spinner())
    };
    ProgressStyle::with_template(template)
        .unwrap_or(fallback)
        .progress_chars("=> ")
}

/// Runs a closure with the bar hidden, so the log lines it writes to stderr (the client logs
/// every imported block) do not tear the bar.
#[derive(Clone, Default)]
pub(crate) struct Suspender(Option<ProgressBar>);

impl Suspender {
    pub(crate) fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

/// The progress of one catch-up.
pub(crate) struct SyncProgress {
    output: Output,
    started: Instant,
    start_number: u32,
    rate: Rate,
    bar: Option<ProgressBar>,
    /// Whether the bar is drawn with a known target (a peer is ahead of the best block).
    bar_has_target: Option<bool>,
    shown: bool,
}

impl SyncProgress {
    /// A catch-up starting at `now` from best block `best`, shown as a bar if stderr is a
    /// terminal, else in the log.
    pub(crate) fn start(now: Instant, best: u32) -> Self {
        let output = if std::io::stderr().is_terminal() {
            Output::Bar
        } else {
            Output::Log
        };
        Self::with_output(output, now, best)
    }

    pub(crate) fn with_output(output: Output, now: Instant, best: u32) -> Self {
        Self {
            output,
            started: now,
            start_number: best,
            rate: Rate::new(now, best),
            bar: None,
            bar_has_target: None,
            shown: false,
        }
    }

    /// Call after each imported block.
    pub(crate) fn update(&mut self, now: Instant, snapshot: &Snapshot) {
        match self.output {
            Output::Log => {
                if let Some(line) = self.next_line(now, snapshot) {
                    tracing::info!(target: "sync", "{line}");
                }
            }
            Output::Bar => self.update_bar(now, snapshot),
        }
    }

    /// The log line due at `now`, if one is.
    pub(crate) fn next_line(&mut self, now: Instant, snapshot: &Snapshot) -> Option<String> {
        if now.saturating_duration_since(self.started) < SHOW_AFTER
            || !self.rate.due(now, LOG_INTERVAL)
        {
            return None;
        }
        self.shown = true;
        let bps = self.rate.sample(now, snapshot.best.0);
        Some(syncing_line(bps, snapshot))
    }

    fn update_bar(&mut self, now: Instant, snapshot: &Snapshot) {
        if now.saturating_duration_since(self.started) < SHOW_AFTER {
            return;
        }
        let best = u64::from(snapshot.best.0);
        let target = u64::from(snapshot.target).max(best);
        let bar = self.bar.get_or_insert_with(|| {
            // Drawn only once it holds the current numbers.
            let bar = ProgressBar::with_draw_target(Some(target), ProgressDrawTarget::hidden());
            bar.set_position(best);
            bar.set_message(format!("({} peers)", snapshot.peers));
            bar
        });
        // Until a peer announces a block above ours (the block-range protocol does not tell a
        // peer's height) there is nothing to measure against: no bar, no eta.
        let has_target = target > best;
        if self.bar_has_target != Some(has_target) {
            bar.set_style(bar_style(has_target));
            self.bar_has_target = Some(has_target);
        }
        if !self.shown {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.shown = true;
        bar.set_length(target);
        bar.set_position(best);
        if self.rate.due(now, BAR_RATE_INTERVAL) {
            let bps = self.rate.sample(now, snapshot.best.0);
            bar.set_message(format!("{bps:.1} bps ({} peers)", snapshot.peers));
        }
    }

    /// Hides the bar (if there is one) while a closure runs.
    pub(crate) fn suspender(&self) -> Suspender {
        Suspender(self.bar.clone())
    }

    /// Ends the catch-up at `now` with best block `best`: clears the bar and, if progress was
    /// shown, logs a summary.
    pub(crate) fn finish(self, now: Instant, best: u32) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.shown {
            let line = synced_line(
                best.saturating_sub(self.start_number),
                now.saturating_duration_since(self.started),
                best,
            );
            tracing::info!(target: "sync", "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(best: u32, target: u32) -> Snapshot {
        Snapshot {
            best: (best, Hash::repeat_byte(0xab)),
            finalized: (7, Hash::repeat_byte(0x01)),
            target,
            peers: 3,
        }
    }

    #[test]
    fn the_rate_is_blocks_per_second_of_each_period() {
        assert_eq!(bps(0, Duration::ZERO), 0.0);
        assert_eq!(bps(10, Duration::ZERO), 0.0);
        assert_eq!(bps(10, Duration::from_secs(4)), 2.5);
        let t0 = Instant::now();
        let mut rate = Rate::new(t0, 100);
        assert!(!rate.due(t0 + Duration::from_secs(4), LOG_INTERVAL));
        assert!(rate.due(t0 + LOG_INTERVAL, LOG_INTERVAL));
        assert_eq!(rate.sample(t0 + Duration::from_secs(5), 600), 100.0);
        // The next period starts where the last one ended.
        assert!(!rate.due(t0 + Duration::from_secs(6), LOG_INTERVAL));
        assert_eq!(rate.sample(t0 + Duration::from_secs(7), 601), 0.5);
        // A reorg to a lower number is not a negative rate.
        assert_eq!(rate.sample(t0 + Duration::from_secs(8), 10), 0.0);
    }

    #[test]
    fn lines_read_like_substrates_informant() {
        assert_eq!(
            syncing_line(123.44, &snapshot(1_000, 5_000)),
            "⚙️  Syncing 123.4 bps, target=#5000 (3 peers), best: #1000 (0xabab…abab), \
             finalized #7 (0x0101…0101)"
        );
        // The target is never below the best block.
        assert!(syncing_line(0.0, &snapshot(12, 3)).contains("target=#12 "));
        assert_eq!(
            synced_line(640, Duration::from_secs(8), 700),
            "⚙️  Synced 640 blocks in 8.0 s (80.0 bps), best: #700"
        );
    }

    #[test]
    fn the_log_shows_long_catch_ups_every_interval() {
        let t0 = Instant::now();
        let mut progress = SyncProgress::with_output(Output::Log, t0, 0);
        assert_eq!(
            progress.next_line(t0 + SHOW_AFTER, &snapshot(50, 900)),
            None
        );
        let line = progress
            .next_line(t0 + LOG_INTERVAL, &snapshot(500, 900))
            .expect("a line after the interval");
        assert!(
            line.starts_with("⚙️  Syncing 100.0 bps, target=#900"),
            "{line}"
        );
        assert_eq!(
            progress.next_line(t0 + Duration::from_secs(9), &snapshot(800, 900)),
            None
        );
        let line = progress
            .next_line(t0 + Duration::from_secs(10), &snapshot(900, 900))
            .expect("a line after another interval");
        assert!(line.starts_with("⚙️  Syncing 80.0 bps"), "{line}");
        assert!(progress.shown);
        // No bar in log mode: the suspender just runs the closure.
        assert_eq!(progress.suspender().run(|| 7), 7);
        progress.finish(t0 + Duration::from_secs(10), 900);
    }

    #[test]
    fn short_catch_ups_show_nothing() {
        let t0 = Instant::now();
        let mut progress = SyncProgress::with_output(Output::Bar, t0, 10);
        progress.update(t0 + Duration::from_millis(500), &snapshot(12, 12));
        assert!(progress.bar.is_none() && !progress.shown);
        let mut progress = SyncProgress::with_output(Output::Log, t0, 10);
        assert_eq!(
            progress.next_line(t0 + Duration::from_secs(1), &snapshot(12, 12)),
            None
        );
        assert!(!progress.shown);
    }

    #[test]
    fn the_bar_follows_the_best_block_and_the_target() {
        let t0 = Instant::now();
        let mut progress = SyncProgress::with_output(Output::Bar, t0, 0);
        progress.update(t0 + SHOW_AFTER, &snapshot(100, 1_000));
        let bar = progress.bar.clone().expect("a bar after SHOW_AFTER");
        assert_eq!((bar.position(), bar.length()), (100, Some(1_000)));
        assert_eq!(progress.bar_has_target, Some(true));
        progress.update(t0 + Duration::from_secs(3), &snapshot(1_200, 1_000));
        assert_eq!((bar.position(), bar.length()), (1_200, Some(1_200)));
        assert_eq!(
            progress.bar_has_target,
            Some(false),
            "no gauge without a known target"
        );
        assert_eq!(progress.suspender().run(|| "ran"), "ran");
        progress.finish(t0 + Duration::from_secs(3), 1_200);
        assert!(bar.is_finished());
    }
}
