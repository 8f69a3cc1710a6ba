//! `talkover calls wait AGENT_ID CALL_ID`: follows a call until it has ended, then prints it. The API has no
//! get-call, so the agent's calls are read (get-agent-calls, narrowed to the number called with `--to`)
//! until the call is there with a status that will not change again.

use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use serde_json::json;
use talkover::calls::{CallStatus, CallWait, CallWaitOutcome, CallWatch, WaitLimits, WaitMove};
use talkover::RetryPolicy;

use crate::failure::Failure;
use crate::{output, Context};

/// The exit code of a call that ended without completing: `failed`, `busy`, `no-answer` or `voicemail`
/// (every final status but `completed`). The call is printed as for exit 0.
pub const ENDED_NOT_COMPLETED: u8 = 16;

/// The exit code of a call that has ended with `status` (a final one): 0 for `completed`,
/// [`ENDED_NOT_COMPLETED`] for any other.
pub fn exit_code_of(status: &CallStatus) -> u8 {
    if *status == CallStatus::Completed {
        0
    } else {
        ENDED_NOT_COMPLETED
    }
}

/// The example of `calls wait --help`.
pub const EXAMPLE: &[&str] =
    &["talkover", "calls", "wait", "AGENT_ID", "CALL_ID", "--to", "+15550101234", "--max-wait", "900"];

pub fn command() -> Command {
    Command::new("wait")
        .about("Wait until a call has ended, then print it")
        .long_about(
            "Waits until a call has ended (completed, failed, busy, no-answer or voicemail), then prints it.\n\n\
             The API has no get-call: each look reads the agent's calls (get-agent-calls, narrowed to the number \
             called with --to; up to ten pages of a hundred, of a longer list its first five and last five, \
             as the API says nothing of its order), every --interval seconds, until the call is there \
             with a final status, and prints it (as --output says) whatever the status: the call itself, as \
             the list gives it (`jq .status`), not wrapped in the API's `{\"data\": …}`.\n\n\
             A look has the time left of the wait (at least a second, at most --timeout) and is made once: \
             one that fails for a reason that may pass (a 5xx, 429, a timeout, a lost connection) is made \
             again after the interval (or the Retry-After of a 429, when longer), with a warning on standard \
             error, until --max-wait; a failure that \
             will not pass (the token, a wrong agent) ends the wait at once, as does a first look that cannot \
             reach the API at all (no connection, TLS refused: a wrong base URL or network).\n\n\
             Exit codes, for a script to branch on:\n  \
             0   the call completed\n  \
             16  the call ended without completing: failed, busy, no-answer or voicemail (the call is printed, \
             its status says which)\n  \
             15  the call had not ended when --max-wait passed\n  \
             8, 9, 10  the looks were still failing when --max-wait passed: the API answered 429 (8), 5xx \
             (9), or could not be reached or did not answer in time (10)\n  \
             5   the first three looks, and those of the first 10 s, did not find the call (or the agent)\n  \
             other  as for every command (talkover --help): 2 wrong arguments, 4 the token, 10 the API could \
             not be reached, …\n\n\
             Reference: https://docs.talkover.ai/api-reference/endpoints/get-agent-calls",
        )
        .after_long_help(crate::commands::example_help(EXAMPLE, None))
        .arg(Arg::new("agent_id").required(true).value_name("AGENT_ID").help("The agent that placed the call"))
        .arg(Arg::new("call_id").required(true).value_name("CALL_ID").help("The call, as make-call answered it"))
        .arg(Arg::new("to").long("to").value_name("NUMBER").help("The number called: reads only its calls"))
        .arg(
            Arg::new("interval")
                .long("interval")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(f64))
                .default_value("5")
                .help("Time between looks (0.1 to 3600)"),
        )
        .arg(
            Arg::new("max-wait")
                .long("max-wait")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(f64))
                .default_value("600")
                .help("Give up after this long (0 to 86400; exit 15)"),
        )
}

