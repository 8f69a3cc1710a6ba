//! Handlers for the webhooks of agents and of campaigns: subscriptions, delivery logs, tests and retries.

use talkover_core::agents::AgentId;
use talkover_core::campaigns::CampaignId;
use talkover_core::webhooks::*;
use talkover_core::Ack;

use crate::resources::{handler, Agents, Campaigns};
use talkover_core::execute::{Execute, Pending};

impl<'c, C: Execute> Agents<'c, C> {
    /// The webhooks of one agent.
    pub fn webhooks(&self, agent_id: impl Into<AgentId>) -> AgentWebhooks<'c, C> {
        AgentWebhooks { client: self.client, agent_id: agent_id.into() }
    }
}

impl<'c, C: Execute> Campaigns<'c, C> {
    /// The webhooks of one campaign.
    pub fn webhooks(&self, campaign_id: impl Into<CampaignId>) -> CampaignWebhooks<'c, C> {
        CampaignWebhooks { client: self.client, campaign_id: campaign_id.into() }
    }
}

handler! {
    /// The webhooks of an agent, fired on the events of each of its calls:
    /// `client.agents().webhooks(&agent_id)`.
    ///
    /// ```no_run
    /// use talkover::webhooks::{AgentWebhookEvent, NewAgentWebhook};
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let webhooks = client.agents().webhooks("550e8400-e29b-41d4-a716-446655440000");
    /// let events = [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded];
    /// let webhook = webhooks.create(
    ///     NewAgentWebhook::new("My Webhook", "https://example.com/webhook", events).webhook_secret("s3cret"),
    /// )?;
    /// for log in webhooks.logs(&webhook.id).per_page(50).items() {
    ///     let log = log?;
    ///     println!("{} {} {}", log.event, log.attempt, log.status);
    /// }
    /// # Ok(()) }
    /// ```
    AgentWebhooks { agent_id: AgentId }
}

impl<'c, C: Execute> AgentWebhooks<'c, C> {
    /// [List the agent's webhooks](https://docs.talkover.ai/api-reference/endpoints/list-agent-webhooks),
    /// with the events agent webhooks can subscribe to.
    ///
    #[doc = talkover_core::errors_section!("list-agent-webhooks")]
    pub fn list(&self) -> C::Call<AgentWebhookList> {
        self.client.call(ListAgentWebhooks::new(&self.agent_id))
    }

    /// [Create a webhook](https://docs.talkover.ai/api-reference/endpoints/create-webhook) on the agent.
    /// Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-webhook")]
    pub fn create(&self, webhook: NewAgentWebhook) -> C::Call<AgentWebhook> {
        self.client.call(CreateWebhook::new(&self.agent_id, webhook))
    }

    /// [Get a webhook](https://docs.talkover.ai/api-reference/endpoints/get-webhook-details) of the agent.
    ///
    #[doc = talkover_core::errors_section!("get-webhook-details")]
    pub fn get(&self, webhook_id: impl Into<WebhookId>) -> C::Call<AgentWebhook> {
        self.client.call(GetWebhookDetails::new(&self.agent_id, webhook_id))
    }

    /// [Update a webhook](https://docs.talkover.ai/api-reference/endpoints/update-webhook) of the agent: only
    /// the fields set in `changes` change.
    ///
    #[doc = talkover_core::errors_section!("update-webhook")]
    pub fn update(&self, webhook_id: impl Into<WebhookId>, changes: AgentWebhookChanges) -> C::Call<AgentWebhook> {
        self.client.call(UpdateWebhook::new(&self.agent_id, webhook_id, changes))
    }

    /// [Delete a webhook](https://docs.talkover.ai/api-reference/endpoints/delete-webhook) of the agent.
    ///
    #[doc = talkover_core::errors_section!("delete-webhook")]
    pub fn delete(&self, webhook_id: impl Into<WebhookId>) -> C::Call<Ack> {
        self.client.call(DeleteWebhook::new(&self.agent_id, webhook_id))
    }

    /// [Turn a webhook on or off](https://docs.talkover.ai/api-reference/endpoints/toggle-webhook-status),
    /// whichever it is not. Sending it twice undoes it: never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("toggle-webhook-status")]
    pub fn toggle(&self, webhook_id: impl Into<WebhookId>) -> C::Call<AgentWebhook> {
        self.client.call(ToggleWebhookStatus::new(&self.agent_id, webhook_id))
    }

    /// [Send a test event](https://docs.talkover.ai/api-reference/endpoints/test-webhook) to a webhook of the
    /// agent; a failed delivery is an error of kind [`Unsuccessful`](crate::ErrorKind::Unsuccessful). Never
    /// retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("test-webhook")]
    pub fn test(&self, webhook_id: impl Into<WebhookId>) -> C::Call<WebhookTestResult> {
        self.client.call(TestWebhook::new(&self.agent_id, webhook_id))
    }

    /// [List the delivery attempts](https://docs.talkover.ai/api-reference/endpoints/list-webhook-logs) of a
    /// webhook of the agent; `send()` for one page or `items()` for all of them.
    ///
    /// Its query parameters are the fields of [`WebhookLogsQuery`](crate::webhooks::WebhookLogsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-webhook-logs")]
    pub fn logs(&self, webhook_id: impl Into<WebhookId>) -> Pending<'c, C, ListWebhookLogs> {
        Pending::new(self.client, ListWebhookLogs::new(&self.agent_id, webhook_id))
    }

    /// [Retry a failed delivery](https://docs.talkover.ai/api-reference/endpoints/retry-webhook-log) of a
    /// webhook of the agent, as a new attempt. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("retry-webhook-log")]
    pub fn retry_log(
        &self,
        webhook_id: impl Into<WebhookId>,
        log_id: impl Into<WebhookLogId>,
    ) -> C::Call<WebhookRetry> {
        self.client.call(RetryWebhookLog::new(&self.agent_id, webhook_id, log_id))
    }
}

