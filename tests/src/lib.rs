//! The conformance runner: recorded Talkover API exchanges (fixtures in the format of `FIXTURES.md`) run
//! through the SDK in memory, and over loopback HTTP through the reqwest and ureq transports.

pub mod run;
pub mod server;

use std::path::Path;

pub use run::{run_dir, Mode, Outcome};

pub(crate) fn compare_short(value: &serde_json::Value) -> String {
    const SHOWN: usize = 400;
    let text = value.to_string();
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}… ({} characters in all)", &text[..cut], text.chars().count()),
        None => text,
    }
}

/// Runs the fixtures below `dir` and prints one line per failure, then the closing line
/// `conformance: N passed, M failed`. Returns whether everything passed (and something ran).
pub fn run_and_report(dir: &Path, mode: Mode) -> bool {
    let outcomes = match run_dir(dir, mode) {
        Ok(outcomes) => outcomes,
        Err(problem) => {
            // A problem of the folder itself names it already (`DIR: Not a directory`).
            let shown = dir.display().to_string();
            if problem.starts_with(&shown) {
                println!("FAIL {problem}");
            } else {
                println!("FAIL {shown}: {problem}");
            }
            println!("conformance: 0 passed, 1 failed");
            return false;
        }
    };
    let mut passed = 0;
    let mut failed = 0;
    for outcome in &outcomes {
        if outcome.passed() {
            passed += 1;
        } else {
            failed += 1;
            println!("FAIL {}", outcome.label);
            for problem in &outcome.problems {
                println!("    {problem}");
            }
        }
    }
    if outcomes.is_empty() {
        println!("no fixture found in {}", dir.display());
    }
    println!("conformance: {passed} passed, {failed} failed");
    failed == 0 && passed > 0
}

/// The project's own fixture folder, `tests/fixtures`: a link to the emulator's, which embeds them. Where
/// links are not checked out as links (Git for Windows without `core.symlinks`), the folder it links to.
pub fn fixtures_dir() -> std::path::PathBuf {
    let linked = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    if linked.is_dir() {
        return linked;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/talkover-mock/fixtures")
}

#[cfg(test)]
mod tests {
    /// A recorded number in exponent form is read as the double nearest it, as the SDK's decoding gives
    /// it: the expected and the decoded bodies then compare equal (`1.0e+25` was read one unit in the last
    /// place below `1e25`, and a strict fixture failed on a correct decode).
    #[test]
    fn recorded_numbers_are_read_as_the_nearest_double() {
        for (written, plain) in [("1.0e+25", "10000000000000000000000000"), ("4.0e+25", "40000000000000000000000000")] {
            let written: serde_json::Value = serde_json::from_str(written).unwrap();
            let plain: serde_json::Value = serde_json::from_str(plain).unwrap();
            assert_eq!(written, plain);
        }
    }
}
