//! No secret leaves through what the SDK shows or sends where it should not.
//!
//! - The `Debug` and `Display` of the clients (both), their configuration, builders, every error kind
//!   (never sent, transport, each API status with bodies and headers that echo the token, a 2xx that says
//!   `"success": false`, decoding failures of bodies that hold a created token or a webhook secret), the
//!   request and response types that hold secrets, and the tracing output of failing calls hold none of
//!   the secrets, also when an answer echoes the token percent-encoded (a redirect's `Location`, a message).
//! - Redirects are never followed: a loopback server answering 3xx to another loopback listener gets the
//!   error as a 3xx, and the other listener never sees a request (so the token never reaches it).

use std::fmt::{Debug, Display};
use std::sync::Arc;

use talkover::account::{CreatedApiToken, NewApiToken};
use talkover::actions::{ActionType, CustomHeader, NewAction};
use talkover::agents::{GetAgent, UnpublishAgent};
use talkover::campaign_sftp::{CreateCampaignSftp, NewSftpConfig, SftpConfigChanges, UpdateCampaignSftp};
use talkover::sip_trunks::{CreateSipTrunk, NewSipTrunk, NewSipTrunkRequired, SipTrunkUpdate, UpdateSipTrunk};
use talkover::webhooks::{
    AgentWebhookChanges, AgentWebhookEvent, CampaignWebhookChanges, CampaignWebhookEvent, CreateCampaignWebhook,
    CreateWebhook, NewAgentWebhook, NewCampaignWebhook, UpdateCampaignWebhook, UpdateWebhook,
};
use talkover::{ClientConfig, Error, ErrorKind, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

use crate::common;

const TOKEN: &str = "talq_leaktest_9f8e7d6c5b4a3210";
const CREATED_TOKEN: &str = "7|leaktestCreatedToken4242";
const WEBHOOK_SECRET: &str = "whsec_leaktest_0a1b2c3d";
const HEADER_VALUE: &str = "hdr-leaktest-55aa";
const SIP_PASSWORD: &str = "sip-leaktest-pass-77";
const SFTP_PASSWORD: &str = "sftp-leaktest-pass-88";
const SFTP_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY----- leaktest-key-99";
const SFTP_PASSPHRASE: &str = "sftp-leaktest-phrase-11";
/// Credentials in an action's free-form maps: an integration's `api_key`, a `config` password.
const INTEGRATION_KEY: &str = "integration-leaktest-key-66";
const CONFIG_PASSWORD: &str = "config-leaktest-pass-44";
/// A personal access token, and one with characters a URL escapes, as a client's token.
const PERSONAL_TOKEN: &str = "42|leaktestPersonalAbCdEf99";
const ESCAPED_TOKEN: &str = "leaktest+escaped/token=99";
/// A token that looks like no credential (no `talq_`, no `<id>|`): only its client knows it is one.
const PLAIN_TOKEN: &str = "plainleaktestvalue8812";

/// Each secret, and the distinctive part of each (so that a partial echo is caught too).
const SECRETS: &[&str] = &[
    TOKEN,
    "leaktest_9f8e7d6c5b4a3210",
    CREATED_TOKEN,
    "leaktestCreatedToken4242",
    WEBHOOK_SECRET,
    "leaktest_0a1b2c3d",
    HEADER_VALUE,
    SIP_PASSWORD,
    SFTP_PASSWORD,
    SFTP_KEY,
    "leaktest-key-99",
    SFTP_PASSPHRASE,
    INTEGRATION_KEY,
    CONFIG_PASSWORD,
    "leaktestPersonalAbCdEf99",
    ESCAPED_TOKEN,
    PLAIN_TOKEN,
    "leaktest%2Bescaped%2Ftoken%3D99",
    "leaktest%2bescaped%2ftoken%3d99",
];

fn assert_clean(what: &str, shown: &str) {
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{what} shows the secret {secret:?}:\n{shown}");
    }
}

fn check_debug(what: &str, value: &(impl Debug + ?Sized)) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

fn check_both(what: &str, value: &(impl Debug + Display + ?Sized)) {
    check_debug(what, value);
    assert_clean(what, &value.to_string());
}

/// An error, its sources, and everything its helpers give.
fn check_error(what: &str, error: &Error) {
    check_both(what, error);
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        assert_clean(what, &format!("{inner} {inner:?}"));
        source = inner.source();
    }
    if let Error::Transport(transport) = error {
        if let Some(inner) = transport.underlying() {
            assert_clean(what, &format!("{inner} {inner:?}"));
        }
    }
    let helpers = format!("{:?} {:?} {:?} {:?}", error.message(), error.code(), error.request_id(), error.kind());
    assert_clean(what, &helpers);
    if let Some(api) = error.as_api() {
        check_both(what, api);
        check_debug(what, &api.headers);
        check_debug(what, &api.field_errors);
    }
}

/// The body an error keeps holds none of `carried`, the secrets the request carried, where the answer
/// echoed them.
fn check_body(what: &str, error: &Error, carried: &[&str]) {
    let body = match error {
        Error::Api(api) => api.body.text(),
        Error::Decode(decode) => decode.body.text(),
        _ => return,
    };
    assert!(body.contains("[redacted]"), "{what}: the echo is in the body: {body}");
    for secret in carried {
        assert!(!body.contains(secret), "{what} keeps the secret {secret:?} in its body:\n{body}");
    }
}

