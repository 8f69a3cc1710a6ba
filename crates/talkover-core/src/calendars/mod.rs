//! Calendars, their members, events, availability rules and provider connections.

pub mod availability;
pub mod events;
pub mod members;
pub mod providers;

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
