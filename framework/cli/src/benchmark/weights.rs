//! Writing fitted benchmark results as a pallet's `weights.rs`, in the shape WCME pallets use: a
//! `WeightInfo` trait, one private function per benchmark taking the database weights, and the
//! trait implemented for `SubstrateWeight<T>` (the runtime's `DbWeight`) and for `()` (RocksDB
//! figures, for tests).

use std::fmt::Write as _;

use frame_support::traits::StorageInfo;

/// The fitted weight of one benchmark: a base plus a slope per component for computation time
/// (picoseconds), database reads, database writes and proof size (bytes).
pub(super) struct Fitted {
    /// The pallet, as the runtime names it.
    pub pallet: Vec<u8>,
    /// The benchmark (a call, or an operation the pallet prices).
    pub name: String,
    pub ref_time: u64,
    pub reads: u64,
    pub writes: u64,
    pub proof_size: u64,
    /// The fastest run, in picoseconds.
    pub min_ref_time: u64,
    pub components: Vec<FittedComponent>,
    /// `Storage: …` lines: the items the benchmark read or wrote.
    pub storage: Vec<String>,
    /// Runs the fit is based on.
    pub runs: usize,
}

/// A component's range and slopes.
pub(super) struct FittedComponent {
    pub name: String,
    pub low: u32,
    pub high: u32,
    pub ref_time: u64,
    pub reads: u64,
    pub writes: u64,
    pub proof_size: u64,
}

impl FittedComponent {
    /// Whether the weight depends on this component at all.
    fn used(&self) -> bool {
        self.ref_time > 0 || self.reads > 0 || self.writes > 0 || self.proof_size > 0
    }
}

/// How the weights were produced, for the file's header.
pub(super) struct Header {
    pub command: String,
    pub date: String,
    pub machine: String,
    pub steps: u32,
    pub repeat: u32,
    pub runtime: String,
}

/// `Storage: `Pallet::Item` (r:1 w:1)` per key prefix a run touched, named from the runtime's
/// storage info (unknown prefixes by their hex).
pub(super) fn storage_lines(
    keys: &[(Vec<u8>, u32, u32, bool)],
    storage_info: &[StorageInfo],
) -> Vec<String> {
    let mut lines: Vec<String> = keys
        .iter()
        .filter(|(_, reads, writes, whitelisted)| !whitelisted && (*reads > 0 || *writes > 0))
        .map(|(prefix, reads, writes, _)| {
            let item = storage_info
                .iter()
                .find(|info| prefix.starts_with(&info.prefix) && !info.prefix.is_empty());
            let name = match item {
                Some(info) => format!(
                    "`{}::{}`",
                    String::from_utf8_lossy(&info.pallet_name),
                    String::from_utf8_lossy(&info.storage_name)
                ),
                None => format!("unknown `0x{}`", hex::encode(prefix)),
            };
            let size = match item.and_then(|info| info.max_size) {
                Some(size) => format!(", at most {size} B"),
                None => String::new(),
            };
            format!("Storage: {name} (r:{reads} w:{writes}){size}")
        })
        .collect();
    lines.sort();
    lines
}

/// `1234567` as `1_234_567`.
fn digits(value: u64) -> String {
    let plain = value.to_string();
    let mut grouped = String::with_capacity(plain.len() + plain.len() / 3);
    for (index, digit) in plain.chars().enumerate() {
        if index > 0 && (plain.len() - index).is_multiple_of(3) {
            grouped.push('_');
        }
        grouped.push(digit);
    }
    grouped
}

/// One line per benchmark for the terminal.
pub(super) fn summary(fitted: &Fitted) -> String {
    // `scale` 1e6 shows picoseconds as microseconds; 1 shows counts and bytes as they are.
    let term = |base: u64, slopes: Vec<(u64, &str)>, scale: f64, unit: &str| {
        let decimals = if scale > 1.0 { 2 } else { 0 };
        let mut text = format!("{:.decimals$}{unit}", base as f64 / scale);
        for (slope, name) in slopes.into_iter().filter(|(slope, _)| *slope > 0) {
            let _ = write!(text, " + {:.decimals$}{unit}·{name}", slope as f64 / scale);
        }
        text
    };
    let slopes = |pick: fn(&FittedComponent) -> u64| -> Vec<(u64, &str)> {
        fitted
            .components
            .iter()
            .map(|c| (pick(c), c.name.as_str()))
            .collect()
    };
    let ranges: Vec<String> = fitted
        .components
        .iter()
        .map(|c| format!("{} in {}..={}", c.name, c.low, c.high))
        .collect();
    format!(
        "{}::{}{} ({} runs)\n  time {}  (fastest {:.2} µs)\n  reads {}  writes {}  proof {}",
        String::from_utf8_lossy(&fitted.pallet),
        fitted.name,
        if ranges.is_empty() {
            String::new()
        } else {
            format!(" [{}]", ranges.join(", "))
        },
        fitted.runs,
        term(fitted.ref_time, slopes(|c| c.ref_time), 1e6, " µs"),
        fitted.min_ref_time as f64 / 1e6,
        term(fitted.reads, slopes(|c| c.reads), 1.0, ""),
        term(fitted.writes, slopes(|c| c.writes), 1.0, ""),
        term(fitted.proof_size, slopes(|c| c.proof_size), 1.0, " B"),
    )
}

