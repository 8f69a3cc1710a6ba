//! The report: every figure, as JSON and as a table for the terminal.

use std::fmt::Write;
use std::time::Duration;

use serde::Serialize;

use crate::compile::CompileTime;
use crate::decode::DecodeResult;
use crate::harness::{Sample, Spread};
use crate::instructions::InstructionRow;
use crate::memory::ChildReport;
use crate::request_build::BuildResult;
use crate::requests::Comparison;
use crate::weight::Weight;
use crate::Settings;

/// Goal of the request-overhead ratios (SDK / hand-written wall time).
pub const REQUEST_GOAL: f64 = 1.05;
/// Goal of the decode ratio (SDK / `serde_json::Value`).
pub const DECODE_GOAL: f64 = 1.0;
/// Goal of the pagination peaks (largest / smallest list, minus one, in percent).
pub const PAGINATION_GOAL_PERCENT: f64 = 10.0;

/// The whole report.
#[derive(Serialize)]
pub struct Report {
    /// `full` or `quick`.
    pub mode: &'static str,
    /// `release` or `debug`.
    pub profile: &'static str,
    /// When the run ended (UTC, RFC 3339).
    pub date: String,
    /// The machine.
    pub machine: Machine,
    /// The CPU the benchmark (client and loopback server) was pinned to, if it was.
    pub pinned_cpu: Option<usize>,
    /// Seconds the whole run took (the build excluded).
    pub elapsed_s: f64,
    /// Request overhead, async then blocking.
    pub requests: Vec<RequestRow>,
    /// Instructions per request counted by callgrind, or why they were not.
    pub instructions: Result<Vec<InstructionRow>, String>,
    /// Decode of one large page (absent when the part did not run).
    pub decode: Option<DecodeRow>,
    /// Request build.
    pub build: Vec<BuildRow>,
    /// Pagination memory.
    pub pagination: Pagination,
    /// Dependency trees, or why they could not be read.
    pub weight: Result<Weight, String>,
    /// Clean build times of talkover-core, or why there are none.
    pub compile: Result<CompileTime, String>,
    /// Every goal, met or not.
    pub goals: Vec<Goal>,
}

/// The machine the run was on.
#[derive(Serialize)]
pub struct Machine {
    /// Logical CPUs of the machine.
    pub cores: usize,
    /// Total memory, KiB.
    pub memory_kib: Option<u64>,
    /// The CPU model.
    pub cpu: Option<String>,
    /// The kernel release.
    pub kernel: Option<String>,
}

/// One request-overhead comparison.
#[derive(Serialize)]
pub struct RequestRow {
    /// `async` or `blocking`.
    pub transport: &'static str,
    /// The operation id.
    pub operation: &'static str,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests per run.
    pub ops_per_run: u64,
    /// Rounds (runs of each contender).
    pub rounds: usize,
    /// The SDK's wall time per request, median of runs, µs.
    pub sdk_us_per_request: f64,
    /// The hand-written code's wall time per request, median of runs, µs.
    pub hand_us_per_request: f64,
    /// SDK / hand-written wall time per request, per block of two rounds (see `Spread::of_ratios`).
    pub wall_ratio: Spread,
    /// SDK / hand-written CPU time of the client threads per request, per block of two rounds.
    pub cpu_ratio: Option<Spread>,
    /// The SDK's client CPU time per request, median, µs.
    pub sdk_cpu_us_per_request: Option<f64>,
    /// The hand-written code's client CPU time per request, median, µs.
    pub hand_cpu_us_per_request: Option<f64>,
    /// The SDK's allocations per request (client threads), median.
    pub sdk_allocations_per_request: f64,
    /// The hand-written code's allocations per request, median.
    pub hand_allocations_per_request: f64,
    /// Bytes of future one SDK request in flight holds (async: the caller's future and the boxed call).
    pub sdk_future_bytes: Option<usize>,
    /// Bytes of future one hand-written request in flight holds (async).
    pub hand_future_bytes: Option<usize>,
    /// The SDK's wall time per request of each round, ns (round order; even rounds ran the SDK first).
    pub sdk_wall_ns: Vec<f64>,
    /// The hand-written code's wall time per request of each round, ns.
    pub hand_wall_ns: Vec<f64>,
    /// Connections the server accepted during the SDK's measured runs (0 when the pool kept them all).
    pub sdk_new_connections: u64,
    /// Connections the server accepted during the hand-written code's measured runs.
    pub hand_new_connections: u64,
    /// The goal on the median wall ratio.
    pub goal: f64,
    /// Whether the median wall ratio meets the goal.
    pub met: bool,
}

