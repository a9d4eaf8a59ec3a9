//! Log output: `tracing` to stderr, filtered by `-l target=level` like Substrate.

use tracing_subscriber::{EnvFilter, fmt};

use crate::error::CliError;

/// Installs the global subscriber. `patterns` are `-l` arguments (`info`, `rpc=debug,db=trace`);
/// `RUST_LOG` adds to them.
pub fn init(patterns: &[String]) -> Result<(), CliError> {
    let mut filter = EnvFilter::new("info");
    let from_env = std::env::var("RUST_LOG").ok();
    for pattern in patterns.iter().chain(from_env.iter()) {
        for directive in pattern.split(',').filter(|d| !d.is_empty()) {
            let parsed = directive
                .parse()
                .map_err(|_| CliError::BadLogFilter(directive.to_string()))?;
            filter = filter.add_directive(parsed);
        }
    }
    // Another subscriber (e.g. in a test harness) may already be installed; keep it.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}
