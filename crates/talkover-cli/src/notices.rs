//! What the client does between a command's start and its answer, on standard error: a wait of a second
//! or more before a retry (a 429's `Retry-After` would otherwise look like a hang in a CI log), and with
//! `--verbose` every attempt; with `--output json`, as lines of JSON (`{"attempt": {…}}`), so that every
//! line a script reads on standard error is JSON. Read from the SDK's `talkover attempt` tracing events, which carry the
//! operation, the method, the path template, how the attempt ended and the wait before the next one: no
//! id, token, header or body.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{json, Map, Value};
use talkover::TransportErrorKind;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::attempts::failure_words;

/// Waits shorter than this pass without a word unless `--verbose` is given.
const QUIET_WAIT_MS: u64 = 1000;

/// Whether the run's notices are lines of JSON (`--output json`), set once by [`install`].
static JSON: AtomicBool = AtomicBool::new(false);

/// Writes the client's attempts to standard error for the rest of the run: the long waits, or with
/// `verbose` every attempt; with `json`, each as a line of JSON, as [`warning`] writes its lines.
pub fn install(verbose: bool, json: bool) {
    JSON.store(json, Ordering::Relaxed);
    let _ = tracing::subscriber::set_global_default(Notices { verbose, json });
}

/// Whether the run's notices are lines of JSON (`--output json` given): what else a command writes to
/// standard error (an import's progress) follows it, so that its lines are all JSON or all text.
pub fn in_json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Writes `text` to standard error, and nothing more where it cannot be written (closed, a full disk):
/// `eprint!` would panic there, and a panic's exit code (101) hides the command's own (18: a call that may
/// have been placed, which a script must not run again).
pub fn to_stderr(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// [`to_stderr`] of `line` and a line break.
pub fn stderr_line(line: &str) {
    to_stderr(&format!("{line}\n"));
}

/// Warns that a secret was given on the command line (`what`: what was, and `is`), where other users of
/// the machine read it in the process list, and says how to give it `instead`; `given_as` (a field, a
/// flag) is the warning's `secret_on_command_line` field for a script.
pub fn secret_on_command_line(what: &str, instead: &str, given_as: &str) {
    let message = format!(
        "{what} on the command line, where the machine's other users can read it (ps) and the shell's history \
         keeps it: {instead}"
    );
    warning(&message, json!({ "secret_on_command_line": given_as }));
}

/// Writes a warning to standard error: `warning: {message}`, or with `--output json` one line of JSON,
/// `{"warning": {"message": …, …fields}}`, with `fields` (an object) for a script to read without parsing
/// the words.
pub fn warning(message: &str, fields: Value) {
    stderr_line(&warning_line(message, fields, JSON.load(Ordering::Relaxed)));
}

fn warning_line(message: &str, fields: Value, json: bool) -> String {
    if !json {
        // Ids and server words can be in the message: they cannot drive the terminal.
        return format!("warning: {}", crate::failure::terminal_safe(message));
    }
    let mut warning = Map::new();
    warning.insert("message".into(), message.into());
    if let Value::Object(fields) = fields {
        warning.extend(fields);
    }
    json!({ "warning": warning }).to_string()
}

struct Notices {
    verbose: bool,
    json: bool,
}

/// The fields of one attempt event.
#[derive(Default)]
struct Attempt {
    message: String,
    operation: String,
    method: String,
    path: String,
    attempt: u64,
    status: Option<u64>,
    failure: Option<String>,
    latency_ms: u64,
    retry_in_ms: u64,
}

impl Visit for Attempt {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = value,
            "status" => self.status = Some(value),
            "latency_ms" => self.latency_ms = value,
            "retry_in_ms" => self.retry_in_ms = value,
            _ => {}
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "operation" => self.operation = value.to_owned(),
            "path" => self.path = value.to_owned(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "method" => self.method = format!("{value:?}"),
            "failure" => self.failure = Some(describe_failure(&format!("{value:?}"))),
            _ => {}
        }
    }
}

/// A transport failure's kind, as the event records it (`Connect`, `Timeout`, …), in the words the
/// command line says an attempt's failure with ([`failure_words`]).
fn describe_failure(recorded: &str) -> String {
    use TransportErrorKind::{
        BodyTooLarge, Connect, Declined, InvalidUrl, Io, NoRuntime, NotRecorded, Other, Timeout, Tls,
    };
    let kinds = [Connect, Tls, Timeout, Io, BodyTooLarge, InvalidUrl, NoRuntime, NotRecorded, Declined, Other];
    match kinds.into_iter().find(|kind| format!("{kind:?}") == recorded) {
        Some(kind) => failure_words(kind),
        None => format!("failed ({})", recorded.to_lowercase()),
    }
}

