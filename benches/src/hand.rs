//! What a user would write by hand instead of the SDK: structs equivalent to the SDK's (same fields, plain
//! `String`s where the SDK has typed ids and enums) and the few lines of reqwest or ureq that fetch them.
//!
//! The hand-written code is kept tight on purpose (headers built once, no path escaping, UUIDs only), so
//! the SDK is measured against the best a user could do, not an average.

// The structs' fields are decoded, as the SDK's are; the benchmark reads few of them.
#![allow(dead_code)]

use std::time::Duration;

use http::header::{ACCEPT, AUTHORIZATION, USER_AGENT};
use http::HeaderValue;
use serde::Deserialize;
use serde_json::Value;

/// A boxed error, as hand-written code tends to use.
pub type HandError = Box<dyn std::error::Error + Send + Sync>;

/// `{success, message, data}`.
#[derive(Debug, Deserialize)]
pub struct HandEnvelope<T> {
    /// The success flag.
    #[serde(default)]
    pub success: Option<bool>,
    /// A note.
    #[serde(default)]
    pub message: Option<String>,
    /// The payload.
    pub data: T,
}

/// `{success, message, data: [..], meta, pagination}`.
#[derive(Debug, Deserialize)]
pub struct HandList<T> {
    /// The success flag.
    #[serde(default)]
    pub success: Option<bool>,
    /// A note.
    #[serde(default)]
    pub message: Option<String>,
    /// The items.
    pub data: Vec<T>,
    /// Page information.
    #[serde(default)]
    pub meta: Option<HandPagination>,
    /// Page information, other name.
    #[serde(default)]
    pub pagination: Option<HandPagination>,
}

/// Page information.
#[derive(Debug, Deserialize)]
pub struct HandPagination {
    /// This page.
    pub current_page: u64,
    /// Items per page.
    pub per_page: u64,
    /// Items in all.
    pub total: u64,
    /// The last page.
    #[serde(default)]
    pub last_page: Option<u64>,
    /// First item's position.
    #[serde(default)]
    pub from: Option<u64>,
    /// Last item's position.
    #[serde(default)]
    pub to: Option<u64>,
}

/// An agent, field for field as the SDK's `Agent`.
#[derive(Debug, Deserialize)]
pub struct HandAgent {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Language.
    #[serde(default)]
    pub language: Option<String>,
    /// Voice.
    #[serde(default)]
    pub voice: Option<HandVoice>,
    /// Initial message.
    #[serde(default)]
    pub initial_message: Option<String>,
    /// Interrupt sensitivity.
    #[serde(default)]
    pub interrupt_sensitivity: Option<String>,
    /// Conversation speed.
    #[serde(default)]
    pub conversation_speed: Option<f64>,
    /// Initial message delay.
    #[serde(default)]
    pub initial_message_delay: Option<u32>,
    /// Idle check.
    #[serde(default)]
    pub ask_if_human_present_on_idle: Option<bool>,
    /// Direction.
    #[serde(default)]
    pub direction: Option<String>,
    /// Who speaks first.
    #[serde(default)]
    pub who_speaks_first: Option<String>,
    /// Status.
    #[serde(default)]
    pub current_status: Option<String>,
    /// Sandbox.
    #[serde(default)]
    pub is_sandbox: Option<bool>,
    /// Ready to publish.
    #[serde(default)]
    pub is_ready_to_publish: Option<bool>,
    /// Temperature.
    #[serde(default)]
    pub llm_temperature: Option<f64>,
    /// Endpointing.
    #[serde(default)]
    pub endpointing_sensitivity: Option<String>,
    /// Phone menus.
    #[serde(default)]
    pub ivr_navigation_mode: Option<String>,
    /// Idle time.
    #[serde(default)]
    pub idle_time_seconds: Option<u32>,
    /// Recording.
    #[serde(default)]
    pub enable_recording: Option<bool>,
    /// Transport.
    #[serde(default)]
    pub use_transport: Option<bool>,
    /// Status, as openapi.json names it.
    #[serde(default)]
    pub status: Option<String>,
    /// Voice template, as openapi.json gives it.
    #[serde(default)]
    pub voice_template: Option<HandTemplate>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Updated.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Trainings.
    #[serde(default)]
    pub trainings: Option<Vec<HandTraining>>,
    /// Actions.
    #[serde(default)]
    pub actions: Option<Vec<HandAction>>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Option<Vec<HandPhoneNumber>>,
}

/// A voice.
#[derive(Debug, Deserialize)]
pub struct HandVoice {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Stability.
    #[serde(default)]
    pub stability: Option<f64>,
    /// Similarity boost.
    #[serde(default)]
    pub similarity_boost: Option<f64>,
    /// Background.
    #[serde(default)]
    pub ambient_background: Option<String>,
    /// Template.
    #[serde(default)]
    pub template: Option<HandTemplate>,
}

