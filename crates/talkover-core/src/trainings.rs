//! Trainings: what an agent knows (subjects and instructions).
//!
//! From the `talkover` crate, these operations run through `client.agents().trainings(agent_id)`
//! (`Trainings`): the methods of `talkover::resources`, on either client. The types here are what those
//! methods take and give.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-trainings> and the pages beside it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::AgentId;
use crate::macros::optional_fields;
use crate::validate::Problems;
use crate::Timestamp;

/// Whether a training is in use (`active` or `inactive`), the same status an action has.
pub use crate::actions::ActiveStatus;
pub use crate::ids::TrainingId;

optional_fields! {
    /// A training of an agent.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Training {
        /// The training's id.
        pub id: TrainingId,
        /// Its subject.
        pub subject: String,
        /// What the agent should know or do.
        pub instructions: String,
    }
    pub fn new;
    optional {
        /// The instruction under openapi.json's name for it (the pages say `instructions`), when the answer
        /// has it.
        instruction: String,
        /// Active or inactive.
        current_status: ActiveStatus,
        /// When it was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
    }
}

optional_fields! {
    /// The body of [`CreateTraining`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewTraining {
        /// Subject (up to 255 characters).
        pub subject: String,
        /// What the agent should know or do.
        pub instructions: String,
    }
    /// A training with its subject and instructions.
    pub fn new;
    settable {
        /// The flow node the training belongs to.
        node_id: impl Into<crate::ids::FlowNodeId>,
        /// Active or inactive (the API's default is active).
        current_status(status): ActiveStatus,
    }
}

impl CreateTraining {
    fn check(&self, problems: &mut Problems) {
        problems.length("subject", self.body.subject.as_str(), 1, 255);
        problems.length("instructions", self.body.instructions.as_str(), 1, usize::MAX);
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! trainings_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List an agent's trainings](https://docs.talkover.ai/api-reference/endpoints/list-trainings), a page
        /// at a time (20 by default).
        // openapi.json gives this list `page`, `per_page` and a `meta` block, which the page does not show.
        ListTrainings {
            id: "list-trainings",
            method: GET,
            path: "/api/v1/agents/{agent_id}/trainings",
            params: { agent_id: AgentId },
            query: ListTrainingsQuery {},
            response: ListEnvelope<Training>,
            items: Training,
            default_per_page: 20,
            page_block: WholeUnlessPaged,
            safe_to_repeat: true,
            handler: Trainings[agent_id]::list,
        }

        /// [Create or update a training](https://docs.talkover.ai/api-reference/endpoints/create-training) of an
        /// agent.
        CreateTraining {
            id: "create-training",
            method: POST,
            path: "/api/v1/agents/{agent_id}/trainings",
            params: { agent_id: AgentId },
            body: NewTraining,
            response: Envelope<Training>,
            safe_to_repeat: false,
            unpublishes_agent: true,
            validate: CreateTraining::check,
            handler: Trainings[agent_id]::create(training),
        }

        /// [Delete a training](https://docs.talkover.ai/api-reference/endpoints/delete-training).
        DeleteTraining {
            id: "delete-training",
            method: DELETE,
            path: "/api/v1/agents/{agent_id}/trainings/{training_id}",
            params: { agent_id: AgentId, training_id: TrainingId },
            response: Ack,
            safe_to_repeat: true,
            unpublishes_agent: true,
            handler: Trainings[agent_id]::delete,
        }
        }
    };
}
trainings_operations!(declare);