/// The decode comparison.
#[derive(Serialize)]
pub struct DecodeRow {
    /// Bytes of the page.
    pub bytes: usize,
    /// Agents on the page.
    pub items: u64,
    /// Rounds.
    pub rounds: usize,
    /// `decode_response::<ListAgents>`, median, ms.
    pub sdk_ms: f64,
    /// `serde_json::from_slice::<Value>`, median, ms.
    pub value_ms: f64,
    /// Hand-written structs, median, ms.
    pub hand_ms: f64,
    /// The SDK's throughput, MB/s (10^6 bytes).
    pub sdk_mb_per_s: f64,
    /// SDK / `Value`, per block of three rounds.
    pub sdk_over_value: Spread,
    /// SDK / hand-written structs, per block of three rounds.
    pub sdk_over_hand: Spread,
    /// Allocations of one decode: SDK, `Value`, hand-written.
    pub allocations: [f64; 3],
    /// The goal on the median of `sdk_over_value`.
    pub goal: f64,
    /// Whether it is met.
    pub met: bool,
}

/// One request-build comparison.
#[derive(Serialize)]
pub struct BuildRow {
    /// The operation.
    pub operation: &'static str,
    /// Bytes of the JSON body.
    pub body_bytes: usize,
    /// Requests built per run.
    pub ops_per_run: u64,
    /// `build_request`, ns per request, per run.
    pub sdk_ns: Spread,
    /// Hand-built, ns per request, per run.
    pub hand_ns: Spread,
    /// SDK / hand-built, per block of two rounds.
    pub ratio: Spread,
    /// Allocations per request: SDK, hand-built.
    pub allocations: [f64; 2],
}

/// Pagination memory.
#[derive(Serialize)]
pub struct Pagination {
    /// Items per page.
    pub per_page: u32,
    /// Each child's report.
    pub runs: Vec<ChildReport>,
    /// Per client, the two largest lists' peaks compared.
    pub comparisons: Vec<PeakComparison>,
}

/// The peaks of one client paginating the two largest lists.
#[derive(Serialize)]
pub struct PeakComparison {
    /// `async` or `blocking`.
    pub client: String,
    /// The smaller list and its peak, KiB.
    pub small: (u64, u64),
    /// The larger list and its peak, KiB.
    pub large: (u64, u64),
    /// (large − small) / small, percent.
    pub difference_percent: f64,
    /// The goal, percent.
    pub goal_percent: f64,
    /// Whether it is met.
    pub met: bool,
}

/// One goal of the issue.
#[derive(Serialize)]
pub struct Goal {
    /// What is measured.
    pub what: String,
    /// The figure.
    pub value: f64,
    /// The limit.
    pub limit: f64,
    /// Whether the figure is within the limit.
    pub met: bool,
}

fn median(samples: &[Sample], figure: impl Fn(&Sample) -> f64) -> f64 {
    Spread::of(samples.iter().map(figure)).median
}

fn median_opt(samples: &[Sample], figure: impl Fn(&Sample) -> Option<f64>) -> Option<f64> {
    let values: Option<Vec<f64>> = samples.iter().map(figure).collect();
    values.filter(|v| !v.is_empty()).map(|v| Spread::of(v).median)
}

