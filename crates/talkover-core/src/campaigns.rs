//! Campaigns: batches of outbound calls with schedules, retries and do-not-call rules.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
