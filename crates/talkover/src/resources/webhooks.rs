//! Handlers for the webhooks of agents and of campaigns: subscriptions, delivery logs, tests and retries.

use talkover_core::agents::AgentId;
use talkover_core::campaigns::CampaignId;
use talkover_core::webhooks::*;

use crate::resources::{handler, Agents, Campaigns};

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
    /// The webhooks of one agent.
    from Agents::webhooks
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
    /// The webhooks of one campaign.
    from Campaigns::webhooks
}

// The methods of the operations whose declaration names a handler here.
talkover_core::webhooks_operations!(handlers AgentWebhooks $);
talkover_core::webhooks_operations!(handlers CampaignWebhooks $);
