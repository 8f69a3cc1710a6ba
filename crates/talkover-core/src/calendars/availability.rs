//! Availability rules of a calendar, and free-slot queries.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
