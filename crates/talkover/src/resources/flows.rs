//! Handlers for flows.
