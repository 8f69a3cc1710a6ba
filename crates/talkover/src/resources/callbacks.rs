//! Handlers for callbacks.
