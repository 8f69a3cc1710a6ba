//! Why a command failed, how it is shown, and its exit code (documented in `talkover --help`).

use std::fmt::Write as _;

use serde_json::{json, Map, Value};
use talkover::{Error, ErrorKind};

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// Wrong arguments (exit 2).
    Usage(String),
    /// Something local: a file, a socket (exit 1).
    Local(String),
    /// Refused before anything was sent (exit 3).
    Refused(String),
    /// The SDK's error, from the API or on the way to it.
    Api(Box<Error>),
    /// An import that ended with rows not queued (exit 12); the summary was printed already.
    RowsFailed(usize),
    /// An import whose every valid row is queued, with rows it could not read (exit 14): fix them in the
    /// file; the summary was printed already.
    RowsInvalid(usize),
    /// `webhooks verify`: the delivery's signature does not verify (exit 13).
    Unverified(String),
    /// `calls wait`: the call had not ended when the wait was over (exit 15).
    NotEnded(String),
    /// Standard output was closed by its reader (`| head`): the command stops, silently and successfully.
    ClosedPipe,
}

impl Failure {
    pub fn usage(message: String) -> Self {
        Self::Usage(message)
    }

    pub fn local(message: String) -> Self {
        Self::Local(message)
    }

    pub fn refused(message: String) -> Self {
        Self::Refused(message)
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            Self::Local(_) => 1,
            Self::Refused(_) => 3,
            Self::Api(e) => exit_code_of(e),
            Self::RowsFailed(_) => 12,
            Self::RowsInvalid(_) => 14,
            Self::ClosedPipe => 0,
            Self::Unverified(_) => 13,
            Self::NotEnded(_) => 15,
        }
    }

    /// Writes the failure to standard error: as text, or with `json` as one line of JSON
    /// ([`Failure::to_json`]). A success answer the SDK could not decode (the API did what was asked, and
    /// answered in a shape the types do not know) also goes to standard output, as received but for the
    /// run's token it may echo and the control characters it may hold ([`shown_body`]): a script still
    /// gets what it asked for, such as the id of what it created.
    pub fn print(&self, json: bool) {
        if let Some(body) = self.undecoded_success() {
            use std::io::Write as _;
            let shown = shown_body(body);
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(shown.as_bytes());
            if !shown.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
        }
        if json {
            eprintln!("{}", self.to_json());
        } else {
            eprint!("{}", self.describe());
        }
    }

    /// The failure for a script (`--output json`): `{"error": {kind, exit_code, message, …}}`, with the
    /// status, code, field problems, request id, `Retry-After` and attempts of an SDK error where it has
    /// them. Like the text, it holds no token.
    pub fn to_json(&self) -> Value {
        let (kind, message) = match self {
            Self::Usage(m) => ("usage", m.clone()),
            Self::Local(m) => ("local", m.clone()),
            Self::Refused(m) => ("invalid_request", m.clone()),
            Self::Api(e) => return json!({ "error": error_json(e, self.exit_code()) }),
            Self::RowsFailed(n) => ("rows_failed", format!("{} not queued", rows(*n, "was", "were"))),
            Self::RowsInvalid(n) => ("rows_invalid", format!("{} invalid and not sent", rows(*n, "is", "are"))),
            Self::Unverified(problem) => ("unverified", problem.clone()),
            Self::NotEnded(what) => ("not_ended", what.clone()),
            Self::ClosedPipe => ("closed_pipe", String::new()),
        };
        json!({ "error": { "kind": kind, "exit_code": self.exit_code(), "message": message } })
    }

    /// The body of a 2xx answer that could not be decoded.
    fn undecoded_success(&self) -> Option<&[u8]> {
        match self {
            Self::Api(e) => match e.as_ref() {
                Error::Decode(decode) if decode.status.is_success() => Some(decode.body.as_bytes()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The failure as shown to the user.
    pub fn describe(&self) -> String {
        match self {
            Self::Usage(m) => format!("error: {m}\n"),
            Self::Local(m) => format!("error: {m}\n"),
            Self::Refused(m) => format!("error: invalid_request: {m}\n"),
            Self::Api(e) if self.undecoded_success().is_some() => {
                describe_error(e) + "  the answer, as received, is on standard output\n"
            }
            Self::Api(e) => describe_error(e),
            Self::RowsFailed(n) => {
                format!("error: {} not queued; run the same command again to retry them\n", rows(*n, "was", "were"))
            }
            Self::RowsInvalid(n) => {
                let rows = rows(*n, "is", "are");
                format!("error: {rows} invalid and not sent; the summary names each line and why\n")
            }
            Self::ClosedPipe => String::new(),
            Self::Unverified(problem) => format!("error: the signature does not verify: {problem}\n"),
            Self::NotEnded(what) => format!("error: {what}\n"),
        }
    }
}

/// An answer's body as the command line shows it: as received, but without the run's token
/// ([`output::without_token`](crate::output::without_token): the command line never prints it, even when
/// an answer echoes it), and with every control character but a tab or a line break written as JSON
/// escapes it (`\u001b`), so that a body cannot drive the terminal.
pub fn shown_body(body: &[u8]) -> String {
    let mut text = crate::output::without_token(&String::from_utf8_lossy(body)).into_owned();
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        text = text
            .chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => c.to_string(),
                // JSON's escape, so that a JSON body stays JSON.
                c if c.is_control() => format!("\\u{:04x}", u32::from(c)),
                c => c.to_string(),
            })
            .collect();
    }
    text
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Api(Box::new(e))
    }
}

