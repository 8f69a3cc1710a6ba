//! The failures each operation's reference page documents, as data: one table for every operation,
//! generated from the pages (`cargo xtask errors`), from which the `# Errors` section of every handler
//! of the `talkover` crate is written.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::documented_errors::of;
//!
//! let conflicts: Vec<_> = of("delete-agent").iter().filter(|e| e.status == 409).map(|e| e.code).collect();
//! assert_eq!(conflicts, [Some("AGENT_HAS_ACTIVE_CALLS"), Some("AGENT_IS_PUBLISHED")]);
//! ```

use crate::error_code::ErrorCode;

mod sections;
mod table;

/// One failure a reference page documents for its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DocumentedError {
    /// The HTTP status.
    pub status: u16,
    /// The error code the body carries, when the page gives one.
    pub code: Option<&'static str>,
    /// The page's short title for the case (`Not Found`, `Call Already Ended`), when it gives one.
    pub title: Option<&'static str>,
    /// Whether an example body of the page carries the code. Where none does (the code is only in the
    /// page's table), an answer may leave it out; where one does, an answer of this status without it is
    /// another case (a validation failure beside a business refusal).
    pub code_in_example: bool,
}

impl DocumentedError {
    /// A documented failure.
    pub const fn new(status: u16, code: Option<&'static str>, title: Option<&'static str>) -> Self {
        Self { status, code, title, code_in_example: false }
    }

    /// The same, its code carried by an example body of the page.
    pub const fn with_code_in_example(mut self) -> Self {
        self.code_in_example = true;
        self
    }

    /// The code as an [`ErrorCode`].
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.map(ErrorCode::from_text)
    }

    /// When this failure happens, in a few words: the code's description, else the page's title for a
    /// case of its own, else what the status means.
    pub fn when(&self) -> String {
        if let Some(description) = self.error_code().and_then(|code| code.description()) {
            return description.to_owned();
        }
        match self.title.filter(|title| !is_status_title(title)) {
            Some(title) => sentence_case(title),
            None => status_meaning(self.status).to_owned(),
        }
    }
}

/// The failures the reference page of `operation_id` documents, by status then code; empty for an
/// operation whose page documents none (or an unknown id).
pub fn of(operation_id: &str) -> &'static [DocumentedError] {
    table::TABLE.binary_search_by(|(id, _)| (*id).cmp(operation_id)).map(|at| table::TABLE[at].1).unwrap_or(&[])
}

/// Every operation id with the failures its page documents, in id order.
pub fn all() -> impl Iterator<Item = (&'static str, &'static [DocumentedError])> {
    table::TABLE.iter().copied()
}

/// The `# Errors` section of a handler of `operation_id`, as the lines of a doc comment (without `///`).
pub fn errors_section(operation_id: &str) -> Vec<String> {
    let documented = of(operation_id);
    let mut lines = vec!["# Errors".to_owned(), String::new()];
    if documented.is_empty() {
        lines.push("Its reference page documents no error answer; like any call, it can still fail with a".to_owned());
        lines.push("transport error or an `Api` error of any status.".to_owned());
        lines.extend(ANY_CALL.iter().map(|line| (*line).to_owned()));
        return lines;
    }
    lines.push(
        "The failures its reference page documents, as `Error::Api` (read them with `err.status()` and".to_owned(),
    );
    lines.push("`err.documented_code()`):".to_owned());
    lines.push(String::new());
    lines.push("| status | code | when |".to_owned());
    lines.push("|---|---|---|".to_owned());
    for error in documented {
        let code = error.code.map(|code| format!("`{code}`")).unwrap_or_else(|| "—".to_owned());
        let when = note_of(operation_id, error).map_or_else(|| error.when(), str::to_owned);
        lines.push(format!("| {} | {code} | {} |", error.status, when.replace('|', "/")));
    }
    if documented.iter().any(|error| error.code.is_some()) {
        lines.push(String::new());
        lines.push("An answer may carry no code (some of the reference's own examples carry none):".to_owned());
        lines.push("`documented_code()` then gives the one code this table has for its status, and none".to_owned());
        lines
            .push("where it has several; match on `err.kind()` first, and on the code to tell cases of one".to_owned());
        lines.push("status apart.".to_owned());
    }
    lines.extend(ANY_CALL.iter().map(|line| (*line).to_owned()));
    lines
}

/// What every handler's section ends with: the failures of any call, beside those its page documents.
const ANY_CALL: [&str; 4] = [
    "",
    "Before sending, `Error::InvalidRequest` (an empty id, a value outside a documented bound); after it,",
    "`Error::Transport` (no complete answer) or `Error::Decode` (a 2xx that is not the documented answer),",
    "as for any call.",
];

