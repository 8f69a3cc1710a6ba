//! `talkover-bench`: measures the Talkover SDK against hand-written reqwest and ureq code over loopback
//! HTTP, in one run, and writes `target/bench/report.json`.
//!
//! ```text
//! cargo run --release -p talkover-bench            # the full benchmark (a few minutes)
//! cargo run -p talkover-bench -- --quick           # a smoke run of every part (seconds)
//! ```
//!
//! Absolute times on a shared machine are noise; the results are ratios of contenders measured in the
//! same run, alternating run by run, reported as the median and spread of the ratios per block of rounds
//! (each block runs every contender in every position once).
#![warn(missing_docs)]

mod compile;
mod decode;
mod hand;
mod harness;
mod instructions;
mod memory;
mod report;
mod request_build;
mod requests;
mod server;
mod weight;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: harness::Counting = harness::Counting;

/// The token every client sends (the loopback server does not check it).
pub const TOKEN: &str = "talq_benchmark_token";

const USAGE: &str = "usage: talkover-bench [--quick] [--only PART] [--no-pin] [--out FILE]

  --quick      a smoke run of every part, with tiny counts (seconds; figures are not meaningful)
  --only PART  run one part: async, blocking, instructions, decode, build, pagination, weight or compile
               (the others are reported empty; compile, the clean build time of talkover-core, is left
               out of a --quick run unless asked for this way)
  --no-pin     leave threads where the scheduler puts them (by default the client and the loopback
               server share one CPU, which makes the request figures repeatable)
  --out FILE   where to write the JSON report (default: <target>/bench/report.json, report-quick.json
               for --quick)";

/// The parts of a run, as `--only` names them.
const PARTS: [&str; 8] = ["async", "blocking", "instructions", "decode", "build", "pagination", "weight", "compile"];

/// How much work each part does.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Whether this is the smoke run.
    pub quick: bool,
    /// The one part to run, if not all.
    pub only: Option<String>,
    /// Whether to pin the process to one CPU.
    pub pin: bool,
    /// Rounds (runs of each contender) of the request and request-build comparisons.
    pub rounds: usize,
    /// Wall time aimed at for one run of requests.
    pub run_target: Duration,
    /// Requests per run and thread at least.
    pub min_ops_per_thread: u64,
    /// Requests of a calibration run.
    pub calibration_ops: u64,
    /// Size of the decoded page, bytes.
    pub decode_bytes: usize,
    /// Rounds of the decode comparison (one decode per run).
    pub decode_rounds: usize,
    /// Wall time aimed at for one run of request builds.
    pub build_run_target: Duration,
    /// Request builds per run at most.
    pub build_ops_max: u64,
    /// The list lengths paginated, the first a one-page baseline.
    pub pagination_totals: [u64; 3],
    /// Rounds of the callgrind counts (0: skipped unless asked for with `--only instructions`).
    pub instruction_rounds: usize,
    /// Requests per callgrind count.
    pub instruction_requests: u64,
    /// Timed clean builds of talkover-core per profile (0: skipped unless asked for with `--only compile`).
    pub compile_runs: usize,
}

impl Settings {
    fn full() -> Self {
        Self {
            quick: false,
            only: None,
            pin: true,
            rounds: 60,
            run_target: Duration::from_millis(40),
            min_ops_per_thread: 2,
            calibration_ops: 256,
            decode_bytes: 5_000_000,
            decode_rounds: 42,
            build_run_target: Duration::from_millis(10),
            build_ops_max: 1_000_000,
            pagination_totals: [100, 10_000, 100_000],
            instruction_rounds: 3,
            instruction_requests: 1000,
            compile_runs: 2,
        }
    }

