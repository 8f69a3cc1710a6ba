//! Conversation flows: the graph of nodes an agent follows, its validation and versions.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
