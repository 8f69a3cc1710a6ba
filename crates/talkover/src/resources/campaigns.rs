//! Handlers for campaigns. Their calls, webhooks and SFTP integration are reached from
//! [`Campaigns`] too (`call`, `webhooks`, `sftp`).

use talkover_core::campaigns::*;
use talkover_core::Ack;

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::{Execute, Pending};

entry_point! {
    /// Campaigns, and through them their calls, webhooks and SFTP integration.
    campaigns -> Campaigns
}

root_handler! {
    /// Campaigns: `client.campaigns()`. A campaign is created as a draft and places calls
    /// ([`Campaigns::call`]) only once active ([`Campaigns::update_status`]); its calls are listed in the
    /// campaign [`Campaigns::get`] returns.
    ///
    /// ```no_run
    /// use talkover::campaigns::{CallTimeRange, CampaignStatus, CampaignType, NewCampaign, NewCampaignRequired};
    /// use talkover::time::{Date, Weekday};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let draft = NewCampaign::new(NewCampaignRequired {
    ///     name: "Sales Q1".into(),
    ///     campaign_type: CampaignType::Sales,
    ///     agent_id: "agent-uuid-1".into(),
    ///     start_date: Date::new("2024-01-01").expect("a valid date"),
    ///     days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
    ///     call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00").unwrap()],
    ///     timezone: "America/New_York".into(),
    /// });
    /// let campaign = client.campaigns().create(draft).await?;
    /// client.campaigns().update_status(&campaign.id, CampaignStatus::Active).await?;
    /// for campaign in client.campaigns().list().status(CampaignStatus::Active).send().await?.items {
    ///     println!("{} {}", campaign.id, campaign.name);
    /// }
    /// # Ok(()) }
    /// ```
    Campaigns
}

impl<'c, C: Execute> Campaigns<'c, C> {
    /// [List campaigns](https://docs.talkover.ai/api-reference/endpoints/list-campaigns) with their agent and
    /// statistics; set filters on the returned request, then `send()` for one page or `items()` for all of
    /// them.
    ///
    /// Its query parameters are the fields of [`ListCampaignsQuery`](crate::campaigns::ListCampaignsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-campaigns")]
    pub fn list(&self) -> Pending<'c, C, ListCampaigns> {
        Pending::new(self.client, ListCampaigns::new())
    }

    /// [Create a campaign](https://docs.talkover.ai/api-reference/endpoints/create-campaign), as a draft.
    /// Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-campaign")]
    pub fn create(&self, campaign: NewCampaign) -> C::Call<Campaign> {
        self.client.call(CreateCampaign::new(campaign))
    }

    /// [Get a campaign](https://docs.talkover.ai/api-reference/endpoints/get-campaign) with its calls, files
    /// and statistics. This is how to see a campaign's calls (in [`Campaign::calls`]): the API has no paged
    /// list of them.
    ///
    #[doc = talkover_core::errors_section!("get-campaign")]
    pub fn get(&self, campaign_id: impl Into<CampaignId>) -> C::Call<Campaign> {
        self.client.call(GetCampaign::new(campaign_id))
    }

    /// [Update a campaign](https://docs.talkover.ai/api-reference/endpoints/update-campaign): only the
    /// settings set in `changes` change.
    ///
    #[doc = talkover_core::errors_section!("update-campaign")]
    pub fn update(&self, campaign_id: impl Into<CampaignId>, changes: CampaignChanges) -> C::Call<Campaign> {
        self.client.call(UpdateCampaign::new(campaign_id, changes))
    }

    /// [Update a campaign's status](https://docs.talkover.ai/api-reference/endpoints/update-campaign-status):
    /// activate, pause, complete or cancel it.
    ///
    #[doc = talkover_core::errors_section!("update-campaign-status")]
    pub fn update_status(
        &self,
        campaign_id: impl Into<CampaignId>,
        status: CampaignStatus,
    ) -> C::Call<CampaignStatusChange> {
        self.client.call(UpdateCampaignStatus::new(campaign_id, status))
    }

    /// [Delete a campaign](https://docs.talkover.ai/api-reference/endpoints/delete-campaign) with its calls,
    /// files and statistics; an active campaign must be paused or cancelled first.
    ///
    #[doc = talkover_core::errors_section!("delete-campaign")]
    pub fn delete(&self, campaign_id: impl Into<CampaignId>) -> C::Call<Ack> {
        self.client.call(DeleteCampaign::new(campaign_id))
    }
}
