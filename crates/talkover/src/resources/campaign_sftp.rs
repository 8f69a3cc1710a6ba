//! Handlers for a campaign's SFTP import and export.

use talkover_core::campaign_sftp::*;
use talkover_core::campaigns::{CampaignFileId, CampaignId};

use crate::resources::{handler, Campaigns};
use talkover_core::execute::{Execute, Pending};

impl<'c, C: Execute> Campaigns<'c, C> {
    /// The SFTP integration of one campaign.
    pub fn sftp(&self, campaign_id: impl Into<CampaignId>) -> CampaignSftp<'c, C> {
        CampaignSftp { client: self.client, campaign_id: campaign_id.into() }
    }
}

handler! {
    /// The SFTP import and export of a campaign: `client.campaigns().sftp(&campaign_id)`. A new configuration
    /// starts disabled; enable it with [`CampaignSftp::update`] once [`CampaignSftp::test_connection`] succeeds.
    ///
    /// ```no_run
    /// use talkover::campaign_sftp::{ImportSchedule, NewSftpConfig, SftpConfigChanges};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let sftp = client.campaigns().sftp("campaign-uuid");
    /// let config = NewSftpConfig::with_password("sftp.example.com", "campaigns_user", "secret")
    ///     .import_path("/inbox")
    ///     .export_path("/outbox");
    /// sftp.create(config).await?;
    /// sftp.test_connection().await?;
    /// sftp.update(SftpConfigChanges::new().import_schedule(ImportSchedule::Hourly).is_enabled(true)).await?;
    /// let job = sftp.trigger_import().await?;
    /// println!("import {} queued", job.job_id);
    /// # Ok(()) }
    /// ```
    CampaignSftp { campaign_id: CampaignId }
}

impl<'c, C: Execute> CampaignSftp<'c, C> {
    /// [Get the campaign's SFTP configuration](https://docs.talkover.ai/api-reference/endpoints/get-campaign-sftp),
    /// without its credentials.
    ///
    #[doc = talkover_core::errors_section!("get-campaign-sftp")]
    pub fn get(&self) -> C::Call<SftpConfig> {
        self.client.call(GetCampaignSftp::new(&self.campaign_id))
    }

    /// [Configure SFTP for the campaign](https://docs.talkover.ai/api-reference/endpoints/create-campaign-sftp),
    /// disabled at first. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-campaign-sftp")]
    pub fn create(&self, config: NewSftpConfig) -> C::Call<SftpConfig> {
        self.client.call(CreateCampaignSftp::new(&self.campaign_id, config))
    }

    /// [Update the campaign's SFTP configuration](https://docs.talkover.ai/api-reference/endpoints/update-campaign-sftp),
    /// or enable or disable it: only the fields set in `changes` change.
    ///
    #[doc = talkover_core::errors_section!("update-campaign-sftp")]
    pub fn update(&self, changes: SftpConfigChanges) -> C::Call<SftpConfig> {
        self.client.call(UpdateCampaignSftp::new(&self.campaign_id, changes))
    }

    /// [Test the SFTP connection](https://docs.talkover.ai/api-reference/endpoints/test-campaign-sftp-connection).
    /// A test that ran and failed is its outcome, not an error: the reason is in `error` (the page's
    /// "Failure" answer, `"success": false` with its `data`; see
    /// [`failed_check_data`](crate::envelope::failed_check_data)). Never retried once it may have reached
    /// the server.
    ///
    #[doc = talkover_core::errors_section!("test-campaign-sftp-connection")]
    pub fn test_connection(&self) -> C::Call<SftpTestResult> {
        self.client
            .call_then(TestCampaignSftpConnection::new(&self.campaign_id), talkover_core::envelope::failed_check_data)
    }

    /// [Import new contact files now](https://docs.talkover.ai/api-reference/endpoints/trigger-campaign-sftp-import)
    /// from the import folder; a 409 means an import is already running. Never retried once it may have
    /// reached the server.
    ///
    #[doc = talkover_core::errors_section!("trigger-campaign-sftp-import")]
    pub fn trigger_import(&self) -> C::Call<SftpJob> {
        self.client.call(TriggerCampaignSftpImport::new(&self.campaign_id))
    }

    /// [Export campaign files now](https://docs.talkover.ai/api-reference/endpoints/trigger-campaign-sftp-export)
    /// to the export folder: `file_data_ids` are ids from the campaign's `files` (at least one); a 409 means
    /// an export is already running. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("trigger-campaign-sftp-export")]
    pub fn trigger_export<I: Into<CampaignFileId>>(
        &self,
        file_data_ids: impl IntoIterator<Item = I>,
    ) -> C::Call<SftpJob> {
        self.client.call(TriggerCampaignSftpExport::new(&self.campaign_id, file_data_ids))
    }

    /// [List the SFTP job logs](https://docs.talkover.ai/api-reference/endpoints/list-campaign-sftp-logs):
    /// recent imports and exports; `send()` for one page or `items()` for all of them.
    ///
    /// Its query parameters are the fields of [`ListCampaignSftpLogsQuery`](crate::campaign_sftp::ListCampaignSftpLogsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-campaign-sftp-logs")]
    pub fn logs(&self) -> Pending<'c, C, ListCampaignSftpLogs> {
        Pending::new(self.client, ListCampaignSftpLogs::new(&self.campaign_id))
    }
}