/// What the parts of a run measured, before it is summarized.
pub struct Measured {
    /// The CPU the run was pinned to, if it was.
    pub pinned_cpu: Option<usize>,
    /// Request overhead comparisons.
    pub requests: Vec<Comparison>,
    /// Callgrind counts, or why there are none.
    pub instructions: Result<Vec<InstructionRow>, String>,
    /// The decode comparison, if it ran.
    pub decode: Option<DecodeResult>,
    /// Request-build comparisons.
    pub build: Vec<BuildResult>,
    /// Pagination children's reports.
    pub pagination: Vec<ChildReport>,
    /// Dependency trees, or why there are none.
    pub weight: Result<Weight, String>,
    /// Clean build times of talkover-core, or why there are none.
    pub compile: Result<CompileTime, String>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl Report {
    /// Gathers the figures.
    pub fn new(settings: &Settings, measured: Measured) -> Self {
        let Measured { pinned_cpu, requests, instructions, decode, build, pagination, weight, compile, elapsed } =
            measured;
        let requests: Vec<RequestRow> = requests.iter().map(|c| request_row(settings, c)).collect();
        let decode = decode.as_ref().map(|d| decode_row(settings, d));
        let build = build.iter().map(build_row).collect();
        let pagination = pagination_summary(&pagination);
        let mut goals = Vec::new();
        for r in &requests {
            goals.push(Goal {
                what: format!("{} {} c{}: SDK / hand-written", r.transport, r.operation, r.concurrency),
                value: r.wall_ratio.median,
                limit: r.goal,
                met: r.met,
            });
        }
        for r in instructions.iter().flatten() {
            goals.push(Goal {
                what: format!("{} {} c1: SDK / hand-written, instructions", r.transport, r.operation),
                value: r.ratio.median,
                limit: REQUEST_GOAL,
                met: r.ratio.median <= REQUEST_GOAL,
            });
        }
        if let Some(decode) = &decode {
            goals.push(Goal {
                what: "decode: SDK / serde_json::Value".into(),
                value: decode.sdk_over_value.median,
                limit: decode.goal,
                met: decode.met,
            });
        }
        for p in &pagination.comparisons {
            goals.push(Goal {
                what: format!("pagination {}: peak {} vs {} items, % difference", p.client, p.large.0, p.small.0),
                value: p.difference_percent,
                limit: p.goal_percent,
                met: p.met,
            });
        }
        if let Ok(w) = &weight {
            goals.push(Goal {
                what: "ureq-only tree: crates among tokio, hyper, reqwest".into(),
                value: if w.ureq_tree_is_clean { 0.0 } else { 1.0 },
                limit: 0.0,
                met: w.ureq_tree_is_clean,
            });
        }
        for p in compile.iter().flat_map(|c| &c.profiles) {
            if let Some(limit) = p.goal_s {
                goals.push(Goal {
                    what: format!("clean {} build of talkover-core alone, fastest run, s", p.label()),
                    value: p.min(),
                    limit,
                    met: p.min() <= limit,
                });
            }
        }
        Self {
            mode: if settings.quick { "quick" } else { "full" },
            profile: if cfg!(debug_assertions) { "debug" } else { "release" },
            date: utc_now(),
            machine: machine(),
            pinned_cpu,
            elapsed_s: elapsed.as_secs_f64(),
            requests,
            instructions,
            decode,
            build,
            pagination,
            weight,
            compile,
            goals,
        }
    }

    /// The report as a table for the terminal.
    pub fn table(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "\ntalkover-bench ({} run, {} build) {}  {} cores, {} MiB",
            self.mode,
            self.profile,
            self.date,
            self.machine.cores,
            self.machine.memory_kib.unwrap_or(0) / 1024
        );
        match self.pinned_cpu {
            Some(cpu) => {
                let _ = writeln!(t, "client and loopback server pinned to CPU {cpu}");
            }
            None => {
                let _ = writeln!(t, "not pinned: threads go where the scheduler puts them");
            }
        }
        if self.mode == "quick" || self.profile == "debug" {
            let _ = writeln!(t, "(a smoke run: the figures below are not meaningful)");
        }
        if !self.requests.is_empty() {
            self.requests_table(&mut t);
        }
        match &self.instructions {
            Ok(rows) => instructions_table(&mut t, rows),
            Err(e) if e == "skipped" => {}
            Err(e) => {
                let _ = writeln!(t, "\nInstructions per request: not counted ({e})");
            }
        }
        if let Some(d) = &self.decode {
            decode_table(&mut t, d);
        }
        if !self.build.is_empty() {
            self.build_table(&mut t);
        }
        if !self.pagination.runs.is_empty() {
            self.pagination_table(&mut t);
        }
        match &self.weight {
            Ok(w) => weight_table(&mut t, w),
            Err(e) if e == NOT_RUN => {}
            Err(e) => {
                let _ = writeln!(t, "\nWeight: could not read the trees: {e}");
            }
        }
        match &self.compile {
            Ok(c) => compile_table(&mut t, c),
            Err(e) if e == NOT_RUN => {}
            Err(e) => {
                let _ = writeln!(t, "\nCompile time: could not build talkover-core: {e}");
            }
        }
        if self.mode == "quick" {
            let _ = writeln!(t, "\nGoals: not judged on a smoke run");
        } else {
            let met = self.goals.iter().filter(|g| g.met).count();
            let _ = writeln!(t, "\nGoals met: {met} of {}", self.goals.len());
            for g in self.goals.iter().filter(|g| !g.met) {
                let _ = writeln!(t, "  missed: {} = {:.3} (limit {})", g.what, g.value, g.limit);
            }
        }
        let _ = writeln!(t, "({:.0} s)", self.elapsed_s);
        t
    }

