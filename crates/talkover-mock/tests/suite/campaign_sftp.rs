//! Campaigns' SFTP settings are kept by the emulator: created settings are returned without their
//! credentials, enabling needs a successful test, and every import and export is in the logs, `running`
//! for a moment of the emulator's clock and then done; a second one of a kind while one runs is refused.

use crate::common;

use std::time::Duration;

use common::raw::{error_fields, send};
use common::{api, campaign};
use talkover::campaign_sftp::{ImportSchedule, NewSftpConfig, SftpConfigChanges, SftpJobStatus, SftpJobType};
use talkover_mock::Server;

/// How long the emulator's jobs run, in its seconds.
const JOB_SECONDS: u64 = 2;

const EXAMPLE_AGENT: &str = "550e8400-e29b-41d4-a716-446655440000";

#[test]
fn sftp_settings_are_tested_enabled_and_logged() {
    let (server, client) = common::start_blocking();
    let created = client.campaigns().create(campaign(EXAMPLE_AGENT)).unwrap();
    let sftp = client.campaigns().sftp(&created.id);

    assert_eq!(api(&sftp.get().unwrap_err()).status.as_u16(), 404, "no settings yet");
    let config = sftp
        .create(
            NewSftpConfig::with_password("sftp.partner.invalid", "uploader", "pa55word")
                .import_path("/in")
                .import_schedule(ImportSchedule::Daily),
        )
        .unwrap();
    assert_eq!(config.port, Some(22));
    assert_eq!(config.is_enabled, Some(false));
    // Never tested yet: no time and no outcome of a test (the page documents no default for either).
    assert_eq!((config.last_test_at.as_ref(), config.last_test_success), (None, None));
    assert_eq!(sftp.get().unwrap(), config);
    let (_, raw) = send(&server, "GET", &format!("/campaigns/{}/sftp", created.id.as_str()), "");
    assert!(!raw.to_string().contains("pa55word"), "the password is never returned");
    assert_eq!(raw["data"].get("last_test_at"), Some(&serde_json::Value::Null), "{raw}");
    assert_eq!(raw["data"].get("last_test_success"), Some(&serde_json::Value::Null), "{raw}");

    // The host cannot be resolved: the test fails, and SFTP cannot be enabled.
    let failed = sftp.test_connection().unwrap();
    assert!(failed.error.as_deref().is_some_and(|e| !e.is_empty()), "{failed:?}");
    assert_eq!(failed.import_path_accessible, None, "{failed:?}");
    let refused = sftp.update(SftpConfigChanges::new().is_enabled(true)).unwrap_err();
    assert_eq!(api(&refused).code.as_deref(), Some("SFTP_TEST_REQUIRED"));
    let job = sftp.trigger_import().unwrap();
    let logs = sftp.logs().send().unwrap().items;
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].job_type.clone(), logs[0].status.clone()), (SftpJobType::Import, SftpJobStatus::Running));
    assert!(logs[0].completed_at.is_none(), "a running job has not completed");
    assert!(!job.job_id.as_str().is_empty());
    server.advance_clock(Duration::from_secs(JOB_SECONDS));
    let logs = sftp.logs().send().unwrap().items;
    assert_eq!((logs[0].status.clone(), logs[0].files_processed), (SftpJobStatus::Failed, Some(0)));
    assert_eq!(logs[0].error.as_deref(), Some("Could not resolve host"));

    // A URL where a host name belongs fails its test too, saying why.
    sftp.update(SftpConfigChanges::new().host("sftp://files.example.com/in")).unwrap();
    let failed = sftp.test_connection().unwrap();
    assert!(failed.error.as_deref().is_some_and(|e| e.contains("is not a host name")), "{failed:?}");

    // A host that answers: the test passes and SFTP can be enabled.
    sftp.update(SftpConfigChanges::new().host("sftp.partner.example")).unwrap();
    let tested = sftp.test_connection().unwrap();
    assert_eq!(tested.import_path_accessible, Some(true));
    let enabled =
        sftp.update(SftpConfigChanges::new().is_enabled(true).import_schedule(ImportSchedule::Hourly)).unwrap();
    assert_eq!(enabled.is_enabled, Some(true));
    let stored = sftp.get().unwrap();
    assert_eq!(stored.import_schedule, Some(ImportSchedule::Hourly));
    assert_eq!(stored.last_test_success, Some(true));

    let export = sftp.trigger_export(["file-1", "file-2"]).unwrap();
    assert_eq!(export.files_count, Some(2));
    server.advance_clock(Duration::from_secs(JOB_SECONDS));
    let logs = sftp.logs().send().unwrap().items;
    assert_eq!(logs.len(), 2);
    assert_eq!((logs[0].job_type.clone(), logs[0].status.clone()), (SftpJobType::Export, SftpJobStatus::Succeeded));
    assert_eq!(logs[0].files_processed, Some(2));

    let unknown = client.campaigns().sftp("no-such-campaign").get().unwrap_err();
    assert_eq!(api(&unknown).status.as_u16(), 404);
}