/// The `weights.rs` of `pallet` from its benchmarks' fits.
pub(super) fn render(pallet: &[u8], benchmarks: &[&Fitted], header: &Header) -> String {
    let pallet = String::from_utf8_lossy(pallet);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Weights for `{pallet}`, from its `frame-benchmarking` benchmarks.\n\
         //!\n\
         //! Generated by `wcme-node benchmark pallet` from the node's native runtime; do not edit\n\
         //! by hand: run the command again after changing the pallet or its benchmarks.\n\
         //!\n\
         //! - Runtime: {}\n\
         //! - Command: `{}`\n\
         //! - Date: {} (UTC)\n\
         //! - Machine: {}\n\
         //! - Steps: {}, repeat: {}; each line fitted by least squares over the middle half of the\n\
         //!   runs at each point (`frame-benchmarking`'s `min_squares_iqr`).\n\
         //!\n\
         //! A weight is the measured computation time (`ref_time`, picoseconds, state in memory)\n\
         //! and measured proof size (bytes of trie nodes read), plus the distinct storage items\n\
         //! read and written, priced with the database weights (`T::DbWeight` for the runtime,\n\
         //! RocksDB figures for `()`). Keys every block reads anyway (the runtime's whitelist)\n\
         //! are not counted.\n",
        header.runtime, header.command, header.date, header.machine, header.steps, header.repeat,
    );
    out.push_str(
        "use core::marker::PhantomData;\n\
         use frame_support::{\n    \
             traits::Get,\n    \
             weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},\n\
         };\n\n",
    );
    let _ = writeln!(out, "/// Weight functions needed by `{pallet}`.");
    out.push_str("pub trait WeightInfo {\n");
    for benchmark in benchmarks {
        let _ = writeln!(
            out,
            "    /// Weight of `{}`, as benchmarked.",
            benchmark.name
        );
        let _ = writeln!(
            out,
            "    fn {}({}) -> Weight;",
            benchmark.name,
            params(benchmark, false)
        );
    }
    out.push_str(
        "}\n\n\
         /// `ref_time` (picoseconds) and proof size (bytes), plus `reads` and `writes` priced by \
         `db`.\n\
         fn cost(\n    \
             db: RuntimeDbWeight,\n    \
             (ref_time, proof_size): (u64, u64),\n    \
             reads: u64,\n    \
             writes: u64,\n\
         ) -> Weight {\n    \
             Weight::from_parts(ref_time, proof_size)\n        \
                 .saturating_add(db.reads(reads))\n        \
                 .saturating_add(db.writes(writes))\n\
         }\n",
    );
    let has_slopes = benchmarks
        .iter()
        .any(|benchmark| benchmark.components.iter().any(FittedComponent::used));
    if has_slopes {
        out.push_str(
            "\n/// [`cost`] per unit of a component, for the component's value `x`.\n\
             fn per(db: RuntimeDbWeight, x: u32, slope: (u64, u64), reads: u64, writes: u64) -> \
             Weight {\n    \
                 cost(db, slope, reads, writes).saturating_mul(u64::from(x))\n\
             }\n",
        );
    }
    for benchmark in benchmarks {
        out.push('\n');
        out.push_str(&weight_fn(benchmark));
    }
    out.push_str(
        "\n/// The trait's functions, with database accesses priced by `$db`.\n\
         macro_rules! weight_info {\n    \
             ($db:expr) => {\n",
    );
    for benchmark in benchmarks {
        let args: Vec<String> = std::iter::once("$db".to_string())
            .chain(
                benchmark
                    .components
                    .iter()
                    .filter(|c| c.used())
                    .map(|c| c.name.clone()),
            )
            .collect();
        let _ = writeln!(
            out,
            "        fn {}({}) -> Weight {{\n            {}({})\n        }}",
            benchmark.name,
            params(benchmark, true),
            benchmark.name,
            args.join(", ")
        );
    }
    out.push_str(
        "    };\n\
         }\n\n\
         /// Weights using the runtime's configured database weights.\n\
         pub struct SubstrateWeight<T>(PhantomData<T>);\n\
         impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {\n    \
             weight_info!(T::DbWeight::get());\n\
         }\n\n\
         /// Weights for tests and runtimes that do not configure database weights: RocksDB \
         figures.\n\
         impl WeightInfo for () {\n    \
             weight_info!(RocksDbWeight::get());\n\
         }\n",
    );
    out
}

