//! SIP trunks: bring-your-own-carrier trunks and their numbers (DIDs).

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