handler! {
    /// The webhooks of a campaign, fired on the events of the campaign and its calls:
    /// `client.campaigns().webhooks(&campaign_id)`.
    ///
    /// ```no_run
    /// use talkover::webhooks::{CampaignWebhookChanges, CampaignWebhookEvent, NewCampaignWebhook};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let webhooks = client.campaigns().webhooks("campaign-uuid");
    /// let events = [CampaignWebhookEvent::CampaignStarted, CampaignWebhookEvent::CampaignCompleted];
    /// let webhook = webhooks.create(NewCampaignWebhook::new("Lifecycle", "https://example.com/hooks", events)).await?;
    /// webhooks.update(&webhook.id, CampaignWebhookChanges::new().include_call_events(true)).await?;
    /// webhooks.test(&webhook.id).await?;
    /// # Ok(()) }
    /// ```
    CampaignWebhooks { campaign_id: CampaignId }
}

impl<'c, C: Execute> CampaignWebhooks<'c, C> {
    /// [List the campaign's webhooks](https://docs.talkover.ai/api-reference/endpoints/list-campaign-webhooks),
    /// with the events campaign webhooks can subscribe to.
    ///
    #[doc = talkover_core::errors_section!("list-campaign-webhooks")]
    pub fn list(&self) -> C::Call<CampaignWebhookList> {
        self.client.call(ListCampaignWebhooks::new(&self.campaign_id))
    }

    /// [Create a webhook](https://docs.talkover.ai/api-reference/endpoints/create-campaign-webhook) on the
    /// campaign. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-campaign-webhook")]
    pub fn create(&self, webhook: NewCampaignWebhook) -> C::Call<CampaignWebhook> {
        self.client.call(CreateCampaignWebhook::new(&self.campaign_id, webhook))
    }

    /// [Get a webhook](https://docs.talkover.ai/api-reference/endpoints/get-campaign-webhook) of the campaign.
    ///
    #[doc = talkover_core::errors_section!("get-campaign-webhook")]
    pub fn get(&self, webhook_id: impl Into<WebhookId>) -> C::Call<CampaignWebhook> {
        self.client.call(GetCampaignWebhook::new(&self.campaign_id, webhook_id))
    }

    /// [Update a webhook](https://docs.talkover.ai/api-reference/endpoints/update-campaign-webhook) of the
    /// campaign: only the fields set in `changes` change.
    ///
    #[doc = talkover_core::errors_section!("update-campaign-webhook")]
    pub fn update(
        &self,
        webhook_id: impl Into<WebhookId>,
        changes: CampaignWebhookChanges,
    ) -> C::Call<CampaignWebhook> {
        self.client.call(UpdateCampaignWebhook::new(&self.campaign_id, webhook_id, changes))
    }

    /// [Delete a webhook](https://docs.talkover.ai/api-reference/endpoints/delete-campaign-webhook) of the
    /// campaign.
    ///
    #[doc = talkover_core::errors_section!("delete-campaign-webhook")]
    pub fn delete(&self, webhook_id: impl Into<WebhookId>) -> C::Call<Ack> {
        self.client.call(DeleteCampaignWebhook::new(&self.campaign_id, webhook_id))
    }

    /// [Turn a webhook on or off](https://docs.talkover.ai/api-reference/endpoints/toggle-campaign-webhook),
    /// whichever it is not. Sending it twice undoes it: never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("toggle-campaign-webhook")]
    pub fn toggle(&self, webhook_id: impl Into<WebhookId>) -> C::Call<CampaignWebhook> {
        self.client.call(ToggleCampaignWebhook::new(&self.campaign_id, webhook_id))
    }

    /// [Send a test event](https://docs.talkover.ai/api-reference/endpoints/test-campaign-webhook) to a
    /// webhook of the campaign. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("test-campaign-webhook")]
    pub fn test(&self, webhook_id: impl Into<WebhookId>) -> C::Call<Ack> {
        self.client.call(TestCampaignWebhook::new(&self.campaign_id, webhook_id))
    }

    /// [List the delivery attempts](https://docs.talkover.ai/api-reference/endpoints/list-campaign-webhook-logs)
    /// of a webhook of the campaign; `send()` for one page or `items()` for all of them.
    ///
    /// Its query parameters are the fields of [`CampaignWebhookLogsQuery`](crate::webhooks::CampaignWebhookLogsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-campaign-webhook-logs")]
    pub fn logs(&self, webhook_id: impl Into<WebhookId>) -> Pending<'c, C, ListCampaignWebhookLogs> {
        Pending::new(self.client, ListCampaignWebhookLogs::new(&self.campaign_id, webhook_id))
    }

    /// [Retry a failed delivery](https://docs.talkover.ai/api-reference/endpoints/retry-campaign-webhook-log)
    /// of a webhook of the campaign, as a new attempt. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("retry-campaign-webhook-log")]
    pub fn retry_log(
        &self,
        webhook_id: impl Into<WebhookId>,
        log_id: impl Into<WebhookLogId>,
    ) -> C::Call<WebhookRetry> {
        self.client.call(RetryCampaignWebhookLog::new(&self.campaign_id, webhook_id, log_id))
    }
}
