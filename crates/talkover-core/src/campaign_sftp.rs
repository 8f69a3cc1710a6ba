//! SFTP import and export of a campaign's contacts and results.
//!
//! From the `talkover` crate, these operations run through `client.campaigns().sftp(campaign_id)`: the
//! methods of `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/get-campaign-sftp> and the pages beside it.
//!
//! A new configuration starts disabled: [`TestCampaignSftpConnection`] must succeed before
//! [`UpdateCampaignSftp`] can enable it. Passwords, private keys and passphrases are
//! [`SecretString`]s: sent, never printed, and never returned by the API.

use serde::{Deserialize, Serialize};

use crate::envelope::{Envelope, ListEnvelope};
use crate::ids::{CampaignFileId, CampaignId};
use crate::macros::{optional_fields, string_enum};
use crate::secret::SecretString;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{SftpConfigId, SftpJobId, SftpLogId};

string_enum! {
    /// How the SFTP server is logged into.
    pub enum SftpAuthType {
        /// With `password`.
        Password = "password",
        /// With a PEM `private_key` (and its passphrase, if any).
        PrivateKey = "private_key",
    }
}

string_enum! {
    /// When new contact files are imported.
    pub enum ImportSchedule {
        /// Only through [`TriggerCampaignSftpImport`].
        Manual = "manual",
        /// Every hour.
        Hourly = "hourly",
        /// Every day.
        Daily = "daily",
    }
}

string_enum! {
    /// Which way an SFTP job moves files.
    pub enum SftpJobType {
        /// Contact lists from the server.
        Import = "import",
        /// Call results to the server.
        Export = "export",
    }
}

string_enum! {
    /// Where an SFTP job is.
    pub enum SftpJobStatus {
        /// In progress.
        Running = "running",
        /// Done without errors.
        Succeeded = "succeeded",
        /// Done with errors (see the log's `error`).
        Failed = "failed",
        /// Stopped by hand.
        Cancelled = "cancelled",
    }
}

/// Declares a struct with the SFTP settings the bodies and [`SftpConfig`] share, each written once, after
/// the struct's own fields; `settable` gives the bodies their setters.
macro_rules! sftp_settings {
    ($kind:ident; $($item:tt)*) => {
        optional_fields! {
            $($item)*
            $kind {
                /// The server's port, 1 to 65535 (the API's default is 22).
                port: u16,
                /// Remote folder scanned for contact lists (`/inbox`).
                #[clear_with(clear_import_path)]
                import_path(path): impl Into<String>,
                /// Remote folder call results are written to (`/outbox`).
                #[clear_with(clear_export_path)]
                export_path(path): impl Into<String>,
                /// When contact lists are imported (the API's default is `manual`).
                import_schedule(schedule): ImportSchedule,
            }
        }
    };
}

/// [`sftp_settings!`] with the credentials both bodies may send (never returned).
macro_rules! sftp_credentials {
    ($kind:ident; $($item:tt)*) => {
        sftp_settings! {
            $kind;
            $($item)*
            $kind {
                /// The password (required with [`SftpAuthType::Password`]).
                #[serde(serialize_with = "crate::secret::expose")]
                password: impl Into<SecretString>,
                /// The PEM private key (required with [`SftpAuthType::PrivateKey`]).
                #[serde(serialize_with = "crate::secret::expose")]
                private_key(key): impl Into<SecretString>,
                /// The private key's passphrase, if it has one.
                #[serde(serialize_with = "crate::secret::expose")]
                private_key_passphrase(passphrase): impl Into<SecretString>,
            }
        }
    };
}

sftp_settings! {
    optional;
    /// A campaign's SFTP configuration. The password and private key are never returned. Which fields are
    /// present depends on the endpoint (create and update return a subset).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SftpConfig {
        /// The configuration's id.
        pub id: SftpConfigId,
    }
    pub fn new;
    optional {
        /// The campaign it belongs to.
        campaign_id: CampaignId,
        /// The server's host name.
        host: String,
        /// The login.
        username: String,
        /// How the login authenticates.
        auth_type: SftpAuthType,
        /// Whether the integration runs.
        is_enabled: bool,
        /// When the connection was last tested (`null` before any test).
        #[null_when_unset]
        last_test_at: Timestamp,
        /// Whether that test succeeded (`null` before any test).
        #[null_when_unset]
        last_test_success: bool,
        /// When the configuration was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// create-campaign-sftp

sftp_credentials! {
    settable;
    /// The body of [`CreateCampaignSftp`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewSftpConfig {
        /// The server's host name.
        pub host: String,
        /// The login.
        pub username: String,
        /// How the login authenticates.
        pub auth_type: SftpAuthType,
    }
}

