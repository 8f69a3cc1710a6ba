//! The Rust SDK for the [Talkover](https://app.talkover.ai) API: AI voice agents that place and answer
//! phone calls.
//!
//! Two clients run the same typed operations through the same resource handlers: [`Client`] (async, on
//! reqwest, the `reqwest` feature, on by default) and [`blocking::Client`] (on ureq, the `ureq` feature, no
//! async runtime). Every type of the API is re-exported from [`talkover_core`], which holds the API as pure
//! data and can be used alone (servers, your own HTTP stack).
//!
//! ```toml
//! # async, on reqwest + rustls (the default)
//! talkover = "0.1"
//! # or, blocking, on ureq + rustls, with no async runtime, instead of the line above
//! # talkover = { version = "0.1", default-features = false, features = ["ureq", "webhook-signatures"] }
//! ```
//!
//! # A first call
//!
//! Handlers follow the API's resources (`client.agents()`, `client.calls()`, `client.campaigns()`, …, see
//! [`resources`]); each method is one operation, its documented failures listed in its `# Errors`.
//!
//! ```no_run
//! use talkover::agents::AgentStatus;
//!
//! # async fn run() -> talkover::Result<()> {
//! let client = talkover::Client::from_env()?; // TALKOVER_TOKEN, optional TALKOVER_BASE_URL
//! let agent = client.agents().get("550e8400-e29b-41d4-a716-446655440000").await?;
//! println!("{} is {:?}", agent.name, agent.current_status);
//!
//! // A list takes its filters, then is awaited (or walked item by item with `.items()`).
//! let page = client.agents().list().status(AgentStatus::Published).per_page(50).await?;
//! for agent in &page {
//!     println!("{} {}", agent.id, agent.name);
//! }
//! # Ok(()) }
//! ```
//!
//! The blocking client is the same without `.await`:
//!
//! ```no_run
//! # fn run() -> talkover::Result<()> {
//! let client = talkover::blocking::Client::from_env()?;
//! for agent in client.agents().list().items() {
//!     println!("{}", agent?.name);
//! }
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! One [`Error`] type split by phase: never sent ([`Error::InvalidRequest`]), transport
//! ([`Error::Transport`]), the API said no ([`Error::Api`], with status, kind, code, message, field errors and
//! request id) and could not decode ([`Error::Decode`]). Match on [`Error::kind`] first. A call that may
//! already have been carried out (a call placed, an agent created) is never sent twice; how the rest is
//! retried is the client's [`RetryPolicy`] (`Client::builder().retry_policy(…)`, [`Client::with_retry_policy`]).
//!
//! # Testing code that uses the SDK
//!
//! - The emulator ([`talkover-mock`](https://docs.rs/talkover-mock), a dev-dependency) serves the whole API
//!   on 127.0.0.1 with state, calls that progress on a clock you control and signed webhook deliveries:
//!   give the client its base URL and token,
//!   `Client::builder().base_url(server.base_url()).token(server.token()).build()?` after
//!   `let server = talkover_mock::Server::start().await?` (`Server::start_blocking()` for the blocking
//!   client).
//! - Any closure is a transport ([`Client::with_transport`]), for a canned answer in a unit test.
//! - The `registry` feature (off by default) adds `registry`, `fixture`, `replay::Replay`,
//!   `record::Recorder` and `blocking::Client::execute_registered`: operations by id from and to JSON, and
//!   replaying or recording exchanges, for tools and tests.
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use talkover_core::*;

mod attempts;
pub mod blocking;
pub mod builder;
mod client;
mod client_core;
pub mod resources;

pub use builder::{BASE_URL_ENV, TOKEN_ENV};
/// The async client's builder ([`Client::builder`]); the blocking one's is [`blocking::ClientBuilder`].
/// Its settings (token, base URL, timeouts, retries, user agent, transport, and the async client's
/// `sleep`) are the methods of [`builder::ClientBuilder`].
pub type ClientBuilder = builder::ClientBuilder<std::sync::Arc<dyn Transport>>;
/// The built-in async transport, for a client on a `reqwest::Client` of your own
/// (`ReqwestTransport::from_client`, then [`ClientBuilder`]`.transport(...)`), built with the `reqwest`
/// crate it re-exports (`talkover::reqwest_transport::reqwest`), so that you need not depend on a matching
/// version yourself.
#[cfg(any(feature = "reqwest", feature = "reqwest-native-tls"))]
pub use talkover_reqwest as reqwest_transport;
/// The built-in blocking transport, for a client on a `ureq::Agent` of your own
/// (`UreqTransport::from_agent`), built with the `ureq` crate it re-exports
/// (`talkover::ureq_transport::ureq`).
#[cfg(any(feature = "ureq", feature = "ureq-native-tls"))]
pub use talkover_ureq as ureq_transport;
/// A result whose error is the SDK's [`Error`]: `talkover::Result<Agent>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
pub use client::{BoxFuture, Client, ItemStream, Sleep};
/// The `Stream` trait [`ItemStream`] implements (from `futures-core`), for use with any stream
/// combinator library; [`ItemStream::next`] and [`ItemStream::try_collect`] need none. A link to
/// `futures-core`'s documentation, not a copy of it.
#[doc(no_inline)]
pub use futures_core::Stream;
/// The builder's defaults, which the built-in transports share.
pub use talkover_core::transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};

/// Each client's `new` is deprecated exactly where it has no built-in transport: with the warning denied,
/// a call compiles with the transport's feature and fails to compile without it.
#[cfg_attr(ureq_transport, doc = "```")]
#[cfg_attr(not(ureq_transport), doc = "```compile_fail")]
#[doc = "#![deny(deprecated)]"]
#[doc = "let _ = talkover::blocking::Client::new(\"talq_example\");"]
#[doc = "```"]
#[doc = ""]
#[cfg_attr(reqwest_transport, doc = "```")]
#[cfg_attr(not(reqwest_transport), doc = "```compile_fail")]
#[doc = "#![deny(deprecated)]"]
#[doc = "let _ = talkover::Client::new(\"talq_example\");"]
#[doc = "```"]
#[cfg(doctest)]
struct DeprecatedWithoutTransport;

/// The README's examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
