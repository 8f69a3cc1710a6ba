//! How each attempt of a request ended. The SDK's error is the last attempt's and says how many there
//! were; the command line also tells what the earlier ones met, since an earlier attempt whose answer was
//! lost may have done what the request asked (a retried DELETE that ends in 404).

use std::cell::RefCell;

use talkover::http::StatusCode;
use talkover::{BlockingTransport, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

/// How one attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with this status.
    Answered(StatusCode),
    /// The exchange failed.
    Failed {
        kind: TransportErrorKind,
        /// The request certainly never reached the server.
        certainly_not_sent: bool,
        /// The status of the answer, when its head had arrived before the failure.
        head: Option<StatusCode>,
    },
}

/// How a transport failed, in a few words: `timed out`, `could not connect`, `failed (tls)`.
pub fn failure_words(kind: TransportErrorKind) -> String {
    match kind {
        TransportErrorKind::Timeout => "timed out".into(),
        TransportErrorKind::Connect => "could not connect".into(),
        TransportErrorKind::Io => "lost the connection".into(),
        kind => format!("failed ({kind})"),
    }
}

impl Outcome {
    fn of(result: &Result<HttpResponse, TransportError>) -> Self {
        match result {
            Ok(response) => Self::Answered(response.status()),
            Err(error) => Self::Failed {
                kind: error.kind(),
                certainly_not_sent: error.certainly_not_sent(),
                head: error.status(),
            },
        }
    }

    /// Whether the server may have carried out the request in this attempt, by the rule of
    /// `Error::may_have_taken_effect`: any answer but a 4xx refusal (408 is not one), or an exchange that
    /// failed after the request may have left (a timeout, a connection lost), unless the head of a refusal
    /// had arrived.
    pub fn may_have_taken_effect(&self) -> bool {
        use talkover::error::status_may_have_taken_effect as may;
        match self {
            Self::Answered(status) => may(*status),
            Self::Failed { certainly_not_sent, head: Some(status), .. } => !certainly_not_sent && may(*status),
            Self::Failed { certainly_not_sent, head: None, .. } => !certainly_not_sent,
        }
    }

    /// What happened, in a few words: `answered 502`, `timed out`.
    pub fn describe(&self) -> String {
        match self {
            Self::Answered(status) => format!("answered {}", status.as_u16()),
            Self::Failed { head: Some(status), .. } => format!("lost the answer after its head, {}", status.as_u16()),
            Self::Failed { kind, .. } => failure_words(*kind),
        }
    }

    /// The outcome in the fewest words, for a list of attempts: `502`, `timed out`.
    pub fn short(&self) -> String {
        match self {
            Self::Answered(status) => status.as_u16().to_string(),
            other => other.describe(),
        }
    }
}

thread_local! {
    /// The attempts made on this thread while [`recorded`] runs; `None` when nothing records them.
    static RECORDED: RefCell<Option<Vec<Outcome>>> = const { RefCell::new(None) };
}

/// The most attempts kept for one call (`--max-retries` allows 10 retries).
const MAX_RECORDED: usize = 32;

/// Runs `call` (on this thread, as the blocking client does) and gives how each attempt the transports
/// of the command line made meanwhile ended, in order.
pub fn recorded<T>(call: impl FnOnce() -> T) -> (T, Vec<Outcome>) {
    RECORDED.with(|recorded| *recorded.borrow_mut() = Some(Vec::new()));
    let result = call();
    let outcomes = RECORDED.with(|recorded| recorded.borrow_mut().take()).unwrap_or_default();
    (result, outcomes)
}

/// A transport that notes how each of its exchanges ended, for [`recorded`].
pub struct Recording<T>(pub T);

impl<T: BlockingTransport> BlockingTransport for Recording<T> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let result = self.0.send(request);
        RECORDED.with(|recorded| {
            if let Some(outcomes) = recorded.borrow_mut().as_mut().filter(|o| o.len() < MAX_RECORDED) {
                outcomes.push(Outcome::of(&result));
            }
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(kind: TransportErrorKind, certainly_not_sent: bool, head: Option<u16>) -> Outcome {
        Outcome::Failed { kind, certainly_not_sent, head: head.map(|s| StatusCode::from_u16(s).unwrap()) }
    }

    #[test]
    fn an_attempt_may_have_taken_effect_unless_it_was_refused_or_never_sent() {
        let answered = |s: u16| Outcome::Answered(StatusCode::from_u16(s).unwrap());
        for outcome in [answered(502), answered(500), answered(408), failed(TransportErrorKind::Timeout, false, None)] {
            assert!(outcome.may_have_taken_effect(), "{outcome:?}");
        }
        for outcome in [
            answered(404),
            answered(429),
            failed(TransportErrorKind::Connect, true, None),
            failed(TransportErrorKind::Io, false, Some(404)),
        ] {
            assert!(!outcome.may_have_taken_effect(), "{outcome:?}");
        }
        assert_eq!(answered(502).describe(), "answered 502");
        assert_eq!(failed(TransportErrorKind::Timeout, false, None).short(), "timed out");
    }
}
