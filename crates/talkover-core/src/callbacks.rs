//! Callback agents: agents that answer when someone calls back a number another agent called from.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