    fn requests_table(&self, t: &mut String) {
        let _ =
            writeln!(t, "\nRequest overhead: SDK / hand-written, median [p25–p75] (min–max) over blocks of two rounds");
        let _ = writeln!(
            t,
            "{:<9} {:<12} {:>4} {:>9} {:>9}  {:<34} {:<22} {:>11} {:>11}  goal",
            "client",
            "operation",
            "conc",
            "sdk µs",
            "hand µs",
            "wall ratio",
            "client-CPU ratio",
            "allocs s/h",
            "new conn"
        );
        for r in &self.requests {
            let _ = writeln!(
                t,
                "{:<9} {:<12} {:>4} {:>9.1} {:>9.1}  {:<34} {:<22} {:>5.0}/{:<5.0} {:>5}/{:<5}  {}",
                r.transport,
                r.operation,
                r.concurrency,
                r.sdk_us_per_request,
                r.hand_us_per_request,
                spread(&r.wall_ratio, true),
                r.cpu_ratio.as_ref().map(|s| spread(s, false)).unwrap_or_else(|| "n/a".into()),
                r.sdk_allocations_per_request,
                r.hand_allocations_per_request,
                r.sdk_new_connections,
                r.hand_new_connections,
                verdict(r.met, r.wall_ratio.median, r.goal),
            );
        }
        let sizes: Vec<String> = self
            .requests
            .iter()
            .filter(|r| r.concurrency == 1)
            .filter_map(|r| Some(format!("{} {} / {} B", r.operation, r.sdk_future_bytes?, r.hand_future_bytes?)))
            .collect();
        if !sizes.is_empty() {
            let _ = writeln!(t, "Future held per async request in flight, SDK / hand-written: {}", sizes.join(", "));
        }
    }

    fn build_table(&self, t: &mut String) {
        let _ = writeln!(t, "\nRequest build: ns per request, median [p25–p75]; allocations per request");
        let _ = writeln!(
            t,
            "{:<28} {:>6} {:<26} {:<26} {:<16} {:>9}",
            "operation", "body B", "SDK build_request", "hand-built", "ratio", "allocs s/h"
        );
        for b in &self.build {
            let _ = writeln!(
                t,
                "{:<28} {:>6} {:<26} {:<26} {:<16} {:>4.0}/{:<4.0}",
                b.operation,
                b.body_bytes,
                format!("{:.0} [{:.0}–{:.0}]", b.sdk_ns.median, b.sdk_ns.p25, b.sdk_ns.p75),
                format!("{:.0} [{:.0}–{:.0}]", b.hand_ns.median, b.hand_ns.p25, b.hand_ns.p75),
                format!("{:.2} [{:.2}–{:.2}]", b.ratio.median, b.ratio.p25, b.ratio.p75),
                b.allocations[0],
                b.allocations[1],
            );
        }
    }

    fn pagination_table(&self, t: &mut String) {
        let _ = writeln!(
            t,
            "\nPagination memory: peak RSS (VmHWM) of a child paginating, {} per page",
            self.pagination.per_page
        );
        for r in &self.pagination.runs {
            let _ = writeln!(
                t,
                "  {:<9} {:>7} items  peak {:>7} KiB (before paginating {:>7} KiB)  {:>8.0} ms",
                r.client, r.total, r.vm_hwm_kib, r.vm_hwm_before_kib, r.elapsed_ms
            );
        }
        for p in &self.pagination.comparisons {
            let _ = writeln!(
                t,
                "  {:<9} {} vs {} items: {:+.1} %  {}",
                p.client,
                p.large.0,
                p.small.0,
                p.difference_percent,
                verdict(p.met, p.difference_percent.abs(), p.goal_percent)
            );
        }
    }
}

/// What `weight` holds when the part did not run.
pub const NOT_RUN: &str = "not run";

