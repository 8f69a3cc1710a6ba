//! Why a command failed, how it is shown, and its exit code (documented in `talkover --help`).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Map, Value};
use talkover::account::CreateUserApiToken;
use talkover::agents::PublishAgent;
use talkover::auto_topup::TestAutoTopup;
use talkover::calls::{EndCall, MakeCall, MakeCampaignCall};
use talkover::campaigns::DeleteCampaign;
use talkover::credits::PurchaseCredits;
use talkover::error::status_may_have_taken_effect;
use talkover::http::{Method, StatusCode};
use talkover::phone_numbers::RequestPhoneRelease;
use talkover::registry::OperationInfo;
use talkover::{Error, ErrorKind, Operation};

use crate::attempts::Outcome;

/// The exit code of `--output id` for a request that was carried out and whose answer holds no id.
pub const NO_ID: u8 = 17;

/// The exit code of a request that is not safe to repeat and may have taken effect (a 5xx or 408 answer,
/// a timeout, a lost connection after sending): check what it did before running it again.
pub const OUTCOME_UNKNOWN: u8 = 18;

/// The exit code of an answer that is not the documented one; for a request carried out for certain (a
/// success answer cut off or unreadable), what a script must not run again as if it had failed.
pub const UNREADABLE_ANSWER: u8 = 11;

/// The exit code of a 403: the request is not allowed to this token, or not in the resource's present
/// state. A 401 (no token, or a wrong one) keeps 4.
pub const FORBIDDEN: u8 = 19;

/// The exit code of a 402: the account cannot pay for what was asked (make-call's insufficient credits, a
/// declined card of purchase-credits). Nothing was done.
pub const PAYMENT_REQUIRED: u8 = 20;

/// The exit code of a success status whose answer says `"success": false`: the API took the request and
/// says it did not succeed (test-webhook's delivery that failed).
pub const UNSUCCESSFUL: u8 = 21;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// Wrong arguments (exit 2).
    Usage(String),
    /// Something local: a file, a socket (exit 1).
    Local(String),
    /// Refused before anything was sent (exit 3), with the fields at fault and what is wrong with each.
    Refused(String, Vec<(String, String)>),
    /// The SDK's error, from the API or on the way to it.
    Api(Box<ApiFailure>),
    /// An import that ended with rows not queued (exit 12); the summary was printed already.
    RowsFailed(usize),
    /// An import whose every valid row is queued, with rows it could not read (exit 14): fix them in the
    /// file; the summary was printed already.
    RowsInvalid(usize),
    /// `webhooks verify`: the delivery's signature does not verify (exit 13).
    Unverified(String),
    /// `calls wait`: the call had not ended when the wait was over (exit 15).
    NotEnded {
        /// What is shown.
        message: String,
        /// The call's status at the last look (`None` when it was never seen).
        last_status: Option<String>,
        /// Seconds waited.
        waited_s: f64,
    },
    /// Something the command looked for is not there, although the API answered without a 404 (exit 5).
    NotFound(String),
    /// `--output id`: the request was carried out, and its answer holds no id (exit 17). Nothing was
    /// printed; the code tells a script that the request is not to be sent again as if it had failed.
    NoId(String),
    /// The request was carried out, and its answer could not be written to standard output (exit 17, as
    /// [`Failure::NoId`]: carried out, not printed).
    Unwritten(String),
    /// Standard output was closed by its reader (`| head`): the command stops, silently and successfully.
    ClosedPipe,
}

/// An SDK error with what the command line knows around it.
#[derive(Debug)]
pub struct ApiFailure {
    pub error: Error,
    /// How each attempt ended, when the command line recorded them: as many as the error's attempts, or
    /// none.
    attempts: Vec<Outcome>,
    /// The time each exchange was given, when known, and the option that set it (`--timeout`).
    timeout: Option<Bound>,
    /// The request's path parameters (`agent_id` and its value), when known: a `next:` hint names the
    /// resource the command was about instead of a placeholder (`AGENT_ID`).
    path: Vec<(String, String)>,
}

