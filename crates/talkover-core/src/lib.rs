//! The Talkover API as data: typed requests and responses for every documented operation, the error
//! model, and the transport traits an HTTP client implements. No I/O happens here, apart from reading
//! fixture files with `std::fs` in `fixture` (with the `registry` feature).
//!
//! The `registry` feature adds `registry` (every operation by id, from and to JSON), `fixture`,
//! `replay` and `record`, for tools: emulators, recorders, command lines, conformance runners. It is off
//! by default because each registry entry compiles its operation's whole JSON reading and writing here;
//! without it, a program compiles the serde code of the operations it calls, where it calls them.
//!
//! Each operation is one type implementing [`Operation`]: its id, method, path template, whether it is
//! safe to repeat, how its request is built ([`build_request`]) and how its answer is decoded
//! ([`decode_response`]). Any HTTP client can run it; the `talkover` crate runs it on reqwest or ureq.
//!
//! ```
//! use talkover_core::{agents::UnpublishAgent, build_request, ClientConfig};
//!
//! let config = ClientConfig::new("talq_example").unwrap();
//! let request = build_request(&UnpublishAgent::new("agent/1"), &config).unwrap();
//! assert_eq!(request.method(), "POST");
//! assert_eq!(request.uri(), "https://app.talkover.ai/api/v1/agents/agent%2F1/unpublish");
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub(crate) mod macros;

pub mod config;
pub mod decimal;
pub mod documented_errors;
pub mod encode;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
mod entry;
pub mod envelope;
pub mod error;
mod error_code;
pub mod execute;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub mod fixture;
pub mod ids;
mod json_body;
mod json_path;
pub mod language;
mod nullable;
pub mod operation;
pub mod page;
pub mod rate_limit;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub mod record;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub mod registry;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub mod replay;
mod reread;
pub mod retry;
pub mod secret;
mod strict_decode;
pub mod time;
pub mod transport;
pub mod undocumented;
pub mod validate;

pub mod account;
pub mod actions;
pub mod agents;
pub mod auto_topup;
pub mod calendars;
pub mod callbacks;
pub mod calls;
pub mod campaign_sftp;
mod campaign_status;
pub mod campaigns;
pub mod credits;
pub mod flows;
pub mod phone_numbers;
pub mod sip_trunks;
pub mod trainings;
pub mod voice_templates;
pub mod webhook_delivery;
pub mod webhooks;

/// The `http` crate (1.x), whose request, response and header types the SDK speaks.
pub use http;

/// The `serde_json` crate (1.x), whose `Value` and `Map` stand where the API takes or gives any JSON (an
/// action's settings, a call's `context`, an answer's fields the types do not name): build and read them
/// through this, with no version of your own to keep in step.
pub use serde_json;

/// The attribute an implementation of [`Transport`] takes: `#[talkover_core::async_trait]` here,
/// `#[talkover::async_trait]` from the `talkover` crate. It is the `async-trait` crate's, re-exported so
/// that implementing the trait needs no dependency of your own; see [`Transport`] for an example.
pub use async_trait::async_trait;

pub use config::{BaseUrl, ClientConfig, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use decimal::Decimal;
pub use envelope::{Ack, Envelope, ErrorBody, ErrorObjectBody, ListEnvelope, MaybeEnveloped};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, ErrorCode, ErrorKind, FieldError, InvalidRequest, RawBody,
    TransportError, TransportErrorKind,
};
pub use execute::{Execute, IntoParam, Pending};
pub use operation::{
    build_request, decode_body, decode_response, decode_with_response, Operation, Output, ResponseBody, WithResponse,
};
pub use page::{ListAnswer, Page, PageBlock, PagedOperation, Pagination, Paginator};
pub use retry::{RateLimit, RetryBudget, RetryPolicy};
pub use secret::SecretString;
pub use transport::{BlockingTransport, HttpRequest, HttpResponse, Transport};

/// A date-time of a response, kept as the API wrote it: see [`time::Timestamp`].
pub use time::Timestamp;
