//! Campaigns' SFTP settings, connection tests, import and export jobs, and their logs.
//!
//! Creating settings for a campaign that has them replaces them. Credentials are taken and never
//! returned. A connection test succeeds unless the host is no host name (a URL, a path) or ends in
//! `.invalid` (the name reserved for names that never resolve); SFTP can be enabled only after a
//! successful test (422 `SFTP_TEST_REQUIRED`), and changing where or how to connect calls for a new test.
//! An import or export runs for [`JOB_SECONDS`] on the emulator's clock: its log says `running` until then,
//! and `succeeded` after (or `failed`, for a host that fails its test), newest first. While one import of
//! a campaign runs, another is refused with the page's 409 `SFTP_IMPORT_IN_PROGRESS`; likewise exports,
//! `SFTP_EXPORT_IN_PROGRESS`.

use talkover_core::campaign_sftp::{
    CreateCampaignSftp, GetCampaignSftp, ImportSchedule, ListCampaignSftpLogs, NewSftpConfig, SftpConfig,
    SftpConfigChanges, SftpExportFiles, SftpJob, SftpJobStatus, SftpJobType, SftpLog, SftpTestResult,
    TriggerCampaignSftpExport, UpdateCampaignSftp,
};
use talkover_core::error::ErrorCode;
use talkover_core::time::{DateTime, Timestamp};
use talkover_core::{Envelope, Operation};

use super::{campaign_not_found, coded, documented, now, timestamp, unix_now, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::{merge, Reply};

/// How long an import or an export runs, in the emulator's seconds.
pub(crate) const JOB_SECONDS: i64 = 2;

/// One campaign's SFTP settings, job logs (newest first) and the jobs still running.
struct SftpEntry {
    campaign_id: String,
    config: SftpConfig,
    logs: Vec<SftpLog>,
    running: Vec<RunningJob>,
}

/// A job whose log says `running`, and how it ends.
struct RunningJob {
    log_id: String,
    job_type: SftpJobType,
    /// When it ends, in seconds since the epoch on the emulator's clock.
    ends_at: i64,
    /// Whether it succeeds (the host passed its test when the job was queued).
    ok: bool,
    files: u64,
}

/// The SFTP settings of the campaigns that have them.
#[derive(Default)]
pub(crate) struct Sftp {
    entries: Vec<SftpEntry>,
    /// Campaigns the recordings name, which exist for these operations even if the campaigns' state
    /// does not hold them.
    recorded_campaigns: Vec<String>,
}

impl Sftp {
    /// The recorded settings and logs, for the recorded campaign.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let mut seeded = Self::default();
        let Some(config) = catalog.documented::<GetCampaignSftp>() else {
            return seeded;
        };
        let Some(campaign_id) = config.campaign_id.as_ref().map(|c| c.as_str().to_owned()) else { return seeded };
        let logs = catalog.documented_items::<ListCampaignSftpLogs, _>();
        seeded.recorded_campaigns.push(campaign_id.clone());
        seeded.entries.push(SftpEntry { campaign_id, config, logs, running: Vec::new() });
        seeded
    }
}

/// The configuration a create request describes (its credentials are kept by no one: the API never returns
/// them). It starts disabled: enabling it waits for a successful test.
fn new_config(id: String, campaign_id: &str, body: &NewSftpConfig) -> Result<SftpConfig, Reply> {
    let mut config = SftpConfig::new(id);
    merge(&mut config, body)?;
    config.campaign_id = Some(campaign_id.into());
    config.port.get_or_insert(22);
    config.import_schedule.get_or_insert(ImportSchedule::Manual);
    config.is_enabled = Some(false);
    config.created_at = Some(timestamp(now()));
    config.updated_at = config.created_at.clone();
    Ok(config)
}

