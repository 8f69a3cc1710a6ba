//! Decode: one large list-agents page decoded by the SDK, by `serde_json::Value`, and into the hand-written
//! structs.

use std::hint::black_box;
use std::time::Instant;

use http::header::CONTENT_TYPE;
use http::HeaderValue;
use talkover::agents::ListAgents;
use talkover::{decode_response, HttpResponse};

use crate::hand::{HandAgent, HandList};
use crate::harness::{self, Contender, Sample, UsageMeter};
use crate::server::{agent_id, Documented};
use crate::Settings;

/// The samples of the decode comparison.
pub struct DecodeResult {
    /// Bytes of the page.
    pub bytes: usize,
    /// Agents on the page.
    pub items: u64,
    /// The SDK's runs (`decode_response::<ListAgents>`).
    pub sdk: Vec<Sample>,
    /// `serde_json::from_slice::<serde_json::Value>`.
    pub value: Vec<Sample>,
    /// `serde_json::from_slice::<HandList<HandAgent>>`.
    pub hand: Vec<Sample>,
}

fn response(bytes: &[u8]) -> HttpResponse {
    let mut response = http::Response::new(bytes.to_vec());
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Times one decode of a fresh copy of the answer. The copy is made before the clock starts; the answer
/// is consumed (or dropped) inside the timed part by every contender alike, the decoded value dropped
/// after it.
fn timed<T>(bytes: &[u8], decode: impl FnOnce(HttpResponse) -> Result<T, String>) -> Result<(Sample, T), String> {
    let input = response(bytes);
    let meter = UsageMeter::start();
    let started = Instant::now();
    let out = decode(input)?;
    let wall = started.elapsed();
    Ok((Sample { ops: 1, wall, usage: meter.stop(), connections: 0 }, out))
}

/// A page of about `settings.decode_bytes`, built from the documented agent with distinct ids.
pub fn page(settings: &Settings, documented: &Documented) -> (Vec<u8>, u64) {
    let mut one = Vec::new();
    documented.push_agent(&mut one, 0);
    let items = (settings.decode_bytes / (one.len() + 1)).max(1) as u64;
    let mut bytes = Vec::with_capacity(settings.decode_bytes + 4096);
    documented.push_page(&mut bytes, items, 1, items);
    (bytes, items)
}

/// Runs the decode comparison.
pub fn decode(settings: &Settings, documented: &Documented) -> Result<DecodeResult, String> {
    let (bytes, items) = page(settings, documented);
    let check = |page: &talkover::Page<talkover::agents::Agent>| -> Result<(), String> {
        let last = page.items.last().map(|a| a.id.as_str().to_owned());
        if page.items.len() as u64 != items || last != Some(agent_id(items - 1)) {
            return Err("the SDK did not decode the whole page".into());
        }
        Ok(())
    };
    let sdk = || {
        let (sample, page) = timed(&bytes, |r| decode_response::<ListAgents>(r).map_err(|e| e.to_string()))?;
        check(&page)?;
        drop(black_box(page));
        Ok(sample)
    };
    let value = || {
        let (sample, value) = timed(&bytes, |r| {
            let value = serde_json::from_slice::<serde_json::Value>(r.body()).map_err(|e| e.to_string());
            drop(r);
            value
        })?;
        if value["data"].as_array().map(Vec::len) != Some(items as usize) {
            return Err("serde_json did not parse the whole page".into());
        }
        drop(black_box(value));
        Ok(sample)
    };
    let hand = || {
        let (sample, list) = timed(&bytes, |r| {
            let list = serde_json::from_slice::<HandList<HandAgent>>(r.body()).map_err(|e| e.to_string());
            drop(r);
            list
        })?;
        if list.data.len() as u64 != items {
            return Err("the hand-written structs did not decode the whole page".into());
        }
        drop(black_box(list));
        Ok(sample)
    };
    // Warm up (first touches of the allocator's pages).
    for _ in 0..2 {
        sdk()?;
        value()?;
        hand()?;
    }
    let mut runs: Vec<Contender<'_>> =
        vec![("sdk", Box::new(sdk)), ("serde_json::Value", Box::new(value)), ("hand-written", Box::new(hand))];
    let mut samples = harness::alternate(settings.decode_rounds, &mut runs)?.into_iter();
    let mut next = || samples.next().unwrap_or_default();
    Ok(DecodeResult { bytes: bytes.len(), items, sdk: next(), value: next(), hand: next() })
}
