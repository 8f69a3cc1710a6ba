//! The faults in force as JSON, for `/_emulator/faults`: what a test over HTTP reads and sets, as
//! [`crate::Emulator::faults`] and [`crate::Emulator::set_faults`] do in process.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::emulator::Faults;

/// The longest latency that can be set over HTTP: two minutes, as long as the emulator waits for a
/// request's head.
const LONGEST_LATENCY_MS: u64 = 120_000;

/// The longest `Retry-After` a burst of `429`s can ask for over HTTP: an hour.
const LONGEST_RETRY_AFTER_SECS: u64 = 3_600;

/// [`Faults`] as `/_emulator/faults` reads and writes them: every field optional in a `PUT` (what is left
/// out takes the value of [`Faults::default`], so that a `PUT` replaces the faults whole).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct FaultsJson {
    latency_ms: u64,
    error_rate: f64,
    lost_answer_rate: f64,
    rate_limit_burst: u32,
    error_burst: u32,
    retry_after_secs: u64,
    seed: u64,
    operations: Vec<String>,
}

impl Default for FaultsJson {
    fn default() -> Self {
        Self::of(&Faults::default())
    }
}

impl FaultsJson {
    /// `faults` as JSON.
    pub(crate) fn of(faults: &Faults) -> Self {
        Self {
            latency_ms: u64::try_from(faults.latency.as_millis()).unwrap_or(u64::MAX),
            error_rate: faults.error_rate,
            lost_answer_rate: faults.lost_answer_rate,
            rate_limit_burst: faults.rate_limit_burst,
            error_burst: faults.error_burst,
            retry_after_secs: faults.retry_after_secs,
            seed: faults.seed,
            operations: faults.operations.clone(),
        }
    }

    /// The faults a `PUT` body gives (an empty body: none), or what is wrong with it, in words.
    pub(crate) fn read(body: &[u8]) -> Result<Faults, String> {
        let given: Self = if body.iter().all(u8::is_ascii_whitespace) {
            Self::default()
        } else {
            let json: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| format!("Send the faults as a JSON object: {e}."))?;
            if !json.is_object() {
                return Err(format!("Send the faults as a JSON object, not {json}."));
            }
            serde_json::from_value(json).map_err(|e| format!("Send the faults as a JSON object: {e}."))?
        };
        if given.latency_ms > LONGEST_LATENCY_MS {
            return Err(format!("The latency_ms must be at most {LONGEST_LATENCY_MS}, got {}.", given.latency_ms));
        }
        if given.retry_after_secs > LONGEST_RETRY_AFTER_SECS {
            let got = given.retry_after_secs;
            return Err(format!("The retry_after_secs must be at most {LONGEST_RETRY_AFTER_SECS}, got {got}."));
        }
        let mut faults = Faults::new()
            .latency(Duration::from_millis(given.latency_ms))
            .error_rate(given.error_rate)
            .lost_answer_rate(given.lost_answer_rate)
            .rate_limit_burst(given.rate_limit_burst, given.retry_after_secs)
            .error_burst(given.error_burst)
            .seed(given.seed);
        // Set as given, not through `only_for`, which panics on an unknown id: here it is a refusal.
        faults.operations = given.operations;
        match faults.problem() {
            Some(problem) => Err(problem),
            None => Ok(faults),
        }
    }
}