pub fn run(context: &Context, args: &ArgMatches) -> Result<u8, Failure> {
    let text = |name: &str| args.get_one::<String>(name).cloned();
    let (agent, call_id, to) = (text("agent_id").unwrap_or_default(), text("call_id").unwrap_or_default(), text("to"));
    // The number as the API keeps it (E.164), however it was written to make the call (`+1 555 013 0001`).
    let to = match to {
        Some(to) if talkover::validate::has_trunk_prefix(&to) => {
            return Err(Failure::usage(format!("--to {to:?} {}", talkover::validate::TRUNK_PREFIX)))
        }
        Some(to) => Some(talkover::validate::e164_of_international(&to).ok_or_else(|| {
            Failure::usage(format!("--to takes a phone number in international format (+15550100001), not {to}"))
        })?),
        None => None,
    };
    let interval = args.get_one::<f64>("interval").copied().unwrap_or(5.0);
    if !(0.1..=3600.0).contains(&interval) {
        return Err(Failure::usage(format!("--interval takes 0.1 to 3600 seconds, not {interval}")));
    }
    let max_wait = args.get_one::<f64>("max-wait").copied().unwrap_or(600.0);
    if !(0.0..=86_400.0).contains(&max_wait) {
        return Err(Failure::usage(format!("--max-wait takes 0 to 86400 seconds, not {max_wait}")));
    }
    let limits =
        WaitLimits::default().interval(Duration::from_secs_f64(interval)).max_wait(Duration::from_secs_f64(max_wait));
    let mut watch = CallWatch::new(agent, call_id.clone());
    if let Some(to) = &to {
        watch = watch.to(to.clone());
    }
    let mut wait = CallWait::new(watch, limits, Some(context.timeout()));
    // Once: the next look is a failed look's retry, so that no look's retries outlast the wait.
    let once = context.client.with_retry_policy(RetryPolicy::none());
    // Bounded by --max-wait: each look reads at most `CallWatch::PAGES_PER_LOOK` pages, then either ends the
    // wait or sleeps `interval`, at least 0.1 s; a failed look sleeps the interval too, and the first one
    // past --max-wait ends the wait. Each page is one call of the command line's (its attempts are what a
    // failure reports), so the library's `wait_for_end` is not used.
    // On a terminal, a line that says how the wait stands, replaced at each look and gone at the end (on
    // one that cannot move its cursor, a line every ten seconds at most, which stays).
    let mut progress = crate::run::PageProgress::on_terminal();
    loop {
        let (request, bound) = wait.look();
        let bound = match bound {
            bound if bound < context.timeout() => (bound, "the time left of --max-wait"),
            bound => (bound, crate::failure::TIMEOUT_FLAG),
        };
        let pause = match context.call_with(&once.with_timeout(bound.0), Some(bound), |client| client.execute(request))
        {
            Ok(page) => match wait.on_page(page) {
                WaitMove::Read => continue,
                WaitMove::Sleep(pause) => {
                    let status =
                        wait.watch().last_status().map_or_else(|| "not listed yet".to_owned(), |s| s.to_string());
                    // The API's text, for a status this version does not know: shown escaped and cut short.
                    let status: String = crate::failure::terminal_safe(&status).chars().take(24).collect();
                    // Short enough for a terminal of 80 columns: a line that wraps is not erased whole.
                    progress.show(&format!(
                        "waiting: {status}, {:.0} s in, {:.0} s left",
                        wait.waited().as_secs_f64(),
                        wait.left().as_secs_f64()
                    ));
                    pause
                }
                WaitMove::Done(outcome) => {
                    progress.clear();
                    return finish(context, outcome, &call_id, to.as_deref(), max_wait);
                }
            },
            Err(failure) => match failure.sdk_error().and_then(|e| wait.after_failure(e)) {
                Some(pause) => {
                    // Off the terminal first: the next line would otherwise take the warning's place.
                    progress.clear();
                    let message = format!(
                        "a look at the agent's calls failed, looking again in {:.1} s ({:.1} s of --max-wait \
                         left): {}",
                        pause.as_secs_f64(),
                        wait.left().as_secs_f64(),
                        failure.describe().lines().next().unwrap_or_default().trim_start_matches("error: ")
                    );
                    let fields = json!({ "retry_in_ms": pause.as_millis() as u64, "exit_code": failure.exit_code() });
                    crate::notices::warning(&message, fields);
                    pause
                }
                // The line goes with `progress`, before the caller writes the failure.
                None => return Err(failure),
            },
        };
        std::thread::sleep(pause);
        wait.slept(pause);
    }
}