fn decode_table(t: &mut String, d: &DecodeRow) {
    let _ = writeln!(
        t,
        "\nDecode: list-agents page of {:.2} MB ({} agents), median of {} rounds",
        d.bytes as f64 / 1e6,
        d.items,
        d.rounds
    );
    let _ = writeln!(
        t,
        "  SDK (decode_response::<ListAgents>)  {:>8.2} ms  {:>6.0} MB/s  {:>7.0} allocations",
        d.sdk_ms, d.sdk_mb_per_s, d.allocations[0]
    );
    let _ = writeln!(
        t,
        "  serde_json::Value                    {:>8.2} ms  {:>19.0} allocations",
        d.value_ms, d.allocations[1]
    );
    let _ = writeln!(
        t,
        "  hand-written structs                 {:>8.2} ms  {:>19.0} allocations",
        d.hand_ms, d.allocations[2]
    );
    let _ = writeln!(
        t,
        "  SDK / Value  {}  {}\n  SDK / hand   {}",
        spread(&d.sdk_over_value, true),
        verdict(d.met, d.sdk_over_value.median, d.goal),
        spread(&d.sdk_over_hand, true)
    );
}

fn instructions_table(t: &mut String, rows: &[InstructionRow]) {
    let _ = writeln!(t, "\nInstructions per request (callgrind, client threads only, concurrency 1), median of rounds");
    let _ =
        writeln!(t, "{:<9} {:<12} {:>10} {:>10}  {:<26} goal", "client", "operation", "sdk", "hand", "ratio [min–max]");
    for r in rows {
        let median = |v: &[f64]| Spread::of(v.iter().copied()).median;
        let _ = writeln!(
            t,
            "{:<9} {:<12} {:>10.0} {:>10.0}  {:<26} {}",
            r.transport,
            r.operation,
            median(&r.sdk),
            median(&r.hand),
            format!("{:.3} [{:.3}–{:.3}]", r.ratio.median, r.ratio.min, r.ratio.max),
            verdict(r.ratio.median <= REQUEST_GOAL, r.ratio.median, REQUEST_GOAL)
        );
    }
}

fn weight_table(t: &mut String, w: &Weight) {
    let _ = writeln!(t, "\nWeight: distinct crates in `cargo tree -p talkover -e normal`");
    for tree in &w.trees {
        let found = if tree.tokio_or_hyper.is_empty() { "none".to_owned() } else { tree.tokio_or_hyper.join(", ") };
        let _ = writeln!(t, "  {:<20} {:>4} crates   tokio/hyper/reqwest: {found}", tree.features, tree.crates);
    }
    let clean = if w.ureq_tree_is_clean { "yes" } else { "NO" };
    let _ = writeln!(t, "  ureq-only tree free of tokio, hyper, reqwest: {clean}");
}

fn compile_table(t: &mut String, c: &CompileTime) {
    let _ = writeln!(t, "\nCompile time: clean build of talkover-core alone (dependencies built), seconds");
    for p in &c.profiles {
        let runs: Vec<String> = p.seconds.iter().map(|s| format!("{s:.1}")).collect();
        let judged = match p.goal_s {
            Some(goal) => verdict(p.min() <= goal, p.min(), goal),
            None => "(no goal)".to_owned(),
        };
        let _ = writeln!(
            t,
            "  {:<30} fastest {:>6.1}  (range {:.1}–{:.1}; runs: {})  {judged}",
            p.label(),
            p.min(),
            p.min(),
            p.max(),
            runs.join(", "),
        );
    }
}

fn spread(s: &Spread, extremes: bool) -> String {
    if extremes {
        format!("{:.3} [{:.3}–{:.3}] ({:.2}–{:.2})", s.median, s.p25, s.p75, s.min, s.max)
    } else {
        format!("{:.3} [{:.3}–{:.3}]", s.median, s.p25, s.p75)
    }
}

fn verdict(met: bool, value: f64, goal: f64) -> String {
    if met {
        format!("≤ {goal} met")
    } else {
        format!("≤ {goal} MISSED by {:.1} %", (value / goal - 1.0) * 100.0)
    }
}

fn request_row(settings: &Settings, c: &Comparison) -> RequestRow {
    let wall_ratio = Spread::of_ratios(&c.sdk, &c.hand, 2, |s| Some(s.wall_per_op())).unwrap_or(Spread::of([]));
    let us = |s: &Sample| s.wall_per_op() / 1e3;
    RequestRow {
        transport: c.transport,
        operation: c.op.id(),
        concurrency: c.concurrency,
        ops_per_run: c.ops_per_run,
        rounds: settings.rounds,
        sdk_us_per_request: median(&c.sdk, us),
        hand_us_per_request: median(&c.hand, us),
        cpu_ratio: Spread::of_ratios(&c.sdk, &c.hand, 2, Sample::cpu_per_op),
        sdk_cpu_us_per_request: median_opt(&c.sdk, |s| s.cpu_per_op().map(|ns| ns / 1e3)),
        hand_cpu_us_per_request: median_opt(&c.hand, |s| s.cpu_per_op().map(|ns| ns / 1e3)),
        sdk_allocations_per_request: median(&c.sdk, Sample::allocations_per_op),
        hand_allocations_per_request: median(&c.hand, Sample::allocations_per_op),
        sdk_future_bytes: c.future_bytes.map(|(sdk, _)| sdk),
        hand_future_bytes: c.future_bytes.map(|(_, hand)| hand),
        sdk_wall_ns: c.sdk.iter().map(Sample::wall_per_op).collect(),
        hand_wall_ns: c.hand.iter().map(Sample::wall_per_op).collect(),
        sdk_new_connections: c.sdk.iter().map(|s| s.connections).sum(),
        hand_new_connections: c.hand.iter().map(|s| s.connections).sum(),
        goal: REQUEST_GOAL,
        met: wall_ratio.median <= REQUEST_GOAL,
        wall_ratio,
    }
}

