//! The command line's tests: the `talkover` binary run against the emulator and scripted servers.
//!
//! One test binary per crate: each binary links the whole dependency tree, so one link instead of one
//! per file saves build time and disk. Each module is one area's tests.

mod common;

mod commands;
mod every_operation;
mod failures;
mod import;
mod listen;