/// What a page says in words of its own about one of its failures (by operation id, status and code),
/// where the status's usual meaning would mislead: the page says it in a note, which the table does not
/// keep. Written by hand from the page; `cargo xtask errors` writes it into the handler's section.
const NOTES: &[(&str, u16, Option<&str>, &str)] = &[
    (
        // publish-agent.mdx, Notes: "If `is_ready_to_publish` is `false`, the publish call will fail with a
        // `422` validation error explaining what's missing."
        "publish-agent",
        422,
        None,
        "the agent is not ready to publish (its `is_ready_to_publish` is false): it must be configured first \
         (knowledge, voice, calling settings); the answer says what is missing",
    ),
    (
        // The form of the number is the API's to judge: the SDK sends it as given.
        "make-call",
        400,
        Some("INVALID_PHONE_NUMBER"),
        "the number to call is not in international form (`+`, country code, number); the field is in \
         `Error::field_errors()`, and `validate::is_international` tells it before sending",
    ),
    (
        "make-call",
        400,
        Some("MISSING_PHONE_NUMBER"),
        "the number to call is empty; the field is in `Error::field_errors()`",
    ),
];

/// The note of [`NOTES`] on `error` of `operation_id`, if any.
fn note_of(operation_id: &str, error: &DocumentedError) -> Option<&'static str> {
    NOTES
        .iter()
        .find(|(id, status, code, _)| *id == operation_id && *status == error.status && *code == error.code)
        .map(|(_, _, _, note)| *note)
}

/// Whether a page's title only names the status (`Not Found`, `Validation Error`).
fn is_status_title(title: &str) -> bool {
    const TITLES: &[&str] = &[
        "bad request",
        "unauthorized",
        "unauthorized error",
        "payment required",
        "forbidden",
        "not found",
        "conflict",
        "validation error",
        "unprocessable entity",
        "too many requests",
        "server error",
        "internal server error",
    ];
    TITLES.contains(&title.to_ascii_lowercase().as_str())
}

fn sentence_case(title: &str) -> String {
    let lower = title.to_lowercase();
    let mut words: Vec<String> = lower.split(' ').map(str::to_owned).collect();
    // Keep acronyms as the page spells them (`DIDs`).
    for (word, original) in words.iter_mut().zip(title.split(' ')) {
        if original.chars().filter(char::is_ascii_uppercase).count() > 1 {
            *word = original.to_owned();
        }
    }
    let text = words.join(" ");
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What a status means when the page adds nothing of its own.
fn status_meaning(status: u16) -> &'static str {
    match status {
        400 => "the request is malformed or a value is refused",
        401 => "the token is missing, invalid or expired",
        402 => "the account cannot pay for it",
        403 => "the token may not do this",
        404 => "the resource (or one the request names) does not exist",
        409 => "the resource's present state does not allow it",
        422 => "a field fails the API's checks (`err.field_errors()` lists them)",
        429 => "too many requests: retried after the wait it asks for within the retry policy; when it comes back, wait `Error::retry_after`",
        500..=599 => "the server failed; retried only when the operation is safe to repeat",
        _ => "the API refused the request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "registry")]
    fn the_table_is_sorted_and_names_registered_operations_only() {
        let ids: Vec<&str> = all().map(|(id, _)| id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for id in ids {
            assert!(crate::registry::operation(id).is_some(), "{id}");
        }
    }

    #[test]
    fn sections_list_status_code_and_when() {
        let section = errors_section("delete-agent");
        assert!(
            section.contains(
                &"| 409 | `AGENT_IS_PUBLISHED` | a published agent cannot be deleted; unpublish it, then delete it |"
                    .to_owned()
            ),
            "{section:#?}"
        );
        let end_call = errors_section("end-call");
        assert!(end_call.iter().any(|line| line.starts_with("| 409 | `CALL_NOT_ACTIVE` |")), "{end_call:#?}");
        assert!(errors_section("no-such-operation")[2].contains("documents no error answer"));
        // publish-agent's 422 is what its page's note says, not any field failing a check.
        let publish = errors_section("publish-agent");
        let row = publish.iter().find(|line| line.starts_with("| 422 |")).expect("a 422 row");
        assert!(row.contains("not ready to publish") && row.contains("what is missing"), "{row}");
        assert!(!row.contains("field"), "{row}");
        // make-call's code for its `to` says where the field is, and how to tell a number's form beforehand.
        let make_call = errors_section("make-call");
        let row = make_call.iter().find(|line| line.contains("`INVALID_PHONE_NUMBER`")).expect("its row");
        assert!(row.contains("is_international") && row.contains("field_errors"), "{row}");
        // Every note names a failure the table holds, or it would never be shown.
        for (id, status, code, _) in NOTES {
            assert!(of(id).iter().any(|e| e.status == *status && e.code == *code), "{id} {status}");
        }
        assert_eq!(sentence_case("Trunk Has DIDs"), "Trunk has DIDs");
    }
}
