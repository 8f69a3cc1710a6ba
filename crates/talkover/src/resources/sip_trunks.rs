//! Handlers for sip trunks.
