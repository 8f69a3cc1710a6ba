//! Handlers for a campaign's SFTP import and export.

use talkover_core::campaign_sftp::*;
use talkover_core::campaigns::{CampaignFileId, CampaignId};

use crate::resources::{handler, Campaigns};
use talkover_core::execute::Execute;

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
    /// // A test that ran and failed is an answer, not an error: its reason is in `error`.
    /// if let Some(reason) = sftp.test_connection().await?.error {
    ///     eprintln!("the SFTP server cannot be reached: {reason}");
    ///     return Ok(());
    /// }
    /// sftp.update(SftpConfigChanges::new().import_schedule(ImportSchedule::Hourly).is_enabled(true)).await?;
    /// let job = sftp.trigger_import().await?;
    /// println!("import {} queued", job.job_id);
    /// # Ok(()) }
    /// ```
    CampaignSftp { campaign_id: CampaignId }
    /// The SFTP integration of one campaign.
    from Campaigns::sftp
}

impl<'c, C: Execute> CampaignSftp<'c, C> {
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
}

// The methods of the operations whose declaration names a handler here.
talkover_core::campaign_sftp_operations!(handlers CampaignSftp $);
