//! Request build: `talkover_core::build_request` for create-agent and create-campaign (and, for
//! comparison, get-agent and a list-agents page), against the same request built by hand with
//! `serde_json::to_vec` and `http::Request::builder`.

use std::hint::black_box;

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use serde::Serialize;
use talkover::agents::{CreateAgent, GetAgent, ListAgents, NewAgent};
use talkover::campaigns::{CreateCampaign, NewCampaign};
use talkover::{build_request, ClientConfig, HttpRequest, Operation};

use crate::hand::Headers;
use crate::harness::{self, Contender, Sample};
use crate::server::DOCUMENTED_AGENT_ID;
use crate::{Settings, TOKEN};

const CREATE_AGENT_FIXTURE: &str =
    include_str!("../../crates/talkover-mock/fixtures/create-agent/ok-inbound-support.json");
const CREATE_CAMPAIGN_FIXTURE: &str =
    include_str!("../../crates/talkover-mock/fixtures/create-campaign/ok-basic-sales.json");

/// The samples of one request-build comparison.
pub struct BuildResult {
    /// The operation id.
    pub operation: &'static str,
    /// Requests per run.
    pub ops_per_run: u64,
    /// Bytes of the JSON body.
    pub body_bytes: usize,
    /// `build_request`'s runs.
    pub sdk: Vec<Sample>,
    /// The hand-built request's runs.
    pub hand: Vec<Sample>,
}

/// The body a fixture's `params` give, typed, and as written.
fn fixture_body<T: serde::de::DeserializeOwned>(fixture: &str) -> Result<(T, serde_json::Value), String> {
    let body = talkover::fixture::Fixture::parse(fixture)?.params.body.ok_or("the fixture gives no body")?;
    Ok((serde_json::from_value(body.clone()).map_err(|e| e.to_string())?, body))
}

/// Builds a request the way hand-written code would: format the URL, serialize the body, set the headers.
fn hand_request<B: Serialize>(method: Method, uri: String, body: Option<&B>, headers: &Headers) -> HttpRequest {
    let builder = http::Request::builder()
        .method(method)
        .uri(uri)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(AUTHORIZATION, headers.authorization.clone())
        .header(USER_AGENT, headers.user_agent.clone());
    match body {
        Some(body) => builder
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(serde_json::to_vec(body).expect("serializable"))
            .expect("valid request"),
        None => builder.body(Vec::new()).expect("valid request"),
    }
}

fn compare<O: Operation>(
    settings: &Settings,
    operation: &'static str,
    op: &O,
    config: &ClientConfig,
    hand: &dyn Fn() -> HttpRequest,
    documented_body: Option<&serde_json::Value>,
) -> Result<BuildResult, String> {
    // Both build the same request.
    let built = build_request(op, config).map_err(|e| e.to_string())?;
    let by_hand = hand();
    if built.uri() != by_hand.uri() || built.method() != by_hand.method() || built.headers() != by_hand.headers() {
        return Err(format!("{operation}: the SDK's request differs from the hand-built one: {built:?} {by_hand:?}"));
    }
    let body: Option<serde_json::Value> = (!built.body().is_empty())
        .then(|| serde_json::from_slice(built.body()))
        .transpose()
        .map_err(|e| e.to_string())?;
    if body.as_ref() != documented_body {
        return Err(format!("{operation}: the SDK's body is not the documented body"));
    }
    let sdk_run = |ops: u64| {
        Ok(harness::time_on_this_thread(ops, || {
            for _ in 0..ops {
                black_box(build_request(black_box(op), config).expect("valid"));
            }
        }))
    };
    let hand_run = |ops: u64| {
        Ok(harness::time_on_this_thread(ops, || {
            for _ in 0..ops {
                black_box(hand());
            }
        }))
    };
    sdk_run(1000.min(settings.build_ops_max))?;
    let calibration: Sample = hand_run(1000.min(settings.build_ops_max))?;
    let ops = harness::ops_for(settings.build_run_target, &calibration, 1, 10, settings.build_ops_max);
    let mut runs: Vec<Contender<'_>> = vec![("sdk", Box::new(|| sdk_run(ops))), ("hand", Box::new(|| hand_run(ops)))];
    let mut samples = harness::alternate(settings.rounds, &mut runs)?.into_iter();
    let (sdk, hand) = (samples.next().unwrap_or_default(), samples.next().unwrap_or_default());
    Ok(BuildResult { operation, ops_per_run: ops, body_bytes: built.body().len(), sdk, hand })
}

/// Runs the request-build comparisons.
pub fn request_build(settings: &Settings) -> Result<Vec<BuildResult>, String> {
    let config = ClientConfig::new(TOKEN).map_err(|e| e.to_string())?;
    let base = talkover::DEFAULT_BASE_URL;
    let headers = Headers::new(TOKEN);
    let mut out = Vec::new();

    let (body, documented): (NewAgent, _) = fixture_body(CREATE_AGENT_FIXTURE)?;
    let create_agent = CreateAgent::new(body);
    let hand = || hand_request(Method::POST, format!("{base}/agents"), Some(&create_agent.body), &headers);
    out.push(compare(settings, "create-agent", &create_agent, &config, &hand, Some(&documented))?);

    let (body, documented): (NewCampaign, _) = fixture_body(CREATE_CAMPAIGN_FIXTURE)?;
    let create_campaign = CreateCampaign::new(body);
    let hand = || hand_request(Method::POST, format!("{base}/campaigns"), Some(&create_campaign.body), &headers);
    out.push(compare(settings, "create-campaign", &create_campaign, &config, &hand, Some(&documented))?);

    let get_agent = GetAgent::new(DOCUMENTED_AGENT_ID);
    let hand = || hand_request::<()>(Method::GET, format!("{base}/agents/{DOCUMENTED_AGENT_ID}"), None, &headers);
    out.push(compare(settings, "get-agent", &get_agent, &config, &hand, None)?);

    let list_page = ListAgents::new().per_page(100).page(7);
    let hand = || hand_request::<()>(Method::GET, format!("{base}/agents?page={}&per_page=100", 7), None, &headers);
    out.push(compare(settings, "list-agents (page 7 of 100)", &list_page, &config, &hand, None)?);
    Ok(out)
}
