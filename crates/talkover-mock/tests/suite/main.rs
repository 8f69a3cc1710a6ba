//! The emulator's tests: the library and the `talkover-mock` binary, driven through the SDK and over plain HTTP.
//!
//! One test binary per crate: each binary links the whole dependency tree, so one link instead of one
//! per file saves build time and disk. Each module is one area's tests.

mod common;

mod actions;
mod api_tokens;
mod calendars;
mod callbacks;
mod campaign_sftp;
mod credits;
mod emulator;
mod every_operation;
mod flows;
mod hostile;
mod lifecycle;
mod live;
mod openapi;
mod phone_numbers;
mod record_replay;
mod release_requests;
mod sip_trunks;
