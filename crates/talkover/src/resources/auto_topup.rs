//! Handlers for auto topup.
