//! Handlers for campaigns.