/// The time each exchange of a request was given, and the option it came from (`--timeout`, or
/// `--max-wait` for a look made near the end of a wait).
pub type Bound = (Duration, &'static str);

impl Failure {
    /// This failure, for the output of an `operation` request that was carried out: one writing it to
    /// standard output becomes [`Failure::Unwritten`], which says, for a request not safe to repeat, not
    /// to run it again as if it had failed (a read may be).
    pub fn after_carried_out(self, operation: &OperationInfo) -> Self {
        let again = match operation.safe_to_repeat {
            true => "running it again is safe",
            false => "do not run it again as if it had failed",
        };
        match self {
            Self::Local(problem) => {
                Self::Unwritten(format!("the {} request was carried out, but {problem}; {again}", operation.id))
            }
            other => other,
        }
    }

    /// The SDK's `error`, with how each of its attempts ended and the time each exchange was given.
    pub fn api(error: Error, attempts: Vec<Outcome>, timeout: Option<Bound>) -> Self {
        // Outcomes that do not tell the error's attempts one for one are not shown as if they did.
        let attempts = if attempts.len() == error.attempts() as usize { attempts } else { Vec::new() };
        Self::Api(Box::new(ApiFailure { error, attempts, timeout, path: Vec::new() }))
    }

    /// This failure of a request whose path parameters were `path`, so that a `next:` hint names them.
    pub fn about(mut self, path: &Map<String, Value>) -> Self {
        if let Self::Api(failure) = &mut self {
            failure.path =
                path.iter().filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned()))).collect();
        }
        self
    }

    /// [`Failure::about`] a request of `params`, with the number its body calls (`to`) as `NUMBER`.
    pub fn about_request(self, params: &talkover::registry::Params) -> Self {
        let mut named = params.path.clone();
        if let Some(to) = params.body.as_ref().and_then(|body| body.get("to")).filter(|to| to.is_string()) {
            named.insert("number".into(), to.clone());
        }
        self.about(&named)
    }

    /// The SDK's error this failure is, if it is one.
    pub fn sdk_error(&self) -> Option<&Error> {
        match self {
            Self::Api(failure) => Some(&failure.error),
            _ => None,
        }
    }

    pub fn usage(message: String) -> Self {
        Self::Usage(message)
    }

    pub fn local(message: String) -> Self {
        Self::Local(message)
    }

    pub fn refused(message: String) -> Self {
        Self::Refused(message, Vec::new())
    }

    /// A refusal naming the fields at fault, each with its problem: `field_errors` in the JSON form, as an
    /// answer's 422 gives them.
    pub fn refused_fields(message: String, fields: Vec<(String, String)>) -> Self {
        Self::Refused(message, fields)
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            Self::Local(_) => 1,
            Self::Refused(..) => 3,
            // A request not safe to repeat that may have taken effect has a code of its own, whatever the
            // failure, and one carried out for certain whose answer was lost the code of an answer that
            // could not be read: a script that reruns on a transport failure never repeats either.
            Self::Api(failure) => match outcome_unknown(&failure.error) {
                Some(_) if carried_out(&failure.error) => UNREADABLE_ANSWER,
                Some(_) => OUTCOME_UNKNOWN,
                None => exit_code_of(&failure.error),
            },
            Self::RowsFailed(_) => 12,
            Self::RowsInvalid(_) => 14,
            Self::ClosedPipe => 0,
            Self::Unverified(_) => 13,
            Self::NotEnded { .. } => 15,
            Self::NotFound(_) => 5,
            Self::NoId(_) | Self::Unwritten(_) => NO_ID,
        }
    }

    /// Writes the failure to standard error: as text, or with `json` as one line of JSON
    /// ([`Failure::to_json`]). A success answer the SDK could not decode (the API did what was asked, and
    /// answered in a shape the types do not know) also goes to standard output when it is JSON, as
    /// received but for the run's token it may echo and the control characters it may hold
    /// ([`shown_body`]): a script still gets what it asked for, such as the id of what it created (with
    /// `ids_only`, `--output id`, only the ids it holds). A body that is not JSON (a proxy's or a captive
    /// portal's page) is not: standard error says what it is.
    pub fn print(&self, json: bool, ids_only: bool, csv: bool) {
        // A reader that went away (`| head`) ends the command quietly, in either form.
        if matches!(self, Self::ClosedPipe) {
            return;
        }
        // Not with `--output csv`: a line of JSON among the records would spoil the file a script writes.
        if let Some(body) = self.undecoded_success().filter(|body| is_json(body) && !csv) {
            use std::io::Write as _;
            // With `--output id`, the ids the answer holds (what `id=$(…)` wants), or nothing.
            let shown = match ids_only {
                true => serde_json::from_slice::<Value>(body)
                    .ok()
                    .and_then(|value| crate::output::ids(&value, None))
                    .map(|ids| ids.iter().map(|id| format!("{}\n", json_safe(id))).collect())
                    .unwrap_or_default(),
                false => shown_body(body),
            };
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(shown.as_bytes());
            if !shown.is_empty() && !shown.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
        }
        let token_hidden = crate::output::token_was_hidden();
        if json {
            let mut value = self.to_json();
            if let (true, Some(error)) = (token_hidden, value.get_mut("error").and_then(Value::as_object_mut)) {
                error.insert("token_hidden".into(), json!(true));
            }
            crate::notices::stderr_line(&crate::output::without_credentials(&json_safe(&value.to_string())));
        } else {
            if token_hidden {
                crate::notices::stderr_line(&format!("warning: {}", crate::output::TOKEN_HIDDEN));
            }
            // The message and field names come from the answer: they cannot drive the terminal either.
            // Nor can a value the caller gave quote the token (given in the wrong place).
            let text = crate::output::without_credentials(&self.describe_for(csv));
            crate::notices::to_stderr(&terminal_safe(&text));
        }
    }

    /// The failure for a script (`--output json`): `{"error": {kind, exit_code, message, …}}`, with the
    /// status, code, field problems, request id, `Retry-After` and attempts of an SDK error where it has
    /// them, and `outcome_unknown`: whether a request that is not safe to repeat may have taken effect.
    /// Like the text, it holds no token.
    pub fn to_json(&self) -> Value {
        let (kind, message) = match self {
            Self::Usage(m) => ("usage", m.clone()),
            Self::Local(m) => ("local", m.clone()),
            Self::Refused(m, _) => ("invalid_request", m.clone()),
            Self::Api(failure) => {
                let mut error = error_json(&failure.error, self.exit_code(), &failure.path, failure.timeout);
                error.insert("outcome_unknown".into(), json!(outcome_unknown(&failure.error).is_some()));
                if !failure.attempts.is_empty() {
                    let outcomes: Vec<String> = failure.attempts.iter().map(Outcome::short).collect();
                    error.insert("attempt_outcomes".into(), json!(outcomes));
                }
                // An answer after an attempt that may have done it (a delete answered 500, then 404): the
                // text's note, for a script to tell "never there" from "gone by my own request".
                if let Some(note) = failure.earlier_attempt_may_have_done_it() {
                    error.insert("earlier_attempt_may_have_done_it".into(), json!(true));
                    error.insert("note".into(), json!(note));
                }
                if let Some(body) = self.undecoded_success().filter(|body| !is_json(body)) {
                    error.insert("body_bytes".into(), json!(body.len()));
                }
                if let Some(message) = timed_out(&failure.error, failure.timeout) {
                    error.insert("message".into(), json!(message));
                }
                return json!({ "error": error });
            }
            Self::RowsFailed(n) => ("rows_failed", format!("{} not queued", rows(*n, "was", "were"))),
            Self::RowsInvalid(n) => ("rows_invalid", format!("{} invalid and not sent", rows(*n, "is", "are"))),
            Self::Unverified(problem) => ("unverified", problem.clone()),
            Self::NotEnded { message, .. } => ("not_ended", message.clone()),
            Self::NotFound(what) => ("not_found", what.clone()),
            Self::NoId(what) => ("no_id", what.clone()),
            Self::Unwritten(what) => ("unwritten", what.clone()),
            Self::ClosedPipe => ("closed_pipe", String::new()),
        };
        let mut error = json!({ "kind": kind, "exit_code": self.exit_code(), "message": message });
        if let (Self::Refused(_, problems), Some(fields)) = (self, error.as_object_mut()) {
            // The shape of an answer's 422, so that a script reads a refusal's fields one way.
            let mut by_field: Map<String, Value> = Map::new();
            for (field, problem) in problems {
                if let Some(list) = by_field.entry(field.clone()).or_insert_with(|| json!([])).as_array_mut() {
                    list.push(json!(problem));
                }
            }
            fields.insert("field_errors".into(), Value::Object(by_field));
        }
        if let (Self::NotEnded { last_status, waited_s, .. }, Some(fields)) = (self, error.as_object_mut()) {
            // What a script reads without parsing the message: the call's last status and the wait.
            fields.insert("last_status".into(), json!(last_status));
            fields.insert("waited_s".into(), json!((waited_s * 10.0).round() / 10.0));
        }
        json!({ "error": error })
    }

    /// The body of a 2xx answer that could not be decoded, or that says `"success": false` (exit 21: a
    /// failed test delivery's status and time are in it, for a script as a completed call's are).
    fn undecoded_success(&self) -> Option<&[u8]> {
        match self {
            Self::Api(failure) => match &failure.error {
                // A page a list walk refused read well: the list, not the answer, is what is wrong.
                Error::Decode(decode) if decode.status.is_success() && !decode.is_incomplete_list() => {
                    Some(decode.body.as_bytes())
                }
                Error::Api(api) if api.status.is_success() => Some(api.body.as_bytes()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The failure as shown to the user.
    pub fn describe(&self) -> String {
        self.describe_for(false)
    }

    /// [`Failure::describe`], for `--output csv` when `csv` (which writes no unreadable answer).
    fn describe_for(&self, csv: bool) -> String {
        match self {
            Self::Usage(m) => format!("error: {m}\n"),
            Self::Local(m) => format!("error: {m}\n"),
            Self::Refused(m, _) => format!("error: invalid_request: {m}\n"),
            Self::Api(failure) => {
                let mut text = failure.describe();
                match self.undecoded_success() {
                    Some(body) if is_json(body) => text.push_str(if csv { NOT_AS_CSV } else { ON_STANDARD_OUTPUT }),
                    Some(body) => {
                        let _ = writeln!(
                            text,
                            "  the answer is not JSON ({}), so nothing was written to standard output",
                            not_json(body)
                        );
                    }
                    None => {}
                }
                text
            }
            Self::RowsFailed(n) => {
                format!("error: {} not queued; run the same command again to retry them\n", rows(*n, "was", "were"))
            }
            Self::RowsInvalid(n) => {
                let rows = rows(*n, "is", "are");
                format!("error: {rows} invalid and not sent; the summary names each line and why\n")
            }
            Self::ClosedPipe => String::new(),
            Self::Unverified(problem) => format!("error: the signature does not verify: {problem}\n"),
            Self::NotEnded { message, .. } => format!("error: {message}\n"),
            Self::NotFound(what) => format!("error: not_found: {what}\n"),
            Self::NoId(what) | Self::Unwritten(what) => format!("error: {what}\n"),
        }
    }
}

/// An answer's body as the command line shows it: as received, but without the run's token
/// ([`output::without_token`](crate::output::without_token): the command line never prints it, even when
/// an answer echoes it), and with every control character but a tab or a line break written as JSON
/// escapes it (`\u001b`), so that a body cannot drive the terminal.
pub fn shown_body(body: &[u8]) -> String {
    json_safe(&crate::output::without_token(&String::from_utf8_lossy(body)))
}

/// `text` with every control character but a tab or a line break, and every character that reorders the
/// text around it ([`reorders`]), written as JSON escapes it (`\u001b`, `\u202e`): JSON stays the same
/// JSON, and cannot drive a terminal nor disguise what it says (serde_json leaves DEL, the C1 controls,
/// such as the one-character CSI `\u009b`, and the bidirectional overrides as they are).
pub fn json_safe(text: &str) -> String {
    let escaped = |c: char| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || reorders(c);
    if !text.chars().any(escaped) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            c if escaped(c) => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// `text` with every control character but a line break or a tab shown escaped (`\u{1b}`), for a message
/// on the terminal that holds what an answer said.
pub fn terminal_safe(text: &str) -> String {
    if !text.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || reorders(c)) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() || reorders(c) => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Whether `c` reorders the text around it on a terminal (a bidirectional mark, override or isolate):
/// shown escaped with the control characters, so that an answer cannot disguise what it says
/// (`\u{202e}` makes `exe.pdf` read `fdp.exe`).
pub fn reorders(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether a body is JSON text.
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// What a body that is not JSON is, without its content, which may repeat what the request sent (a
/// secret among it): its length, and whether it is a page of markup (a proxy's or a captive portal's).
fn not_json(body: &[u8]) -> String {
    let markup = String::from_utf8_lossy(body).trim_start().starts_with('<');
    format!("{} bytes{}", body.len(), if markup { " of markup, a web page" } else { "" })
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::api(e, Vec::new(), None)
    }
}

impl ApiFailure {
    /// The error in full ([`describe_error`]) with how each attempt ended, then what an earlier attempt
    /// may have done, and whether the request may have taken effect.
    fn describe(&self) -> String {
        let e = &self.error;
        let mut out = describe_with(e, self.timeout, &self.attempts, &self.path);
        if let Some(note) = self.earlier_attempt_may_have_done_it() {
            let _ = writeln!(out, "  {note}");
        }
        if let Some(note) = outcome_unknown(e) {
            // The command that checks it, with the request's own agent and number where it names them.
            let _ = writeln!(out, "  {}", filled(&note, &self.path));
        }
        out
    }

    /// An answer, after retries of an operation that changes something, where an earlier attempt may have
    /// been processed (it answered 5xx, or its answer was lost:
    /// `Error::earlier_attempt_may_have_taken_effect`): that attempt may have done what was asked (deleted
    /// what is now not found, made the move of status now refused as a move to itself).
    fn earlier_attempt_may_have_done_it(&self) -> Option<String> {
        if !self.error.earlier_attempt_may_have_taken_effect() || self.attempts.len() < 2 {
            return None;
        }
        let op = operation_of(&self.error)?;
        let earlier = self.attempts[..self.attempts.len() - 1].iter().find(|o| o.may_have_taken_effect())?;
        // Only a refusal can follow from what an earlier attempt did; a last 5xx or lost answer is said by
        // the outcome's own note.
        let refused =
            self.error.status().filter(|s| !status_may_have_taken_effect(*s) && *s != StatusCode::TOO_MANY_REQUESTS)?;
        let done = if refused == StatusCode::NOT_FOUND && op.method == Method::DELETE {
            "may have deleted it, so the 404 may mean it is already gone".to_owned()
        } else {
            format!("may have carried the request out, so the {} may follow from it", refused.as_u16())
        };
        Some(format!("an earlier attempt {} and {done}", earlier.describe()))
    }
}

/// `step` with each placeholder of a path parameter (`AGENT_ID`) replaced by the request's own value, where
/// that value can stand in a command as it is (letters, digits, `-`, `_`, `.`, or a phone number in E.164
/// form for `NUMBER`): anything else stays a placeholder rather than put an answer's or an argument's odd
/// text into a command to run.
fn filled(step: &str, path: &[(String, String)]) -> String {
    let mut step = step.to_owned();
    for (name, value) in path {
        let plain = !value.is_empty()
            && (value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                || talkover::validate::is_e164(value));
        if plain {
            step = step.replace(&name.to_ascii_uppercase(), value);
        }
    }
    step
}

/// What to do about an answer of the API, where its status or code says: the command that does it.
fn next_step(e: &Error) -> Option<Cow<'static, str>> {
    if let Error::Transport(t) = e {
        return (t.kind() == talkover::TransportErrorKind::Connect).then_some(Cow::Borrowed(
            "check the base URL (--base-url or TALKOVER_BASE_URL) and the network: nothing answered there \
             (a local emulator: is it running?)",
        ));
    }
    let Error::Api(api) = e else { return None };
    if from_another_server(e) {
        return None;
    }
    if api.status.as_u16() == 401 && ACCOUNT_API.contains(&api.operation) {
        return Some(Cow::Borrowed(
            "check the token: this operation is the Account API's, which wants a user's session token, not \
             the environment's talq_ token the other operations take (TALKOVER_TOKEN, or --token-file, for \
             this command)",
        ));
    }
    if api.status.as_u16() == 401 {
        return Some(Cow::Borrowed(
            "check the token: TALKOVER_TOKEN, or the file given with --token-file (one of this base URL's API: \
             --base-url or TALKOVER_BASE_URL)",
        ));
    }
    if no_such_route(e) {
        return Some(Cow::Borrowed(
            "no such route: check --base-url (or TALKOVER_BASE_URL); the API's ends in /api/v1",
        ));
    }
    if let Some(step) = what_publishing_lacks(api) {
        return Some(Cow::Owned(step));
    }
    // Refusals the pages give without a code, by what was refused.
    if let Some((_, _, step)) = REFUSALS.iter().find(|(id, status, _)| *id == api.operation && *status == api.status) {
        return Some(Cow::Borrowed(step));
    }
    let code = api.code.as_deref()?;
    STEPS_BY_CODE.iter().find(|(known, _)| *known == code).map(|(_, step)| Cow::Borrowed(*step))
}

/// What publishing an agent needs (the page: knowledge, a voice, calling settings), by the field a 422 of
/// publish-agent names, and the command that gives it.
const PUBLISH_NEEDS: &[(&str, &str)] = &[
    ("description", "a description with talkover agents update-knowledge AGENT_ID"),
    (
        "voice_id",
        "a voice with talkover agents update-voice AGENT_ID, whose voice_id talkover voice-templates list gives",
    ),
    ("direction", "calling settings (a direction) with talkover agents update-calling AGENT_ID"),
];

/// A publish-agent 422: the commands that give the agent the fields the answer names, when it names only
/// fields of [`PUBLISH_NEEDS`], and no others; every command of the list for another answer (no fields, or
/// one the list does not know).
fn what_publishing_lacks(api: &talkover::ApiError) -> Option<String> {
    if api.operation != PublishAgent::ID || api.status.as_u16() != 422 {
        return None;
    }
    let step_of = |field: &String| PUBLISH_NEEDS.iter().find(|(known, _)| known == field).map(|(_, step)| *step);
    let named = match api.field_errors.is_empty() {
        true => None,
        false => api.field_errors.keys().map(step_of).collect::<Option<Vec<_>>>(),
    };
    let needs = named.unwrap_or_else(|| PUBLISH_NEEDS.iter().map(|(_, step)| *step).collect());
    Some(format!("give the agent what it lacks first: {}", needs.join("; ")))
}

/// What to do about a refusal a page gives without a code: by operation and status.
const REFUSALS: &[(&str, u16, &str)] = &[
    (
        DeleteCampaign::ID,
        403,
        "an active campaign is not deleted: pause or cancel it first, talkover campaigns update-status CAMPAIGN_ID \
         -f status=paused",
    ),
    (
        DeleteCampaign::ID,
        409,
        "its calls in progress must end first: talkover campaigns get CAMPAIGN_ID lists them; wait, or end each: \
         talkover calls active AGENT_ID NUMBER gives a call's id, then talkover calls end AGENT_ID -f call_sid=ID",
    ),
    (
        MakeCampaignCall::ID,
        403,
        "the campaign must be active and its agent published: talkover campaigns get CAMPAIGN_ID shows both",
    ),
];

/// What to do about an answer, by its error code.
const STEPS_BY_CODE: &[(&str, &str)] = &[
    ("CAMPAIGN_NOT_ACTIVE", "start the campaign first: talkover campaigns update-status CAMPAIGN_ID -f status=active"),
    ("AGENT_INACTIVE", "publish the agent first: talkover agents publish AGENT_ID"),
    ("AGENT_IS_PUBLISHED", "unpublish the agent first: talkover agents unpublish AGENT_ID"),
    (
        "AGENT_HAS_ACTIVE_CALLS",
        "its calls in progress must end first: wait, or end each: talkover calls active AGENT_ID NUMBER gives a \
         call's id, then talkover calls end AGENT_ID -f call_sid=ID",
    ),
    ("INSUFFICIENT_CREDITS", "talkover credits get-balance shows the balance; talkover credits purchase adds to it"),
    ("SFTP_TEST_REQUIRED", "test the connection first: talkover campaigns test-sftp-connection CAMPAIGN_ID"),
    (
        "CAMPAIGN_HAS_ACTIVE_CALLS",
        "pause the campaign first: talkover campaigns update-status CAMPAIGN_ID -f status=paused, then change its \
         schedule and start it again with -f status=active",
    ),
    (
        "TRUNK_HAS_DIDS",
        "delete its numbers first: talkover sip-trunks list-dids TRUNK_ID, then talkover sip-trunks delete-did",
    ),
    (
        "MEETING_PROVIDER_REQUIRED",
        "connect a meeting provider first: talkover calendars create-provider-connection CALENDAR_ID",
    ),
];

/// The documented values of each field of the operation that a 422 refused and that takes one of a list
/// (a value the types do not know is sent as given, and the API judges it): `(field, "a, b, c")`.
fn documented_values(e: &Error) -> Vec<(&str, String)> {
    let (Error::Api(api), Some(op)) = (e, operation_of(e)) else { return Vec::new() };
    let fields: Vec<_> = op.body_fields().into_iter().chain(op.query_fields()).collect();
    api.field_errors
        .keys()
        .filter_map(|name| {
            let field = fields.iter().find(|f| f.name == name.as_str())?;
            match crate::commands::reading(&field.reads).kind {
                crate::commands::ValueKind::Enum(values) => {
                    Some((name.as_str(), crate::commands::enum_values(values).join(", ")))
                }
                _ => None,
            }
        })
        .collect()
}

/// The registry's entry of the operation an error is about.
fn operation_of(e: &Error) -> Option<&'static OperationInfo> {
    let id = match e {
        Error::Transport(t) => t.operation()?,
        Error::Api(api) => api.operation,
        Error::Decode(decode) => decode.operation,
        _ => return None,
    };
    talkover::registry::operation(id)
}

/// For a request that is not safe to repeat, when the failure leaves it open whether it took effect
/// ([`Error::may_have_taken_effect`]: a 5xx or 408 answer, or a transport failure after the request may
/// have left): says so, and what it may have done, so that it is checked before being run again.
fn outcome_unknown(e: &Error) -> Option<String> {
    let op = operation_of(e).filter(|op| !op.safe_to_repeat)?;
    // A 2xx whose envelope says `"success": false` (test-webhook's "Webhook test failed: HTTP 502") is the
    // API's own account of how the request went: its outcome is known, whatever it did.
    let answered_unsuccessful = matches!(e, Error::Api(api) if api.status.is_success());
    if !e.may_have_taken_effect() || answered_unsuccessful {
        return None;
    }
    let effect = effect_of(op.id);
    match e {
        // A success answer the types could not read: carried out for certain, which a script must not take
        // for a failure to run again.
        Error::Decode(decode) => Some(format!(
            "the request was carried out: its {} answer could not be read; check what it did before running it again",
            decode.status.as_u16(),
        )),
        Error::Transport(t) if t.status().is_some_and(|s| s.is_success()) => Some(format!(
            "the request was carried out: its answer began {}, then was lost; check before running it again",
            t.status().map_or(0, |s| s.as_u16()),
        )),
        _ => {
            let how = CHECKS.iter().find(|(id, _)| *id == op.id).map_or(String::new(), |(_, how)| format!(" ({how})"));
            Some(format!("the request may have taken effect ({effect}); check before running it again{how}"))
        }
    }
}

/// How to check what a request that may have taken effect did, for the operations whose check is not
/// their own resource's list: the command that shows it.
const CHECKS: &[(&str, &str)] = &[
    (MakeCall::ID, "talkover calls list-for-agent AGENT_ID --search NUMBER shows whether it was placed"),
    (MakeCampaignCall::ID, "talkover campaigns get CAMPAIGN_ID lists the campaign's calls"),
];

/// Whether the failed request was carried out for certain: its success answer came and could not be read,
/// or was cut off after its status.
fn carried_out(e: &Error) -> bool {
    match e {
        Error::Decode(decode) => decode.status.is_success(),
        Error::Transport(t) => t.status().is_some_and(|s| s.is_success()),
        _ => false,
    }
}

/// What an operation that is not safe to repeat may have done, in words: `a call may have been placed`.
fn effect_of(id: &str) -> String {
    if let Some((_, effect)) = EFFECTS.iter().find(|(op, _)| *op == id) {
        return (*effect).into();
    }
    let (verb, rest) = id.split_once('-').unwrap_or((id, ""));
    let thing = rest.replace('-', " ");
    let article = if thing.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    match verb {
        "create" => format!("{article} {thing} may have been created"),
        "add" => format!("{article} {thing} may have been added"),
        "toggle" => "its status may have been switched, and running it again would switch it back".into(),
        "retry" => "the delivery may have been sent again".into(),
        "trigger" => format!("the {thing} may have started"),
        "test" => format!("the {thing} test may have run"),
        _ => "it may have been carried out".into(),
    }
}

/// What an operation may have done where its id's verb does not say it.
const EFFECTS: &[(&str, &str)] = &[
    (MakeCall::ID, "a call may have been placed"),
    (MakeCampaignCall::ID, "a call may have been queued"),
    (EndCall::ID, "the call may have been ended"),
    (PurchaseCredits::ID, "credits may have been bought and the payment method charged"),
    (TestAutoTopup::ID, "the payment method may have been charged"),
    (RequestPhoneRelease::ID, "the number's release may have been requested"),
    (
        CreateUserApiToken::ID,
        "an API token may have been created: `talkover user list-api-tokens` lists it, \
         `talkover user delete-api-token ID` revokes one not wanted",
    ),
];

/// The Account API's operations, whose pages ask for a user's session token, not the environment's.
pub(crate) const ACCOUNT_API: &[&str] = talkover::account::ACCOUNT_API_OPERATIONS;

/// Where a JSON success answer the types cannot read went.
const ON_STANDARD_OUTPUT: &str = "  the answer, as received, is on standard output (its ids, with --output id)\n";

/// The same with `--output csv`, which writes none of it.
const NOT_AS_CSV: &str =
    "  the answer, as received, was not written: it is no list of resources to write as CSV (--output json writes it)\n";

/// The exit code of an SDK error, by its kind.
pub fn exit_code_of(e: &Error) -> u8 {
    if from_another_server(e) || no_such_route(e) {
        return UNREADABLE_ANSWER;
    }
    match e.kind() {
        ErrorKind::InvalidRequest | ErrorKind::Config => 3,
        ErrorKind::Unauthorized => 4,
        ErrorKind::Forbidden => FORBIDDEN,
        ErrorKind::NotFound => 5,
        ErrorKind::Conflict => 6,
        ErrorKind::BadRequest | ErrorKind::Validation => 7,
        // Another 4xx in the API's JSON (413, 415, 405, …): refused as sent, as a 400 is, and not carried out.
        ErrorKind::Http if e.status().is_some_and(|s| s.is_client_error() && !matches!(s.as_u16(), 408 | 429)) => 7,
        ErrorKind::RateLimited => 8,
        ErrorKind::Server => 9,
        ErrorKind::Transport => 10,
        ErrorKind::PaymentRequired => PAYMENT_REQUIRED,
        ErrorKind::Unsuccessful => UNSUCCESSFUL,
        _ => UNREADABLE_ANSWER,
    }
}

/// Whether an error answer came from another server than the API (a wrong base URL, a proxy's or a captive
/// portal's page: [`talkover::ApiError::is_from_another_server`]), so its status says nothing of the
/// resource. A `404` page of a wrong host is no proof that an agent is gone, and exits 11, not 5.
fn from_another_server(e: &Error) -> bool {
    e.as_api().is_some_and(talkover::ApiError::is_from_another_server)
}

/// Whether an answer is the framework's 404 for a path it has no route for
/// ([`talkover::ApiError::is_unknown_route`]): the base URL's path is not the API's, and the answer says
/// nothing of the resource, so it exits 11, not 5 (a script deleting what is "not found" would take it as
/// gone).
fn no_such_route(e: &Error) -> bool {
    e.as_api().is_some_and(talkover::ApiError::is_unknown_route)
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
fn error_json(e: &Error, exit_code: u8, path: &[(String, String)], timeout: Option<Bound>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("kind".into(), json!(e.kind().to_string()));
    out.insert("exit_code".into(), json!(exit_code));
    let message = match e {
        Error::Api(api) => api.summary().map(str::to_owned),
        other => Some(without_attempts(other)),
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
        if from_another_server(e) {
            out.insert("not_the_api".into(), json!(true));
        }
        if no_such_route(e) {
            out.insert("no_such_route".into(), json!(true));
        }
    }
    // make-campaign-call's 409 names the call already queued for the number, for a script to carry on with.
    if let Some(existing) = talkover::calls::existing_call(e) {
        out.insert("existing_call".into(), serde_json::to_value(existing).unwrap_or_default());
    }
    // A retry the answer called for and the command held back (a wait longer than it waits): why.
    if let Some(words) = not_retried_words(e, timeout) {
        out.insert("not_retried".into(), json!(words));
    }
    if let Some(step) = next_step(e) {
        out.insert("next_step".into(), json!(filled(&step, path)));
    }
    out.insert("request_id".into(), json!(e.request_id()));
    out.insert("retry_after".into(), json!(e.retry_after().map(|d| d.as_secs())));
    out.insert("attempts".into(), json!(e.attempts()));
    out
}

/// An SDK error in full: kind, status, code, message, the field problems, the request id and the number
/// of attempts when there was more than one. The SDK's errors never hold the token (it redacts answers
/// that echo it).
pub fn describe_error(e: &Error) -> String {
    describe_with(e, None, &[], &[])
}

/// What the text of a failure shows at most of what an answer chose: a message (or a problem's line), a
/// code, field name or request id, and how many problem lines; `--output json` gives them whole.
const SHOWN_MESSAGE: usize = 2000;
const SHOWN_NAME: usize = 200;
const SHOWN_PROBLEMS: usize = 50;

/// `text` cut to `max` characters, saying how many more there were.
/// On one line: a line break in what an answer wrote would start a line of its own, which could read as the
/// command line's (`  the request was NOT carried out`, `  next: …`), so it is shown as `\n`.
fn bounded(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        let one_line = text.replace('\n', "\\n").replace('\r', "\\r");
        return bounded(&one_line, max).into_owned().into();
    }
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}… ({} more characters)", &text[..at], text[at..].chars().count()).into(),
        None => text.into(),
    }
}

