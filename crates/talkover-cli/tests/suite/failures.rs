//! What a failed request tells the user: whether a request that is not safe to repeat may have taken
//! effect, what each attempt of a retried one met, a timeout in seconds, an undecodable success that is
//! not JSON; and the progress line of `--all` when the command is stopped by Ctrl-C.

use crate::common;

use std::time::{Duration, Instant};

use common::scripted::{Reply, Scripted};
use common::*;
use serde_json::Value;

const TOKEN: &str = "talq_scripted_token_1234";

fn server_error(status: u16) -> Reply {
    Reply::json(status, r#"{"success": false, "message": "Upstream failed"}"#)
}

/// The JSON error a command with `-o json` writes on standard error.
fn json_error(output: &std::process::Output) -> Value {
    let shown = stderr(output);
    let error: Value = serde_json::from_str(shown.trim()).unwrap_or_else(|e| panic!("{e}: {shown}"));
    assert_eq!(error["error"]["exit_code"], output.status.code().unwrap(), "{shown}");
    error["error"].clone()
}

#[test]
fn a_request_not_safe_to_repeat_that_may_have_taken_effect_says_so() {
    let may_have = "the request may have taken effect";
    // make-call answered 502: the call may have been placed.
    let server = Scripted::start(vec![server_error(502), server_error(502)]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    // Its own exit code, not 9: a script that reruns a failed command on 9 must not run this one again.
    let output = fails_with(call, 18, "(a call may have been placed); check before running it again");
    assert!(stderr(&output).contains(may_have), "{}", stderr(&output));
    // ... and names the command that checks, with the agent and the number the command was given.
    let check = format!("(talkover calls list-for-agent {AGENT} --search +15550101234 shows whether");
    assert!(stderr(&output).contains(&check), "{}", stderr(&output));
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234", "-o", "json"]);
    let error = json_error(&run(call));
    assert_eq!((error["outcome_unknown"].as_bool(), error["attempts"].as_u64()), (Some(true), Some(1)), "{error}");

    // Standard error that cannot be written (`2>/dev/full`, a reader gone from `2>&1 | head`) changes
    // nothing of the exit code: a panic's 101 would hide the 18 a script reads.
    #[cfg(target_os = "linux")]
    for json in [false, true] {
        let server = Scripted::start(vec![server_error(500), server_error(500)]);
        let mut call = talkover(&server.base_url(), TOKEN);
        call.args(["calls", "make", AGENT, "+15550101234", "-v"]).args(if json { &["-o", "json"][..] } else { &[] });
        call.stderr(std::fs::File::create("/dev/full").unwrap());
        assert_eq!(call.output().unwrap().status.code(), Some(18), "-o json {json}");
    }

    // Said for what each operation does: create-campaign creates a campaign.
    let server = Scripted::start(vec![server_error(503)]);
    let mut create = talkover(&server.base_url(), TOKEN);
    create.args(["campaigns", "create", "--data", &example_body("create-campaign/ok-basic-sales.json").to_string()]);
    fails_with(create, 18, "(a campaign may have been created)");

    // The connection lost after the request went: the same.
    let server = Scripted::start(vec![Reply::Close]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    fails_with(call, 18, "(a call may have been placed)");

    // Carried out for certain (a success answer cut off): 11, what a carried-out request whose answer
    // cannot be read exits with, neither 18 nor the transport's 10 that a script would run again on.
    let server = Scripted::start(vec![Reply::CutOff(200)]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    fails_with(call, 11, "the request was carried out");

    // Not when the request certainly never left (nothing listens), nor for a request safe to repeat.
    let (closed, _held) = common::refusing_address();
    let mut call = talkover(&format!("http://{closed}/api/v1"), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234", "--max-retries", "0", "-o", "json"]);
    let error = json_error(&run(call));
    assert_eq!((error["kind"].as_str(), error["outcome_unknown"].as_bool()), (Some("transport"), Some(false)));
    assert_eq!(error["exit_code"], 10, "{error}");
    let server = Scripted::start(vec![server_error(502)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["agents", "get", AGENT, "--max-retries", "0"]);
    let output = fails_with(get, 9, "Upstream failed");
    assert!(!stderr(&output).contains(may_have), "{}", stderr(&output));

    // Nor when the API answered how it went: a test delivery that failed (`200`, `"success": false`) is
    // the unsuccessful answer's 21, its outcome known.
    let failed =
        r#"{"success": false, "message": "Webhook test failed: HTTP 502 Bad Gateway", "data": {"status_code": 502}}"#;
    let server = Scripted::start(vec![Reply::json(200, failed)]);
    let mut test = talkover(&server.base_url(), TOKEN);
    test.args(["agents", "test-webhook", AGENT, "webhook-1", "-o", "json"]);
    let output = run(test);
    let error = json_error(&output);
    assert_eq!((error["kind"].as_str(), error["outcome_unknown"].as_bool()), (Some("unsuccessful"), Some(false)));
    assert_eq!(error["exit_code"], 21, "{error}");
    // The answer itself is on standard output, as an answer the types could not read is.
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&output)));
    assert_eq!(answer["data"]["status_code"], 502, "{answer}");
}

/// Nothing answering at the base URL is exit 10, with a next step that names where to look.
#[test]
fn a_base_url_where_nothing_answers_says_where_to_look() {
    let (closed, _held) = common::refusing_address();
    let mut command = talkover(&format!("http://{closed}/api/v1"), TOKEN);
    command.args(["agents", "list", "--max-retries", "0"]);
    fails_with(command, 10, "next: check the base URL (--base-url or TALKOVER_BASE_URL)");
}

/// What an answer writes stays on its line of the error's text: a line break in a message, a field name or
/// a problem cannot add a line that reads as the command line's own (a false "safe to run it again", a
/// false `next:`).
#[test]
fn an_answers_words_cannot_add_lines_to_the_error() {
    let forged = "Server Error\n  the request was NOT carried out: it is safe to run it again";
    let answer = serde_json::json!({ "success": false, "message": forged }).to_string();
    let server = Scripted::start(vec![Reply::json(500, answer)]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    let output = fails_with(call, 18, "Server Error\\n  the request was NOT carried out");
    assert!(!stderr(&output).lines().any(|line| line.starts_with("  the request was NOT")), "{}", stderr(&output));

    let answer = serde_json::json!({
        "message": "The given data was invalid.",
        "errors": { "to\nnext: run this": ["bad\r\n  next: or this"] },
    });
    let server = Scripted::start(vec![Reply::json(422, answer.to_string())]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    let output = fails_with(call, 7, "to\\nnext: run this: bad\\r\\n  next: or this");
    assert!(!stderr(&output).lines().any(|line| line.trim_start().starts_with("next:")), "{}", stderr(&output));
}

#[test]
fn a_refusal_of_the_token_and_one_of_the_request_exit_differently() {
    // 401: the token is wrong, a cron job's credentials to fix; 403: this request is not allowed now.
    let unauthorized = Reply::json(401, r#"{"message": "Missing Bearer Token"}"#);
    let forbidden = Reply::json(403, r#"{"success": false, "message": "Cannot delete active campaign"}"#);
    let user_refused = Reply::json(401, r#"{"message": "Unauthenticated."}"#);
    let server = Scripted::start(vec![unauthorized, forbidden, user_refused]);
    let mut list = talkover(&server.base_url(), TOKEN);
    list.args(["agents", "list"]);
    let output = fails_with(list, 4, "unauthorized (401)");
    assert!(!stderr(&output).contains("session token"), "{}", stderr(&output));
    let mut delete = talkover(&server.base_url(), TOKEN);
    delete.args(["campaigns", "delete", "campaign-uuid-1"]);
    fails_with(delete, 19, "Cannot delete active campaign");
    // The Account API wants a user's session token: its 401 says so, the mix-up a script most likely made.
    let mut tokens = talkover(&server.base_url(), TOKEN);
    tokens.args(["user", "list-api-tokens"]);
    fails_with(tokens, 4, "wants a user's session token, not the environment's");
}

/// A request that found no answer within `--timeout` says so in seconds (not the HTTP client's words),
/// and a call may have been placed all the same.
#[test]
fn a_timeout_is_said_in_seconds() {
    let server = Scripted::start(vec![Reply::Hang(Duration::from_secs(20))]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234", "--timeout", "1.5"]);
    let started = Instant::now();
    let output = fails_with(call, 18, "no complete answer within 1.5 s (--timeout), so the request timed out");
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    let shown = stderr(&output);
    assert!(!shown.contains("timeout: global"), "{shown}");
    assert!(shown.contains("(a call may have been placed)"), "{shown}");
    for refused in ["0", "3601", "soon"] {
        let mut call = talkover(&server.base_url(), TOKEN);
        call.args(["agents", "get", AGENT, "--timeout", refused]);
        fails_with(call, 2, "takes seconds from 0.1 to 3600");
    }
}

/// `--timeout` bounds each exchange and each wait before a retry, not the command as a whole: a safe request
/// whose exchange timed out is tried again, and a `Retry-After` no longer than `--timeout` is waited.
#[test]
fn a_timed_out_exchange_is_tried_again_and_a_wait_within_timeout_is_waited() {
    let server = Scripted::start(vec![Reply::Hang(Duration::from_secs(20)), server_error(502)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["agents", "get", AGENT, "--timeout", "1", "--max-retries", "1"]);
    let started = Instant::now();
    fails_with(get, 9, "after 2 attempts (timed out, 502)");
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());

    let limited = r#"{"success": false, "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 1}}}"#;
    let server = Scripted::start(vec![Reply::json(429, limited), server_error(502)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["agents", "get", AGENT, "--timeout", "1", "--max-retries", "1"]);
    fails_with(get, 9, "after 2 attempts (429, 502)");
}

/// make-call's 402 (no credits: nothing was done) has an exit code of its own (as test-webhook's
/// `"success": false` has, above), and another 4xx in the API's JSON (a 413, a 405) is a refusal, as a 400
/// is: neither is the 11 of an answer that is not the documented one, which may mean "carried out".
#[test]
fn a_402_and_another_4xx_in_the_apis_json_have_exit_codes_of_their_own() {
    let no_credits = r#"{"error": {"code": "INSUFFICIENT_CREDITS", "message": "Account has insufficient credits to place this call"}}"#;
    let server = Scripted::start(vec![Reply::json(402, no_credits)]);
    let mut call = talkover(&server.base_url(), TOKEN);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    let output = fails_with(call, 20, "Account has insufficient credits to place this call");
    assert!(stderr(&output).contains("talkover credits purchase"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("may have taken effect"), "{}", stderr(&output));

    for status in [413, 405] {
        let refused = r#"{"success": false, "message": "The request body is too large."}"#;
        let server = Scripted::start(vec![Reply::json(status, refused)]);
        let mut get = talkover(&server.base_url(), TOKEN);
        get.args(["agents", "get", AGENT]);
        fails_with(get, 7, "The request body is too large.");
    }
}

/// The text of a retried request's error names each attempt; a DELETE whose retry found nothing says that
/// the attempt before may have deleted it. The exit code stays the final answer's.
#[test]
fn a_retried_request_names_its_attempts() {
    let server = Scripted::start(vec![server_error(502), server_error(502), server_error(503)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["agents", "get", AGENT, "--max-retries", "2"]);
    let output = fails_with(get, 9, "after 3 attempts (502, 502, 503)");
    assert!(!stderr(&output).contains("may have"), "{}", stderr(&output));

    let not_found = Reply::json(404, r#"{"success": false, "message": "Agent not found"}"#);
    let server = Scripted::start(vec![server_error(502), not_found.clone()]);
    let mut delete = talkover(&server.base_url(), TOKEN);
    delete.args(["agents", "delete", AGENT, "--max-retries", "1"]);
    let output = fails_with(delete, 5, "after 2 attempts (502, 404)");
    assert!(stderr(&output).contains("an earlier attempt answered 502 and may have deleted it"), "{}", stderr(&output));
    let server = Scripted::start(vec![server_error(502), not_found.clone()]);
    let mut delete = talkover(&server.base_url(), TOKEN);
    delete.args(["agents", "delete", AGENT, "--max-retries", "1", "-o", "json"]);
    let error = json_error(&run(delete));
    assert_eq!((error["kind"].as_str(), error["attempts"].as_u64()), (Some("not_found"), Some(2)), "{error}");
    // A script reading the JSON tells "never there" from "gone by my own request" as the text's reader does.
    assert_eq!(error["attempt_outcomes"], serde_json::json!(["502", "404"]), "{error}");
    assert_eq!(error["earlier_attempt_may_have_done_it"], true, "{error}");
    assert!(error["note"].as_str().is_some_and(|n| n.contains("may have deleted it")), "{error}");

    // Not only a 404: a move of status to the one the first attempt made is refused 400.
    let same = Reply::json(400, r#"{"success": false, "message": "Cannot transition from active to active status"}"#);
    let server = Scripted::start(vec![server_error(502), same]);
    let mut activate = talkover(&server.base_url(), TOKEN);
    activate.args(["campaigns", "update-status", "camp-1", "-F", "status=active", "--max-retries", "1", "-o", "json"]);
    let error = json_error(&run(activate));
    assert_eq!(error["earlier_attempt_may_have_done_it"], true, "{error}");
    assert!(error["note"].as_str().is_some_and(|n| n.contains("so the 400 may follow from it")), "{error}");

    // A last answer that is no refusal follows from nothing: the outcome's own note says what it may mean.
    let server = Scripted::start(vec![server_error(502), server_error(502)]);
    let mut delete = talkover(&server.base_url(), TOKEN);
    delete.args(["agents", "delete", AGENT, "--max-retries", "1", "-o", "json"]);
    let error = json_error(&run(delete));
    assert_eq!((error["attempts"].as_u64(), error.get("earlier_attempt_may_have_done_it")), (Some(2), None), "{error}");

    // A 404 at the first attempt is only that.
    let server = Scripted::start(vec![not_found]);
    let mut delete = talkover(&server.base_url(), TOKEN);
    delete.args(["agents", "delete", AGENT]);
    let output = fails_with(delete, 5, "Agent not found");
    assert!(!stderr(&output).contains("attempt"), "{}", stderr(&output));
}

/// A 404 page of another server (a wrong base URL), or the API's own 404 for a path it has no route for, is
/// not the API's "not found" of a resource: a cleanup script that takes exit 5 for "already gone" must not
/// take it for one.
#[test]
fn a_404_page_of_another_server_is_not_the_apis_not_found() {
    let page =
        "<!DOCTYPE HTML>\n<html><head><title>Error response</title></head><body>404 File not found</body></html>";
    // The API's own 404 for a path it has no route for (a base URL with a wrong path) is JSON, and no more a
    // proof that the agent is gone.
    let route = r#"{"message": "The route wrong/api/v1/agents/x could not be found."}"#;
    let cases = [
        (Reply::Answer(404, "text/html", page.to_owned()), "another server wrote it (is the base URL", "not_the_api"),
        (Reply::json(404, route), "no such route: check --base-url", "no_such_route"),
    ];
    for (answer, words, flag) in cases {
        let server = Scripted::start(vec![answer; 2]);
        let mut delete = talkover(&server.base_url(), TOKEN);
        delete.args(["agents", "delete", AGENT]);
        fails_with(delete, 11, words);
        let mut delete = talkover(&server.base_url(), TOKEN);
        delete.args(["agents", "delete", AGENT, "-o", "json"]);
        let error = json_error(&run(delete));
        let status = (error["kind"].as_str(), error["status"].as_u64(), error["exit_code"].as_u64());
        assert_eq!(status, (Some("not_found"), Some(404), Some(11)), "{error}");
        assert_eq!(error[flag], true, "{error}");
    }
}

/// A success answer the types cannot read goes to standard output only when it is JSON; a captive
/// portal's page does not, and standard error shows its start, escaped and without the token.
#[test]
fn an_undecodable_success_that_is_not_json_is_not_written_to_stdout() {
    let page = format!("<html>\n<title>\u{1b}[31mHotel Wi-Fi</title> sign in, {TOKEN}</html>");
    let server = Scripted::start(vec![Reply::Answer(200, "text/html", page.clone()); 2]);
    let body = example("create-agent").body.expect("create-agent's example has a body");
    let mut create = talkover(&server.base_url(), TOKEN);
    create.args(["agents", "create", "--data", &body.to_string()]);
    let output = fails_with(create, 11, "bytes of markup, a web page), so nothing was written to standard output");
    assert_eq!(stdout(&output), "");
    let shown = stderr(&output);
    // Carried out for certain: the user must not take it for a failure to run again.
    assert!(shown.contains("the request was carried out"), "{shown}");
    // Not its content, which may repeat what the request sent.
    assert!(!shown.contains("Hotel") && !shown.contains(TOKEN) && !shown.contains('\u{1b}'), "{shown}");

    let mut create = talkover(&server.base_url(), TOKEN);
    create.args(["agents", "create", "--data", &body.to_string(), "-o", "json"]);
    let output = run(create);
    assert_eq!(stdout(&output), "");
    let error = json_error(&output);
    assert!(error["body_bytes"].as_u64().is_some_and(|n| n > 20), "{error}");
    // Nor a script.
    assert_eq!(error["outcome_unknown"], true, "{error}");
}

/// A 429's wait is said from its body too (make-call's 429 carries it there), and a wait of days in words.
#[test]
fn a_rate_limits_wait_is_said_from_the_body_and_in_words_when_long() {
    for (wait, said) in [("30", "retry after: 30 s"), ("90000", "retry after: more than a day")] {
        let body = format!(
            r#"{{"success": false, "error": {{"code": "RATE_LIMIT_EXCEEDED", "details": {{"retry_after": {wait}}}}}}}"#
        );
        let server = Scripted::start(vec![Reply::json(429, body)]);
        let mut get = talkover(&server.base_url(), TOKEN);
        get.args(["agents", "get", AGENT, "--max-retries", "0"]);
        fails_with(get, 8, said);
    }
    // A wait longer than `--timeout` is not waited for (it bounds each wait, as each exchange): the error says why.
    let body = r#"{"success": false, "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 60}}}"#;
    let server = Scripted::start(vec![Reply::json(429, body)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["--timeout", "10", "agents", "get", AGENT]);
    fails_with(
        get,
        8,
        "retry after: 60 s (not waited for: longer than --timeout, 10 s; a longer --timeout waits it out)",
    );
    // In JSON, why in the command's words, not the library's settings.
    let server = Scripted::start(vec![Reply::json(429, body)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["--timeout", "10", "-o", "json", "agents", "get", AGENT]);
    let error = json_error(&run(get));
    let why = "the server asked for a longer wait than --timeout (10 s)";
    assert_eq!(error["not_retried"].as_str(), Some(why), "{error}");
    // Nor a 503's, nor one a second longer than `--timeout`: each says why as well.
    for (status, code, wait) in [(429, 8, 3), (503, 9, 3600)] {
        let body = format!(r#"{{"success": false, "error": {{"code": "X", "details": {{"retry_after": {wait}}}}}}}"#);
        let server = Scripted::start(vec![Reply::json(status, body)]);
        let mut get = talkover(&server.base_url(), TOKEN);
        get.args(["--timeout", "2", "agents", "get", AGENT]);
        fails_with(get, code, &format!("retry after: {wait} s (not waited for: longer than --timeout, 2 s"));
    }
    // One longer than the command waits at all, whatever `--timeout`: said, and why in JSON.
    let body = r#"{"success": false, "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 120}}}"#;
    let server = Scripted::start(vec![Reply::json(429, body)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["--timeout", "600", "agents", "get", AGENT]);
    fails_with(get, 8, "retry after: 120 s (not waited for: the command waits at most 60 s)");
    let server = Scripted::start(vec![Reply::json(429, body)]);
    let mut get = talkover(&server.base_url(), TOKEN);
    get.args(["--timeout", "600", "-o", "json", "agents", "get", AGENT]);
    let error = json_error(&run(get));
    let why = "the server asked for a longer wait than the command waits (60 s at most)";
    assert_eq!((error["not_retried"].as_str(), error["attempts"].as_u64()), (Some(why), Some(1)), "{error}");
}

/// `--all` as a table or CSV holds the items until the last page: a page that fails leaves the ones fetched
/// written (the count says "so far"), not thrown away, and the failure reported.
#[test]
fn a_failed_page_of_all_as_a_table_leaves_the_pages_fetched_written() {
    let page = |n: u32| {
        let agent = format!(r#"{{"id": "agent-{n}", "name": "Agent {n}"}}"#);
        Reply::json(
            200,
            format!(
                r#"{{"success": true, "data": [{agent}], "pagination": {{"current_page": {n}, "last_page": 3, "per_page": 1, "total": 3}}}}"#
            ),
        )
    };
    for (format, written) in [("table", "2 so far"), ("csv", "agent-2")] {
        let server = Scripted::start(vec![page(1), page(2), server_error(500)]);
        let mut all = talkover(&server.base_url(), TOKEN);
        all.args(["agents", "list", "--all", "--per-page", "1", "--max-retries", "0", "-o", format]);
        let output = fails_with(all, 9, "500");
        let shown = stdout(&output);
        assert!(shown.contains("agent-1") && shown.contains(written), "{format}: {shown}");
    }
}

/// With `--output csv`, a success answer the types cannot read is not written among the records (a line
/// of JSON in a CSV file): standard error says so, and `--output json` still writes it.
#[test]
fn an_unreadable_success_is_no_csv_record() {
    let first = r#"{"success": true, "data": [{"id": "agent-1", "name": "Agent 1"}], "pagination": {"current_page": 1, "last_page": 2, "per_page": 1, "total": 2}}"#;
    let odd = r#"{"success": true, "data": [1, 2, 3], "pagination": {"current_page": 2, "last_page": 2, "per_page": 1, "total": 2}}"#;
    let server = Scripted::start(vec![Reply::json(200, first), Reply::json(200, odd)]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "1", "-o", "csv"]);
    let output = run(all);
    assert_ne!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("agent-1") && !stdout(&output).contains('{'), "{}", stdout(&output));

    let made = r#"{"success": true, "data": {"call_id": 42}}"#;
    for (format, written) in [("csv", false), ("json", true)] {
        let server = Scripted::start(vec![Reply::json(200, made)]);
        let mut call = talkover(&server.base_url(), TOKEN);
        call.args(["calls", "make", AGENT, "+15550101234", "-o", format]);
        let output = run(call);
        assert_eq!(output.status.code(), Some(11), "{format}: {}", stderr(&output));
        assert_eq!(stdout(&output).contains("42"), written, "{format}: {}", stdout(&output));
        assert_eq!(stderr(&output).contains("was not written"), !written, "{format}: {}", stderr(&output));
    }
}

/// A list whose pages carry no page block: `--all` goes on while pages come back full and stops at a short
/// one, every item written once.
#[test]
fn all_follows_full_pages_that_have_no_block() {
    let page = |ids: &[u32]| {
        let items: Vec<String> = ids.iter().map(|i| format!(r#"{{"id": "agent-{i}", "name": "Agent {i}"}}"#)).collect();
        Reply::json(200, format!(r#"{{"success": true, "data": [{}]}}"#, items.join(", ")))
    };
    let server = Scripted::start(vec![page(&[1, 2]), page(&[3, 4]), page(&[5])]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "2", "-o", "id"]);
    let output = run(all);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "agent-1\nagent-2\nagent-3\nagent-4\nagent-5\n");
}

/// A server that ignores `page` (it answers page 1 again) ends `--all` with an error saying the list is
/// incomplete, as the SDK's own pagination does: its items are written once, not twice.
#[test]
fn all_stops_with_an_error_when_the_server_ignores_page() {
    let first = || {
        Reply::json(
            200,
            r#"{"success": true, "data": [{"id": "agent-1", "name": "Agent 1"}], "pagination": {"current_page": 1, "last_page": 3, "per_page": 1, "total": 3}}"#,
        )
    };
    let server = Scripted::start(vec![first(), first()]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "1", "-o", "json"]);
    let output = run(all);
    assert_ne!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("page 1 came back where page 2 was asked for"), "{}", stderr(&output));
    assert_eq!(stdout(&output).matches("agent-1").count(), 1, "{}", stdout(&output));
    // The page read well: nothing says it was not JSON (under `-o json`, no `body_bytes` of it either).
    assert!(!stderr(&output).contains("not JSON"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("body_bytes"), "{}", stderr(&output));
    // Nor to go on from the page the server will not give.
    assert!(!stderr(&output).contains("goes on from there"), "{}", stderr(&output));
}

/// `--all` of a list whose page documents no paging (list-phone-numbers) reads it in one request that asks
/// for no page and no size, and takes it whole, however many items it holds (100, the size `--all` asks
/// of other lists, among them).
#[test]
fn all_reads_a_list_that_comes_whole_in_one_request() {
    // The page's example number, a hundred times over under other ids.
    let example: Value =
        serde_json::from_slice(&std::fs::read(fixtures_dir().join("list-phone-numbers/ok-all-numbers.json")).unwrap())
            .unwrap();
    let mut answer = example["response"]["body"].clone();
    let number = answer["data"][0].clone();
    answer["data"] = (0..100)
        .map(|i| {
            let mut number = number.clone();
            number["id"] = Value::from(format!("pn-{i}"));
            number
        })
        .collect();
    let server = Scripted::start(vec![Reply::json(200, answer.to_string())]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["phone-numbers", "list", "--all", "-o", "id"]);
    let output = run(all);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 100, "{}", stdout(&output));
    let request = server.next_request(Duration::from_secs(20)).expect("the one request");
    assert!(!request.contains("page"), "neither a page nor a size asked for: {request}");
    assert!(server.next_request(Duration::from_millis(300)).is_none(), "one request");
}

/// An empty page whose block says more pages follow ends `--all` with an error saying the list is
/// incomplete: the items of the pages before it are written, the ones it should have held are not lost
/// without a word.
#[test]
fn all_stops_with_an_error_on_an_empty_page_the_counts_contradict() {
    let server = Scripted::start(vec![
        Reply::json(
            200,
            r#"{"success": true, "data": [{"id": "agent-1", "name": "Agent 1"}], "pagination": {"current_page": 1, "last_page": 3, "per_page": 1, "total": 3}}"#,
        ),
        Reply::json(
            200,
            r#"{"success": true, "data": [], "pagination": {"current_page": 2, "last_page": 3, "per_page": 1, "total": 3}}"#,
        ),
    ]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "1", "-o", "id"]);
    let output = run(all);
    assert_ne!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("page 2 came back empty, though its block counts 3 pages"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("not JSON"), "{}", stderr(&output));
    assert_eq!(stdout(&output), "agent-1\n");
}

/// Stopped by Ctrl-C on a terminal while a page of `--all` is awaited, the command leaves its progress
/// line ended, so the shell's prompt does not start on it.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_during_all_leaves_the_progress_line_ended() {
    // Page 1 of 3 from the reference's example; page 2 never comes.
    let example: Value =
        serde_json::from_slice(&std::fs::read(fixtures_dir().join("list-agents/ok-search-paginated.json")).unwrap())
            .unwrap();
    let page = example["response"]["body"].to_string();
    // The hang outlasts the command's own 60-second timeout: the command is stopped long before it ends
    // (the server's thread is left sleeping, and goes with the test process).
    let server = Scripted::start(vec![Reply::json(200, page), Reply::Hang(Duration::from_secs(300))]);

    // A terminal for standard error.
    let (master, slave) = terminal();
    let mut list = talkover(&server.base_url(), TOKEN);
    list.args(["agents", "list", "--all", "-o", "table"]).env("TERM", "xterm").stderr(slave);
    // A test run started in the background (`nohup`, a CI runner's job) ignores SIGINT, and a child inherits
    // that: the command is given Ctrl-C's default action, as on a terminal.
    // SAFETY: only `signal`, which is async-signal-safe, runs between fork and exec.
    unsafe {
        use std::os::unix::process::CommandExt as _;
        list.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let child = list.spawn().unwrap();
    assert!(server.next_request(Duration::from_secs(20)).is_some_and(|l| l.contains("page=1")));
    assert!(server.next_request(Duration::from_secs(20)).is_some_and(|l| l.contains("page=2")));
    // The request is read before the line is drawn: a moment for it to appear.
    std::thread::sleep(Duration::from_millis(300));
    let mut child = child;
    assert!(child.try_wait().unwrap().is_none(), "still waiting for page 2 when stopped");
    // SAFETY: kill is given the id of the child this test started, which has not been waited for yet.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), None, "ended by the signal");
    drop(list);

    let written = written_to(master);
    let line = written.rfind("page 2, ").unwrap_or_else(|| panic!("no progress line: {written:?}"));
    let end = line + written[line..].find(" so far").expect("the line's end") + " so far".len();
    let after = &written[end..];
    assert!(after.starts_with("\r\n") || after.starts_with('\n'), "the line is not ended: {written:?}");
}

/// On a terminal that cannot move its cursor (`TERM=dumb`), `--all`'s progress lines stay one under the
/// other, one every ten seconds at most: no escape sequence reaches it.
#[cfg(target_os = "linux")]
#[test]
fn all_on_a_dumb_terminal_writes_its_progress_without_escapes() {
    let page = |n: u32, data: &str| {
        format!(
            r#"{{"success": true, "data": {data}, "pagination": {{"current_page": {n}, "last_page": 2, "per_page": 1, "total": 2}}}}"#
        )
    };
    for (term, drawn) in [("dumb", false), ("xterm", true)] {
        let server = Scripted::start(vec![
            Reply::json(200, page(1, r#"[{"id": "agent-1", "name": "Agent 1"}]"#)),
            Reply::json(200, page(2, r#"[{"id": "agent-2", "name": "Agent 2"}]"#)),
        ]);
        let (master, slave) = terminal();
        let mut all = talkover(&server.base_url(), TOKEN);
        all.args(["agents", "list", "--all", "--per-page", "1", "-o", "id"]).env("TERM", term).stderr(slave);
        let output = run(all);
        assert_eq!(output.status.code(), Some(0), "TERM={term}");
        assert_eq!(stdout(&output), "agent-1\nagent-2\n", "TERM={term}");
        let written = written_to(master);
        // On a dumb terminal, a line every ten seconds at most: the second page's came too soon.
        assert!(written.contains("page 1, 0 items so far"), "TERM={term}: {written:?}");
        assert_eq!(written.contains("page 2, 1 item so far"), drawn, "TERM={term}: {written:?}");
        assert_eq!(written.contains('\x1b'), drawn, "TERM={term}: {written:?}");
    }
}

/// A pseudo-terminal of 24 rows and 100 columns: the end a test reads and writes, and the end a command
/// is given as its terminal.
#[cfg(target_os = "linux")] // a pseudo-terminal as Linux opens one
fn terminal() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd as _;
    // SAFETY: posix_openpt, grantpt, unlockpt and ptsname_r are called as their manual pages say, on a
    // descriptor this test owns, with a buffer of the size given.
    unsafe {
        let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(fd >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(fd), 0, "grantpt");
        assert_eq!(libc::unlockpt(fd), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(fd, name.as_mut_ptr(), name.len()), 0, "ptsname_r");
        let size = libc::winsize { ws_row: 24, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
        libc::ioctl(fd, libc::TIOCSWINSZ, &size);
        let path = std::ffi::CStr::from_ptr(name.as_ptr()).to_str().unwrap().to_owned();
        (std::fs::File::from_raw_fd(fd), std::fs::OpenOptions::new().read(true).write(true).open(path).unwrap())
    }
}

/// Everything a command wrote to the terminal whose other end is `master`, read until it is empty.
#[cfg(target_os = "linux")] // a pseudo-terminal as Linux opens one
fn written_to(master: std::fs::File) -> String {
    use std::io::Read as _;
    use std::os::fd::AsRawFd as _;
    // SAFETY: fcntl on the descriptor the File owns.
    unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
    let (mut master, mut written) = (master, Vec::new());
    let mut buffer = [0u8; 4096];
    for _ in 0..1000 {
        match master.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => written.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&written).into_owned()
}

/// On a terminal, a delete is asked about first: a no sends nothing and exits 3, a yes sends it, and
/// `--yes` sends it unasked.
#[cfg(target_os = "linux")] // a pseudo-terminal as Linux opens one
#[test]
fn a_delete_on_a_terminal_is_asked_about_first() {
    use std::io::Write as _;
    let acknowledged = r#"{"success": true, "message": "Agent deleted successfully"}"#;
    let server =
        Scripted::start(vec![Reply::json(200, acknowledged.to_owned()), Reply::json(200, acknowledged.to_owned())]);
    let delete = |answer: &str, flags: &[&str]| {
        let (mut master, slave) = terminal();
        // The answer waits in the terminal's input until the command reads it.
        master.write_all(answer.as_bytes()).unwrap();
        let mut command = talkover(&server.base_url(), TOKEN);
        command.args(["agents", "delete", "agent-1"]).args(flags).env("TERM", "xterm");
        command.stdin(slave.try_clone().unwrap()).stderr(slave);
        let output = run(command);
        (output.status.code(), written_to(master))
    };
    let (code, shown) = delete("n\n", &[]);
    assert_eq!(code, Some(3), "{shown}");
    assert!(shown.contains("(agent_id agent-1): send it? [y/N]"), "{shown}");
    assert!(shown.contains("not confirmed, so nothing was sent"), "{shown}");
    assert!(server.requests().is_empty(), "a no sends nothing");
    let (code, shown) = delete("y\n", &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(server.requests(), ["DELETE /api/v1/agents/agent-1 HTTP/1.1"], "a yes sends it");
    let (code, shown) = delete("", &["--yes"]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(!shown.contains("send it?"), "--yes asks nothing: {shown}");
    assert_eq!(server.requests().len(), 1, "--yes sends it");
}

/// `--all` without `--per-page` asks for pages of 100, the most the API serves, not its default of 20.
#[test]
fn all_reads_the_largest_pages_unless_told() {
    let one_page = r#"{"success": true, "data": [{"id": "a", "name": "A"}], "meta": {"current_page": 1, "last_page": 1, "per_page": 100, "total": 1}}"#;
    let server = Scripted::start(vec![Reply::json(200, one_page.to_owned())]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "-o", "id"]);
    let output = run(all);
    assert_eq!((output.status.code(), stdout(&output)), (Some(0), "a\n".to_owned()), "{}", stderr(&output));
    let request = server.requests().remove(0);
    let line = request.lines().next().unwrap_or_default();
    assert!(line.contains("per_page=100") && line.contains("page=1"), "{line}");
}

/// A list that changes while `--all` reads it moves items between pages: one read again on the next
/// page is written once, and standard error says so. A page that fails says where the walk stopped, so
/// that a long export goes on from there.
#[test]
fn all_writes_an_item_read_again_once_and_says_where_it_stopped() {
    let page = |n: u32, ids: &[&str], total: u32| {
        let items: Vec<String> = ids.iter().map(|id| format!(r#"{{"id": "{id}", "name": "Agent {id}"}}"#)).collect();
        let meta = format!(r#"{{"current_page": {n}, "last_page": 3, "per_page": 2, "total": {total}}}"#);
        Reply::json(200, format!(r#"{{"success": true, "data": [{}], "meta": {meta}}}"#, items.join(", ")))
    };
    // An agent created between the first and second page pushes `b` onto the second.
    let server = Scripted::start(vec![page(1, &["a", "b"], 6), page(2, &["b", "c"], 7), page(3, &["d", "e"], 7)]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "2", "-o", "id"]);
    let output = run(all);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "a\nb\nc\nd\ne\n");
    assert!(stderr(&output).contains("warning: 1 item came again on a later page"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("fewer item"), "a list that grew skipped nothing: {}", stderr(&output));

    // A page whose block gives its own last page.
    let paged = |n: u32, ids: &[&str], last: u32, total: u32| {
        let items: Vec<String> = ids.iter().map(|id| format!(r#"{{"id": "{id}", "name": "Agent {id}"}}"#)).collect();
        let meta = format!(r#"{{"current_page": {n}, "last_page": {last}, "per_page": 2, "total": {total}}}"#);
        Reply::json(200, format!(r#"{{"success": true, "data": [{}], "meta": {meta}}}"#, items.join(", ")))
    };
    // Two agents deleted between the first and second page move `c` and `d` onto the first, already read:
    // they are never seen, and standard error says as many may be missing.
    let server = Scripted::start(vec![page(1, &["a", "b"], 6), paged(2, &["e", "f"], 2, 4)]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "2", "-o", "id"]);
    let output = run(all);
    assert_eq!((output.status.code(), stdout(&output)), (Some(0), "a\nb\ne\nf\n".to_owned()), "{}", stderr(&output));
    let warned = "warning: the list held 2 fewer items while it was read (deleted meanwhile), so as many others may";
    assert!(stderr(&output).contains(warned), "{}", stderr(&output));

    // A fall after a rise counts too: 6, then 8 (two added), then 7 (one deleted, `e` moving onto a page
    // already read).
    let script = vec![
        paged(1, &["a", "b"], 3, 6),
        paged(2, &["c", "d"], 4, 8),
        paged(3, &["f", "g"], 4, 7),
        paged(4, &["h"], 4, 7),
    ];
    let server = Scripted::start(script);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["agents", "list", "--all", "--per-page", "2", "-o", "id"]);
    let output = run(all);
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (Some(0), "a\nb\nc\nd\nf\ng\nh\n".to_owned()),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("the list held 1 fewer item while"), "{}", stderr(&output));

    // The second page fails: the first page's items are out, and the warning names the page to go on from.
    let server = Scripted::start(vec![page(1, &["a", "b"], 6), server_error(500)]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["--max-retries", "0", "agents", "list", "--all", "--per-page", "2"]);
    // The page size goes with the page to go on from: page 2 of 100 items is not page 2 of 2.
    let hint = "--all stopped at page 2 after 2 items (written); `--page 2 --per-page 2 --all` goes on";
    let output = fails_with(all, 9, hint);
    // The first page failing: nothing was written.
    let server = Scripted::start(vec![server_error(500)]);
    let mut first = talkover(&server.base_url(), TOKEN);
    first.args(["--max-retries", "0", "agents", "list", "--all"]);
    fails_with(first, 9, "--all stopped at page 1 before any item was written; `--page 1 --per-page 100 --all`");
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
    assert!(!stderr(&output).contains("came again"), "{}", stderr(&output));

    // With `-o json`, every line on standard error is JSON, the warning's facts among its fields.
    let server = Scripted::start(vec![page(1, &["a", "b"], 6), server_error(500)]);
    let mut all = talkover(&server.base_url(), TOKEN);
    all.args(["--max-retries", "0", "agents", "list", "--all", "--per-page", "2", "-o", "json"]);
    let output = run(all);
    assert_eq!(output.status.code(), Some(9), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stderr(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: not JSON: {line}")))
        .collect();
    let warning = lines.iter().find_map(|line| line.get("warning")).expect("a warning line");
    let facts = (warning["resume_page"].as_u64(), warning["per_page"].as_u64(), warning["written"].as_u64());
    assert_eq!(facts, (Some(2), Some(2), Some(2)), "{warning}");
    assert!(lines.iter().any(|line| line.get("error").is_some()), "{lines:?}");
}