impl NewSftpConfig {
    /// A configuration with its login; set the credential matching `auth_type` with
    /// [`NewSftpConfig::password`] or [`NewSftpConfig::private_key`].
    pub fn new(host: impl Into<String>, username: impl Into<String>, auth_type: SftpAuthType) -> Self {
        Self::with_fields(host.into(), username.into(), auth_type)
    }

    /// A configuration that logs in with a password.
    pub fn with_password(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        Self::new(host, username, SftpAuthType::Password).password(password)
    }

    /// A configuration that logs in with a PEM private key.
    pub fn with_private_key(
        host: impl Into<String>,
        username: impl Into<String>,
        private_key: impl Into<SecretString>,
    ) -> Self {
        Self::new(host, username, SftpAuthType::PrivateKey).private_key(private_key)
    }
}

impl CreateCampaignSftp {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        check_connection(problems, b.host.as_str(), b.username.as_str(), b.port);
        check_credentials(problems, Some(&b.auth_type), [&b.password, &b.private_key, &b.private_key_passphrase]);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-campaign-sftp

sftp_credentials! {
    changes;
    /// The body of [`UpdateCampaignSftp`]: only the fields set are sent, and only those change. The import
    /// and export folders can be removed too ([`SftpConfigChanges::clear_import_path`],
    /// [`SftpConfigChanges::clear_export_path`]: sent as `null`; the update's page does not speak of a
    /// `null`, so the API decides what it does with one).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SftpConfigChanges {}
    changes {
        /// New host name.
        host: impl Into<String>,
        /// New login.
        username: impl Into<String>,
        /// New authentication method.
        auth_type: SftpAuthType,
        /// Turn the integration on or off (turning it on needs a successful connection test, else 422).
        is_enabled(enabled): bool,
    }
}

impl UpdateCampaignSftp {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        check_connection(problems, b.host.as_deref(), b.username.as_deref(), b.port);
        check_credentials(problems, b.auth_type.as_ref(), [&b.password, &b.private_key, &b.private_key_passphrase]);
    }
}

/// The credential a way of logging in needs, when one is chosen: the password for `password`, the key for
/// `private_key` ("required when `auth_type` is …", on create and, for the fields given, on update). A
/// credential given empty is none (the server reads an empty text as no value).
fn check_credentials(
    problems: &mut Problems,
    auth_type: Option<&SftpAuthType>,
    [password, private_key, passphrase]: [&Option<SecretString>; 3],
) {
    for (field, given) in [("password", password), ("private_key", private_key), ("private_key_passphrase", passphrase)]
    {
        if given.as_ref().is_some_and(|secret| secret.expose_secret().trim().is_empty()) {
            problems.add(field, "cannot be empty");
        }
    }
    let (field, credential) = match auth_type {
        Some(SftpAuthType::Password) => ("password", password),
        Some(SftpAuthType::PrivateKey) => ("private_key", private_key),
        _ => return,
    };
    problems.require(field, credential);
}

/// The bounds a new SFTP configuration and its changes share, each checked when set.
fn check_connection<'a>(
    problems: &mut Problems,
    host: impl Into<Option<&'a str>>,
    username: impl Into<Option<&'a str>>,
    port: Option<u16>,
) {
    problems.length("host", host, 1, usize::MAX).length("username", username, 1, usize::MAX);
    problems.range("port", port, 1, u16::MAX);
}

// ---------------------------------------------------------------------------------------------------
// test-campaign-sftp-connection

optional_fields! {
    /// The outcome of [`TestCampaignSftpConnection`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SftpTestResult {
        /// When the test ran.
        pub tested_at: Timestamp,
    }
    pub fn new;
    optional {
        /// Whether the import folder could be reached.
        import_path_accessible: bool,
        /// Whether the export folder could be reached.
        export_path_accessible: bool,
        /// Why the test failed.
        error: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// trigger-campaign-sftp-import, trigger-campaign-sftp-export

/// The body of [`TriggerCampaignSftpExport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SftpExportFiles {
    /// The campaign files to export (at least one), from [`Campaign::files`](crate::campaigns::Campaign::files).
    pub file_data_ids: Vec<CampaignFileId>,
}

impl SftpExportFiles {
    /// The files to export.
    pub fn new<I: Into<CampaignFileId>>(ids: impl IntoIterator<Item = I>) -> Self {
        Self { file_data_ids: ids.into_iter().map(Into::into).collect() }
    }
}

impl TriggerCampaignSftpExport {
    /// Exports the files `file_data_ids` of the campaign.
    pub fn new<I: Into<CampaignFileId>>(
        campaign_id: impl Into<CampaignId>,
        file_data_ids: impl IntoIterator<Item = I>,
    ) -> Self {
        Self { campaign_id: campaign_id.into(), body: SftpExportFiles::new(file_data_ids) }
    }