#[tokio::test]
async fn the_async_client_sees_the_recorded_settings() {
    let (_server, client) = common::start_async().await;
    let sftp = client.campaigns().sftp("campaign-uuid");
    assert_eq!(sftp.get().await.unwrap().host.as_deref(), Some("sftp.example.com"));
    let before = sftp.logs().send().await.unwrap().items.len();
    sftp.trigger_import().await.unwrap();
    assert_eq!(sftp.logs().send().await.unwrap().items.len(), before + 1);
}

#[test]
fn invalid_sftp_bodies_answer_422() {
    let server = Server::start_blocking().unwrap();
    let (status, body) =
        send(&server, "POST", "/campaigns/campaign-uuid/sftp", r#"{"host":"h","username":"u","auth_type":"password"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["password".to_owned()]), "{body}");
    // An empty password is none: the server reads empty text as no value.
    let empty = r#"{"host":"h","username":"u","auth_type":"password","password":""}"#;
    let (status, body) = send(&server, "POST", "/campaigns/campaign-uuid/sftp", empty);
    assert_eq!((status, error_fields(&body)), (422, vec!["password".to_owned()]), "{body}");
    // The update's fields are the create's, all optional: a way of logging in given there needs its
    // credential there too, as on create.
    let (status, body) = send(&server, "PUT", "/campaigns/campaign-uuid/sftp", r#"{"auth_type":"private_key"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["private_key".to_owned()]), "{body}");
    let with_key = r#"{"auth_type":"private_key","private_key":"-----BEGIN OPENSSH PRIVATE KEY-----"}"#;
    let (status, body) = send(&server, "PUT", "/campaigns/campaign-uuid/sftp", with_key);
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        send(&server, "POST", "/campaigns/campaign-uuid/sftp/trigger-export", r#"{"file_data_ids":[]}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["file_data_ids".to_owned()]), "{body}");
    // Ids are text on every page: a list holding a number is refused as a lone id given as one is.
    let (status, body) =
        send(&server, "POST", "/campaigns/campaign-uuid/sftp/trigger-export", r#"{"file_data_ids":["f1", 1]}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["file_data_ids".to_owned()]), "{body}");
}

#[test]
fn a_second_job_of_a_kind_waits_for_the_first() {
    let (server, client) = common::start_blocking();
    let sftp = client.campaigns().sftp("campaign-uuid");
    sftp.trigger_import().unwrap();
    let refused = sftp.trigger_import().unwrap_err();
    assert_eq!((api(&refused).status.as_u16(), api(&refused).code.as_deref()), (409, Some("SFTP_IMPORT_IN_PROGRESS")));
    assert!(!refused.may_have_taken_effect(), "a 409 placed nothing");
    // An export is another kind: it runs beside the import, and is refused in its turn.
    sftp.trigger_export(["file-1"]).unwrap();
    let refused = sftp.trigger_export(["file-1"]).unwrap_err();
    assert_eq!(api(&refused).code.as_deref(), Some("SFTP_EXPORT_IN_PROGRESS"));
    assert_eq!(api(&refused).message.as_deref(), Some("An SFTP export is already in progress"));

    server.advance_clock(Duration::from_secs(JOB_SECONDS));
    let logs = sftp.logs().send().unwrap().items;
    assert!(logs.iter().all(|log| log.status != SftpJobStatus::Running), "both ended: {logs:?}");
    sftp.trigger_import().expect("the first import has ended");
}
