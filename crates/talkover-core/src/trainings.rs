//! Trainings: what an agent knows (subjects and instructions).
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-trainings> and the pages beside it.

use serde::{Deserialize, Serialize};

use crate::actions::ActiveStatus;
use crate::agents::AgentId;
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::error::Error;
use crate::macros::{id_type, operation};
use crate::operation::Operation as _;
use crate::registry::OperationInfo;
use crate::validate;
use crate::Timestamp;

id_type! {
    /// The id of a training.
    TrainingId
}

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
    /// Active or inactive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<ActiveStatus>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

/// [List an agent's trainings](https://docs.talkover.ai/api-reference/endpoints/list-trainings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListTrainings {
    /// The agent.
    pub agent_id: AgentId,
}

impl ListTrainings {
    /// The agent's trainings.
    pub fn new(agent_id: impl Into<AgentId>) -> Self {
        Self { agent_id: agent_id.into() }
    }
}

operation!(ListTrainings {
    id: "list-trainings",
    method: GET,
    path: "/api/v1/agents/{agent_id}/trainings",
    safe_to_repeat: true,
    path_params: [agent_id],
    response: ListEnvelope<Training>,
});

/// The body of [`CreateTraining`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewTraining {
    /// The flow node the training belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// Subject (up to 255 characters).
    pub subject: String,
    /// What the agent should know or do.
    pub instructions: String,
    /// Active or inactive (the API's default is active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<ActiveStatus>,
}

impl NewTraining {
    /// A training with its subject and instructions.
    pub fn new(subject: impl Into<String>, instructions: impl Into<String>) -> Self {
        Self { node_id: None, subject: subject.into(), instructions: instructions.into(), current_status: None }
    }

    /// The flow node the training belongs to.
    pub fn node_id(mut self, node_id: impl Into<String>) -> Self {
        self.node_id = Some(node_id.into());
        self
    }

    /// Active or inactive.
    pub fn current_status(mut self, status: ActiveStatus) -> Self {
        self.current_status = Some(status);
        self
    }
}

/// [Create or update a training](https://docs.talkover.ai/api-reference/endpoints/create-training) of an
/// agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateTraining {
    /// The agent.
    pub agent_id: AgentId,
    /// The training.
    pub body: NewTraining,
}

impl CreateTraining {
    /// Creates the training on the agent.
    pub fn new(agent_id: impl Into<AgentId>, body: NewTraining) -> Self {
        Self { agent_id: agent_id.into(), body }
    }

    fn check(&self) -> Result<(), Error> {
        validate::length(Self::ID, "subject", &self.body.subject, 1, 255)?;
        validate::length(Self::ID, "instructions", &self.body.instructions, 1, usize::MAX)
    }
}

operation!(CreateTraining {
    id: "create-training",
    method: POST,
    path: "/api/v1/agents/{agent_id}/trainings",
    safe_to_repeat: false,
    path_params: [agent_id],
    body: NewTraining,
    response: Envelope<Training>,
    validate: CreateTraining::check,
});

/// [Delete a training](https://docs.talkover.ai/api-reference/endpoints/delete-training).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteTraining {
    /// The agent.
    pub agent_id: AgentId,
    /// The training.
    pub training_id: TrainingId,
}

impl DeleteTraining {
    /// Deletes the training from the agent.
    pub fn new(agent_id: impl Into<AgentId>, training_id: impl Into<TrainingId>) -> Self {
        Self { agent_id: agent_id.into(), training_id: training_id.into() }
    }
}

operation!(DeleteTraining {
    id: "delete-training",
    method: DELETE,
    path: "/api/v1/agents/{agent_id}/trainings/{training_id}",
    safe_to_repeat: true,
    path_params: [agent_id, training_id],
    response: Ack,
});

pub(crate) const OPERATIONS: &[OperationInfo] = &[
    OperationInfo::of::<ListTrainings>(),
    OperationInfo::of::<CreateTraining>(),
    OperationInfo::of::<DeleteTraining>(),
];
