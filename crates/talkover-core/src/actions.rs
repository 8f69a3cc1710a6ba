//! Actions: what an agent can do during or after a call (call a webhook, transfer, hold, …).
//!
//! From the `talkover` crate, these operations run through `client.agents().actions(agent_id)` (`Actions`),
//! and `client.action_integrations()`: the methods of `talkover::resources`, on either client. The types
//! here are what those methods take and give.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-actions> and the pages beside it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::AgentId;
use crate::macros::{optional_fields, string_enum};
use crate::secret::SecretString;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{ActionId, IntegrationId};

string_enum! {
    /// What an action does.
    pub enum ActionType {
        /// Calls an HTTP endpoint.
        Webhook = "webhook",
        /// Transfers the call to a number.
        Transfer = "transfer",
        /// Puts the call on hold.
        Hold = "hold",
        /// Runs an external integration.
        External = "external",
        /// Hangs up (openapi.json's action types have it; the pages do not list it).
        Hangup = "hangup",
    }
}

string_enum! {
    /// Whether an action (or a training) is in use.
    pub enum ActiveStatus {
        /// In use.
        Active = "active",
        /// Kept but not used.
        Inactive = "inactive",
    }
}

string_enum! {
    /// How a webhook action authenticates to its URL.
    pub enum AuthorizationScheme {
        /// No authorization.
        None = "none",
        /// `Authorization: Bearer …`.
        Bearer = "bearer",
        /// HTTP basic authentication.
        Basic = "basic",
        /// An API key header.
        ApiKey = "api_key",
        /// Headers given in `custom_headers`.
        Custom = "custom",
    }
}

string_enum! {
    /// When an action runs.
    pub enum ExecutionMode {
        /// During the conversation; the agent uses the answer.
        DuringCall = "during_call",
        /// After the call ends (external actions only).
        PostCall = "post_call",
    }
}

optional_fields! {
    /// An action of an agent. Its `Debug` hides the values of `config` fields named as credentials are
    /// (`password`, `api_key`, …): a configuration holds its service's credentials.
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Action {
        /// The action's id.
        pub id: ActionId,
        /// Name.
        pub name: String,
        /// Its type.
        #[serde(rename = "type")]
        pub action_type: ActionType,
        /// The inputs the agent collects before running it.
        #[serde(default)]
        pub input_schema: Vec<ActionInput>,
    }
    optional {
        /// Display label.
        label: String,
        /// What it does, for the agent.
        description: String,
        /// Type-specific configuration, as the API returns it.
        #[null_when_unset]
        config: Value,
        /// What triggers the action, as the API returns it.
        #[null_when_unset]
        action_trigger: Value,
        /// When the agent runs it, in words (`customer asks for human`): openapi.json's action schema has
        /// it, the pages' examples do not.
        trigger: String,
        /// The webhook URL.
        #[null_when_unset]
        url: String,
        /// The authorization URL.
        #[null_when_unset]
        authorization_url: String,
        /// Active or inactive.
        current_status: ActiveStatus,
        /// When it was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
    }
}

impl Action {
    /// An action with its id, name and type and nothing else set, for servers and emulators that answer
    /// with one.
    pub fn new(id: impl Into<ActionId>, name: impl Into<String>, action_type: ActionType) -> Self {
        Self::with_fields(id.into(), name.into(), action_type, Vec::new())
    }
}

optional_fields! {
    /// An input of an action.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ActionInput {
        /// The input's name.
        pub name: String,
        /// Its type (`string`, `integer`, …).
        #[serde(rename = "type")]
        pub input_type: String,
    }
    /// An input with a name and type.
    pub fn new;
    settable {
        /// Whether the agent must collect it.
        required: bool,
        /// What it is, for the agent.
        description: impl Into<String>,
        /// A fixed value (a string or a number, as the input's type says).
        value: impl Into<Value>,
    }
}

/// A header a webhook action sends. Its value may carry credentials, so it is a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomHeader {
    /// The header's name.
    pub key: String,
    /// The header's value.
    #[serde(serialize_with = "crate::secret::expose")]
    pub value: SecretString,
}

impl CustomHeader {
    /// A header.
    pub fn new(key: impl Into<String>, value: impl Into<SecretString>) -> Self {
        Self { key: key.into(), value: value.into() }
    }
}