fn config() -> ClientConfig {
    ClientConfig::new(TOKEN).unwrap()
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

/// Answers that echo secrets back: every error status, with JSON and non-JSON bodies and echoing headers.
fn echoing_answers() -> Vec<(String, HttpResponse)> {
    let echo = format!(
        r#"{{"success":false,"message":"Invalid token {TOKEN}","code":"BAD {TOKEN}","errors":{{"token":["{TOKEN} is wrong"],"{TOKEN}":["x"]}},"error":{{"code":"E","message":"{TOKEN}","details":{{"token":"{TOKEN}"}}}}}}"#
    );
    let headers = [
        ("www-authenticate", &*format!("Bearer realm=\"api\", token=\"{TOKEN}\"")),
        ("x-request-id", &*format!("req-{TOKEN}")),
        ("x-echo", &*format!("Bearer {TOKEN}")),
    ];
    let mut answers = Vec::new();
    for status in [400, 401, 403, 404, 405, 408, 409, 410, 418, 422, 429, 500, 502, 503, 504] {
        answers.push((format!("{status} json"), answer(status, &headers, &echo)));
        answers.push((format!("{status} html"), answer(status, &headers, &format!("<html>Bearer {TOKEN}</html>"))));
        answers.push((
            format!("{status} error string"),
            answer(
                status,
                &[],
                &format!(r#"{{"error":"{TOKEN}","message":"Unauthenticated {TOKEN}","status_code":{status}}}"#),
            ),
        ));
    }
    answers.push(("200 unsuccessful".into(), answer(200, &headers, &echo)));
    answers
}

/// Answers to get-agent whose bodies hold secrets and do not decode.
fn undecodable_agent_answers() -> Vec<(String, HttpResponse)> {
    [
        format!(r#"{{"success":true,"data":{{"id":true,"name":"{TOKEN}"}}}}"#),
        format!(r#"{{"success":true,"data":{{"id":"{TOKEN}","name":["{WEBHOOK_SECRET}"]}}}}"#),
        format!(r#"{{"success":true,"data":{{"id":"a","name":{{"webhook_secret":"{WEBHOOK_SECRET}"}},"current_status":7}}}}"#),
        format!(r#"{{"success":true,"data":"{TOKEN}"}}"#),
        format!(r#"{{"success":true,"data":{{"{TOKEN}":1}}}} trailing {WEBHOOK_SECRET}"#),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, body)| (format!("undecodable agent {i}"), answer(200, &[("x-request-id", TOKEN)], &body)))
    .collect()
}

/// Answers to create-user-api-token that hold the new token and do not decode.
fn undecodable_token_answers() -> Vec<(String, HttpResponse)> {
    [
        format!(r#"{{"data":{{"id":true,"name":"CI","token":"{CREATED_TOKEN}"}}}}"#),
        format!(r#"{{"data":{{"id":"t","name":"CI","abilities":"{CREATED_TOKEN}","token":"{CREATED_TOKEN}"}}}}"#),
        format!(r#"{{"data":{{"id":"t","name":"{CREATED_TOKEN}","token":["{CREATED_TOKEN}"]}}}}"#),
        format!(r#"{{"data":{{"id":"t","name":"CI","token":4242424242}},"webhook_secret":"{WEBHOOK_SECRET}"}}"#),
        format!(
            r#"{{"data":{{"id":"t","name":"CI","token":"{CREATED_TOKEN}","created_at":{{"{WEBHOOK_SECRET}":1}}}}}}"#
        ),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, body)| (format!("undecodable created token {i}"), answer(200, &[], &body)))
    .collect()
}

fn created_token_answer() -> HttpResponse {
    let body = format!(
        r#"{{"data":{{"id":"token-uuid-1","name":"CI","abilities":["*"],"token":"{CREATED_TOKEN}","created_at":"2024-01-15T19:00:00Z"}}}}"#
    );
    answer(200, &[], &body)
}

fn async_client(answer: HttpResponse) -> talkover::Client {
    async_client_with(TOKEN, answer)
}

fn async_client_with(token: &str, answer: HttpResponse) -> talkover::Client {
    let answer = Arc::new(answer);
    talkover::Client::builder()
        .token(token)
        .max_retries(0)
        .transport(move |_: HttpRequest| {
            let answer = answer.clone();
            async move { Ok((*answer).clone()) }
        })
        .build()
        .unwrap()
}

fn blocking_client(answer: HttpResponse) -> talkover::blocking::Client {
    blocking_client_with(TOKEN, answer)
}

fn blocking_client_with(token: &str, answer: HttpResponse) -> talkover::blocking::Client {
    talkover::blocking::Client::builder()
        .token(token)
        .max_retries(0)
        .transport(move |_: HttpRequest| Ok(answer.clone()))
        .build()
        .unwrap()
}

#[test]
fn clients_configs_and_builders_never_show_the_token() {
    let config = config();
    check_debug("config", &config);
    check_debug("authorization header", config.authorization());
    check_debug("async builder", &talkover::Client::builder().token(TOKEN).base_url("https://api.example/api/v1"));
    check_debug("blocking builder", &talkover::blocking::Client::builder().token(TOKEN).user_agent("me"));
    let client = async_client(answer(200, &[], "{}"));
    check_debug("async client", &client);
    check_debug("async client config", client.config());
    let client = blocking_client(answer(200, &[], "{}"));
    check_debug("blocking client", &client);
    check_debug("blocking client config", client.config());
    check_debug(
        "async client on a custom transport",
        &talkover::Client::with_transport(config.clone(), |_| async {
            Err::<HttpResponse, _>(TransportError::new(TransportErrorKind::Other, "x"))
        }),
    );
    // `Debug` alone: a secret has no `Display` (`to_string()` of one does not compile).
    check_debug("token", &talkover::SecretString::new(TOKEN));

    #[cfg(reqwest_transport)]
    check_debug("async client on reqwest", &talkover::Client::new(TOKEN).unwrap());
    #[cfg(ureq_transport)]
    check_debug("blocking client on ureq", &talkover::blocking::Client::new(TOKEN).unwrap());
}

/// A successful answer kept with its headers (`send_with_response`): a header echoing the token, or holding
/// a credential, is not shown by `Debug`, as on an error.
#[tokio::test]
async fn headers_of_a_successful_answer_kept_whole_hide_secrets() {
    let body = r#"{"success": true, "data": {"id": "550e8400-e29b-41d4-a716-446655440000", "name": "A"}}"#;
    let echo = format!("Bearer {TOKEN}");
    let headers = [
        ("x-echo", echo.as_str()),
        ("x-raw-echo", PLAIN_TOKEN),
        ("set-cookie", "session=abc123456789"),
        ("x-request-id", PLAIN_TOKEN),
    ];
    let client = async_client_with(PLAIN_TOKEN, answer(200, &headers, body));
    let kept = client.execute_with_response(GetAgent::new("a")).await.unwrap();
    check_debug("async answer with its headers", &kept);
    assert!(!format!("{kept:?}").contains("abc123456789"), "{kept:?}");
    assert_eq!(kept.headers["x-raw-echo"], PLAIN_TOKEN, "the headers themselves are kept");
    // A request id echoing the token is not given out, as an error's is not.
    assert_eq!(kept.request_id().as_deref(), Some("[redacted]"));
    let client = blocking_client_with(PLAIN_TOKEN, answer(200, &headers, body));
    let kept = client.execute_with_response(GetAgent::new("a")).unwrap();
    check_debug("blocking answer with its headers", &kept);
    assert!(!format!("{kept:?}").contains("abc123456789"), "{kept:?}");
    assert_eq!(kept.request_id().as_deref(), Some("[redacted]"));
    let plain = blocking_client_with(PLAIN_TOKEN, answer(200, &[("x-request-id", "req-42")], body));
    assert_eq!(plain.execute_with_response(GetAgent::new("a")).unwrap().request_id().as_deref(), Some("req-42"));
}

#[test]
fn built_requests_mark_the_token_sensitive() {
    let request = talkover::build_request(&UnpublishAgent::new("a"), &config()).unwrap();
    check_debug("request", &request);
    assert!(request.headers()["authorization"].is_sensitive());
}

#[test]
fn types_that_hold_secrets_never_show_them() {
    let webhook = NewAgentWebhook::new("n", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
        .webhook_secret(WEBHOOK_SECRET)
        .custom_header("X-Api-Key", HEADER_VALUE);
    check_debug("new agent webhook", &webhook);
    check_debug("create-webhook", &CreateWebhook::new("a", webhook));
    let changes = AgentWebhookChanges::new().webhook_secret(WEBHOOK_SECRET).custom_header("X-Api-Key", HEADER_VALUE);
    check_debug("agent webhook changes", &changes);
    check_debug("update-webhook", &UpdateWebhook::new("a", "w", changes));
    let campaign = NewCampaignWebhook::new("n", "https://example.com/hook", [CampaignWebhookEvent::CampaignCreated])
        .webhook_secret(WEBHOOK_SECRET)
        .custom_header("X-Api-Key", HEADER_VALUE);
    check_debug("create-campaign-webhook", &CreateCampaignWebhook::new("c", campaign));
    let changes = CampaignWebhookChanges::new().webhook_secret(WEBHOOK_SECRET);
    check_debug("update-campaign-webhook", &UpdateCampaignWebhook::new("c", "w", changes));

    let trunk = NewSipTrunk::new(NewSipTrunkRequired {
        name: "Primary".into(),
        provider_name: "carrier".into(),
        domain: "sip.carrier.example".into(),
        username: "user".into(),
        password: SIP_PASSWORD.into(),
    });
    check_debug("create-sip-trunk", &CreateSipTrunk::new(trunk));
    check_debug("update-sip-trunk", &UpdateSipTrunk::new("t", SipTrunkUpdate::new().password(SIP_PASSWORD)));

    let sftp = NewSftpConfig::with_password("sftp.example", "user", SFTP_PASSWORD)
        .private_key(SFTP_KEY)
        .private_key_passphrase(SFTP_PASSPHRASE);
    check_debug("create-campaign-sftp", &CreateCampaignSftp::new("c", sftp));
    let changes =
        SftpConfigChanges::new().password(SFTP_PASSWORD).private_key(SFTP_KEY).private_key_passphrase(SFTP_PASSPHRASE);
    check_debug("update-campaign-sftp", &UpdateCampaignSftp::new("c", changes));

    let action = NewAction::new("node-1", "Notify", "Posts the call", ActionType::Webhook)
        .custom_header("Authorization", format!("Bearer {HEADER_VALUE}"));
    check_debug("new action", &action);
    check_debug("custom header", &CustomHeader::new("X-Api-Key", HEADER_VALUE));
    // An action's configuration holds its service's credentials, named as that service names them.
    let integration = talkover::actions::IntegrationRef::new("crm").setting("key", serde_json::json!(INTEGRATION_KEY));
    let configured =
        NewAction::new("node-1", "Book", "Books a slot", ActionType::Webhook).integration(integration).config([
            ("password", serde_json::json!(CONFIG_PASSWORD)),
            ("auth", serde_json::json!({ "api_key": INTEGRATION_KEY })),
            ("calendar_id", serde_json::json!("calendar-uuid-1")),
        ]);
    check_debug("new action's config", &configured);
    check_debug("create-action", &talkover::actions::CreateAction::new("a", configured.clone()));
    let shown = format!("{configured:?}");
    assert!(shown.contains("calendar-uuid-1") && shown.contains("password"), "{shown}");
    let read: talkover::actions::Action = serde_json::from_value(serde_json::json!({
        "id": "action-uuid-1", "name": "Book", "type": "webhook",
        "config": { "password": CONFIG_PASSWORD, "api_key": INTEGRATION_KEY }
    }))
    .unwrap();
    check_debug("action read back", &read);
    #[cfg(feature = "registry")]
    {
        let params: talkover::registry::Params = serde_json::from_value(serde_json::json!({
            "path": { "agent_id": "a" },
            "body": { "config": { "password": CONFIG_PASSWORD }, "custom_headers": [{ "key": "X-Api-Key", "value": HEADER_VALUE }] }
        }))
        .unwrap();
        check_debug("registry params", &params);
    }

    let created: CreatedApiToken = serde_json::from_value(serde_json::json!({
        "id": "token-uuid-1", "name": "CI", "abilities": ["*"], "token": CREATED_TOKEN
    }))
    .unwrap();
    check_debug("created token", &created);
    assert_eq!(created.token.expose_secret(), CREATED_TOKEN);
}

#[tokio::test]
async fn every_error_kind_of_the_async_client_hides_secrets() {
    let invalid = async_client(answer(200, &[], "{}"))
        .execute(CreateWebhook::new(
            "a",
            NewAgentWebhook::new("n", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
                .webhook_secret(format!("{WEBHOOK_SECRET}{}", "s".repeat(300))),
        ))
        .await
        .unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::InvalidRequest);
    check_error("invalid request", &invalid);
    let config_error = talkover::Client::builder().token(format!("{TOKEN}\r\nX-Evil: 1")).build().unwrap_err();
    check_error("config error", &config_error);

    let transport = talkover::Client::builder()
        .token(TOKEN)
        .max_retries(0)
        .transport(|_: HttpRequest| async {
            Err::<HttpResponse, _>(TransportError::new(TransportErrorKind::Connect, "connection refused"))
        })
        .build()
        .unwrap()
        .execute(GetAgent::new("a"))
        .await
        .unwrap_err();
    assert_eq!(transport.kind(), ErrorKind::Transport);
    check_error("transport error", &transport);

    for (what, response) in echoing_answers().into_iter().chain(undecodable_agent_answers()) {
        let error = async_client(response).execute(GetAgent::new("a")).await.unwrap_err();
        check_error(&what, &error);
    }
    for (what, response) in echoing_answers() {
        let error = async_client(response).execute(GetAgent::new("a")).await.unwrap_err();
        check_body(&what, &error, &[TOKEN]);
    }
    for (what, response) in undecodable_token_answers() {
        let error = async_client(response).api_tokens().create(NewApiToken::new("CI")).await;
        check_error(&what, &error.unwrap_err());
    }
    let created = async_client(created_token_answer()).api_tokens().create(NewApiToken::new("CI")).await;
    check_debug("created token", &created.unwrap());
}

#[test]
fn every_error_kind_of_the_blocking_client_hides_secrets() {
    let transport = talkover::blocking::Client::builder()
        .token(TOKEN)
        .max_retries(0)
        .transport(|_: HttpRequest| Err(TransportError::new(TransportErrorKind::Timeout, "timed out")))
        .build()
        .unwrap()
        .execute(GetAgent::new("a"))
        .unwrap_err();
    check_error("transport error", &transport);
    for (what, response) in echoing_answers().into_iter().chain(undecodable_agent_answers()) {
        let error = blocking_client(response).execute(GetAgent::new("a")).unwrap_err();
        check_error(&what, &error);
    }
    for (what, response) in echoing_answers() {
        let error = blocking_client(response).execute(GetAgent::new("a")).unwrap_err();
        check_body(&what, &error, &[TOKEN]);
    }
    for (what, response) in undecodable_token_answers() {
        let error = blocking_client(response).api_tokens().create(NewApiToken::new("CI")).unwrap_err();
        check_error(&what, &error);
    }
    let created = blocking_client(created_token_answer()).api_tokens().create(NewApiToken::new("CI"));
    check_debug("created token", &created.unwrap());
}

/// Answers that echo `secrets`, the secrets a request carries, and the token: a 422 naming them in its
/// message and field errors, a 500 page, and a 2xx that does not decode.
fn request_echoing_answers(secrets: &[&str]) -> Vec<(String, HttpResponse)> {
    let all = [secrets, &[TOKEN]].concat().join(" and ");
    let invalid = serde_json::json!({
        "success": false,
        "message": format!("The value {all} is not accepted"),
        "errors": {"password": [format!("{all} is too weak")], "webhook_secret": [all.clone()]},
    });
    vec![
        ("422 echoing the request".to_owned(), answer(422, &[], &invalid.to_string())),
        ("500 page echoing the request".to_owned(), answer(500, &[], &format!("<html>password={all}</html>"))),
        ("200 undecodable echo".to_owned(), answer(200, &[], &format!(r#"{{"success":true,"data":"{all}"}}"#))),
    ]
}

/// A server that echoes a secret of the request (a SIP password, a webhook secret and a header value, SFTP
/// credentials) in its answer does not get it into the error, on either client, as it does not get the
/// token in.
#[tokio::test]
async fn secrets_of_the_request_echoed_by_the_answer_are_hidden() {
    let trunk = CreateSipTrunk::new(NewSipTrunk::new(NewSipTrunkRequired {
        name: "Primary".into(),
        provider_name: "carrier".into(),
        domain: "sip.carrier.example".into(),
        username: "user".into(),
        password: SIP_PASSWORD.into(),
    }));
    echoes_are_hidden("create-sip-trunk", trunk, &[SIP_PASSWORD]).await;
    let webhook = NewAgentWebhook::new("n", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
        .webhook_secret(WEBHOOK_SECRET)
        .custom_header("X-Api-Key", HEADER_VALUE);
    echoes_are_hidden("create-webhook", CreateWebhook::new("a", webhook), &[WEBHOOK_SECRET, HEADER_VALUE]).await;
    let sftp = NewSftpConfig::with_password("sftp.example", "user", SFTP_PASSWORD)
        .private_key(SFTP_KEY)
        .private_key_passphrase(SFTP_PASSPHRASE);
    let sftp = CreateCampaignSftp::new("c", sftp);
    for (what, response) in request_echoing_answers(&[SFTP_PASSWORD, SFTP_KEY, SFTP_PASSPHRASE]) {
        let error = async_client(response.clone()).execute_with_response(sftp.clone()).await.unwrap_err();
        check_error(&format!("async create-campaign-sftp, {what}"), &error);
        let error = blocking_client(response).execute_with_response(sftp.clone()).unwrap_err();
        check_error(&format!("blocking create-campaign-sftp, {what}"), &error);
        let carried = [TOKEN, SFTP_PASSWORD, SFTP_KEY, SFTP_PASSPHRASE];
        check_body(&format!("blocking create-campaign-sftp, {what}"), &error, &carried);
    }
    // Credentials a free-form map of the body holds by their field's name.
    let integration = talkover::actions::IntegrationRef::new("crm").setting("api_key", INTEGRATION_KEY.into());
    let action = NewAction::new("n1", "CRM", "Looks the caller up", ActionType::External)
        .integration(integration)
        .config([("password", serde_json::Value::from(CONFIG_PASSWORD))]);
    let action = talkover::actions::CreateAction::new("a", action);
    echoes_are_hidden("create-action", action, &[INTEGRATION_KEY, CONFIG_PASSWORD]).await;
}

/// `operation`, answered with each of [`request_echoing_answers`] of the secrets it `carried`, fails on
/// both clients with none of them (nor the token) in its error, the echo hidden in the body it keeps.
async fn echoes_are_hidden<O: talkover::Operation + Clone>(name: &str, operation: O, carried: &[&str]) {
    for (what, response) in request_echoing_answers(carried) {
        let error = async_client(response.clone()).execute(operation.clone()).await.err().expect("an error");
        check_error(&format!("async {name}, {what}"), &error);
        check_body(&format!("async {name}, {what}"), &error, &[&[TOKEN], carried].concat());
        check_error(
            &format!("blocking {name}, {what}"),
            &blocking_client(response).execute(operation.clone()).err().expect("an error"),
        );
    }
}

/// How an answer may have escaped a token it echoes.
#[derive(Clone, Copy, Debug)]
enum Echo {
    /// As a URL carries it, with upper-case hex.
    Upper,
    /// As a URL carries it, with lower-case hex.
    Lower,
    /// Only its first character escaped (`%74alq_…`).
    First,
    /// Every byte escaped (`%74%61%6C…`).
    Every,
}

/// `token` percent-encoded as `echo` says.
fn percent_encoded(token: &str, echo: Echo) -> String {
    token
        .bytes()
        .enumerate()
        .map(|(i, b)| match (echo, b) {
            (Echo::Every, _) => format!("%{b:02X}"),
            (Echo::First, _) if i == 0 => format!("%{b:02x}"),
            (_, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~') => char::from(b).to_string(),
            (Echo::Lower, _) => format!("%{b:02x}"),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Answers that echo `token` percent-encoded: in a redirect's `Location`, a message, a code, field errors,
/// the request id, and a page that is not JSON; each with the echoed form.
fn percent_echoing_answers(token: &str) -> Vec<(String, String, HttpResponse)> {
    let mut answers = Vec::new();
    for echo in [Echo::Upper, Echo::Lower, Echo::First, Echo::Every] {
        let echoed = percent_encoded(token, echo);
        let location = format!("https://elsewhere.example/callback?token={echoed}&next=%2F");
        let body = format!(
            r#"{{"success":false,"message":"Invalid token {echoed}","code":"BAD_{echoed}","errors":{{"token":["{echoed} is wrong"],"{echoed}":["x"]}}}}"#
        );
        let headers = [("location", location.as_str()), ("x-request-id", &*format!("req-{echoed}"))];
        for status in [302, 401, 403, 422, 502] {
            answers.push((format!("{status} json, {echoed}"), echoed.clone(), answer(status, &headers, &body)));
            let page = format!("<html><a href=\"{location}\">moved</a></html>");
            answers.push((format!("{status} html, {echoed}"), echoed.clone(), answer(status, &headers, &page)));
        }
    }
    answers
}

/// A `Location` kept on an error that holds the token is marked sensitive, so its `Debug` does not show it;
/// the error shows the token in none of its forms, `echoed` (the answer's) included.
fn check_location_hidden(what: &str, echoed: &str, error: &Error) {
    check_error(what, error);
    let shown = format!("{error} {error:?} {:?}", error.message());
    assert!(!shown.contains(echoed), "{what} shows the token as {echoed}:\n{shown}");
    let location = &error.as_api().expect(what).headers["location"];
    assert!(location.is_sensitive(), "{what}: {location:?}");
}

#[tokio::test]
async fn percent_encoded_tokens_echoed_by_the_async_client_are_hidden() {
    for token in [TOKEN, PERSONAL_TOKEN, ESCAPED_TOKEN] {
        for (what, echoed, response) in percent_echoing_answers(token) {
            let error = async_client_with(token, response).execute(GetAgent::new("a")).await.unwrap_err();
            check_location_hidden(&what, &echoed, &error);
        }
    }
}

#[test]
fn percent_encoded_tokens_echoed_by_the_blocking_client_are_hidden() {
    for token in [TOKEN, PERSONAL_TOKEN, ESCAPED_TOKEN] {
        for (what, echoed, response) in percent_echoing_answers(token) {
            let error = blocking_client_with(token, response).execute(GetAgent::new("a")).unwrap_err();
            check_location_hidden(&what, &echoed, &error);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Tracing.

#[test]
fn tracing_of_failing_calls_shows_no_secret() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let shown = common::Capture::traced(|| {
        for (_, response) in echoing_answers().into_iter().chain(undecodable_agent_answers()) {
            let _ = runtime.block_on(async_client(response.clone()).execute(GetAgent::new("a")));
            let _ = blocking_client(response).execute(GetAgent::new("a"));
        }
        for (_, response) in undecodable_token_answers() {
            let _ = blocking_client(response).api_tokens().create(NewApiToken::new("CI"));
        }
    });
    assert!(shown.contains("get-agent"), "nothing was traced: {shown}");
    assert_clean("tracing output", &shown);
}

// ---------------------------------------------------------------------------------------------------
// Through the built-in transports, on loopback servers bounded in connections and time, on 127.0.0.1 only.

#[cfg(any(reqwest_transport, ureq_transport))]
mod wire {
    use std::io::{ErrorKind as IoErrorKind, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    use super::*;

    /// One request as a loopback server saw it: the request line and the headers, lower-cased names.
    #[derive(Debug)]
    struct Seen {
        line: String,
        headers: Vec<(String, String)>,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
        }
    }

    fn read_request(stream: &mut TcpStream) -> Option<Seen> {
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 || buffer.len() > 64 * 1024 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let line = lines.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize =
            headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        let mut body = buffer.len() - head_end - 4;
        while body < length.min(1 << 20) {
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body += n;
        }
        Some(Seen { line, headers })
    }

    /// Serves up to `count` connections on 127.0.0.1 (for at most 15 s), answering each request with
    /// `respond`; gives back the requests seen.
    fn serve(count: usize, respond: impl Fn(&Seen) -> String + Send + 'static) -> (u16, JoinHandle<Vec<Seen>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(15);
            let mut seen = Vec::new();
            while seen.len() < count && Instant::now() < deadline {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        if let Some(request) = read_request(&mut stream) {
                            let _ = stream.write_all(respond(&request).as_bytes());
                            let _ = stream.flush();
                            seen.push(request);
                        }
                    }
                    Err(e) if e.kind() == IoErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
                    Err(e) => panic!("accept: {e}"),
                }
            }
            seen
        });
        (port, handle)
    }

    /// A client of the loopback server on `port`, which never retries: `$client` is `talkover::Client` or
    /// `talkover::blocking::Client`, whose builders take the same settings (a macro, as the builders share
    /// no trait a function could name).
    macro_rules! loopback_client {
        ($client:ty, $port:expr) => {
            <$client>::builder()
                .token(TOKEN)
                .base_url(format!("http://127.0.0.1:{}/api/v1", $port))
                .max_retries(0)
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap()
        };
    }

    /// An async client of the loopback server on `port`, which never retries.
    #[cfg(reqwest_transport)]
    fn async_client_of(port: u16) -> talkover::Client {
        loopback_client!(talkover::Client, port)
    }

    /// A blocking client of the loopback server on `port`, which never retries.
    #[cfg(ureq_transport)]
    fn blocking_client_of(port: u16) -> talkover::blocking::Client {
        loopback_client!(talkover::blocking::Client, port)
    }

    /// A listener nobody should reach.
    struct Elsewhere(TcpListener);

    impl Elsewhere {
        fn bind() -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            Self(listener)
        }

        fn url(&self) -> String {
            format!("http://127.0.0.1:{}/api/v1/agents/stolen/unpublish", self.0.local_addr().unwrap().port())
        }

        /// Fails if any connection reached the listener (a followed redirect connects before the call returns).
        fn assert_untouched(&self) {
            match self.0.accept() {
                Err(e) if e.kind() == IoErrorKind::WouldBlock => {}
                Ok((mut stream, _)) => {
                    let request = read_request(&mut stream);
                    panic!("the redirect target received a connection: {request:?}")
                }
                Err(e) => panic!("accept: {e}"),
            }
        }
    }

    const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

    /// Answers each request with the redirect status its agent id names, pointing at `target`.
    fn redirecting(target: String) -> impl Fn(&Seen) -> String + Send + 'static {
        move |request: &Seen| {
            let status =
                REDIRECTS.iter().find(|s| request.line.contains(&format!("/agents/{s}"))).copied().unwrap_or(302);
            format!(
            "HTTP/1.1 {status} Moved\r\nLocation: {target}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
        }
    }

    fn assert_redirect_not_followed(status: u16, result: Result<impl Debug, Error>) {
        let error = result.expect_err("a redirect is not a success");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
        check_error("redirect", &error);
    }

    fn assert_token_went_only_to_the_origin(seen: &[Seen]) {
        assert_eq!(seen.len(), 2 * REDIRECTS.len(), "{seen:?}");
        for request in seen {
            assert_eq!(request.header("authorization"), Some(&*format!("Bearer {TOKEN}")), "{}", request.line);
        }
    }

    #[cfg(reqwest_transport)]
    #[tokio::test]
    async fn reqwest_never_follows_a_redirect() {
        let elsewhere = Elsewhere::bind();
        let (port, server) = serve(2 * REDIRECTS.len(), redirecting(elsewhere.url()));
        let client = async_client_of(port);
        for status in REDIRECTS {
            assert_redirect_not_followed(status, client.execute(GetAgent::new(status.to_string())).await);
            assert_redirect_not_followed(status, client.execute(UnpublishAgent::new(status.to_string())).await);
        }
        elsewhere.assert_untouched();
        assert_token_went_only_to_the_origin(&server.join().unwrap());
    }

    #[cfg(ureq_transport)]
    #[test]
    fn ureq_never_follows_a_redirect() {
        let elsewhere = Elsewhere::bind();
        let (port, server) = serve(2 * REDIRECTS.len(), redirecting(elsewhere.url()));
        let client = blocking_client_of(port);
        for status in REDIRECTS {
            assert_redirect_not_followed(status, client.execute(GetAgent::new(status.to_string())));
            assert_redirect_not_followed(status, client.execute(UnpublishAgent::new(status.to_string())));
        }
        elsewhere.assert_untouched();
        assert_token_went_only_to_the_origin(&server.join().unwrap());
    }

    /// A make-call answer whose head says 200 and whose body is cut off: the call was placed, and the
    /// error says so (its status and request id, which here echoes the token and is redacted).
    fn cut_off_success(request: &Seen) -> String {
        let auth = request.header("authorization").unwrap_or_default();
        format!(
            "HTTP/1.1 200 OK\r\nX-Request-Id: req-7 {auth}\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{{\"success\":true,\"data\":{{\"id\""
        )
    }

    fn check_cut_off_success(transport: &str, error: &Error) {
        assert_eq!(error.kind(), ErrorKind::Transport, "{transport}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{transport}: {error}");
        assert_eq!(error.request_id(), Some("req-7 Bearer [redacted]"), "{transport}: {error}");
        assert!(error.to_string().contains("200 OK (the request was processed)"), "{transport}: {error}");
        check_error(&format!("cut-off success over {transport}"), error);
    }

    fn placed_call() -> talkover::calls::MakeCall {
        talkover::calls::MakeCall::new("a", talkover::calls::NewCall::new("+15551234567"))
    }

    #[cfg(reqwest_transport)]
    #[tokio::test]
    async fn reqwest_keeps_the_status_and_request_id_of_a_success_cut_off() {
        let (port, server) = serve(1, cut_off_success);
        let error = async_client_of(port).execute(placed_call()).await.unwrap_err();
        check_cut_off_success("reqwest", &error);
        assert_eq!(server.join().unwrap().len(), 1);
    }

    #[cfg(ureq_transport)]
    #[test]
    fn ureq_keeps_the_status_and_request_id_of_a_success_cut_off() {
        let (port, server) = serve(1, cut_off_success);
        let error = blocking_client_of(port).execute(placed_call()).unwrap_err();
        check_cut_off_success("ureq", &error);
        assert_eq!(server.join().unwrap().len(), 1);
    }

    /// Answers 401 with a body and headers that echo the `Authorization` header the server received.
    fn echoing(request: &Seen) -> String {
        let auth = request.header("authorization").unwrap_or_default();
        let body = format!(r#"{{"message":"Invalid credentials: {auth}","errors":{{"authorization":["{auth}"]}}}}"#);
        format!(
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {auth}\r\nX-Request-Id: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    }

    /// Makes one call with `call` (given the port of a server that echoes the token) under a tracing
    /// capture, and checks that the 401 it fails with and the tracing output hold no secret.
    fn check_echoed_token_hidden(transport: &str, call: impl FnOnce(u16) -> Error) {
        let (port, server) = serve(1, echoing);
        let capture = common::Capture::default();
        let error = tracing::subscriber::with_default(capture.clone(), || call(port));
        assert_eq!(error.kind(), ErrorKind::Unauthorized);
        check_error(&format!("echoed token over {transport}"), &error);
        assert_clean(&format!("tracing over {transport}"), &capture.0.lock().unwrap());
        assert_eq!(server.join().unwrap().len(), 1);
    }

    #[cfg(reqwest_transport)]
    #[test]
    fn reqwest_errors_and_tracing_hide_a_token_the_server_echoes() {
        check_echoed_token_hidden("reqwest", |port| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let client = async_client_of(port);
            runtime.block_on(client.execute(GetAgent::new("a"))).unwrap_err()
        });
    }

    #[cfg(ureq_transport)]
    #[test]
    fn ureq_errors_and_tracing_hide_a_token_the_server_echoes() {
        check_echoed_token_hidden("ureq", |port| blocking_client_of(port).execute(GetAgent::new("a")).unwrap_err());
    }

    /// A gateway's key given as a header of one's own (`header`), the server answering 403 with the key
    /// in its message and its request id.
    const GATEWAY_KEY: &str = "gw_key_0123456789abcdef";

    fn echoing_own_headers(request: &Seen) -> String {
        let key = request.header("x-gateway-key").unwrap_or_default();
        let body = format!(r#"{{"message":"Unknown gateway key {key}","code":"GATEWAY {key}"}}"#);
        format!(
            "HTTP/1.1 403 Forbidden\r\nX-Request-Id: req-{key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    /// Headers of one's own reach the server over each built-in transport, the builder's and a derived
    /// client's, after the SDK's; a value the answer echoes shows in no error, and in no `Debug`.
    fn check_own_headers_sent_and_hidden(transport: &str, call: impl FnOnce(u16) -> (Error, String)) {
        let (port, server) = serve(1, echoing_own_headers);
        let (error, client) = call(port);
        assert_eq!(error.kind(), ErrorKind::Forbidden, "{transport}: {error}");
        let shown = format!("{error} {error:?} {:?} {:?} {client}", error.message(), error.request_id());
        assert!(!shown.contains(GATEWAY_KEY), "{transport} shows the key: {shown}");
        let seen = server.join().unwrap();
        assert_eq!(seen[0].header("x-gateway-key"), Some(GATEWAY_KEY), "{transport}");
        assert_eq!(seen[0].header("x-correlation-id"), Some("job-42"), "{transport}");
        assert_eq!(seen[0].header("authorization"), Some(&*format!("Bearer {TOKEN}")), "{transport}");
    }

    macro_rules! with_own_headers {
        ($client:ty, $port:expr) => {
            <$client>::builder()
                .token(TOKEN)
                .base_url(format!("http://127.0.0.1:{}/api/v1", $port))
                .header("X-Gateway-Key", GATEWAY_KEY)
                .max_retries(0)
                .build()
                .unwrap()
                .with_header("x-correlation-id", "job-42")
                .unwrap()
        };
    }

    #[cfg(reqwest_transport)]
    #[test]
    fn reqwest_sends_headers_of_ones_own_and_hides_them_where_echoed() {
        check_own_headers_sent_and_hidden("reqwest", |port| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let client = with_own_headers!(talkover::Client, port);
            (runtime.block_on(client.execute(GetAgent::new("a"))).unwrap_err(), format!("{client:?}"))
        });
    }

    #[cfg(ureq_transport)]
    #[test]
    fn ureq_sends_headers_of_ones_own_and_hides_them_where_echoed() {
        check_own_headers_sent_and_hidden("ureq", |port| {
            let client = with_own_headers!(talkover::blocking::Client, port);
            (client.execute(GetAgent::new("a")).unwrap_err(), format!("{client:?}"))
        });
    }

    #[cfg(reqwest_transport)]
    #[tokio::test]
    async fn reqwest_transport_errors_hide_the_token() {
        let (refusing, _held) = common::refusing_address();
        let client = async_client_of(refusing.port());
        let error = client.execute(GetAgent::new("a")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport);
        check_error("reqwest connect error", &error);
    }

    #[cfg(ureq_transport)]
    #[test]
    fn ureq_transport_errors_hide_the_token() {
        let (refusing, _held) = common::refusing_address();
        let client = blocking_client_of(refusing.port());
        let error = client.execute(GetAgent::new("a")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport);
        check_error("ureq connect error", &error);
    }
}
