//! Handlers for calls.