/// Applies changes; new connection details take the last test's success away. Returns whether the
/// changes ask to enable SFTP.
fn apply_changes(config: &mut SftpConfig, changes: &SftpConfigChanges) -> Result<bool, Reply> {
    let reconnects = changes.host.is_some()
        || changes.port.is_some()
        || changes.username.is_some()
        || changes.auth_type.is_some()
        || changes.password.is_some()
        || changes.private_key.is_some()
        || changes.private_key_passphrase.is_some();
    merge(config, changes)?;
    if reconnects {
        // New connection details want a new test: SFTP goes off unless these changes turn it on.
        config.last_test_success = None;
        if changes.is_enabled.is_none() {
            config.is_enabled = Some(false);
        }
    }
    config.updated_at = Some(timestamp(now()));
    Ok(changes.is_enabled == Some(true))
}

fn export_files(body: SftpExportFiles) -> u64 {
    body.file_data_ids.len() as u64
}

/// Whether the configured host can be reached.
fn reachable(config: &SftpConfig) -> bool {
    connection_failure(config).is_none()
}

/// Why the configured host cannot be reached, if it cannot: it is no host name (the page's "SFTP server
/// hostname", not a URL or a path), or it never resolves.
fn connection_failure(config: &SftpConfig) -> Option<String> {
    let host = config.host.as_deref().unwrap_or_default();
    if !super::is_host_name(host) {
        Some(format!("Invalid SFTP host: {host:?} is not a host name"))
    } else if super::never_resolves(host) {
        Some("Could not resolve host".to_owned())
    } else {
        None
    }
}

impl State {
    /// The campaign's position among the SFTP settings, or `None` when it has none; 404 for a campaign
    /// that does not exist.
    fn sftp_campaign(&self, req: &Request<'_>) -> Result<Option<usize>, Reply> {
        let id = req.param("campaign_id");
        if !self.has_campaign(id) && !self.sftp.recorded_campaigns.iter().any(|c| c == id) {
            return Err(campaign_not_found(req));
        }
        Ok(self.sftp.entries.iter().position(|e| e.campaign_id == id))
    }

    fn sftp_entry(&self, req: &Request<'_>) -> Result<usize, Reply> {
        self.sftp_campaign(req)?
            .ok_or_else(|| documented(req, 404, Some("not-configured"), "SFTP is not configured for this campaign"))
    }

    pub(super) fn get_campaign_sftp(&mut self, req: &Request<'_>) -> Answer {
        let e = self.sftp_entry(req)?;
        Ok(Reply::data(200, None, &self.sftp.entries[e].config))
    }

    pub(super) fn create_campaign_sftp(&mut self, req: &Request<'_>) -> Answer {
        let existing = self.sftp_campaign(req)?;
        let create = req.valid::<CreateCampaignSftp>()?;
        let campaign_id = req.param("campaign_id").to_owned();
        let config = new_config(self.new_id(), &campaign_id, &create.body)?;
        // Creating settings again replaces them (they need a new test); the logs stay.
        match existing {
            Some(e) => self.sftp.entries[e].config = config.clone(),
            None => self.sftp.entries.push(SftpEntry {
                campaign_id,
                config: config.clone(),
                logs: Vec::new(),
                running: Vec::new(),
            }),
        }
        Ok(Reply::data(200, None, config))
    }

    pub(super) fn update_campaign_sftp(&mut self, req: &Request<'_>) -> Answer {
        let e = self.sftp_entry(req)?;
        let (update, mut invalid) = req.decode::<UpdateCampaignSftp>()?;
        req.refuse_blanks_create_requires(CreateCampaignSftp::ID, &mut invalid)?;
        invalid.check()?;
        let mut config = self.sftp.entries[e].config.clone();
        let enables = apply_changes(&mut config, &update.body)?;
        if enables && config.last_test_success != Some(true) {
            return Err(coded(
                req,
                ErrorCode::SftpTestRequired,
                "Run a successful test connection before enabling SFTP",
            ));
        }
        self.sftp.entries[e].config = config.clone();
        Ok(Reply::data(200, None, config))
    }

