//! Handlers for campaigns. Their calls, webhooks and SFTP integration are reached from
//! [`Campaigns`] too (`call`, `webhooks`, `sftp`).

use talkover_core::campaigns::*;

use crate::resources::{entry_point, root_handler};

entry_point! {
    /// Campaigns, and through them their calls, webhooks and SFTP integration.
    campaigns -> Campaigns
}

root_handler! {
    /// Campaigns: `client.campaigns()`. A campaign is created as a draft and places calls
    /// ([`Campaigns::call`]) only once active ([`Campaigns::update_status`]); its calls are listed in the
    /// campaign [`Campaigns::get`] returns. Its contacts are the calls queued into it: one
    /// [`Campaigns::call`] a number (or a file its SFTP integration imports, [`Campaigns::sftp`]).
    ///
    /// ```no_run
    /// use talkover::calls::NewCampaignCall;
    /// use talkover::campaigns::{CallTimeRange, CampaignStatus, CampaignType, NewCampaign, NewCampaignRequired};
    /// use talkover::time::{Date, Weekday};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let draft = NewCampaign::new(NewCampaignRequired {
    ///     name: "Sales Q1".into(),
    ///     campaign_type: CampaignType::Sales,
    ///     agent_id: "550e8400-e29b-41d4-a716-446655440000".into(),
    ///     start_date: Date::new("2024-01-01").expect("a valid date"),
    ///     days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
    ///     call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00").unwrap()],
    ///     timezone: "America/New_York".into(),
    /// });
    /// let campaign = client.campaigns().create(draft).await?;
    /// client.campaigns().update_status(&campaign.id, CampaignStatus::Active).await?;
    /// for number in ["+15551234567", "+15557654321"] {
    ///     client.campaigns().call(&campaign.id, NewCampaignCall::new(number)).await?;
    /// }
    /// for campaign in client.campaigns().list().status(CampaignStatus::Active).send().await?.items {
    ///     println!("{} {}", campaign.id, campaign.name);
    /// }
    /// # Ok(()) }
    /// ```
    Campaigns
}

// The methods of the operations whose declaration names a handler here.
talkover_core::campaigns_operations!(handlers Campaigns $);
