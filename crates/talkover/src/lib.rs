//! The Rust SDK for the [Talkover](https://app.talkover.ai) API: AI voice agents that place and answer
//! phone calls.
//!
//! Two clients run the same typed operations: [`Client`] (async, on reqwest, the `reqwest` feature, on by
//! default) and [`blocking::Client`] (on ureq, the `ureq` feature, no async runtime). Every type of the API
//! is re-exported from [`talkover_core`], which holds the API as pure data and can be used alone.
//!
//! ```no_run
//! # async fn run() -> Result<(), talkover::Error> {
//! let client = talkover::Client::from_env()?; // TALKOVER_TOKEN, optional TALKOVER_BASE_URL
//! client.agents().unpublish("550e8400-e29b-41d4-a716-446655440000").await?;
//! client.agents().actions("550e8400-e29b-41d4-a716-446655440000").delete("action-uuid-1").await?;
//! # Ok(()) }
//! ```
//!
//! Errors are one [`Error`] type split by phase: never sent ([`Error::InvalidRequest`]), transport
//! ([`Error::Transport`]), the API said no ([`Error::Api`], with status, kind, code, message, field errors and
//! request id) and could not decode ([`Error::Decode`]).
//!
//! The `registry` feature (off by default) adds `registry`, `fixture`, `replay::Replay`,
//! `record::Recorder` and `blocking::Client::execute_registered`: operations by id from and to JSON, and
//! replaying or recording fixtures, for tools and tests.
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use talkover_core::*;

mod attempts;
pub mod blocking;
mod builder;
mod client;
mod client_core;
pub mod resources;

pub use builder::{ClientBuilder, BASE_URL_ENV, TOKEN_ENV};
pub use client::{BoxFuture, Client, ItemStream, Sleep};
/// The `Stream` trait [`ItemStream`] implements (from `futures-core`), for use with any stream
/// combinator library; [`ItemStream::next`] and [`ItemStream::try_collect`] need none.
pub use futures_core::Stream;
/// The builder's defaults, which the built-in transports share.
pub use talkover_core::transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};

/// The README's examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