/// [`describe_error`], a timeout said with the time each exchange had (`timeout`), the attempts with how
/// each ended (`attempts`) and a `next:` hint with the request's path parameters (`path`), when known.
fn describe_with(e: &Error, timeout: Option<Bound>, attempts: &[Outcome], path: &[(String, String)]) -> String {
    let mut out = format!("error: {}", e.kind());
    if let Some(status) = e.status() {
        let _ = write!(out, " ({})", status.as_u16());
    }
    if let Some(code) = e.code() {
        let _ = write!(out, " {}", bounded(code, SHOWN_NAME));
    }
    // Whether a line already says why a retry the failure called for was not made.
    let mut said_why = false;
    match e {
        Error::Api(api) => {
            let _ = write!(out, ": {}", bounded(api.summary().unwrap_or("(no message)"), SHOWN_MESSAGE));
            out.push('\n');
            // Each field's problem, the message's again included (a 400 that names its field, a 422 of one
            // error): the line names the field.
            let by_field = api.field_errors.iter().flat_map(|(field, problems)| {
                problems.iter().map(move |problem| format!("{}: {problem}", bounded(field, SHOWN_NAME)))
            });
            let lines: Vec<String> = by_field.chain(api.errors.iter().cloned()).collect();
            for line in lines.iter().take(SHOWN_PROBLEMS) {
                let _ = writeln!(out, "  {}", bounded(line, SHOWN_MESSAGE));
            }
            if lines.len() > SHOWN_PROBLEMS {
                let more = lines.len() - SHOWN_PROBLEMS;
                let _ = writeln!(out, "  … and {more} more (every one with --output json)");
            }
            // The header's wait, or the one the body gives (make-call's 429); a wait of days is no number to
            // read (a `Retry-After` too large to hold is the longest one).
            match api.retry_after_hint().map(|after| after.as_secs()) {
                Some(secs) if secs > 86_400 => {
                    let _ = writeln!(out, "  retry after: more than a day");
                }
                Some(secs) => {
                    // Retries wait only within the command's bounds: say so where that is why it gave up.
                    let too_long = e.stop_reason() == Some(talkover::retry::StopReason::RetryAfterTooLong);
                    // `--timeout` bounds each wait before a retry, as it bounds each exchange.
                    let cut = waits_cut_by_timeout(timeout).filter(|_| too_long);
                    let not_waited = match (cut, timeout) {
                        (Some(bound), _) => format!(
                            " (not waited for: longer than {TIMEOUT_FLAG}, {} s; a longer {TIMEOUT_FLAG} waits it out)",
                            seconds_text(bound)
                        ),
                        // Another bound (the time left of `--max-wait`) holds until a time: a wait that ends
                        // when it does (or later) is not waited either.
                        (None, Some((bound, by)))
                            if by != TIMEOUT_FLAG && e.is_retryable() && secs as f64 >= bound.as_secs_f64() =>
                        {
                            // `by` names the bound (`the time left of --max-wait`); its flag is what to lengthen.
                            let flag = by.split_whitespace().find(|word| word.starts_with("--")).unwrap_or(by);
                            format!(
                                " (not waited for: it does not end within {by}, {:.0} s; a longer {flag} waits it out)",
                                bound.as_secs_f64().ceil()
                            )
                        }
                        _ if too_long => {
                            format!(" (not waited for: the command waits at most {} s)", longest_wait_secs())
                        }
                        _ => String::new(),
                    };
                    said_why = !not_waited.is_empty();
                    let _ = writeln!(out, "  retry after: {secs} s{not_waited}");
                }
                None => {}
            }
            if let Some(existing) = talkover::calls::existing_call(e) {
                let (id, to) = (bounded(existing.id.as_str(), SHOWN_NAME), bounded(&existing.to, SHOWN_NAME));
                let _ = writeln!(
                    out,
                    "  existing call: {id} ({}, to {to})",
                    bounded(&existing.status.to_string(), SHOWN_NAME)
                );
            }
            for (field, values) in documented_values(e) {
                let _ = writeln!(out, "  {}: the documented values are {values}", bounded(field, SHOWN_NAME));
            }
            if let Some(step) = next_step(e) {
                let _ = writeln!(out, "  next: {}", filled(&step, path));
            }
            if from_another_server(e) {
                let _ = writeln!(
                    out,
                    "  the answer is not JSON, as the API's errors are: another server wrote it (is the base URL, \
                     --base-url or TALKOVER_BASE_URL, the API's?)"
                );
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
            let text = timed_out(other, timeout).unwrap_or_else(|| without_attempts(other));
            let _ = writeln!(out, ": {}", bounded(&text, usize::MAX));
            if let Some(step) = next_step(other) {
                let _ = writeln!(out, "  next: {}", filled(&step, path));
            }
        }
    }
    if let Some(id) = e.request_id() {
        let _ = writeln!(out, "  request id: {}", bounded(id, SHOWN_NAME));
    }
    if e.attempts() > 1 {
        let outcomes: Vec<String> = attempts.iter().map(Outcome::short).collect();
        if outcomes.is_empty() {
            let _ = writeln!(out, "  after {} attempts", e.attempts());
        } else {
            let _ = writeln!(out, "  after {} attempts ({})", e.attempts(), outcomes.join(", "));
        }
    }
    if let Some(words) = not_retried_words(e, timeout).filter(|_| !said_why) {
        let _ = writeln!(out, "  not retried: {words}");
    }
    out
}

/// A timeout said in words, with the time the exchange had: `make-call: no complete answer within 5 s
/// (--timeout), so the request timed out`.
fn timed_out(e: &Error, timeout: Option<Bound>) -> Option<String> {
    let Error::Transport(t) = e else { return None };
    if t.kind() != talkover::TransportErrorKind::Timeout {
        return None;
    }
    let mut text = t.operation().map(|op| format!("{op}: ")).unwrap_or_default();
    // Without `--timeout`, the transport's own message says which bound ran out.
    let (timeout, by) = timeout?;
    let seconds = seconds_text(timeout);
    let _ = write!(text, "no complete answer within {seconds} s ({by}), so the request timed out");
    if let Some(status) = t.status() {
        let _ = write!(text, " after the answer's head, {}", status.as_u16());
    }
    Some(text)
}

/// The error's text without the SDK's `(after N attempts)` or `(not retried: …)`, which the command line
/// says on lines of its own, in its own words ([`not_retried_words`]).
fn without_attempts(e: &Error) -> String {
    let text = e.to_string();
    text.strip_suffix(&e.attempts_note()).map(str::to_owned).unwrap_or(text)
}

/// Why the command made no further attempt, in its words (its flags, not the SDK's settings), where it held
/// back a retry the failure called for.
fn not_retried_words(e: &Error, timeout: Option<Bound>) -> Option<String> {
    use talkover::retry::StopReason;
    let reason = e.stop_reason().filter(|reason| reason.held_back_a_retry())?;
    Some(match (reason, waits_cut_by_timeout(timeout)) {
        (StopReason::RetryAfterTooLong, Some(bound)) => {
            format!("the server asked for a longer wait than {TIMEOUT_FLAG} ({} s)", seconds_text(bound))
        }
        (StopReason::RetryAfterTooLong, None) => {
            format!("the server asked for a longer wait than the command waits ({} s at most)", longest_wait_secs())
        }
        (other, _) => other.to_string(),
    })
}

/// `--timeout`, where it is what bounds each wait before a retry (`crate::retry_policy`): given, and shorter
/// than the longest wait the command takes without it.
fn waits_cut_by_timeout(timeout: Option<Bound>) -> Option<Duration> {
    let (bound, TIMEOUT_FLAG) = timeout? else { return None };
    let longest = |timeout| crate::retry_policy(timeout).max_retry_after;
    (longest(Some(bound)) < longest(None)).then_some(bound)
}

/// The flag that bounds each exchange and each wait before a retry, as a [`Bound`] names it.
pub const TIMEOUT_FLAG: &str = "--timeout";

/// The longest `Retry-After` the command waits for whatever `--timeout`: its retry policy's, the SDK's default.
fn longest_wait_secs() -> u64 {
    crate::retry_policy(None).max_retry_after.as_secs()
}

/// A bound in seconds, to the tenth (a bound cut to a wait's end is no round number): `1.5`, `10`.
fn seconds_text(bound: Duration) -> String {
    let seconds = format!("{:.1}", bound.as_secs_f64());
    seconds.strip_suffix(".0").map(str::to_owned).unwrap_or(seconds)
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
    fn what_an_operation_may_have_done_is_said_for_it() {
        assert_eq!(effect_of("create-agent"), "an agent may have been created");
        assert_eq!(effect_of("create-sip-trunk-did"), "a sip trunk did may have been created");
        assert_eq!(effect_of("add-calendar-member"), "a calendar member may have been added");
        assert!(effect_of("toggle-campaign-webhook").contains("would switch it back"));
        assert_eq!(effect_of("trigger-campaign-sftp-export"), "the campaign sftp export may have started");
    }

    #[test]
    fn every_command_a_hint_names_is_one() {
        let cli = crate::commands::command();
        let steps = REFUSALS
            .iter()
            .map(|(_, _, step)| *step)
            .chain(PUBLISH_NEEDS.iter().map(|(_, step)| *step))
            .chain(STEPS_BY_CODE.iter().map(|(_, step)| *step))
            .chain(CHECKS.iter().map(|(_, check)| *check));
        let commands = crate::commands::operation_commands();
        let (mut named, mut fields) = (0, 0);
        for step in steps {
            let words: Vec<&str> = step.split_whitespace().map(|w| w.trim_end_matches([',', ';'])).collect();
            let mut operation = None;
            for (at, word) in words.iter().enumerate() {
                if *word == "talkover" {
                    let (resource, action) = (words[at + 1], words[at + 2]);
                    let found = cli.find_subcommand(resource).and_then(|r| r.find_subcommand(action));
                    assert!(found.is_some(), "`talkover {resource} {action}` in {step:?} is no command");
                    let command = commands.iter().find(|c| c.resource == resource && c.action == action);
                    operation = command.map(|c| c.operation);
                    named += 1;
                } else if *word == "-f" {
                    // A body field of the command named before it, with a value it takes.
                    let (name, value) = words[at + 1].split_once('=').expect("-f name=value");
                    let op = operation.unwrap_or_else(|| panic!("`-f {name}` in {step:?} follows no command"));
                    let field = op.body_fields().into_iter().find(|f| f.name == name);
                    let field = field.unwrap_or_else(|| panic!("{}: no body field `{name}` ({step:?})", op.id));
                    if let crate::commands::ValueKind::Enum(values) = crate::commands::reading(&field.reads).kind {
                        let values = crate::commands::enum_values(values);
                        assert!(values.iter().any(|v| v == value), "{}: `{name}` takes no `{value}` ({step:?})", op.id);
                    }
                    fields += 1;
                }
            }
        }
        assert!(named >= 10, "only {named} commands named in the hints");
        assert!(fields >= 3, "only {fields} fields given in the hints");
    }

    #[test]
    fn a_hint_takes_the_requests_ids_that_can_stand_in_a_command() {
        let path = |value: &str| vec![("agent_id".to_owned(), value.to_owned())];
        let step = "publish the agent first: talkover agents publish AGENT_ID";
        assert_eq!(filled(step, &path("agent-1.b_c")), "publish the agent first: talkover agents publish agent-1.b_c");
        // Text a shell would read otherwise stays out of a command to run.
        for odd in ["a b", "x;rm -rf ~", "$(id)", ""] {
            assert_eq!(filled(step, &path(odd)), step, "{odd:?}");
        }
        assert_eq!(filled(step, &[("campaign_id".to_owned(), "c1".to_owned())]), step);
    }

    #[test]
    fn a_refusal_the_user_can_mend_says_how() {
        let next = |operation: &'static str, status: u16, body: &str| {
            let status = StatusCode::from_u16(status).unwrap();
            next_step(&Error::Api(Box::new(ApiError::from_parts(operation, status, HeaderMap::new(), body.into()))))
        };
        let route = r#"{"message": "The route /wrong/api/v1/agents could not be found."}"#;
        assert!(next("list-agents", 404, route).is_some_and(|step| step.contains("--base-url")));
        assert_eq!(next("get-agent", 404, r#"{"success": false, "message": "Agent not found"}"#), None);
        let active = r#"{"success": false, "message": "Cannot delete active campaign"}"#;
        assert!(next("delete-campaign", 403, active).is_some_and(|step| step.contains("status=paused")));
        // A publish refused for what the agent lacks names the commands that give it that, and no others.
        let lacks_voice = r#"{"message": "Invalid", "errors": {"voice_id": ["The agent needs a voice"]}}"#;
        let step = next("publish-agent", 422, lacks_voice).unwrap();
        assert!(step.contains("update-voice AGENT_ID") && !step.contains("update-knowledge"), "{step}");
        let lacks_both = r#"{"errors": {"voice_id": ["…"], "description": ["…"]}}"#;
        let step = next("publish-agent", 422, lacks_both).unwrap();
        assert!(step.contains("update-voice") && step.contains("update-knowledge"), "{step}");
        assert!(!step.contains("update-calling"), "{step}");
        // Fields it does not know, or none: every command that may be wanted.
        for body in [r#"{"errors": {"knowledge_base": ["…"]}}"#, r#"{"message": "Agent is not ready"}"#] {
            let step = next("publish-agent", 422, body).unwrap();
            assert!(step.contains("update-voice") && step.contains("update-calling"), "{step}");
        }
        let inactive = r#"{"error": {"code": "AGENT_INACTIVE", "message": "Agent is not published"}}"#;
        assert_eq!(
            next("make-call", 400, inactive).as_deref(),
            Some("publish the agent first: talkover agents publish AGENT_ID")
        );
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

    /// An answer cannot fill the terminal nor disguise what it says: the text is bounded (every problem
    /// is in `--output json`), and characters that reorder text are shown escaped.
    #[test]
    fn a_failure_s_text_is_bounded_and_cannot_reorder_the_terminal() {
        let errors: serde_json::Map<String, Value> = (0..80).map(|i| (format!("f{i:02}"), json!(["bad"]))).collect();
        let body = json!({"message": "m".repeat(5000), "errors": errors}).to_string();
        let api = ApiError::from_parts("create-agent", StatusCode::UNPROCESSABLE_ENTITY, HeaderMap::new(), body.into());
        let failure = Failure::api(Error::Api(Box::new(api)), Vec::new(), None);
        let text = failure.describe();
        assert!(text.contains(&format!("{}… (3000 more characters)", "m".repeat(20))), "{}", &text[..200]);
        assert!(text.contains("  f49: bad\n  … and 30 more (every one with --output json)\n"), "{text}");
        assert!(text.len() < 4000, "{} bytes", text.len());
        let json = failure.to_json();
        assert_eq!(json["error"]["message"].as_str().map(str::len), Some(5000));
        assert_eq!(terminal_safe("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
    }
}
