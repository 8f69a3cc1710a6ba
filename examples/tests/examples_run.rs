//! Every example runs to the end on the local emulator, as `cargo run --example <name>` with no token.
//! `cargo test` builds the examples before it runs the tests; this runs those builds.

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples`, beside this test's `target/<profile>/deps`.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps").join("examples")
}

fn run(name: &str) {
    let path = examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built: run `cargo test -p talkover-examples` (it builds the examples)",
        path.display()
    );
    // No token: the example starts the emulator, whatever the environment holds.
    let output = Command::new(&path)
        .env_remove("TALKOVER_TOKEN")
        .env_remove("TALKOVER_BASE_URL")
        .env_remove("TALKOVER_WEBHOOK_SECRET")
        .env_remove("TALKOVER_SIGNATURE_HEADER")
        .output()
        .expect("the example starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{name} failed ({}):\n{stdout}\n{stderr}", output.status);
    assert!(!stdout.trim().is_empty(), "{name} printed nothing");
}

#[test]
fn quickstart() {
    run("quickstart");
}

#[test]
fn quickstart_blocking() {
    run("quickstart_blocking");
}

#[test]
fn webhook_receiver() {
    run("webhook_receiver");
}

#[test]
fn calls_campaigns() {
    run("calls_campaigns");
}

#[test]
fn webhooks() {
    run("webhooks");
}

#[test]
fn calendars() {
    run("calendars");
}

#[test]
fn numbers_sip_trunks() {
    run("numbers_sip_trunks");
}

#[test]
fn billing() {
    run("billing");
}

#[test]
fn errors() {
    run("errors");
}
