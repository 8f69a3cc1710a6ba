//! The facade's tests: both clients over recorded exchanges, secrets, and operations run by one's own executor.
//!
//! One test binary for them all: each binary links the whole dependency tree, so one link instead of one
//! per file saves build time and disk. Each module is one area's tests. `from_env.rs` stays a binary of its
//! own: it sets the process's environment, which tests running beside it on other threads would see.

#[macro_use]
mod common;

mod account_numbers_billing;
mod calls_campaigns_webhooks;
mod clients;
mod flows_callbacks_calendars;
mod own_executor;
mod secrets;
mod tracing_events;