/// `n: u32, w: u32`; with `mark_unused`, components the weight does not depend on get a `_`.
fn params(benchmark: &Fitted, mark_unused: bool) -> String {
    benchmark
        .components
        .iter()
        .map(|c| {
            let prefix = if mark_unused && !c.used() { "_" } else { "" };
            format!("{prefix}{}: u32", c.name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The private function computing one benchmark's weight from the database weights.
fn weight_fn(benchmark: &Fitted) -> String {
    let mut out = String::new();
    for line in &benchmark.storage {
        let _ = writeln!(out, "/// {line}");
    }
    for c in &benchmark.components {
        let _ = writeln!(
            out,
            "/// The range of component `{}` is `[{}, {}]`.",
            c.name, c.low, c.high
        );
    }
    let used: Vec<&FittedComponent> = benchmark.components.iter().filter(|c| c.used()).collect();
    let params: String = used.iter().map(|c| format!(", {}: u32", c.name)).collect();
    let _ = writeln!(
        out,
        "fn {}(db: RuntimeDbWeight{params}) -> Weight {{\n    \
         // Minimum execution time: {} picoseconds.",
        benchmark.name,
        digits(benchmark.min_ref_time)
    );
    let mut terms = vec![format!(
        "cost(db, ({}, {}), {}, {})",
        digits(benchmark.ref_time),
        digits(benchmark.proof_size),
        benchmark.reads,
        benchmark.writes
    )];
    terms.extend(used.iter().map(|c| {
        format!(
            ".saturating_add(per(db, {}, ({}, {}), {}, {}))",
            c.name,
            digits(c.ref_time),
            digits(c.proof_size),
            c.reads,
            c.writes
        )
    }));
    // One line where it fits in rustfmt's 100 columns, else one call per line, as rustfmt would.
    let one_line = terms.concat();
    if one_line.len() <= 96 {
        let _ = writeln!(out, "    {one_line}\n}}");
    } else {
        let _ = writeln!(out, "    {}\n}}", terms.join("\n        "));
    }
    out
}

/// The UTC calendar date of `time`, as `YYYY-MM-DD`.
pub(super) fn utc_date(time: std::time::SystemTime) -> String {
    let days = time
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_secs() / 86_400)
        .unwrap_or(0);
    // Howard Hinnant's `civil_from_days`, for days since 1970-01-01.
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The CPU model, core count and memory of this machine, from `/proc` where it exists.
pub(super) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("MemTotal:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
        })
        .map(|kib| format!(", {:.0} GiB RAM", kib as f64 / 1_048_576.0))
        .unwrap_or_default();
    format!(
        "{cpu}, {cores} core{}{memory}, {}",
        if cores == 1 { "" } else { "s" },
        std::env::consts::OS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_digits() {
        let day = std::time::Duration::from_secs(86_400);
        assert_eq!(utc_date(std::time::UNIX_EPOCH), "1970-01-01");
        assert_eq!(utc_date(std::time::UNIX_EPOCH + day * 11_016), "2000-02-29");
        assert_eq!(utc_date(std::time::UNIX_EPOCH + day * 20_454), "2026-01-01");
        assert_eq!(digits(0), "0");
        assert_eq!(digits(1_000), "1_000");
        assert_eq!(digits(41_203_000), "41_203_000");
    }

    #[test]
    fn renders_a_trait_functions_and_both_impls() {
        let fitted = Fitted {
            pallet: b"pallet_x".to_vec(),
            name: "swap".into(),
            ref_time: 30_000_000,
            reads: 5,
            writes: 4,
            proof_size: 3_000,
            min_ref_time: 40_000_000,
            components: vec![
                FittedComponent {
                    name: "n".into(),
                    low: 2,
                    high: 3,
                    ref_time: 5_000_000,
                    reads: 3,
                    writes: 0,
                    proof_size: 0,
                },
                FittedComponent {
                    name: "m".into(),
                    low: 0,
                    high: 1,
                    ref_time: 0,
                    reads: 0,
                    writes: 0,
                    proof_size: 0,
                },
            ],
            storage: vec!["Storage: `X::Pools` (r:1 w:1)".into()],
            runs: 40,
        };
        let header = Header {
            command: "wcme-node benchmark pallet".into(),
            date: "2026-01-01".into(),
            machine: "test".into(),
            steps: 2,
            repeat: 20,
            runtime: "wcme".into(),
        };
        let text = render(b"pallet_x", &[&fitted], &header);
        assert!(
            text.contains("    fn swap(n: u32, m: u32) -> Weight;"),
            "{text}"
        );
        assert!(
            text.contains("fn swap(db: RuntimeDbWeight, n: u32) -> Weight {"),
            "{text}"
        );
        assert!(
            text.contains(
                "    cost(db, (30_000_000, 3_000), 5, 4).saturating_add(per(db, n, (5_000_000, 0), 3, 0))\n}"
            ),
            "{text}"
        );
        assert!(text.contains("fn per("), "{text}");
        assert!(
            text.contains(
                "        fn swap(n: u32, _m: u32) -> Weight {\n            swap($db, n)\n        }"
            ),
            "{text}"
        );
        assert!(text.contains("    weight_info!(T::DbWeight::get());"));
        assert!(text.contains("    weight_info!(RocksDbWeight::get());"));
        assert!(text.contains("/// Storage: `X::Pools` (r:1 w:1)"));
    }
}