    fn check(&self, problems: &mut Problems) {
        if self.body.file_data_ids.is_empty() {
            problems.add("file_data_ids", "needs at least one file");
        }
    }
}

optional_fields! {
    /// A queued SFTP import or export job.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SftpJob {
        /// The job's id.
        pub job_id: SftpJobId,
    }
    pub fn new;
    optional {
        /// When it was queued (imports).
        queued_at: Timestamp,
        /// How many files it exports (exports).
        files_count: u64,
    }
}

// ---------------------------------------------------------------------------------------------------
// list-campaign-sftp-logs

optional_fields! {
    /// One SFTP import or export job, as logged.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SftpLog {
        /// The log entry's id.
        pub id: SftpLogId,
        /// Import or export.
        #[serde(rename = "type")]
        pub job_type: SftpJobType,
        /// Where the job is.
        pub status: SftpJobStatus,
    }
    pub fn new;
    optional {
        /// Files handled.
        files_processed: u64,
        /// Rows handled (imports).
        rows_processed: u64,
        /// What went wrong, for a failed job.
        error: String,
        /// When the job started.
        started_at: Timestamp,
        /// When it finished.
        completed_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! campaign_sftp_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [Get a campaign's SFTP configuration](https://docs.talkover.ai/api-reference/endpoints/get-campaign-sftp),
        /// without its credentials.
        GetCampaignSftp {
            id: "get-campaign-sftp",
            method: GET,
            path: "/api/v1/campaigns/{campaign_id}/sftp",
            params: { campaign_id: CampaignId },
            response: Envelope<SftpConfig>,
            safe_to_repeat: true,
            handler: CampaignSftp[campaign_id]::get,
        }

        /// [Configure SFTP for a campaign](https://docs.talkover.ai/api-reference/endpoints/create-campaign-sftp).
        /// The configuration starts disabled.
        CreateCampaignSftp {
            id: "create-campaign-sftp",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/sftp",
            params: { campaign_id: CampaignId },
            body: NewSftpConfig,
            response: Envelope<SftpConfig>,
            safe_to_repeat: false,
            validate: CreateCampaignSftp::check,
            handler: CampaignSftp[campaign_id]::create(config),
        }

        /// [Update a campaign's SFTP configuration](https://docs.talkover.ai/api-reference/endpoints/update-campaign-sftp),
        /// or enable or disable it: only the fields set in the changes change.
        UpdateCampaignSftp {
            id: "update-campaign-sftp",
            method: PUT,
            path: "/api/v1/campaigns/{campaign_id}/sftp",
            params: { campaign_id: CampaignId },
            body: SftpConfigChanges,
            response: Envelope<SftpConfig>,
            safe_to_repeat: true,
            validate: UpdateCampaignSftp::check,
            handler: CampaignSftp[campaign_id]::update(changes),
        }

        /// [Test a campaign's SFTP connection](https://docs.talkover.ai/api-reference/endpoints/test-campaign-sftp-connection).
        /// The result is stored on the configuration; a failed test comes back as an error of kind
        /// [`Unsuccessful`](crate::ErrorKind::Unsuccessful) whose body's `data.error` says why.
        TestCampaignSftpConnection {
            id: "test-campaign-sftp-connection",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/sftp/test-connection",
            params: { campaign_id: CampaignId },
            response: Envelope<SftpTestResult>,
            safe_to_repeat: false,
        }

        /// [Import new contact files now](https://docs.talkover.ai/api-reference/endpoints/trigger-campaign-sftp-import)
        /// from the campaign's import folder. A 409 means an import is already running; follow progress with
        /// [`ListCampaignSftpLogs`] (`client.campaigns().sftp(id).logs()`).
        TriggerCampaignSftpImport {
            id: "trigger-campaign-sftp-import",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/sftp/trigger-import",
            params: { campaign_id: CampaignId },
            response: Envelope<SftpJob>,
            safe_to_repeat: false,
            handler: CampaignSftp[campaign_id]::trigger_import,
        }

        /// [Export campaign result files now](https://docs.talkover.ai/api-reference/endpoints/trigger-campaign-sftp-export)
        /// to the campaign's export folder: `file_data_ids` are ids from the campaign's `files` (at least one).
        /// A 409 means an export is already running.
        TriggerCampaignSftpExport {
            id: "trigger-campaign-sftp-export",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/sftp/trigger-export",
            params: { campaign_id: CampaignId },
            body: SftpExportFiles,
            response: Envelope<SftpJob>,
            safe_to_repeat: false,
            validate: TriggerCampaignSftpExport::check,
            constructor: manual,
            handler: CampaignSftp[campaign_id]::trigger_export(file_data_ids: impl IntoIterator<Item = impl Into<CampaignFileId>>),
        }

        /// [List a campaign's SFTP job logs](https://docs.talkover.ai/api-reference/endpoints/list-campaign-sftp-logs):
        /// recent imports and exports with their status, counts and errors.
        ListCampaignSftpLogs {
            id: "list-campaign-sftp-logs",
            method: GET,
            path: "/api/v1/campaigns/{campaign_id}/sftp/logs",
            params: { campaign_id: CampaignId },
            query: ListCampaignSftpLogsQuery {},
            response: ListEnvelope<SftpLog>,
            items: SftpLog,
            default_per_page: 25,
            page_block: PaginationWithoutLastPage,
            safe_to_repeat: true,
            handler: CampaignSftp[campaign_id]::logs,
        }
        }
    };
}
campaign_sftp_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::operation::testing::{config, invalid_field};
    use crate::page::PagedOperation;
    use crate::{build_request, decode_response};

    #[test]
    fn credentials_are_sent_but_never_printed() {
        let body = NewSftpConfig::with_private_key("sftp.example.com", "user", "-----BEGIN KEY-----")
            .private_key_passphrase("hunter2");
        let create = CreateCampaignSftp::new("c", body);
        let printed = format!("{create:?}");
        assert!(!printed.contains("BEGIN KEY") && !printed.contains("hunter2"), "{printed}");
        let changes = SftpConfigChanges::new().password("s3cret");
        assert!(!format!("{changes:?}").contains("s3cret"));

        let request = build_request(&create, &config()).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(sent["private_key"], "-----BEGIN KEY-----");
        assert_eq!(sent["private_key_passphrase"], "hunter2");
        assert!(sent.get("password").is_none());
    }

    #[test]
    fn the_credential_of_the_auth_type_is_required() {
        let create = |b| CreateCampaignSftp::new("c", b);
        assert_eq!(invalid_field(&create(NewSftpConfig::new("h", "u", SftpAuthType::Password))), "password");
        assert_eq!(invalid_field(&create(NewSftpConfig::new("h", "u", SftpAuthType::PrivateKey))), "private_key");
        assert_eq!(invalid_field(&create(NewSftpConfig::with_password("h", "u", "p").port(0))), "port");
        assert_eq!(invalid_field(&create(NewSftpConfig::with_password("", "u", "p"))), "host");
        assert!(build_request(&create(NewSftpConfig::with_password("h", "u", "p").port(2222)), &config()).is_ok());
        assert_eq!(invalid_field(&UpdateCampaignSftp::new("c", SftpConfigChanges::new().port(0))), "port");
    }

    #[test]
    fn exports_need_files_and_logs_paginate() {
        let none: [&str; 0] = [];
        assert_eq!(invalid_field(&TriggerCampaignSftpExport::new("c", none)), "file_data_ids");
        assert_eq!(invalid_field(&ListCampaignSftpLogs::new("c").per_page(101)), "per_page");
        let mut logs = ListCampaignSftpLogs::new("c").per_page(10);
        logs.set_page(2);
        let request = build_request(&logs, &config()).unwrap();
        assert_eq!(request.uri().path_and_query().unwrap(), "/api/v1/campaigns/c/sftp/logs?page=2&per_page=10");
    }

    #[test]
    #[cfg(feature = "registry")]
    fn testing_triggering_and_creating_are_not_safe_to_repeat() {
        let safe = |id: &str| crate::registry::operation(id).unwrap().safe_to_repeat;
        for id in [
            "create-campaign-sftp",
            "test-campaign-sftp-connection",
            "trigger-campaign-sftp-import",
            "trigger-campaign-sftp-export",
        ] {
            assert!(!safe(id), "{id}");
        }
        for id in ["get-campaign-sftp", "update-campaign-sftp", "list-campaign-sftp-logs"] {
            assert!(safe(id), "{id}");
        }
    }

    #[test]
    fn a_failed_connection_test_is_an_error() {
        let body = br#"{"success":false,"message":"SFTP connection failed",
            "data":{"tested_at":"2024-01-15T16:45:00Z","error":"Authentication failed"}}"#;
        let response = http::Response::builder().status(200).body(body.to_vec()).unwrap();
        let err = decode_response::<TestCampaignSftpConnection>(response).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsuccessful);
        assert_eq!(err.message(), Some("SFTP connection failed"));
        let result: SftpTestResult = err.as_api().unwrap().body_field("data").unwrap();
        assert_eq!(result.error.as_deref(), Some("Authentication failed"));
    }
}
