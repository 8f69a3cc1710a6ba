//! The account: API tokens, the current user, and the API's health.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
