//! Voice templates: the voices agents can use, and demos of them.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