/// The integration an action uses: its identifier, and the settings its configuration asks for.
///
/// The page calls `integration` an "integration configuration object" and shows only its `id`;
/// list-action-integrations says each integration comes with a configuration schema, whose fields it does
/// not list. So the settings beside `id` are free keys, sent as given and kept as received.
///
/// ```
/// # use talkover_core as talkover;
/// use serde_json::json;
/// use talkover::actions::{ActionType, IntegrationRef, NewAction};
///
/// let calendar = IntegrationRef::new("calendar").setting("calendar_id", json!("calendar-uuid-1"));
/// let action = NewAction::new("node_1", "Book", "Books a slot", ActionType::Webhook).integration(calendar);
/// let sent = serde_json::to_value(&action)?;
/// assert_eq!(sent["integration"], json!({"id": "calendar", "calendar_id": "calendar-uuid-1"}));
/// // The identifier alone, as the page's example sends it.
/// let plain = NewAction::new("node_1", "Book", "Books a slot", ActionType::Webhook).integration("calendar");
/// assert_eq!(serde_json::to_value(&plain)?["integration"], json!({"id": "calendar"}));
/// // `Debug` names the settings but does not show their values, which may be credentials.
/// let keyed = IntegrationRef::new("crm").setting("api_key", json!("crm-key-1"));
/// assert_eq!(format!("{keyed:?}"), r#"IntegrationRef { id: IntegrationId("crm"), settings: {"api_key": [redacted]} }"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntegrationRef {
    /// The integration's identifier.
    pub id: IntegrationId,
    /// Its settings, beside `id` in the object (empty: none sent).
    #[serde(flatten)]
    pub settings: Map<String, Value>,
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::secret::debug_hiding_secrets("Action", self, &[], f)
    }
}

impl std::fmt::Debug for NewAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::secret::debug_hiding_secrets("NewAction", self, &["integration"], f)
    }
}

/// The settings' names, not their values: an integration's settings may hold its credentials
/// (`api_key`).
impl std::fmt::Debug for IntegrationRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Hidden;
        impl std::fmt::Debug for Hidden {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(crate::secret::REDACTED)
            }
        }
        struct Names<'a>(&'a Map<String, Value>);
        impl std::fmt::Debug for Names<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_map().entries(self.0.keys().map(|key| (key, Hidden))).finish()
            }
        }
        f.debug_struct("IntegrationRef").field("id", &self.id).field("settings", &Names(&self.settings)).finish()
    }
}

impl IntegrationRef {
    /// An integration by its identifier, with no settings.
    pub fn new(id: impl Into<IntegrationId>) -> Self {
        Self { id: id.into(), settings: Map::new() }
    }

    /// Adds a setting of the integration's configuration (a key beside `id`), replacing one of that key.
    /// A key named `id` is the identifier's, so it is not taken.
    pub fn setting(mut self, key: impl Into<String>, value: Value) -> Self {
        let key = key.into();
        if key != "id" {
            self.settings.insert(key, value);
        }
        self
    }
}

impl<T: Into<IntegrationId>> From<T> for IntegrationRef {
    fn from(id: T) -> Self {
        Self::new(id)
    }
}

// ---------------------------------------------------------------------------------------------------
// create-action