fn decode_row(settings: &Settings, d: &DecodeResult) -> DecodeRow {
    let ms = |s: &Sample| s.wall.as_secs_f64() * 1e3;
    let wall = |s: &Sample| Some(s.wall_per_op());
    let sdk_over_value = Spread::of_ratios(&d.sdk, &d.value, 3, wall).unwrap_or(Spread::of([]));
    let sdk_ms = median(&d.sdk, ms);
    DecodeRow {
        bytes: d.bytes,
        items: d.items,
        rounds: settings.decode_rounds,
        sdk_ms,
        value_ms: median(&d.value, ms),
        hand_ms: median(&d.hand, ms),
        sdk_mb_per_s: d.bytes as f64 / 1e6 / (sdk_ms / 1e3),
        sdk_over_hand: Spread::of_ratios(&d.sdk, &d.hand, 3, wall).unwrap_or(Spread::of([])),
        allocations: [
            median(&d.sdk, Sample::allocations_per_op),
            median(&d.value, Sample::allocations_per_op),
            median(&d.hand, Sample::allocations_per_op),
        ],
        goal: DECODE_GOAL,
        met: sdk_over_value.median <= DECODE_GOAL,
        sdk_over_value,
    }
}

fn build_row(b: &BuildResult) -> BuildRow {
    BuildRow {
        operation: b.operation,
        body_bytes: b.body_bytes,
        ops_per_run: b.ops_per_run,
        sdk_ns: Spread::of(b.sdk.iter().map(Sample::wall_per_op)),
        hand_ns: Spread::of(b.hand.iter().map(Sample::wall_per_op)),
        ratio: Spread::of_ratios(&b.sdk, &b.hand, 2, |s| Some(s.wall_per_op())).unwrap_or(Spread::of([])),
        allocations: [median(&b.sdk, Sample::allocations_per_op), median(&b.hand, Sample::allocations_per_op)],
    }
}

fn pagination_summary(runs: &[ChildReport]) -> Pagination {
    let mut comparisons = Vec::new();
    for client in ["async", "blocking"] {
        let mut mine: Vec<&ChildReport> = runs.iter().filter(|r| r.client == client).collect();
        mine.sort_by_key(|r| r.total);
        if let [.., small, large] = mine.as_slice() {
            let difference_percent = (large.vm_hwm_kib as f64 / small.vm_hwm_kib as f64 - 1.0) * 100.0;
            comparisons.push(PeakComparison {
                client: client.to_owned(),
                small: (small.total, small.vm_hwm_kib),
                large: (large.total, large.vm_hwm_kib),
                difference_percent,
                goal_percent: PAGINATION_GOAL_PERCENT,
                met: difference_percent.abs() <= PAGINATION_GOAL_PERCENT,
            });
        }
    }
    Pagination { per_page: crate::memory::PER_PAGE, runs: runs.to_vec(), comparisons }
}

fn machine() -> Machine {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    Machine {
        // Counted from /proc/cpuinfo: the process may be pinned to one of them by now.
        cores: read("/proc/cpuinfo")
            .map(|c| c.lines().filter(|l| l.starts_with("processor")).count())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
        memory_kib: read("/proc/meminfo").and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        }),
        cpu: read("/proc/cpuinfo").and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name").and_then(|v| v.split_once(':')).map(|(_, v)| v.trim().to_owned())
            })
        }),
        kernel: read("/proc/sys/kernel/osrelease").map(|k| k.trim().to_owned()),
    }
}

/// The current time, UTC, RFC 3339 to the second.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_rfc3339() {
        let now = super::utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20"), "{now}");
    }
}
