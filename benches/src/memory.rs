//! Pagination memory: a child process (this binary, re-run with a hidden subcommand) auto-paginates a list
//! of agents through the SDK and reports its peak resident memory (`VmHWM`), so each count is measured in a
//! fresh process.

use std::pin::Pin;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_core::Stream;
use serde::{Deserialize, Serialize};

use crate::harness::{self, CHILD_DEADLINE};
use crate::server::{agent_id, Server};
use crate::TOKEN;

/// The hidden subcommand the child runs.
pub const SUBCOMMAND: &str = "__paginate";
/// Items per page.
pub const PER_PAGE: u32 = 100;

/// What a child reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChildReport {
    /// `async` or `blocking`.
    pub client: String,
    /// Items the server holds.
    pub total: u64,
    /// Items the client received.
    pub items: u64,
    /// Peak resident memory before paginating (the client built, nothing sent), KiB.
    pub vm_hwm_before_kib: u64,
    /// Peak resident memory of the whole run, KiB.
    pub vm_hwm_kib: u64,
    /// Time to paginate, milliseconds.
    pub elapsed_ms: f64,
}

/// `VmHWM` of this process, KiB.
pub fn vm_hwm_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| format!("/proc/self/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".to_owned())
}

/// The child: `__paginate <async|blocking> <base_url> <total>`. Prints one JSON line.
pub fn child(args: &[String]) -> Result<(), String> {
    let [client, base_url, total] = args else {
        return Err(format!("usage: {SUBCOMMAND} <async|blocking> <base_url> <total>"));
    };
    let total: u64 = total.parse().map_err(|_| "total must be a number")?;
    let (items, before, elapsed) = match client.as_str() {
        "async" => paginate_async(base_url, total)?,
        "blocking" => paginate_blocking(base_url, total)?,
        other => return Err(format!("unknown client {other}")),
    };
    let report = ChildReport {
        client: client.clone(),
        total,
        items,
        vm_hwm_before_kib: before,
        vm_hwm_kib: vm_hwm_kib()?,
        elapsed_ms: elapsed.as_secs_f64() * 1e3,
    };
    println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    Ok(())
}

/// Checks the `n`th item (ids are distinct and in order) and that no more than `total` arrive.
fn check(n: u64, total: u64, agent: &talkover::agents::Agent) -> Result<(), String> {
    if n >= total {
        return Err(format!("more than {total} items"));
    }
    // Comparing every id costs a format per item; every 97th is enough to catch a repeated or lost page.
    if n.is_multiple_of(97) && agent.id.as_str() != agent_id(n) {
        return Err(format!("item {n} is {}", agent.id));
    }
    Ok(())
}

fn paginate_async(base_url: &str, total: u64) -> Result<(u64, u64, Duration), String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let client = talkover::Client::builder().token(TOKEN).base_url(base_url).build().map_err(|e| e.to_string())?;
    let before = vm_hwm_kib()?;
    let started = Instant::now();
    let items = runtime.block_on(async {
        let mut stream = client.agents().list().per_page(PER_PAGE).items();
        let mut n = 0;
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            check(n, total, &item.map_err(|e| e.to_string())?)?;
            n += 1;
        }
        Ok::<_, String>(n)
    })?;
    Ok((items, before, started.elapsed()))
}

fn paginate_blocking(base_url: &str, total: u64) -> Result<(u64, u64, Duration), String> {
    let client =
        talkover::blocking::Client::builder().token(TOKEN).base_url(base_url).build().map_err(|e| e.to_string())?;
    let before = vm_hwm_kib()?;
    let started = Instant::now();
    let mut n = 0;
    for item in client.agents().list().per_page(PER_PAGE).items() {
        check(n, total, &item.map_err(|e| e.to_string())?)?;
        n += 1;
    }
    Ok((n, before, started.elapsed()))
}

/// Runs one child against `server` and reads its report.
pub fn run_child(server: &Server, client: &str, total: u64) -> Result<ChildReport, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let mut child = Command::new(exe)
        .args([SUBCOMMAND, client, &server.paged_base_url(total), &total.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the child: {e}"))?;
    let Some(status) = harness::wait_child(&mut child, Duration::from_millis(5))? else {
        return Err(format!("the {client} child paginating {total} items ran past {CHILD_DEADLINE:?}"));
    };
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        std::io::Read::read_to_string(&mut out, &mut stdout).map_err(|e| e.to_string())?;
    }
    if !status.success() {
        return Err(format!("the {client} child paginating {total} items failed ({status})"));
    }
    let report: ChildReport = serde_json::from_str(stdout.trim()).map_err(|e| format!("child report: {e}"))?;
    if report.items != total {
        return Err(format!("the {client} child received {} of {total} items", report.items));
    }
    Ok(report)
}
