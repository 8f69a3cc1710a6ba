//! Automatic credit top-up: settings, tests, history and payment methods.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
