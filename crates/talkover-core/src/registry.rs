//! The table of every operation the SDK knows, for tools that work from an operation id and JSON
//! parameters (the conformance runner, emulators, recorders) rather than from Rust types.

pub use crate::entry::{OperationInfo, Params};

/// Every operation of the API, in the reference's order of resources.
pub fn operations() -> impl Iterator<Item = &'static OperationInfo> {
    GROUPS.iter().flat_map(|group| group.iter())
}

/// The registry entry of an operation id.
pub fn operation(id: &str) -> Option<&'static OperationInfo> {
    operations().find(|op| op.id == id)
}

static GROUPS: &[&[OperationInfo]] = &[
    crate::agents::OPERATIONS,
    crate::actions::OPERATIONS,
    crate::trainings::OPERATIONS,
    crate::calls::OPERATIONS,
    crate::campaigns::OPERATIONS,
    crate::webhooks::OPERATIONS,
    crate::campaign_sftp::OPERATIONS,
    crate::flows::OPERATIONS,
    crate::callbacks::OPERATIONS,
    crate::calendars::OPERATIONS,
    crate::calendars::members::OPERATIONS,
    crate::calendars::events::OPERATIONS,
    crate::calendars::availability::OPERATIONS,
    crate::calendars::providers::OPERATIONS,
    crate::voice_templates::OPERATIONS,
    crate::phone_numbers::OPERATIONS,
    crate::sip_trunks::OPERATIONS,
    crate::auto_topup::OPERATIONS,
    crate::credits::OPERATIONS,
    crate::account::OPERATIONS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_paths_documented() {
        let mut ids: Vec<_> = operations().map(|op| op.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate operation ids");
        for op in operations() {
            assert!(op.path.starts_with("/api/"), "{} {}", op.id, op.path);
        }
    }

    #[test]
    fn paths_match_their_templates() {
        let op = operation("delete-action").unwrap();
        let params = op.match_path("/api/v1/agents/a%2Fb/actions/x").unwrap();
        assert_eq!(params["agent_id"], "a/b");
        assert_eq!(params["action_id"], "x");
        assert!(op.match_path("/api/v1/agents/a/actions").is_none());
        assert!(op.match_path("/api/v1/agents//actions/x").is_none());
    }
}
