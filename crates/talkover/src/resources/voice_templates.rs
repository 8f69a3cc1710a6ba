//! Handlers for voice templates.
