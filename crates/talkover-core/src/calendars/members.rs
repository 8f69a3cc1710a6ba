//! Members of a calendar: the users who can see or change it, and their roles.
//!
//! ```
//! use talkover_core::calendars::members::{AddCalendarMember, CalendarRole, NewCalendarMember, UpdateCalendarMember};
//!
//! let add = AddCalendarMember::new("calendar-uuid", NewCalendarMember::new("user-uuid", CalendarRole::Editor));
//! let demote = UpdateCalendarMember::new("calendar-uuid", "member-uuid", CalendarRole::Viewer);
//! # let _ = (add, demote);
//! ```
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-calendar-members> and the pages beside
//! it.

use serde::{Deserialize, Serialize};

use super::CalendarId;
use crate::account::UserId;
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::macros::{id_type, operation, string_enum};
use crate::registry::OperationInfo;
use crate::Timestamp;

id_type! {
    /// The id of a calendar membership (not the member's user id).
    CalendarMemberId
}

string_enum! {
    /// What a member may do with a calendar.
    pub enum CalendarRole {
        /// Full control, including managing members. A calendar has one owner.
        Owner = "owner",
        /// Can change events and availability.
        Editor = "editor",
        /// Can only read.
        Viewer = "viewer",
    }
}

/// A member of a calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalendarMember {
    /// The membership's id (used to change or remove it).
    pub id: CalendarMemberId,
    /// The user who is a member (absent from update answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The member's role.
    pub role: CalendarRole,
    /// When the user became a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_at: Option<Timestamp>,
}

// ---------------------------------------------------------------------------------------------------
// list-calendar-members

/// [List the members of a calendar](https://docs.talkover.ai/api-reference/endpoints/list-calendar-members)
/// with their roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListCalendarMembers {
    /// The calendar.
    pub calendar_id: CalendarId,
}

impl ListCalendarMembers {
    /// The calendar's members.
    pub fn new(calendar_id: impl Into<CalendarId>) -> Self {
        Self { calendar_id: calendar_id.into() }
    }
}

operation!(ListCalendarMembers {
    id: "list-calendar-members",
    method: GET,
    path: "/api/v1/calendars/{calendar_id}/members",
    safe_to_repeat: true,
    path_params: [calendar_id],
    response: ListEnvelope<CalendarMember>,
});

// ---------------------------------------------------------------------------------------------------
// add-calendar-member

/// The body of [`AddCalendarMember`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewCalendarMember {
    /// The user to give access to.
    pub user_id: UserId,
    /// The role to give them.
    pub role: CalendarRole,
}

impl NewCalendarMember {
    /// A user with a role.
    pub fn new(user_id: impl Into<UserId>, role: CalendarRole) -> Self {
        Self { user_id: user_id.into(), role }
    }
}

/// [Give a user access to a calendar](https://docs.talkover.ai/api-reference/endpoints/add-calendar-member)
/// with a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddCalendarMember {
    /// The calendar.
    pub calendar_id: CalendarId,
    /// The new member.
    pub body: NewCalendarMember,
}

impl AddCalendarMember {
    /// Adds the member to the calendar.
    pub fn new(calendar_id: impl Into<CalendarId>, body: NewCalendarMember) -> Self {
        Self { calendar_id: calendar_id.into(), body }
    }
}

operation!(AddCalendarMember {
    id: "add-calendar-member",
    method: POST,
    path: "/api/v1/calendars/{calendar_id}/members",
    safe_to_repeat: false,
    path_params: [calendar_id],
    body: NewCalendarMember,
    response: Envelope<CalendarMember>,
});

// ---------------------------------------------------------------------------------------------------
// update-calendar-member

/// The body of [`UpdateCalendarMember`]: the member's new role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalendarMemberUpdate {
    /// The new role.
    pub role: CalendarRole,
}

impl CalendarMemberUpdate {
    /// A change of role.
    pub fn new(role: CalendarRole) -> Self {
        Self { role }
    }
}

impl From<CalendarRole> for CalendarMemberUpdate {
    fn from(role: CalendarRole) -> Self {
        Self::new(role)
    }
}

/// [Change a calendar member's role](https://docs.talkover.ai/api-reference/endpoints/update-calendar-member).
/// Making another member `owner` is how ownership is handed over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateCalendarMember {
    /// The calendar.
    pub calendar_id: CalendarId,
    /// The membership.
    pub member_id: CalendarMemberId,
    /// The new role.
    pub body: CalendarMemberUpdate,
}

impl UpdateCalendarMember {
    /// Gives the member a new role (a [`CalendarRole`] or a [`CalendarMemberUpdate`]).
    pub fn new(
        calendar_id: impl Into<CalendarId>,
        member_id: impl Into<CalendarMemberId>,
        body: impl Into<CalendarMemberUpdate>,
    ) -> Self {
        Self { calendar_id: calendar_id.into(), member_id: member_id.into(), body: body.into() }
    }
}

operation!(UpdateCalendarMember {
    id: "update-calendar-member",
    method: PUT,
    path: "/api/v1/calendars/{calendar_id}/members/{member_id}",
    safe_to_repeat: true,
    path_params: [calendar_id, member_id],
    body: CalendarMemberUpdate,
    response: Envelope<CalendarMember>,
});

// ---------------------------------------------------------------------------------------------------
// remove-calendar-member

/// [Take a member's access to a calendar away](https://docs.talkover.ai/api-reference/endpoints/remove-calendar-member).
/// The owner cannot be removed until ownership has been given to another member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemoveCalendarMember {
    /// The calendar.
    pub calendar_id: CalendarId,
    /// The membership.
    pub member_id: CalendarMemberId,
}

impl RemoveCalendarMember {
    /// Removes the member from the calendar.
    pub fn new(calendar_id: impl Into<CalendarId>, member_id: impl Into<CalendarMemberId>) -> Self {
        Self { calendar_id: calendar_id.into(), member_id: member_id.into() }
    }
}

operation!(RemoveCalendarMember {
    id: "remove-calendar-member",
    method: DELETE,
    path: "/api/v1/calendars/{calendar_id}/members/{member_id}",
    safe_to_repeat: true,
    path_params: [calendar_id, member_id],
    response: Ack,
});

pub(crate) const OPERATIONS: &[OperationInfo] = &[
    OperationInfo::of::<ListCalendarMembers>(),
    OperationInfo::of::<AddCalendarMember>(),
    OperationInfo::of::<UpdateCalendarMember>(),
    OperationInfo::of::<RemoveCalendarMember>(),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_request, ClientConfig};

    #[test]
    fn a_role_is_enough_to_update_a_member() {
        let op = UpdateCalendarMember::new("cal 1", "m/2", CalendarRole::Viewer);
        let request = build_request(&op, &ClientConfig::new("talq_x").unwrap()).unwrap();
        assert_eq!(request.uri().path(), "/api/v1/calendars/cal%201/members/m%2F2");
        assert_eq!(request.body().as_slice(), br#"{"role":"viewer"}"#);
    }

    #[test]
    fn unknown_roles_are_kept() {
        let member: CalendarMember = serde_json::from_str(r#"{"id":"m","role":"auditor"}"#).unwrap();
        assert_eq!(member.role, CalendarRole::Unknown("auditor".into()));
        assert_eq!(serde_json::to_value(&member).unwrap(), serde_json::json!({"id": "m", "role": "auditor"}));
    }
}
