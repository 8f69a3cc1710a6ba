//! Webhooks of agents and of campaigns: subscriptions, deliveries (logs), tests and retries.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
