//! Running the built `talkover` binary against an emulator started in this process.
#![allow(dead_code)]

pub mod proxy;
pub mod scripted;

use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

use serde_json::Value;
use talkover::fixture::{self, Expect, Fixture};
use talkover::registry::Params;

pub const BIN: &str = env!("CARGO_BIN_EXE_talkover");

/// A proxy for the environment (`HTTP_PROXY`) at an address nothing listens at (the discard port, which
/// no listener of a test takes): a request sent through it fails to connect.
pub const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// The example agent the emulator starts with.
pub const AGENT: &str = "550e8400-e29b-41d4-a716-446655440000";

/// The command line against `base_url`, with the emulator's token, output piped (so JSON).
pub fn talkover(base_url: &str, token: &str) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("TALKOVER_TOKEN", token)
        .env("TALKOVER_BASE_URL", base_url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Windows' sockets want the system's folder, which the cleared environment lost.
    #[cfg(windows)]
    if let Some(root) = std::env::var_os("SystemRoot") {
        command.env("SystemRoot", root);
    }
    command
}

pub fn run(mut command: Command) -> Output {
    command.output().expect("the talkover binary runs")
}

/// Runs `command` with `input` on its standard input (closed once written).
pub fn run_with_input(mut command: Command, input: &str) -> Output {
    let mut child = command.stdin(Stdio::piped()).spawn().expect("the talkover binary runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `talkover ARGS -o FORMAT` against `base_url` with `token`, checks that it succeeded, and gives its
/// standard output.
pub fn output_as(base_url: &str, token: &str, args: &[&str], format: &str) -> Vec<u8> {
    let mut command = talkover(base_url, token);
    command.args(args).args(["-o", format]);
    let output = run(command);
    assert!(output.status.success(), "{args:?} -o {format}: {}", stderr(&output));
    output.stdout
}

/// Runs `command` and checks that it failed with exit `code`, saying `words` on standard error.
pub fn fails_with(command: Command, code: i32, words: &str) -> Output {
    let output = run(command);
    let shown = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{shown}");
    assert!(shown.contains(words), "expected {words:?} in: {shown}");
    output
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Starts a command that serves until stopped, its stdout piped, and reads the banner it prints first,
/// which must start with `prefix`: gives the child, the lines it prints after the banner, and the rest of
/// the banner (where it listens).
pub fn spawn_serving(mut command: Command, prefix: &str) -> (Child, Lines<BufReader<ChildStdout>>, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner = lines.next().unwrap().unwrap();
    let rest = banner.strip_prefix(prefix).unwrap_or_else(|| panic!("unexpected banner {banner:?}")).to_owned();
    (child, lines, rest)
}

/// [`spawn_serving`] for a command that writes its banner to standard error, keeping standard output for
/// what it serves: the banner's first line after `prefix` is read there.
pub fn spawn_listening(mut command: Command, prefix: &str) -> (Child, Lines<BufReader<ChildStdout>>, String) {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut errors = BufReader::new(child.stderr.take().unwrap()).lines();
    let banner = errors.next().unwrap().unwrap();
    let rest = banner.strip_prefix(prefix).unwrap_or_else(|| panic!("unexpected banner {banner:?}")).to_owned();
    // The rest of standard error is read as it comes, until the command ends, so that it never writes
    // into a closed pipe.
    std::thread::spawn(move || errors.map_while(Result::ok).for_each(drop));
    (child, lines, rest)
}

/// Runs and expects success, giving stdout as JSON.
pub fn json(command: Command) -> Value {
    let output = run(command);
    assert!(output.status.success(), "failed: {}\n{}", stderr(&output), stdout(&output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&output)))
}

/// The recorded fixtures of the emulator (crates/talkover-mock/fixtures).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../talkover-mock/fixtures")
}

/// The parameters an operation's examples give it: those of its first success fixture, else of its first.
pub fn example(id: &str) -> Params {
    let files = fixture::find_files(&fixtures_dir().join(id)).unwrap();
    let fixtures: Vec<Fixture> = files.iter().map(|file| fixture::load_file(file).unwrap()).collect();
    let success = fixtures.iter().position(|f| matches!(f.expect, Expect::Strict | Expect::Lenient));
    let chosen = success.or((!fixtures.is_empty()).then_some(0)).unwrap_or_else(|| panic!("no fixture for {id}"));
    fixtures[chosen].params.clone()
}

/// The body of one recorded example (`create-campaign/ok-basic-sales.json`).
pub fn example_body(file: &str) -> Value {
    let fixture = fixture::load_file(&fixtures_dir().join(file)).unwrap();
    fixture.params.body.unwrap_or_else(|| panic!("{file} gives no body"))
}

/// A fresh folder under the target directory for one test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("talkover-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Creates a campaign from the reference's create-campaign example (on the emulator's example agent) and
/// activates it; gives its id.
pub fn active_campaign(base_url: &str, token: &str) -> String {
    active_campaign_with(base_url, token, &[])
}

/// [`active_campaign`] with the fields `changes` names set as they give.
pub fn active_campaign_with(base_url: &str, token: &str, changes: &[(&str, Value)]) -> String {
    let mut body = example_body("create-campaign/ok-basic-sales.json");
    body["agent_id"] = Value::from(AGENT);
    for (field, value) in changes {
        body[*field] = value.clone();
    }
    let mut create = talkover(base_url, token);
    create.args(["campaigns", "create", "--data", &body.to_string()]);
    let created = json(create);
    let id = created["data"]["id"].as_str().expect("the campaign's id").to_owned();
    let mut activate = talkover(base_url, token);
    activate.args(["campaigns", "update-status", &id, "--data", r#"{"status":"active"}"#]);
    let activated = json(activate);
    assert_eq!(activated["data"]["status"], "active", "{activated}");
    id
}

/// A loopback address that refuses every connection while the streams are held: the near end of a
/// connection, whose port no listener can take (a port let go could be taken meanwhile by another test's
/// listener, which would answer or hold the request).
pub fn refusing_address() -> (std::net::SocketAddr, [std::net::TcpStream; 2]) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let near = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    (near.local_addr().unwrap(), [near, listener.accept().unwrap().0])
}
