//! Instructions per request, counted by callgrind: the same comparisons as the request-overhead part at
//! concurrency 1, in a figure that does not depend on what else the machine is doing (it varies by a
//! percent or two with the allocator's state).
//!
//! Each count is one child process (this binary's `__requests` subcommand) under
//! `valgrind --tool=callgrind`, collecting only the client's calls (`--toggle-collect`); skipped when
//! valgrind is not installed.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Serialize;

use crate::harness::{self, Spread, CHILD_DEADLINE};
use crate::requests::PROFILE_SUBCOMMAND;
use crate::Settings;

/// One comparison in instructions.
#[derive(Clone, Debug, Serialize)]
pub struct InstructionRow {
    /// `async` or `blocking`.
    pub transport: &'static str,
    /// The operation id.
    pub operation: &'static str,
    /// Requests counted per child.
    pub requests: u64,
    /// The SDK's instructions per request, one figure per round.
    pub sdk: Vec<f64>,
    /// The hand-written code's instructions per request, one figure per round.
    pub hand: Vec<f64>,
    /// SDK / hand-written, per round.
    pub ratio: Spread,
}

/// Whether `valgrind` can be run.
pub fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Counts the client's instructions for `requests` requests of one contender.
fn count(transport: &str, operation: &str, who: &str, requests: u64) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let mut child = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--collect-atstart=no",
            "--toggle-collect=*measured_requests*",
        ])
        .arg(exe)
        .args([PROFILE_SUBCOMMAND, transport, operation, who, &requests.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start valgrind: {e}"))?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    // Read stderr on a thread so a chatty child cannot fill the pipe and stall.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let Some(status) = harness::wait_child(&mut child, Duration::from_millis(20))? else {
        return Err(format!("callgrind on {transport} {operation} {who} ran past {CHILD_DEADLINE:?}"));
    };
    let text = reader.join().map_err(|_| "stderr reader panicked")?;
    if !status.success() {
        return Err(format!("callgrind on {transport} {operation} {who} failed ({status}): {}", text.trim()));
    }
    let collected = text
        .lines()
        .find_map(|line| line.split_once("Collected :").map(|(_, n)| n.trim().to_owned()))
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| format!("no instruction count in callgrind's output: {}", text.trim()))?;
    Ok(collected as f64 / requests as f64)
}

/// Runs the counts: every scenario, `settings.instruction_rounds` rounds, alternating which contender goes
/// first.
pub fn instructions(settings: &Settings) -> Result<Vec<InstructionRow>, String> {
    let mut rows = Vec::new();
    for transport in ["async", "blocking"] {
        for operation in ["get-agent", "list-agents"] {
            let (mut sdk, mut hand) = (Vec::new(), Vec::new());
            for round in 0..settings.instruction_rounds {
                let order = if round % 2 == 0 { ["sdk", "hand"] } else { ["hand", "sdk"] };
                for who in order {
                    let n = count(transport, operation, who, settings.instruction_requests)?;
                    if who == "sdk" { &mut sdk } else { &mut hand }.push(n);
                }
            }
            let ratio = Spread::of(sdk.iter().zip(&hand).map(|(s, h)| s / h));
            rows.push(InstructionRow {
                transport,
                operation,
                requests: settings.instruction_requests,
                sdk,
                hand,
                ratio,
            });
        }
    }
    Ok(rows)
}