/// A voice template reference.
#[derive(Debug, Deserialize)]
pub struct HandTemplate {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Language.
    #[serde(default)]
    pub language: Option<String>,
    /// Gender.
    #[serde(default)]
    pub gender: Option<String>,
    /// Quality tier.
    #[serde(default)]
    pub quality_tier: Option<String>,
}

/// A training.
#[derive(Debug, Deserialize)]
pub struct HandTraining {
    /// Id.
    pub id: String,
    /// Subject.
    pub subject: String,
    /// Instructions.
    pub instructions: String,
    /// Status.
    #[serde(default)]
    pub current_status: Option<String>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Updated.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An action.
#[derive(Debug, Deserialize)]
pub struct HandAction {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub action_type: String,
    /// Inputs.
    #[serde(default)]
    pub input_schema: Vec<HandActionInput>,
    /// Configuration.
    #[serde(default)]
    pub config: Option<Value>,
    /// Trigger.
    #[serde(default)]
    pub action_trigger: Option<Value>,
    /// Trigger, as openapi.json gives it.
    #[serde(default)]
    pub trigger: Option<String>,
    /// URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Authorization URL.
    #[serde(default)]
    pub authorization_url: Option<String>,
    /// Status.
    #[serde(default)]
    pub current_status: Option<String>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Updated.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An action input.
#[derive(Debug, Deserialize)]
pub struct HandActionInput {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub input_type: String,
    /// Required.
    #[serde(default)]
    pub required: Option<bool>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Fixed value.
    #[serde(default)]
    pub value: Option<Value>,
}

/// A phone number on an agent.
#[derive(Debug, Deserialize)]
pub struct HandPhoneNumber {
    /// Id.
    pub id: String,
    /// Number.
    pub number: String,
    /// Country.
    #[serde(default)]
    pub country_code: Option<String>,
    /// National format.
    #[serde(default)]
    pub formatted_number: Option<String>,
    /// International format.
    #[serde(default)]
    pub international_number: Option<String>,
    /// Status.
    #[serde(default)]
    pub current_status: Option<String>,
}

/// The headers every request carries, built once.
#[derive(Clone)]
pub struct Headers {
    /// `Bearer <token>`, marked sensitive.
    pub authorization: HeaderValue,
    /// The same user agent as the SDK's.
    pub user_agent: HeaderValue,
}

impl Headers {
    /// The headers for `token`, with the SDK's user agent.
    pub fn new(token: &str) -> Self {
        let mut authorization = HeaderValue::try_from(format!("Bearer {token}")).expect("ascii token");
        authorization.set_sensitive(true);
        Self { authorization, user_agent: HeaderValue::from_static(talkover::DEFAULT_USER_AGENT) }
    }
}

fn status_error(status: http::StatusCode) -> HandError {
    format!("the API answered {status}").into()
}

/// A reqwest client with the SDK's settings: no redirects, 10 s to connect, 60 s per exchange, the
/// default (keep-alive) pool.
pub fn reqwest_client() -> Result<reqwest::Client, HandError> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// GET `url` with reqwest and decode the JSON answer into `T`.
pub async fn reqwest_get<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    headers: &Headers,
    url: &str,
) -> Result<T, HandError> {
    let response = client
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(AUTHORIZATION, headers.authorization.clone())
        .header(USER_AGENT, headers.user_agent.clone())
        .send()
        .await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(status_error(status));
    }
    Ok(serde_json::from_slice(&bytes)?)
}

/// A ureq agent with the SDK's settings: 4xx/5xx as answers, no redirects, 10 s to connect, 60 s per
/// exchange; `idle_per_host` pooled connections per host (ureq's default is 3).
pub fn ureq_agent(idle_per_host: Option<usize>) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(60)));
    if let Some(n) = idle_per_host {
        config = config.max_idle_connections(n).max_idle_connections_per_host(n);
    }
    config.build().new_agent()
}

/// GET `url` with ureq and decode the JSON answer into `T`.
pub fn ureq_get<T: serde::de::DeserializeOwned>(
    agent: &ureq::Agent,
    headers: &Headers,
    url: &str,
) -> Result<T, HandError> {
    let response = agent
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(AUTHORIZATION, headers.authorization.clone())
        .header(USER_AGENT, headers.user_agent.clone())
        .call()?;
    let status = response.status();
    let bytes = response.into_body().with_config().limit(32 * 1024 * 1024).read_to_vec()?;
    if !status.is_success() {
        return Err(status_error(status));
    }
    Ok(serde_json::from_slice(&bytes)?)
}
