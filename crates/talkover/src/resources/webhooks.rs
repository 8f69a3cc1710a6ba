//! Handlers for webhooks.