    pub(super) fn test_campaign_sftp(&mut self, req: &Request<'_>) -> Answer {
        let e = self.sftp_entry(req)?;
        let now = now();
        let config = &mut self.sftp.entries[e].config;
        let failure = connection_failure(config);
        let ok = failure.is_none();
        config.last_test_at = Some(timestamp(now.clone()));
        config.last_test_success = Some(ok);
        let mut result = SftpTestResult::new(now);
        if ok {
            result.import_path_accessible = Some(true);
            result.export_path_accessible = Some(true);
        }
        result.error = failure;
        let (success, message) =
            if ok { (true, "SFTP connection successful") } else { (false, "SFTP connection failed") };
        let mut envelope = Envelope::new(result);
        envelope.success = Some(success);
        envelope.message = Some(message.to_owned());
        Ok(Reply::typed(200, &envelope))
    }

    /// Starts a job and logs it as `running`; refused while a job of its type runs for the campaign.
    fn run_sftp_job(&mut self, req: &Request<'_>, e: usize, job_type: SftpJobType, files: u64) -> Answer {
        // The pages' words for each kind: its 409 while one runs, and its answer once queued.
        let (busy_code, busy, queued) = match job_type {
            SftpJobType::Export => {
                (ErrorCode::SftpExportInProgress, "An SFTP export is already in progress", "SFTP export queued")
            }
            _ => (ErrorCode::SftpImportInProgress, "An SFTP import is already in progress", "SFTP import queued"),
        };
        if self.sftp.entries[e].running.iter().any(|job| job.job_type == job_type) {
            return Err(coded(req, busy_code, busy));
        }
        let id = self.new_id();
        let now = now();
        let entry = &mut self.sftp.entries[e];
        let mut log = SftpLog::new(format!("log-{id}"), job_type.clone(), SftpJobStatus::Running);
        log.started_at = Some(timestamp(now.clone()));
        let ok = reachable(&entry.config);
        let ends_at = unix_now().saturating_add(JOB_SECONDS);
        entry.running.push(RunningJob {
            log_id: log.id.as_str().to_owned(),
            job_type: job_type.clone(),
            ends_at,
            ok,
            files,
        });
        entry.logs.insert(0, log);
        let mut job = SftpJob::new(id);
        job.queued_at = Some(timestamp(now));
        job.files_count = (job_type == SftpJobType::Export).then_some(files);
        Ok(Reply::data(200, Some(queued), job))
    }

    /// Ends the jobs whose time has come by `now` (seconds since the epoch on the emulator's clock): their
    /// logs say how they went.
    pub(crate) fn settle_sftp_jobs(&mut self, now: i64) {
        for entry in &mut self.sftp.entries {
            let (ended, running): (Vec<_>, Vec<_>) = entry.running.drain(..).partition(|job| job.ends_at <= now);
            entry.running = running;
            for job in ended {
                let Some(log) = entry.logs.iter_mut().find(|log| log.id.as_str() == job.log_id) else { continue };
                log.status = if job.ok { SftpJobStatus::Succeeded } else { SftpJobStatus::Failed };
                log.files_processed = Some(if job.ok { job.files } else { 0 });
                log.rows_processed = Some(0);
                log.error = (!job.ok).then(|| "Could not resolve host".to_owned());
                log.completed_at = DateTime::from_unix_timestamp(job.ends_at).ok().map(Timestamp::from);
            }
        }
    }

    pub(super) fn trigger_sftp_import(&mut self, req: &Request<'_>) -> Answer {
        let e = self.sftp_entry(req)?;
        self.run_sftp_job(req, e, SftpJobType::Import, 0)
    }

    pub(super) fn trigger_sftp_export(&mut self, req: &Request<'_>) -> Answer {
        let e = self.sftp_entry(req)?;
        let export = req.valid::<TriggerCampaignSftpExport>()?;
        self.run_sftp_job(req, e, SftpJobType::Export, export_files(export.body))
    }

    pub(super) fn list_sftp_logs(&mut self, req: &Request<'_>) -> Answer {
        let e = self.sftp_entry(req)?;
        let list = req.valid::<ListCampaignSftpLogs>()?;
        Ok(Reply::paged(&list, &self.sftp.entries[e].logs))
    }
}