optional_fields! {
    /// The body of [`CreateAction`]. Its type is a variant, never a text, so a misspelt one does not
    /// compile:
    ///
    /// ```
    /// # use talkover_core::actions::{ActionType, NewAction};
    /// let action = NewAction::new("node-1", "Transfer", "Hands the call to a person", ActionType::Transfer);
    /// # let _ = action;
    /// ```
    ///
    /// ```compile_fail,E0277
    /// # use talkover_core::actions::NewAction;
    /// let action = NewAction::new("node-1", "Transfer", "Hands the call to a person", "trasnfer");
    /// ```
    ///
    /// Its `Debug` hides the values of `config` fields named as credentials are (`password`, `api_key`, …).
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewAction {
        /// The flow node the action belongs to.
        pub node_id: crate::ids::FlowNodeId,
        /// Name (up to 255 characters).
        pub name: String,
        /// What it does, for the agent.
        pub description: String,
        /// Its type.
        #[serde(rename = "type")]
        pub action_type: ActionType,
    }
    /// An action with its required fields; set the others with the chaining methods.
    pub fn new;
    settable {
        /// Inputs the agent collects.
        inputs: impl IntoIterator<Item = ActionInput>,
    }
    optional {
        /// The integration it uses.
        integration: IntegrationRef,
    }
    settable {
        /// Webhook URL.
        url: impl Into<String>,
        /// Authorization URL.
        authorization_url(url): impl Into<String>,
        /// How it authenticates to `url` (the API's default is `none`).
        authorization_scheme(scheme): AuthorizationScheme,
    }
    optional {
        /// Headers sent with the webhook request.
        custom_headers: Vec<CustomHeader>,
    }
    settable {
        /// What the agent says when the webhook is called.
        speak_on_send(phrase): impl Into<String>,
        /// What the agent says when the webhook answers.
        speak_on_receive(phrase): impl Into<String>,
        /// When the action runs.
        execution_mode(mode): ExecutionMode,
        /// Hold duration in seconds (hold actions).
        hold_duration(seconds): u32,
        /// E.164 number to transfer to (transfer actions).
        transfer_to(number): impl Into<String>,
        /// Active or inactive.
        current_status(status): ActiveStatus,
    }
    // openapi.json's create-action body has these two, which the page does not list.
    settable {
        /// When the agent runs it, in words (`customer asks for human`).
        trigger(condition): impl Into<String>,
        /// Type-specific configuration, as its keys and values: `[("phone_number", "+1234567890")]`, values
        /// of any JSON, or a whole `serde_json::Map`.
        config: impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)>,
    }
}

impl NewAction {
    /// The integration it uses: its identifier (`"calendar"`), or an [`IntegrationRef`] with settings.
    pub fn integration(mut self, integration: impl Into<IntegrationRef>) -> Self {
        self.integration = Some(integration.into());
        self
    }

    /// Adds a header sent with the webhook request.
    pub fn custom_header(mut self, key: impl Into<String>, value: impl Into<SecretString>) -> Self {
        self.custom_headers.get_or_insert_with(Vec::new).push(CustomHeader::new(key, value));
        self
    }
}