/// The operation whose answers the wait reads: the agent's calls (the API has no get-call).
const LOOKED_AT: &str = <talkover::calls::GetAgentCalls as talkover::Operation>::ID;

/// What the command does with how the wait for call `call_id` (to `to`, when given; --max-wait `max_wait`
/// seconds) came out: prints an ended call and exits by its status, or fails.
fn finish(
    context: &Context,
    outcome: CallWaitOutcome,
    call_id: &str,
    to: Option<&str>,
    max_wait: f64,
) -> Result<u8, Failure> {
    match outcome {
        CallWaitOutcome::Ended(call) => {
            let value = serde_json::to_value(&call).map_err(|e| Failure::local(format!("printing the call: {e}")))?;
            match context.format {
                // In the columns of the agent's call list, the call's source, so that the line can join a
                // file of `agents get-calls --all -o csv`.
                output::Format::Csv => {
                    let columns = talkover::registry::operation(LOOKED_AT).map_or(&[][..], |op| op.item_fields());
                    output::write_all(output::csv_text(&[&value], columns)?.as_bytes())?;
                }
                format => output::print(&value, format)?,
            }
            Ok(exit_code_of(&call.status))
        }
        // The last look, at --max-wait, found it still going.
        CallWaitOutcome::NotEnded { last_status: Some(status), waited } => {
            let message = format!(
                "call {call_id} had not ended at its last look, {:.1} s in (--max-wait {max_wait} s): its status \
                 at the last look was {status}",
                waited.as_secs_f64(),
            );
            Err(Failure::NotEnded { message, last_status: Some(status.to_string()), waited_s: waited.as_secs_f64() })
        }
        // `NotFound`: an id the agent's calls did not hold in the first looks is taken for a wrong one: it
        // fails now rather than after --max-wait. So does one no look found before a --max-wait shorter
        // than those looks (exit 5 "at --max-wait, when sooner"): never seen, it cannot be said to go on.
        _ => {
            let (among, narrow) = match to {
                Some(to) => (format!("the agent's calls to {to}"), ""),
                None => (
                    "the agent's calls".to_owned(),
                    "; an agent with more calls than that may hold it in the middle of its list: give --to \
                     with the number called, to read only its calls",
                ),
            };
            Err(Failure::NotFound(format!(
                "call {call_id} is not among {among} (up to {} are read: a longer list's first and last){narrow}",
                CallWatch::PAGES_PER_LOOK * 100
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help names every final status but `completed` as exit 16, so that a status the core adds is
    /// documented with its code.
    #[test]
    fn every_final_status_but_completed_exits_16_and_the_help_names_it() {
        let help = command().render_long_help().to_string();
        let line = help.lines().find(|l| l.trim_start().starts_with("16 ")).expect("the line of exit 16");
        let mut finals = 0;
        for value in CallStatus::VALUES {
            let status = CallStatus::from_text(value);
            if !status.is_terminal() {
                continue;
            }
            finals += 1;
            if status == CallStatus::Completed {
                assert_eq!(exit_code_of(&status), 0);
            } else {
                assert_eq!(exit_code_of(&status), ENDED_NOT_COMPLETED, "{value}");
                assert!(line.contains(value), "{value} in {line}");
            }
        }
        assert!(finals >= 2, "completed and at least one other");
        let codes = crate::commands::command().render_long_help().to_string();
        assert!(codes.lines().any(|l| l.trim_start().starts_with("16 ") && l.contains("calls wait")), "{codes}");
    }
}
