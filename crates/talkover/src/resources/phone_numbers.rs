//! Handlers for phone numbers.
