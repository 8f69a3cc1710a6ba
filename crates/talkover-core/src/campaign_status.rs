//! A campaign's status and its short form: what a campaign is, as the answers of the call operations
//! carry it too (make-campaign-call's `campaign`). Kept apart from `campaigns`, which re-exports both,
//! so that `calls` needs nothing of `campaigns` while a campaign's details list its calls.

use serde::{Deserialize, Serialize};

use crate::ids::CampaignId;
use crate::macros::{optional_fields, string_enum};

string_enum! {
    /// Where a campaign is in its life.
    pub enum CampaignStatus {
        /// Being set up; places no calls.
        Draft = "draft",
        /// Placing calls on its schedule.
        Active = "active",
        /// Places no new calls; calls in progress go on.
        Paused = "paused",
        /// Finished (final).
        Completed = "completed",
        /// Stopped for good (final).
        Cancelled = "cancelled",
    }
}

optional_fields! {
    /// A campaign in short, as [`MakeCampaignCall`](crate::calls::MakeCampaignCall) returns it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignSummary {
        /// The campaign's id.
        pub id: CampaignId,
        /// Its status.
        pub status: CampaignStatus,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
    }
}