impl CreateAction {
    fn check(&self, problems: &mut Problems) {
        problems.length("name", self.body.name.as_str(), 1, 255);
        problems.e164("transfer_to", self.body.transfer_to.as_deref());
        // create-action's page: both "must be a valid URL".
        problems.url("url", self.body.url.as_deref()).url("authorization_url", self.body.authorization_url.as_deref());
        // create-action's page: `post_call` is "only valid for `external` action type". A type this
        // version does not know is left to the API.
        let action_type = &self.body.action_type;
        if self.body.execution_mode == Some(ExecutionMode::PostCall)
            && action_type.is_documented()
            && *action_type != ActionType::External
        {
            problems.add(
                "execution_mode",
                format!("post_call is only valid for an action of type external, not {action_type}"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// list-action-integrations

string_enum! {
    /// What an integration is for.
    pub enum IntegrationCategory {
        /// Calendars and meetings.
        Scheduling = "scheduling",
        /// CRMs and data stores.
        Data = "data",
        /// Email and messaging.
        Communication = "communication",
    }
}

optional_fields! {
    /// An integration actions can use.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ActionIntegration {
        /// The identifier to use in [`NewAction::integration`].
        pub identifier: IntegrationId,
        /// Display name.
        pub display_name: String,
    }
    pub fn new;
    optional {
        /// What it does.
        description: String,
        /// Its category.
        category: IntegrationCategory,
        /// Its icon.
        icon_url: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! actions_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List an agent's actions](https://docs.talkover.ai/api-reference/endpoints/list-actions), a page at a
        /// time (20 by default).
        // openapi.json gives this list `page`, `per_page` and a `meta` block, which the page does not show.
        ListActions {
            id: "list-actions",
            method: GET,
            path: "/api/v1/agents/{agent_id}/actions",
            params: { agent_id: AgentId },
            query: ListActionsQuery {},
            response: ListEnvelope<Action>,
            items: Action,
            default_per_page: 20,
            page_block: WholeUnlessPaged,
            safe_to_repeat: true,
            handler: Actions[agent_id]::list,
        }

        /// [Create or update an action](https://docs.talkover.ai/api-reference/endpoints/create-action) of an agent
        /// (the page says it creates or updates, not how an existing action is found; the emulator updates
        /// the agent's action with the same `node_id`). The agent is set back to draft: publish it again to
        /// take calls.
        CreateAction {
            id: "create-action",
            method: POST,
            path: "/api/v1/agents/{agent_id}/actions",
            params: { agent_id: AgentId },
            body: NewAction,
            response: Envelope<Action>,
            safe_to_repeat: false,
            unpublishes_agent: true,
            validate: CreateAction::check,
            handler: Actions[agent_id]::create(action),
        }

        /// [Delete an action](https://docs.talkover.ai/api-reference/endpoints/delete-action). The agent is set
        /// back to draft: publish it again to take calls.
        DeleteAction {
            id: "delete-action",
            method: DELETE,
            path: "/api/v1/agents/{agent_id}/actions/{action_id}",
            params: { agent_id: AgentId, action_id: ActionId },
            response: Ack,
            safe_to_repeat: true,
            unpublishes_agent: true,
            handler: Actions[agent_id]::delete,
        }

        /// [List the integrations actions can use](https://docs.talkover.ai/api-reference/endpoints/list-action-integrations).
        ListActionIntegrations {
            id: "list-action-integrations",
            method: GET,
            path: "/api/v1/action-integrations",
            response: ListEnvelope<ActionIntegration>,
            safe_to_repeat: true,
            handler: ActionIntegrations::list,
        }
        }
    };
}
actions_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ListEnvelope;

    #[test]
    fn a_listed_integration_is_named_by_its_identifier_in_a_new_action() {
        let listed: ListEnvelope<ActionIntegration> = serde_json::from_value(serde_json::json!({
            "success": true,
            "data": [{ "identifier": "calendar", "display_name": "Calendar Booking" }]
        }))
        .unwrap();
        let calendar = &listed.data[0];
        let action =
            NewAction::new("node-1", "Book", "Books a meeting", ActionType::External).integration(&calendar.identifier);
        assert_eq!(action.integration.as_ref().map(|i| &i.id), Some(&calendar.identifier));
        let sent = serde_json::to_value(&action).unwrap();
        assert_eq!(sent["integration"], serde_json::json!({ "id": "calendar" }));
    }

    #[test]
    fn openapis_trigger_and_config_are_sent_and_read_back() {
        let action = NewAction::new("node-1", "Transfer to Human", "Hands over", ActionType::Transfer)
            .trigger("customer asks for human")
            .config([("phone_number", serde_json::json!("+1234567890"))]);
        let sent = serde_json::to_value(&action).unwrap();
        assert_eq!(sent["trigger"], "customer asks for human");
        assert_eq!(sent["config"], serde_json::json!({ "phone_number": "+1234567890" }));

        // openapi.json's Action example.
        let read: Action = serde_json::from_value(serde_json::json!({
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "name": "Transfer to Human",
            "type": "transfer",
            "trigger": "customer asks for human",
            "config": { "phone_number": "+1234567890" },
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(read.trigger.as_deref(), Some("customer asks for human"));
        assert_eq!(read.config, Some(serde_json::json!({ "phone_number": "+1234567890" })));
        let hangup: ActionType = serde_json::from_value(serde_json::json!("hangup")).unwrap();
        assert_eq!(hangup, ActionType::Hangup);
    }

    #[test]
    fn only_an_external_action_runs_after_the_call() {
        use crate::operation::build_request;
        use crate::operation::testing::{config, field_of};
        let after = |action_type| {
            let action =
                NewAction::new("node-1", "Log", "Logs the call", action_type).execution_mode(ExecutionMode::PostCall);
            build_request(&CreateAction::new("agent-1", action), &config())
        };
        let err = after(ActionType::Webhook).unwrap_err();
        assert!(
            err.to_string().contains("post_call is only valid for an action of type external, not webhook"),
            "{err}"
        );
        assert_eq!(field_of(err).as_deref(), Some("execution_mode"));
        assert!(after(ActionType::External).is_ok());
        assert!(
            after(ActionType::from_text("a-later-type")).is_ok(),
            "a type the SDK does not know is the API's to judge"
        );
        let during =
            NewAction::new("node-1", "Send", "Sends", ActionType::Webhook).execution_mode(ExecutionMode::DuringCall);
        assert!(build_request(&CreateAction::new("agent-1", during), &config()).is_ok());
    }
}
