//! SFTP import and export of a campaign's contacts and results.

use crate::registry::OperationInfo;

pub(crate) const OPERATIONS: &[OperationInfo] = &[];