impl Attempt {
    /// The line this attempt writes, if it writes one: text, or with `json` one line of JSON.
    fn line(&self, verbose: bool, json: bool) -> Option<String> {
        if self.message != "talkover attempt" || (!verbose && self.retry_in_ms < QUIET_WAIT_MS) {
            return None;
        }
        if json {
            let attempt = json!({
                "operation": self.operation,
                "method": self.method,
                "path": self.path,
                "attempt": self.attempt,
                "status": self.status,
                "failure": self.failure,
                "latency_ms": self.latency_ms,
                "retry_in_ms": self.retry_in_ms,
            });
            return Some(json!({ "attempt": attempt }).to_string());
        }
        let ended = match (&self.status, &self.failure) {
            (Some(status), _) => format!("answered {status}"),
            (None, Some(failure)) => failure.clone(),
            (None, None) => "ended".to_owned(),
        };
        let wait = match self.retry_in_ms {
            0 => String::new(),
            ms => format!("; trying again in {:.1} s", ms as f64 / 1000.0),
        };
        Some(if verbose {
            let (attempt, latency) = (self.attempt, self.latency_ms);
            format!(
                "{} {} ({}): attempt {attempt} {ended} in {latency} ms{wait}",
                self.method, self.path, self.operation
            )
        } else {
            format!("note: {}: {ended}{wait}", self.operation)
        })
    }
}

impl Subscriber for Notices {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && metadata.target().starts_with("talkover")
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut attempt = Attempt::default();
        event.record(&mut attempt);
        if let Some(line) = attempt.line(self.verbose, self.json) {
            // The names come from the SDK's own declarations; nothing the server wrote is in the line.
            stderr_line(&line);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(status: Option<u64>, failure: Option<&str>, retry_in_ms: u64) -> Attempt {
        Attempt {
            message: "talkover attempt".into(),
            operation: "list-agents".into(),
            method: "GET".into(),
            path: "/api/v1/agents".into(),
            attempt: 1,
            status,
            failure: failure.map(describe_failure),
            latency_ms: 12,
            retry_in_ms,
        }
    }

    #[test]
    fn a_long_wait_is_said_and_a_short_one_only_when_verbose() {
        let limited = attempt(Some(429), None, 55_000);
        assert_eq!(
            limited.line(false, false).as_deref(),
            Some("note: list-agents: answered 429; trying again in 55.0 s")
        );
        assert_eq!(
            limited.line(true, false).as_deref(),
            Some("GET /api/v1/agents (list-agents): attempt 1 answered 429 in 12 ms; trying again in 55.0 s")
        );
        let blip = attempt(None, Some("Connect"), 400);
        assert_eq!(blip.line(false, false), None);
        assert_eq!(
            blip.line(true, false).as_deref(),
            Some("GET /api/v1/agents (list-agents): attempt 1 could not connect in 12 ms; trying again in 0.4 s")
        );
        let done = attempt(Some(200), None, 0);
        assert_eq!(done.line(false, false), None);
        assert_eq!(
            done.line(true, false).as_deref(),
            Some("GET /api/v1/agents (list-agents): attempt 1 answered 200 in 12 ms")
        );
        let line: serde_json::Value = serde_json::from_str(&limited.line(false, true).unwrap()).unwrap();
        assert_eq!(line["attempt"]["status"], 429);
        assert_eq!(
            (line["attempt"]["retry_in_ms"].as_u64(), line["attempt"]["failure"].is_null()),
            (Some(55_000), true)
        );
        // A warning is a line of words, or of JSON with its fields.
        assert_eq!(warning_line("it stopped", json!({ "page": 3 }), false), "warning: it stopped");
        let line: Value = serde_json::from_str(&warning_line("it stopped", json!({ "page": 3 }), true)).unwrap();
        assert_eq!(line, json!({ "warning": { "message": "it stopped", "page": 3 } }));
        // Said as an attempt's failure is said everywhere on the command line.
        assert_eq!(describe_failure("BodyTooLarge"), "failed (body too large)");
        let other = Attempt { message: "something else".into(), ..attempt(Some(500), None, 5000) };
        assert_eq!(other.line(true, false), None);
    }
}