/// The exit code of an SDK error, by its kind.
pub fn exit_code_of(e: &Error) -> u8 {
    match e.kind() {
        ErrorKind::InvalidRequest | ErrorKind::Config => 3,
        ErrorKind::Unauthorized | ErrorKind::Forbidden => 4,
        ErrorKind::NotFound => 5,
        ErrorKind::Conflict => 6,
        ErrorKind::BadRequest | ErrorKind::Validation => 7,
        ErrorKind::RateLimited => 8,
        ErrorKind::Server => 9,
        ErrorKind::Transport => 10,
        _ => 11,
    }
}

/// `1 row is`, `3 rows are`: a count of rows with its verb.
fn rows(n: usize, one: &str, more: &str) -> String {
    if n == 1 {
        format!("1 row {one}")
    } else {
        format!("{n} rows {more}")
    }
}

/// An SDK error as JSON: what [`describe_error`] writes, by name.
fn error_json(e: &Error, exit_code: u8) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!(e.kind().to_string()));
    out.insert("exit_code".into(), json!(exit_code));
    let message = match e {
        Error::Api(api) => api.summary().map(str::to_owned),
        other => Some(other.to_string()),
    };
    out.insert("message".into(), json!(message));
    out.insert("status".into(), json!(e.status().map(|s| s.as_u16())));
    out.insert("code".into(), json!(e.code()));
    let mut fields: Map<String, Value> = Map::new();
    for problem in e.field_errors() {
        if let Some(list) = fields.entry(problem.field.clone()).or_insert_with(|| json!([])).as_array_mut() {
            list.push(json!(problem.message));
        }
    }
    out.insert("field_errors".into(), Value::Object(fields));
    if let Error::Api(api) = e {
        out.insert("errors".into(), json!(api.errors));
    }
    // make-campaign-call's 409 names the call already queued for the number, for a script to carry on with.
    if let Some(existing) = talkover::calls::existing_call(e) {
        out.insert("existing_call".into(), serde_json::to_value(existing).unwrap_or_default());
    }
    out.insert("request_id".into(), json!(e.request_id()));
    out.insert("retry_after".into(), json!(e.retry_after().map(|d| d.as_secs())));
    out.insert("attempts".into(), json!(e.attempts()));
    Value::Object(out)
}

/// An SDK error in full: kind, status, code, message, the field problems and the request id. The SDK's
/// errors never hold the token (it redacts answers that echo it).
pub fn describe_error(e: &Error) -> String {
    let mut out = format!("error: {}", e.kind());
    if let Some(status) = e.status() {
        let _ = write!(out, " ({})", status.as_u16());
    }
    if let Some(code) = e.code() {
        let _ = write!(out, " {code}");
    }
    match e {
        Error::Api(api) => {
            let _ = write!(out, ": {}", api.summary().unwrap_or("(no message)"));
            out.push('\n');
            for (field, problems) in &api.field_errors {
                for problem in problems {
                    let _ = writeln!(out, "  {field}: {problem}");
                }
            }
            for problem in &api.errors {
                let _ = writeln!(out, "  {problem}");
            }
            if let Some(after) = api.retry_after {
                let _ = writeln!(out, "  retry after: {} s", after.as_secs());
            }
            if let Some(existing) = talkover::calls::existing_call(e) {
                let _ = writeln!(out, "  existing call: {} ({}, to {})", existing.id, existing.status, existing.to);
            }
        }
        Error::InvalidRequest(invalid) => {
            // The first problem on the error's line, each further one on a line of its own.
            let mut problems = invalid.problems().iter();
            if let Some(first) = problems.next() {
                if first.field.is_empty() {
                    let _ = write!(out, ": {}", first.message);
                } else {
                    let _ = write!(out, ": {}: {}", first.field, first.message);
                }
            }
            out.push('\n');
            for problem in problems {
                let _ = writeln!(out, "  {problem}");
            }
        }
        other => {
            let _ = writeln!(out, ": {other}");
        }
    }
    if let Some(id) = e.request_id() {
        let _ = writeln!(out, "  request id: {id}");
    }
    out
}

#[cfg(test)]
mod tests {
    use talkover::http::{HeaderMap, StatusCode};
    use talkover::ApiError;

    use super::*;

    #[test]
    fn a_body_is_shown_without_the_token_or_terminal_controls() {
        crate::output::never_print(&talkover::SecretString::new("talq_cli_secret_42"));
        let body = "{\"echo\":\"Bearer talq_cli_secret_42\",\"title\":\"\u{1b}]0;PWNED\u{7}\"}\n\tok";
        let shown = shown_body(body.as_bytes());
        assert_eq!(shown, "{\"echo\":\"Bearer [redacted]\",\"title\":\"\\u001b]0;PWNED\\u0007\"}\n\tok");
        assert_eq!(shown_body(b"{\"id\":\"a1\"}"), "{\"id\":\"a1\"}");
        assert_eq!(shown_body(&[0xff, b'x']), "\u{fffd}x");
    }

    #[test]
    fn an_answer_without_a_message_is_described_by_what_it_says() {
        let describe = |status: u16, body: &str| {
            let status = StatusCode::from_u16(status).unwrap();
            let api = ApiError::from_parts("get-agent", status, HeaderMap::new(), body.as_bytes().to_vec());
            describe_error(&Error::Api(Box::new(api)))
        };
        let page = describe(502, "<html><body>502 Bad Gateway</body></html>");
        assert!(page.starts_with("error: server (502): <html><body>502 Bad Gateway</body></html>\n"), "{page}");
        let fields = describe(422, r#"{"errors": {"to": ["The to field is required."]}}"#);
        assert!(fields.starts_with("error: validation (422): `to`: The to field is required.\n"), "{fields}");
        assert!(describe(403, "").starts_with("error: forbidden (403): (no message)"));
    }
}
