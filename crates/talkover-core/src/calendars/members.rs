//! Members of a calendar: the users who can see or change it, and their roles.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::calendars::members::{AddCalendarMember, CalendarRole, NewCalendarMember, UpdateCalendarMember};
//!
//! let add = AddCalendarMember::new("calendar-uuid", NewCalendarMember::new("user-uuid", CalendarRole::Editor));
//! let demote = UpdateCalendarMember::new("calendar-uuid", "member-uuid", CalendarRole::Viewer);
//! # let _ = (add, demote);
//! ```
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-calendar-members> and the pages beside
//! it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::CalendarId;
use crate::ids::UserId;
use crate::macros::{optional_fields, string_enum};
use crate::Timestamp;

pub use crate::ids::CalendarMemberId;

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

optional_fields! {
    /// A member of a calendar.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CalendarMember {
        /// The membership's id (used to change or remove it).
        pub id: CalendarMemberId,
        /// The member's role.
        pub role: CalendarRole,
    }
    pub fn new;
    optional {
        /// The user who is a member (absent from update answers).
        user_id: UserId,
        /// The user's name.
        name: String,
        /// The user's email address.
        email: String,
        /// When the user became a member.
        added_at: Timestamp,
    }
}

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

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! calendar_members_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the members of a calendar](https://docs.talkover.ai/api-reference/endpoints/list-calendar-members)
        /// with their roles.
        ListCalendarMembers {
            id: "list-calendar-members",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}/members",
            params: { calendar_id: CalendarId },
            response: ListEnvelope<CalendarMember>,
            safe_to_repeat: true,
            handler: CalendarMembers[calendar_id]::list,
        }

        /// [Give a user access to a calendar](https://docs.talkover.ai/api-reference/endpoints/add-calendar-member)
        /// with a role.
        AddCalendarMember {
            id: "add-calendar-member",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/members",
            params: { calendar_id: CalendarId },
            body: NewCalendarMember,
            response: Envelope<CalendarMember>,
            safe_to_repeat: false,
            handler: CalendarMembers[calendar_id]::add(member),
        }

        /// [Change a calendar member's role](https://docs.talkover.ai/api-reference/endpoints/update-calendar-member)
        /// (a [`CalendarRole`](crate::calendars::members::CalendarRole) will do). Making another member `owner`
        /// is how ownership is handed over.
        UpdateCalendarMember {
            id: "update-calendar-member",
            method: PUT,
            path: "/api/v1/calendars/{calendar_id}/members/{member_id}",
            params: { calendar_id: CalendarId, member_id: CalendarMemberId },
            body: CalendarMemberUpdate,
            response: Envelope<CalendarMember>,
            safe_to_repeat: true,
            handler: CalendarMembers[calendar_id]::update(update),
        }

        /// [Take a member's access to a calendar away](https://docs.talkover.ai/api-reference/endpoints/remove-calendar-member).
        /// The owner cannot be removed until ownership has been given to another member.
        RemoveCalendarMember {
            id: "remove-calendar-member",
            method: DELETE,
            path: "/api/v1/calendars/{calendar_id}/members/{member_id}",
            params: { calendar_id: CalendarId, member_id: CalendarMemberId },
            response: Ack,
            safe_to_repeat: true,
            handler: CalendarMembers[calendar_id]::remove,
        }
        }
    };
}
calendar_members_operations!(declare);

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
