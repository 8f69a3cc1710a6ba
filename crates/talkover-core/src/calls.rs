//! Calls: place calls from an agent or a campaign, end them, find active ones, list history.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
