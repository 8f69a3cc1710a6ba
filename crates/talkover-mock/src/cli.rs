//! The `talkover-mock` command line, shared by the `talkover-mock` binary and `talkover mock`.

use std::io::Write as _;
use std::time::Duration;

use crate::{Faults, Server, DEFAULT_TOKEN};

const USAGE: &str = "usage: talkover-mock [options]   (or: talkover mock [options])

Serves the Talkover API on http://127.0.0.1:PORT/api/v1 until stopped (Ctrl-C).

options:
  --port N               port on 127.0.0.1 (default 8080; 0 picks a free one)
  --token TOKEN          the bearer token requests must carry (default talq_mock_token; the banner
                         shows the default only, never a token given here)
  --user-token TOKEN     a user's session token, which the Account API (API tokens, current user,
                         credits) then wants instead of --token, as the API does (by default it takes
                         either); never shown
  --fixtures DIR         answer unmodelled operations from the fixtures below DIR instead of the built-in ones
  --no-example-agent     start with no agent (by default the reference's example agent exists)
  --latency-ms N         carry each request out, then wait N milliseconds before answering
  --error-rate R         answer this share of requests (0 to 1) with 500, without carrying them out
                         (health is never failed)
  --lost-answer-rate R   carry out this share of requests (0 to 1), then answer 500 all the same (an
                         answer lost on its way back: a call placed though the caller saw a failure)
  --rate-limit N         refuse requests past N a minute with 429 and Retry-After (default: no limit;
                         the X-RateLimit-* headers then report 100 a minute)
  --clock-scale S        emulator seconds per wall-clock second (default 1: a call completes in 4 s;
                         0 freezes the clock, which then moves only by POST /_emulator/clock/advance)
  --clock-start T        the moment the clock starts at, and starts again at on a reset (RFC 3339,
                         2030-01-07T09:00:00Z; default: the time the emulator starts)
  --rate-limit-burst N   answer the first N requests with 429
  --retry-after S        the Retry-After of those 429s, in seconds (default 1)
  --seed N               seed of the error-rate and lost-answer draws (default 24301: a run without it
                         draws as the last one did)
  --public-webhooks      deliver webhooks to public and link-local addresses too (by default to
                         loopback and private addresses only, so that an example URL receives nothing)
  -h, --help             this text

Controls, over HTTP without a token: GET /_emulator/clock, POST /_emulator/clock/advance and
/_emulator/clock/scale; GET, DELETE /_emulator/requests; GET, PUT, DELETE /_emulator/faults;
POST /_emulator/events (a webhook event on request); POST /_emulator/calls/inbound (an agent rung,
{\"agent_id\", \"from\"}); GET /_emulator/deliveries (how many are still pending); POST /_emulator/reset.";

/// The controls the start-up lines show, each a curl command: what it does, curl's options, its path under
/// `/_emulator/`.
const CONTROL_EXAMPLES: [(&str, &str, &str); 6] = [
    ("clock", r#"-X POST -d '{"seconds": 60}'"#, "clock/advance"),
    ("faults", r#"-X PUT -d '{"error_rate": 1, "operations": ["make-call"]}'"#, "faults"),
    ("received", "", "requests"),
    ("events", r#"-d '{"event": "event_recording", "agent_id": "<id>", "data": {}}'"#, "events"),
    ("inbound call", r#"-d '{"agent_id": "<id>", "from": "+15551234567"}'"#, "calls/inbound"),
    ("start over", "-X POST", "reset"),
];

/// Runs the emulator as the command line asks, until the process is stopped. `args` are the options,
/// without the program's name (`--port 8080`, `--help`, …). The error is a message for the user, with the
/// usage when an option is wrong.
pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut builder = Server::builder().port(8080);
    let mut faults = Faults::new();
    let mut token = DEFAULT_TOKEN.to_owned();
    let mut user_token = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "-h" | "--help" => {
                // A reader that stops early (`| head`) is no failure: what it did not read is not needed.
                use std::io::Write as _;
                return match writeln!(std::io::stdout().lock(), "{USAGE}") {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("writing the usage: {e}")),
                    _ => Ok(()),
                };
            }
            "--port" => builder = builder.port(number(&arg, &value(&arg)?)?),
            "--token" => token = value(&arg)?.trim().to_owned(),
            "--user-token" => user_token = Some(value(&arg)?.trim().to_owned()),
            "--fixtures" => builder = builder.fixtures_dir(value(&arg)?),
            "--no-example-agent" => builder = builder.example_agent(false),
            "--latency-ms" => faults = faults.latency(Duration::from_millis(number(&arg, &value(&arg)?)?)),
            "--error-rate" => faults = faults.error_rate(share(&arg, &value(&arg)?)?),
            "--lost-answer-rate" => faults = faults.lost_answer_rate(share(&arg, &value(&arg)?)?),
            "--rate-limit-burst" => {
                let retry_after = faults.retry_after_secs;
                faults = faults.rate_limit_burst(number(&arg, &value(&arg)?)?, retry_after);
            }
            "--retry-after" => {
                let burst = faults.rate_limit_burst;
                faults = faults.rate_limit_burst(burst, number(&arg, &value(&arg)?)?);
            }
            "--seed" => faults = faults.seed(number(&arg, &value(&arg)?)?),
            "--public-webhooks" => builder = builder.public_webhooks(true),
            "--rate-limit" => match number(&arg, &value(&arg)?)? {
                // Leaving the option out is "no limit"; 0 a minute would read as "refuse everything".
                0 => return Err("--rate-limit needs a whole number of 1 or more (leave it out for no limit)".into()),
                limit => builder = builder.rate_limit(limit),
            },
            "--clock-scale" => {
                const NEEDS: &str = "--clock-scale needs a number from 0 to 1000000";
                let scale: f64 = value(&arg)?.parse().map_err(|_| NEEDS)?;
                if !crate::clock::is_scale(scale) {
                    return Err(NEEDS.into());
                }
                builder = builder.clock_scale(scale);
            }
            "--clock-start" => {
                const NEEDS: &str = "--clock-start needs an RFC 3339 time, 2030-01-07T09:00:00Z";
                let at = talkover_core::time::DateTime::new(value(&arg)?.trim()).map_err(|_| NEEDS)?;
                builder = builder.clock_start(at);
            }
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    if token.is_empty() {
        return Err("--token cannot be empty".into());
    }
    let mut builder = builder.token(token.clone()).faults(faults.clone());
    match user_token {
        Some(user) if user.is_empty() => return Err("--user-token cannot be empty".into()),
        Some(user) if user == token => return Err("--user-token cannot be the --token (the environment's)".into()),
        Some(user) => builder = builder.user_token(user),
        None => {}
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let server = builder.start().await.map_err(|e| format!("cannot start: {e}"))?;
        // Whoever reads the banner may stop reading: the server goes on either way.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "talkover-mock listening on {}", server.base_url());
        // The default token is no secret; one given with --token may be a real one (`talkover mock --token
        // "$TALKOVER_TOKEN"`), which is not written where logs keep it.
        let (shown, said) = if token == DEFAULT_TOKEN {
            (token.clone(), format!("token: {token}  (send Authorization: Bearer {token})"))
        } else {
            ("<the --token value>".to_owned(), "token: the one given with --token (not shown)".to_owned())
        };
        let _ = writeln!(out, "  {said}");
        if server.user_token().is_some() {
            let _ = writeln!(out, "  user token: the one given with --user-token (not shown), for the Account API");
        }
        let fixtures = server.emulator().fixture_count();
        let _ = writeln!(out, "  {fixtures} recorded exchanges for the operations it does not model");
        if faults != Faults::new() {
            let _ = writeln!(out, "  faults: {faults:?}");
        }
        let _ = writeln!(out, "  try: curl -H 'Authorization: Bearer {shown}' {}/agents", server.base_url());
        for (label, options, control) in CONTROL_EXAMPLES {
            let options = if options.is_empty() { String::new() } else { format!("{options} ") };
            let _ = writeln!(out, "  {label}: curl {options}http://{}/_emulator/{control}", server.addr());
        }
        let _ = out.flush();
        drop(out);
        std::future::pending::<()>().await;
        drop(server);
        Ok(())
    })
}

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("{name} needs a whole number, got {text:?}"))
}

/// A share of requests, 0 to 1: a value outside (`1.5`, `-0.1`) or no number at all (`NaN`, `inf`) is
/// refused rather than clamped, or taken for no faults.
fn share(name: &str, text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{name} needs a number from 0 to 1, got {text:?}")),
    }
}
