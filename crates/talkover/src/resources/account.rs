//! Handlers for account.