    fn quick() -> Self {
        Self {
            quick: true,
            only: None,
            pin: true,
            rounds: 4,
            run_target: Duration::from_millis(2),
            min_ops_per_thread: 1,
            calibration_ops: 64,
            decode_bytes: 100_000,
            decode_rounds: 3,
            build_run_target: Duration::from_millis(1),
            build_ops_max: 200,
            pagination_totals: [100, 1_000, 3_000],
            instruction_rounds: 0,
            instruction_requests: 20,
            compile_runs: 0,
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `<target>/bench/report.json`, or `report-quick.json` for a smoke run, which must not overwrite a full report.
fn default_report_path(quick: bool) -> PathBuf {
    let target = target_dir();
    target.join("bench").join(if quick { "report-quick.json" } else { "report.json" })
}

/// The workspace's target directory.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some(memory::SUBCOMMAND) => memory::child(&args[1..]),
        Some(requests::PROFILE_SUBCOMMAND) => requests::profile(&args[1..]),
        _ => parse(&args).and_then(|(settings, out)| run(&settings, &out)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talkover-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<(Settings, PathBuf), String> {
    let mut settings = Settings::full();
    let mut out = None;
    let mut only = None;
    let mut pin = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => settings = Settings::quick(),
            "--no-pin" => pin = false,
            "--only" => match args.next() {
                Some(part) if PARTS.contains(&part.as_str()) => only = Some(part.clone()),
                _ => return Err(format!("--only takes one of {}", PARTS.join(", "))),
            },
            "--out" => out = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if settings.quick && only.as_deref() == Some("instructions") {
        settings.instruction_rounds = 1;
    }
    if settings.quick && only.as_deref() == Some("compile") {
        settings.compile_runs = 1;
    }
    let out = out.unwrap_or_else(|| default_report_path(settings.quick));
    settings.only = only;
    settings.pin = pin;
    Ok((settings, out))
}

impl Settings {
    /// Whether `part` is to run.
    fn runs(&self, part: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == part)
    }
}

fn step(name: &str) -> Instant {
    eprintln!("talkover-bench: {name}…");
    Instant::now()
}

fn run(settings: &Settings, out: &Path) -> Result<(), String> {
    let started = Instant::now();
    if cfg!(debug_assertions) && !settings.quick {
        eprintln!("talkover-bench: warning: a debug build; run with --release for meaningful figures");
    }
    // Before any thread starts, so that all inherit it.
    let pinned_cpu = if settings.pin { harness::pin_to_one_cpu() } else { None };
    let documented = server::Documented::load()?;
    let server = server::Server::start(server::Documented::load()?).map_err(|e| format!("server: {e}"))?;

    let mut requests = Vec::new();
    if settings.runs("async") {
        let t = step("request overhead, async (talkover::Client vs reqwest)");
        requests.extend(requests::async_overhead(settings, &server)?);
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }
    if settings.runs("blocking") {
        let t = step("request overhead, blocking (talkover::blocking::Client vs ureq)");
        requests.extend(requests::blocking_overhead(settings, &server)?);
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut instructions = Err("skipped".to_owned());
    if settings.runs("instructions") && settings.instruction_rounds > 0 {
        if instructions::valgrind_available() {
            let t = step("instructions per request (callgrind)");
            instructions = Ok(instructions::instructions(settings)?);
            eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
        } else {
            instructions = Err("valgrind is not installed".to_owned());
        }
    }
    let mut decode = None;
    if settings.runs("decode") {
        let t = step("decode");
        decode = Some(decode::decode(settings, &documented)?);
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut build = Vec::new();
    if settings.runs("build") {
        let t = step("request build");
        build = request_build::request_build(settings)?;
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut pagination = Vec::new();
    if settings.runs("pagination") {
        let t = step("pagination memory (child processes)");
        for client in ["async", "blocking"] {
            for total in settings.pagination_totals {
                pagination.push(memory::run_child(&server, client, total)?);
            }
        }
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }
    drop(server);
    let mut weight = Err(report::NOT_RUN.to_owned());
    if settings.runs("weight") {
        let t = step("weight (cargo tree)");
        weight = weight::weight(&workspace_root());
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut compile = Err(report::NOT_RUN.to_owned());
    if settings.runs("compile") && settings.compile_runs > 0 {
        let t = step("compile time of talkover-core (clean builds of the crate, release and debug)");
        // The builds use every core the machine gives, as a user's build does.
        harness::unpin();
        compile = compile::compile_time(&workspace_root(), &target_dir(), settings.compile_runs);
        eprintln!("  {:.1} s", t.elapsed().as_secs_f64());
    }

    let measured = report::Measured {
        pinned_cpu,
        requests,
        instructions,
        decode,
        build,
        pagination,
        weight,
        compile,
        elapsed: started.elapsed(),
    };
    let report = report::Report::new(settings, measured);
    print!("{}", report.table());
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(out, json + "\n").map_err(|e| format!("{}: {e}", out.display()))?;
    println!("report: {}", out.display());
    Ok(())
}
