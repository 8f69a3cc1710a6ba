//! The command line around the operations: friendly names, output formats, `--all`, errors and their exit
//! codes, the token, `--help`, `talkover mock`.

use crate::common;

use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;
use talkover_mock::Server;

#[test]
fn friendly_names_run_their_operations() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());

    let mut list = talkover(&url, &token);
    list.args(["agents", "list"]);
    assert_eq!(json(list)["data"][0]["id"], AGENT);

    let mut call = talkover(&url, &token);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    let placed = json(call);
    assert_eq!(
        (placed["data"]["to"].as_str(), placed["data"]["agent_id"].as_str()),
        (Some("+15550101234"), Some(AGENT))
    );

    let mut calls = talkover(&url, &token);
    calls.args(["calls", "list", "--query", "per_page=5"]);
    let calls = json(calls);
    assert_eq!(calls["data"][0]["to"], "+15550101234", "{calls}");

    let mut unpublish = talkover(&url, &token);
    unpublish.args(["agents", "unpublish", AGENT]);
    json(unpublish);
    let mut publish = talkover(&url, &token);
    publish.args(["agents", "publish", AGENT]);
    json(publish);
    let mut get = talkover(&url, &token);
    get.args(["agents", "get-agent", AGENT]); // the operation id works too
    assert_eq!(json(get)["data"]["current_status"], "published");
}

#[test]
fn all_pages_come_as_ndjson_or_one_table_and_a_terminal_format_is_a_table() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let example = example("create-agent").body.expect("create-agent's example has a body");
    for i in 0..3 {
        let mut body = example.clone();
        body["name"] = Value::from(format!("Agent {i}"));
        let mut create = talkover(&url, &token);
        create.args(["agents", "create", "--data", &body.to_string()]);
        json(create);
    }
    let mut all = talkover(&url, &token);
    all.args(["agents", "list", "--all", "--per-page", "1"]);
    let output = run(all);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "the example agent and three more, one a line");
    assert_eq!(lines[0]["id"], AGENT);

    let mut table = talkover(&url, &token);
    table.args(["agents", "list", "--output", "table"]);
    let text = stdout(&run(table));
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(&header[..2], ["ID", "NAME"], "{text}");
    assert!(text.contains("Agent 2"), "{text}");

    let mut every = talkover(&url, &token);
    every.args(["agents", "list", "--all", "--per-page", "1", "-o", "table"]);
    let text = stdout(&run(every));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "a header, four rows and the count: {text}");
    assert_eq!(&lines[0].split_whitespace().collect::<Vec<_>>()[..2], ["ID", "NAME"], "{text}");
    assert!(lines[1].starts_with(AGENT) && lines[4].contains("Agent 2"), "{text}");
    assert_eq!(lines[5], "4 in all");

    let mut one = talkover(&url, &token);
    one.args(["agents", "get", AGENT, "-o", "table"]);
    let text = stdout(&run(one));
    assert!(text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["name", "SupportBot"]), "{text}");
}

/// A body built field by field: typed values, text, nested keys and lists, set over `--data` in the order
/// given.
#[test]
fn a_body_is_built_from_fields_over_the_data() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let mut create = talkover(&url, &token);
    create.args(["campaigns", "create", "--data", r#"{"name": "From data", "timezone": "UTC", "days_of_week": [5]}"#]);
    create.args(["-f", "name=From fields", "-f", "campaign_type=sales", "-f", &format!("agent_id={AGENT}")]);
    create.args(["-f", "start_date=2030-01-07", "-F", "days_of_week[]=1", "--field", "days_of_week[]=3"]);
    create.args(["-F", r#"call_time_ranges=[{"start": "09:00", "end": "17:00"}]"#, "--raw-field", "description=42"]);
    let campaign = json(create)["data"].clone();
    assert_eq!(campaign["name"], "From fields", "a field is set over --data: {campaign}");
    assert_eq!(campaign["timezone"], "UTC", "what no field sets stays: {campaign}");
    assert_eq!(campaign["days_of_week"], serde_json::json!([1, 3]), "{campaign}");
    assert_eq!(campaign["call_time_ranges"][0]["end"], "17:00", "{campaign}");
    assert_eq!(campaign["description"], "42", "a raw field is text: {campaign}");

    let mut nested = talkover(&url, &token);
    nested.args(["campaigns", "create", "-f", "name.first=x"]);
    let output = run(nested);
    assert_eq!(output.status.code(), Some(3), "a field the operation does not know: {}", stderr(&output));
    let mut broken = talkover(&url, &token);
    let full = serde_json::json!({"name": "N", "campaign_type": "sales", "agent_id": AGENT, "start_date": "2030-01-07",
        "days_of_week": [1], "call_time_ranges": [{"start": "09:00", "end": "17:00"}], "timezone": "UTC"});
    broken.args(["campaigns", "create", "--data", &full.to_string(), "-F", "days_of_week=[1,"]);
    let output = run(broken);
    // Not JSON, so text (as gh has it), which a list field does not take: refused, naming the field.
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("body.days_of_week") && stderr(&output).contains("sequence"),
        "{}",
        stderr(&output)
    );
    let mut get = talkover(&url, &token);
    get.args(["agents", "get", AGENT, "-f", "name=x"]);
    assert_eq!(run(get).status.code(), Some(2), "an operation without a body has no fields");

    // A misspelt field or query parameter is refused with the name it most likely meant; a name near none
    // is refused alone.
    let mut misspelt = talkover(&url, &token);
    misspelt.args(["campaigns", "update", "c-1", "-f", "naem=Renewals", "-f", "zzz=1"]);
    let output = run(misspelt);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("body `naem` (did you mean `name`?), body `zzz`;"), "{}", stderr(&output));
    // A misspelt required field is named beside the one it stands for.
    let mut required = talkover(&url, &token);
    required.args(["agents", "create-webhook", AGENT, "-f", "NAME=Hook", "-f", "webhook_url=https://example.com/h"]);
    required.args(["-F", "events[]=event_phone_call_ended"]);
    fails_with(required, 3, "needs -f name=… (not `NAME`)");
    // Every mistake in one run: a required field given under a shorter name, and one the operation does
    // not know at all.
    let mut both = talkover(&url, &token);
    both.args(["campaigns", "create-webhook", "c-1", "-f", "name=Hook", "-f", "url=https://example.com/h"]);
    both.args(["-f", "secret=s3cret-value", "-F", "events[]=campaign.started"]);
    fails_with(
        both,
        3,
        "needs -f webhook_url=… (not `url`), and does not know body `secret` (did you mean `webhook_secret`?);",
    );
    let mut query = talkover(&url, &token);
    query.args(["agents", "list", "--query", "per_pag=5"]);
    let output = run(query);
    assert!(stderr(&output).contains("query `per_pag` (did you mean `per_page`?)"), "{}", stderr(&output));
    // With -o json, each name it does not know is a field error beside the missing ones.
    for (args, expected) in [
        (vec!["agents", "list", "--query", "per_pag=5"], vec!["query.per_pag"]),
        (
            vec!["campaigns", "create-webhook", "c-1", "-f", "name=Hook", "-f", "zzz=1"],
            vec!["body.events", "body.webhook_url", "body.zzz"],
        ),
    ] {
        let mut refused = talkover(&url, &token);
        refused.args(&args).args(["-o", "json"]);
        let output = run(refused);
        let error: Value = serde_json::from_str(stderr(&output).trim()).unwrap();
        let fields: Vec<&String> = error["error"]["field_errors"].as_object().unwrap().keys().collect();
        assert_eq!(fields, expected, "{error}");
    }
    // A name shortened to the last of its words: the one field that ends with it.
    let mut shortened = talkover(&url, &token);
    shortened.args(["agents", "update-webhook", AGENT, "w-1", "-f", "secret=s3cr3t-value"]);
    fails_with(shortened, 3, "body `secret` (did you mean `webhook_secret`?)");
    // A field also given as a positional argument is named as the usage shows it.
    let mut call = talkover(&url, &token);
    call.args(["calls", "make", AGENT]);
    fails_with(call, 3, "make-call needs TO (or -f to=…)");
    // An enumeration's value is text (`-f`), as the examples give it; the JSON form lists every missing
    // field as an answer's 422 does.
    let mut agent = talkover(&url, &token);
    agent.args(["agents", "create", "-f", "name=x", "-o", "json"]);
    let output = run(agent);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let error: Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert!(error["error"]["message"].as_str().unwrap().contains("-f language=…"), "{error}");
    let fields = error["error"]["field_errors"].as_object().unwrap();
    assert_eq!(fields["body.language"], serde_json::json!(["is required"]), "{error}");
    assert_eq!(fields.len(), 13, "every required field but the name: {error}");
}

/// `-F NAME=@path` reads the value from a file (`@-` from standard input) by the field's type: a field of
/// text takes the file's text as it is but for one last line break, any other type the file's JSON; `-f`
/// keeps `@` as it is; a file that cannot be read, or holds no JSON for a field that is not text, is a
/// wrong argument naming its path.
#[test]
fn a_field_is_read_from_a_file_or_stdin_and_raw_fields_keep_the_at_sign() {
    let dir = scratch("field-files");
    let file = |name: &str, content: &str| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    };
    let text = file("description.txt", "Calls \"every\" lead\nsecond line\n");
    let ranges = file("ranges.json", "[{\"start\": \"09:00\", \"end\": \"17:00\"}]\n");
    let update = |extra: &[&str]| {
        let mut command = talkover("http://127.0.0.1:9/api/v1", "talq_unused");
        command.args(["campaigns", "update", "camp-1", "--dry-run"]).args(extra);
        command
    };
    let body = |command| json(command)["body"].clone();

    let sent = body(update(&[
        "-F",
        &format!("description=@{text}"),
        "-F",
        &format!("call_time_ranges=@{ranges}"),
        "-f",
        "name=@team",
    ]));
    assert_eq!(sent["description"], "Calls \"every\" lead\nsecond line", "text, its last line break removed: {sent}");
    assert_eq!(sent["call_time_ranges"][0]["end"], "17:00", "JSON as such: {sent}");
    assert_eq!(sent["name"], "@team", "a raw field never reads a file: {sent}");

    // A field of text takes the text as it is, whatever it would read as in JSON; any other type its JSON.
    let digits = file("digits.txt", "12345\n");
    let quoted = file("quoted.txt", "\"quoted\"\r\n");
    let two_breaks = file("two-breaks.txt", "line\n\n");
    let three = file("three.txt", "3\n");
    let sent = body(update(&[
        "-F",
        &format!("name=@{digits}"),
        "-F",
        &format!("description=@{quoted}"),
        "-F",
        &format!("timezone=@{two_breaks}"),
        "-F",
        &format!("agent_id=@{digits}"),
        "-F",
        &format!("max_retries=@{three}"),
        "-F",
        &format!("days_of_week[]=@{three}"),
        "-F",
        &format!("auto_dnc_trigger_errors[]=@{digits}"),
    ]));
    assert_eq!(sent["name"], "12345", "digits in a text field stay text: {sent}");
    assert_eq!(sent["description"], "\"quoted\"", "quotes kept, \\r\\n removed: {sent}");
    assert_eq!(sent["timezone"], "line\n", "one line break removed, not two: {sent}");
    assert_eq!(sent["agent_id"], "12345", "an identifier is text: {sent}");
    assert_eq!((&sent["max_retries"], &sent["days_of_week"]), (&serde_json::json!(3), &serde_json::json!([3])));
    assert_eq!(sent["auto_dnc_trigger_errors"], serde_json::json!(["12345"]), "a list of text's item: {sent}");
    let broken = file("broken.json", "[{\"start\": \"09:00\"");
    let output = fails_with(update(&["-F", &format!("call_time_ranges=@{broken}")]), 2, "is not JSON");
    assert!(stderr(&output).contains(&broken) && stderr(&output).contains("call_time_ranges"), "{}", stderr(&output));
    fails_with(update(&["-F", &format!("max_retries=@{text}")]), 2, "the field max_retries reads integer");

    let output = run_with_input(update(&["-F", "description=@-"]), "From stdin\n");
    assert!(output.status.success(), "{}", stderr(&output));
    let sent: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sent["body"]["description"], "From stdin", "{sent}");

    // A secret read from a file (a password) goes without the line break its file ends with (a dry run
    // does not show it: the request is read where it arrives).
    let password = file("password.txt", "s3cret 42\n");
    let server = common::scripted::Scripted::start(vec![common::scripted::Reply::json(500, "{}")]);
    let mut trunk = talkover(&server.base_url(), "talq_unused");
    trunk.args(["sip-trunks", "create", "--max-retries", "0", "-f", "name=N", "-f", "provider_name=P"]);
    trunk.args(["-f", "domain=d.example", "-f", "username=u", "-F", &format!("password=@{password}")]);
    run(trunk);
    let (_, sent) = server.next_message(std::time::Duration::from_secs(10)).expect("the request");
    assert_eq!(serde_json::from_slice::<Value>(&sent).unwrap()["password"], "s3cret 42");

    let missing = dir.join("no-such-file.txt");
    let output = fails_with(update(&["-F", &format!("description=@{}", missing.display())]), 2, "cannot read the file");
    assert!(stderr(&output).contains(&missing.display().to_string()), "names the path: {}", stderr(&output));
    let output = fails_with(update(&["--data", &format!("@{}", missing.display())]), 2, "cannot read the file");
    assert!(stderr(&output).contains(&missing.display().to_string()), "{}", stderr(&output));
    std::fs::write(dir.join("binary"), [0xff, 0xfe, 0x00]).unwrap();
    let binary = format!("description=@{}", dir.join("binary").display());
    fails_with(update(&["-F", &binary]), 2, "not UTF-8 text");
    fails_with(update(&["-F", "description=@"]), 2, "no file named");
    let json_error = update(&["-F", &format!("description=@{}", missing.display()), "-o", "json"]);
    let error: Value = serde_json::from_str(stderr(&run(json_error)).trim()).unwrap();
    assert_eq!((error["error"]["kind"].as_str(), error["error"]["exit_code"].as_u64()), (Some("usage"), Some(2)));
}

/// A value given with the other flag is refused before sending, saying which flag gives it: `-F` reads
/// JSON (`12345` is a number), `-f` gives text.
/// `talkover sip-trunks create` with the fields a trunk requires, each given as text (`-f`).
/// A create-sip-trunk with every required field, its password read from a file (given on the command
/// line, it would be warned of).
fn create_trunk(url: &str, token: &str) -> Command {
    let password = scratch(&format!("trunk-password-{token}")).join("password");
    std::fs::write(&password, "pw-12345").unwrap();
    let mut create = talkover(url, token);
    create.args(["sip-trunks", "create", "-f", "name=Main", "-f", "provider_name=carrier"]);
    create.args(["-f", "domain=sip.example.com", "-f", "username=user_1", "-F"]);
    create.arg(format!("password=@{}", password.display()));
    create
}

/// A secret given on the command line is warned of (the machine's other users see it with ps); from a
/// file or standard input, or from the environment, it is not. An argument without `=` is shown by its
/// start only, as it may be a secret whose name was left out.
#[test]
fn a_secret_on_the_command_line_is_warned_of() {
    let url = "http://127.0.0.1:9/api/v1";
    let mut inline = talkover(url, "talq_inline");
    inline.args(["sip-trunks", "create", "-f", "name=Main", "-f", "provider_name=carrier", "-f"]);
    inline.args(["domain=sip.example.com", "-f", "username=user_1", "-f", "password=pw-12345", "--dry-run"]);
    let output = run(inline);
    assert!(output.status.success(), "{output:?}");
    let warned = stderr(&output);
    assert!(warned.contains("warning: the value of `password` is on the command line"), "{warned}");
    assert!(warned.contains("-F password=@-"), "{warned}");
    assert!(!warned.contains("pw-12345"), "{warned}");
    // A secret given as digits (a payload's PIN) is no text of the request: the dry run hides it all the same.
    let mut pin = talkover(url, "talq_pin");
    pin.args(["calls", "make", AGENT, "+15550101234", "-F", "payload.pin=98765432", "--dry-run", "-o", "json"]);
    pin.args(["-F", r#"payload.credentials={"user":"alice","pass":"opensesame1"}"#, "-F", "payload.otp=[9,8,7,6]"]);
    let output = run(pin);
    assert!(output.status.success(), "{output:?}");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(!shown.contains("98765432") && shown.contains("[redacted]"), "{shown}");
    assert!(!shown.contains("opensesame1") && !shown.contains("alice") && !shown.contains("\"otp\": ["), "{shown}");
    let mut from_file = create_trunk(url, "talq_from_file");
    from_file.arg("--dry-run");
    let output = run(from_file);
    assert!(output.status.success() && !stderr(&output).contains("warning"), "{output:?}");
    let mut nameless = talkover(url, "talq_nameless");
    nameless.args(["sip-trunks", "create", "-F", "hunter2-password", "--dry-run"]);
    let output = fails_with(nameless, 2, "takes NAME=VALUE");
    assert!(!stderr(&output).contains("hunter2-password"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("hunt"), "{}", stderr(&output));
    assert!(stderr(&output).contains("an argument of 16 characters without `=`"), "{}", stderr(&output));
    // A known field's name without its value is shown, to be fixed.
    let mut bare = talkover(url, "talq_bare");
    bare.args(["sip-trunks", "create", "-F", "password", "--dry-run"]);
    fails_with(bare, 2, "`password` has no `=VALUE`: write `-F password=VALUE`");
    // A space where `=` belongs: the value, which the parser found unexpected, is not repeated.
    for format in ["table", "json"] {
        let mut spaced = talkover(url, "talq_spaced");
        spaced.args(["-o", format, "sip-trunks", "create", "-f", "name=N", "-F", "password", "Sup3rSecretPW"]);
        let output = fails_with(spaced, 2, "`password` is followed by its value as an argument of its own");
        assert!(!stderr(&output).contains("Sup3rSecretPW"), "{}", stderr(&output));
    }
    // A JSON value holding a secret field is warned of; broken, it is not repeated in the error.
    let mut action = talkover(url, "talq_action");
    action.args(["agents", "create-action", AGENT, "--dry-run", "-f", "node_id=n1", "-f", "name=N", "-f"]);
    action.args(["description=D", "-f", "type=external", "-F", r#"config={"password":"CfgPassw0rd99"}"#]);
    let output = run(action);
    assert!(stderr(&output).contains("warning: the value of `config` is on the command line"), "{output:?}");
    // A credential of the service's own naming (`client_secret`) as well as the SDK's names.
    // An escaped quote in a value before it does not hide the key.
    for (name, value, before) in [
        ("password", "CfgPassw0rd99", ""),
        ("client_secret", "CfgSecretVal99", ""),
        ("clientsecret", "CfgSecretVal98", r#""note":"a\"b","#),
    ] {
        let mut broken = talkover(url, "talq_broken");
        broken.args(["agents", "create-action", AGENT, "--dry-run", "-f", "node_id=n1", "-f", "name=N", "-f"]);
        let config = format!(r#"config={{{before}"{name}":"{value}",}}"#);
        broken.args(["description=D", "-f", "type=external", "-F", &config]);
        let output = fails_with(broken, 3, "config");
        assert!(!stderr(&output).contains(value), "{}", stderr(&output));
    }
    // A body given inline that holds a secret field is warned of too.
    let mut data = talkover(url, "talq_data");
    data.args(["sip-trunks", "create", "--dry-run", "-d"]);
    data.arg(r#"{"name":"Main","provider_name":"c","domain":"sip.example.com","username":"u","password":"pw-12345"}"#);
    let output = run(data);
    assert!(output.status.success(), "{output:?}");
    assert!(stderr(&output).contains("warning: the body given with --data holds a secret field"), "{output:?}");
}

#[test]
fn a_value_given_with_the_other_flag_says_which_flag_gives_it() {
    let url = "http://127.0.0.1:9/api/v1";
    let mut numeric = talkover(url, "talq_flags");
    numeric.args(["calls", "make", AGENT, "-F", "to=15550101234", "--dry-run"]);
    fails_with(numeric, 3, "a text is given with -f: -f to=15550101234");
    let mut texty = create_trunk(url, "talq_flags");
    texty.args(["-f", "is_active=true", "--dry-run"]);
    fails_with(texty, 3, "a number or true/false is given with -F: -F is_active=true");
    // Given with -F already, it is the value that is no number, not the flag.
    let mut not_a_number = create_trunk(url, "talq_flags");
    not_a_number.args(["-F", "is_active=yes", "--dry-run"]);
    let output = fails_with(not_a_number, 3, "\"yes\" is not a number or true/false");
    assert!(!stderr(&output).contains("given with -F"), "{}", stderr(&output));
    // A missing list is asked for an item at a time.
    let mut no_files = talkover(url, "talq_flags");
    no_files.args(["campaigns", "trigger-sftp-export", "c-1", "--dry-run"]);
    fails_with(no_files, 3, "needs -f 'file_data_ids[]=…'");
    // A value from --data has no such hint: the JSON is what to fix, and -F would send the same text.
    let mut from_data = talkover(url, "talq_flags");
    from_data.args(["calls", "make", AGENT, "-d", r#"{"to": 15550101234}"#, "--dry-run"]);
    let output = fails_with(from_data, 3, "to");
    assert!(!stderr(&output).contains("is given with"), "{}", stderr(&output));
    // With -o json, the field at fault is a field error, as any refusal's.
    let mut texty = create_trunk(url, "talq_flags");
    texty.args(["-f", "is_active=true", "--dry-run", "-o", "json"]);
    let output = run(texty);
    let error: Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    let fields: Vec<&String> = error["error"]["field_errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["body.is_active"], "{error}");
}

/// `--dry-run` shows the request without sending it, with no token needed and none shown; a command
/// takes only the flags its operation has (no body for a DELETE, no `--all` for one item).
#[test]
fn a_dry_run_shows_the_request_and_sends_nothing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let secret = "talq_secret_for_the_dry_run";
    let mut dry = talkover(&url, secret);
    dry.args(["calls", "make", AGENT, "+1 555 010 1234", "-F", "context.crm_id=42", "--dry-run"]);
    let shown = json(dry);
    assert_eq!(shown["method"], "POST");
    assert_eq!(shown["url"], format!("{url}/agents/{AGENT}/call"));
    assert_eq!(shown["body"], serde_json::json!({"to": "+1 555 010 1234", "context": {"crm_id": 42}}));
    assert!(!shown.to_string().contains(secret), "{shown}");
    assert!(listener.accept().is_err(), "nothing was sent");

    // The request's secrets are not shown either: a dry run's output is what a CI log keeps.
    let mut trunk = talkover(&url, secret);
    trunk.args(["sip-trunks", "create", "-f", "name=Carrier", "-f", "provider_name=carrier-x"]);
    trunk.args(["-f", "domain=sip.carrier-x.com", "-f", "username=u", "-f", "password=pw-0ne", "--dry-run"]);
    let shown = json(trunk);
    assert_eq!(
        (&shown["body"]["password"], &shown["body"]["username"]),
        (&serde_json::json!("[redacted]"), &serde_json::json!("u"))
    );
    assert!(!shown.to_string().contains("pw-0ne"), "{shown}");
    let mut hook = talkover(&url, secret);
    hook.args(["agents", "create-webhook", AGENT, "-f", "name=Hook", "-f", "webhook_url=https://example.com/h"]);
    hook.args(["-F", "events=[\"event_phone_call_ended\"]", "-f", "webhook_secret=whsec_in_the_log"]);
    hook.args(["-F", r#"custom_headers=[{"key":"Authorization","value":"Bearer supersecret"}]"#, "--dry-run"]);
    let shown = json(hook);
    assert_eq!(shown["body"]["webhook_secret"], "[redacted]", "{shown}");
    assert_eq!(shown["body"]["custom_headers"][0], serde_json::json!({"key": "Authorization", "value": "[redacted]"}));

    let mut tokenless = talkover(&url, "");
    tokenless.env_remove("TALKOVER_TOKEN").args(["agents", "list", "--per-page", "5", "--dry-run"]);
    assert_eq!(json(tokenless)["url"], format!("{url}/agents?per_page=5"));
    // A negative number is a value to check, not a flag: the refusal names the parameter.
    let mut negative = talkover(&url, secret);
    negative.args(["agents", "list", "--page", "-1", "--dry-run"]);
    fails_with(negative, 3, "query.page");

    for args in [
        &["agents", "delete", AGENT, "-F", "force=true"][..],
        &["agents", "publish", AGENT, "--data", "{}"],
        &["agents", "get", AGENT, "--all"],
    ] {
        let mut refused = talkover(&url, secret);
        refused.args(args);
        assert_eq!(run(refused).status.code(), Some(2), "{args:?}");
    }
}

/// Amounts keep their digits both ways: the balance as the API writes it (`250.00`, not `250.0`), and a
/// body's number as it was given (`100.10`, and seventeen significant digits unrounded).
#[test]
fn amounts_are_printed_and_sent_with_the_digits_they_have() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let mut balance = talkover(&url, &token);
    balance.args(["credits", "get-balance", "-o", "json"]);
    let printed = stdout(&run(balance)).replace(' ', "");
    assert!(printed.contains(r#""balance":250.00"#), "{printed}");

    for amount in ["100.10", "12345678901234567.89"] {
        let mut purchase = talkover(&url, &token);
        purchase.args([
            "credits",
            "purchase",
            "-F",
            &format!("amount={amount}"),
            "-F",
            "payment_method_id=1",
            "--dry-run",
        ]);
        let shown = stdout(&run(purchase)).replace(' ', "");
        assert!(shown.contains(&format!(r#""amount":{amount}"#)), "{shown}");
    }
}

/// A `null` is sent where an update can remove the field; elsewhere it reads as unset, and standard
/// error says it was not sent.
#[test]
fn a_null_is_sent_where_the_update_removes_the_field_and_said_not_sent_elsewhere() {
    let url = "http://127.0.0.1:9/api/v1";
    let mut clear = talkover(url, "talq_nulls");
    clear.args(["sip-trunks", "update", "trunk-1", "-F", "outbound_proxy=null", "-F", "name=null", "--dry-run"]);
    let output = run(clear);
    assert!(output.status.success(), "{output:?}");
    let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["body"], serde_json::json!({"outbound_proxy": null}), "{shown}");
    let warned = String::from_utf8_lossy(&output.stderr);
    assert!(warned.contains("warning: `name: null` is not sent: update-sip-trunk reads it as unset"), "{warned}");
    assert!(!warned.contains("outbound_proxy"), "{warned}");

    // A misspelt name is refused, given as null as well as with a value: it is no field left unset.
    let mut misspelt = talkover(url, "talq_nulls");
    misspelt.args(["sip-trunks", "update", "trunk-1", "-F", "outbond_proxy=null", "--dry-run"]);
    let output = run(misspelt);
    let refused = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{refused}");
    assert!(refused.contains("`outbond_proxy` (did you mean `outbound_proxy`?)"), "{refused}");

    // Creating, a null is what it reads as there, "not set": nothing to warn of.
    let mut create = create_trunk(url, "talq_nulls");
    create.args(["-F", "outbound_proxy=null", "--dry-run"]);
    let output = run(create);
    assert!(output.status.success(), "{output:?}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning"), "{output:?}");
}

/// `operations` with words lists the operations that hold them all, in their id, command, path or summary.
#[test]
fn operations_are_found_by_their_words() {
    let mut found = talkover("http://127.0.0.1:9/api/v1", "");
    found.args(["operations", "Webhook", "LOG", "-o", "id"]);
    let ids = stdout(&run(found));
    let ids: Vec<&str> = ids.lines().collect();
    assert_eq!(
        ids,
        [
            "list-webhook-logs",
            "retry-webhook-log",
            "delete-campaign-webhook",
            "list-campaign-webhook-logs",
            "retry-campaign-webhook-log"
        ]
    );
    let mut none = talkover("http://127.0.0.1:9/api/v1", "");
    none.args(["operations", "no-such-word", "-o", "id"]);
    assert_eq!(stdout(&run(none)), "");
}

#[test]
fn completion_scripts_name_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let mut completion = Command::new(BIN);
        completion.args(["completion", shell]).stdout(Stdio::piped());
        let output = run(completion);
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        // Commands, flags, and an enumeration's documented values (`calls list --status`).
        for word in ["campaigns", "create-webhook", "per-page", "raw-field", "no-answer"] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    // The values are offered, not imposed: one the API adds later is still sent.
    let mut later = talkover("http://127.0.0.1:9/api/v1", "talq_unused");
    later.args(["calls", "list", "--status", "on-hold", "--dry-run"]);
    assert_eq!(json(later)["url"], "http://127.0.0.1:9/api/v1/calls?status=on-hold");
    let mut unknown = Command::new(BIN);
    unknown.args(["completion", "tcsh"]).stderr(Stdio::piped());
    assert_eq!(run(unknown).status.code(), Some(2));
}

#[test]
fn errors_show_kind_status_message_fields_and_request_id_with_their_exit_code() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());

    let mut missing = talkover(&url, &token);
    missing.args(["campaigns", "get", "no-such-campaign"]);
    let output = run(missing);
    assert_eq!(output.status.code(), Some(5));
    let shown = stderr(&output);
    assert!(shown.starts_with("error: not_found (404)"), "{shown}");
    assert!(shown.contains("Campaign not found") && shown.contains("request id: mock-"), "{shown}");

    let campaign = active_campaign(&url, &token);
    let mut invalid = talkover(&url, &token);
    invalid.args(["campaigns", "make-call", &campaign, "12"]);
    let output = run(invalid);
    let shown = stderr(&output);
    // Not E.164: a number's form is the API's to judge, and its 422 names the field.
    assert_eq!(output.status.code(), Some(7), "{shown}");
    assert!(shown.starts_with("error: validation (422)"), "{shown}");
    assert!(shown.contains("to: The to must be a valid phone number."), "the field problem is shown: {shown}");

    let mut incomplete = talkover(&url, &token);
    incomplete.args(["agents", "create", "--data", r#"{"name":"x"}"#]);
    let output = run(incomplete);
    assert_eq!(output.status.code(), Some(3), "refused before sending: {}", stderr(&output));
    // A text is named with `-f`, which always sends a string (an enumeration's value too); other values
    // with `-F`.
    for missing in ["-f label=", "-f language=", "-F enable_recording="] {
        assert!(stderr(&output).contains(missing), "every missing field at once: {}", stderr(&output));
    }
    let mut no_range = talkover(&url, &token);
    no_range.args(["calendars", "query-availability", "calendar-uuid-1"]);
    let output = run(no_range);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("needs --from, --to"), "{}", stderr(&output));

    let mut refused = talkover(&url, &token);
    refused.args(["agents", "list", "--query", "per_page=1000"]);
    let output = run(refused);
    assert_eq!(output.status.code(), Some(3), "refused before sending: {}", stderr(&output));

    let mut usage = talkover(&url, &token);
    usage.args(["agents", "get"]);
    assert_eq!(run(usage).status.code(), Some(2));

    // A parameter that takes one value, given twice; a list takes each.
    let mut twice = talkover(&url, &token);
    twice.args(["calls", "list", "--status", "initiated", "--query", "status=ringing"]);
    let output = run(twice);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("`status` takes one value"), "{}", stderr(&output));
    let mut list = talkover(&url, &token);
    list.args(["calendars", "get-events-batch", "--calendar-ids", "a", "--calendar-ids", "b", "--dry-run"]);
    assert!(json(list)["url"].as_str().unwrap().ends_with("calendar_ids%5B%5D=a&calendar_ids%5B%5D=b"));
}

/// `calls wait` reads the agent's calls until the call has ended: exit 15 while it has not when the wait
/// is over, the ended call once it has.
#[test]
fn calls_wait_follows_a_call_to_its_end() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let mut call = talkover(&url, &token);
    call.args(["calls", "make", AGENT, "+15550101234"]);
    let placed = json(call);
    let id = placed["data"]["id"].as_str().expect("the call's id").to_owned();
    // `--to` as `calls make` takes it (international format, spaces and all), not only as the API keeps it.
    let wait = |max_wait: &str| {
        let mut wait = talkover(&url, &token);
        wait.args([
            "calls",
            "wait",
            AGENT,
            &id,
            "--to",
            "+1 555 010 1234",
            "--interval",
            "0.1",
            "--max-wait",
            max_wait,
        ]);
        run(wait)
    };

    // The clock stands still: the call is not over.
    let output = wait("0");
    assert_eq!(output.status.code(), Some(15), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("had not ended") && stderr(&output).contains("its status at the last look was"),
        "{}",
        stderr(&output)
    );

    // With -o json, the last status and the wait are fields of the error, for a script to read.
    let mut quiet = talkover(&url, &token);
    quiet.args(["calls", "wait", AGENT, &id, "--interval", "0.1", "--max-wait", "0", "-o", "json"]);
    let output = run(quiet);
    assert_eq!(output.status.code(), Some(15), "{}", stderr(&output));
    let error: Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert_eq!(
        (error["error"]["kind"].as_str(), error["error"]["last_status"].as_str()),
        (Some("not_ended"), Some("initiated"))
    );
    assert!(error["error"]["waited_s"].is_number(), "{error}");

    // A --max-wait shorter than the interval is waited out, with a last look at its end.
    let mut short = talkover(&url, &token);
    short.args(["calls", "wait", AGENT, &id, "--interval", "5", "--max-wait", "1"]);
    let started = std::time::Instant::now();
    let output = run(short);
    assert_eq!(output.status.code(), Some(15), "{}", stderr(&output));
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "gave up early: {:?}", started.elapsed());

    server.advance_clock(std::time::Duration::from_secs(600));
    let output = wait("30");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ended: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(ended["id"], id.as_str());
    assert_eq!(ended["status"], "completed", "{ended}");
    // As CSV, in the columns of the agent's call list, so that its line joins a file of that list.
    let mut as_csv = talkover(&url, &token);
    as_csv.args(["calls", "wait", AGENT, &id, "--interval", "0.1", "--max-wait", "30", "-o", "csv"]);
    let waited = stdout(&run(as_csv));
    let mut listed = talkover(&url, &token);
    listed.args(["agents", "get-calls", AGENT, "-o", "csv"]);
    let listed = stdout(&run(listed));
    assert_eq!(waited.lines().next(), listed.lines().next(), "{waited}\n{listed}");
    assert!(listed.lines().any(|line| Some(line) == waited.lines().nth(1)), "{waited}\n{listed}");

    // A call id the agent's calls do not hold fails as not found after three looks, not after --max-wait.
    let mut unknown = talkover(&url, &token);
    unknown.args(["calls", "wait", AGENT, "no-such-call", "--interval", "1", "--max-wait", "60"]);
    let started = std::time::Instant::now();
    fails_with(unknown, 5, "call no-such-call is not among the agent's calls");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    let mut unknown = talkover(&url, &token);
    unknown.args(["calls", "wait", AGENT, "no-such-call", "--interval", "0.1", "--max-wait", "60", "-o", "json"]);
    let error: Value = serde_json::from_str(stderr(&run(unknown)).trim()).unwrap();
    assert_eq!((error["error"]["kind"].as_str(), error["error"]["exit_code"].as_u64()), (Some("not_found"), Some(5)));
    // So does one that no look found before a --max-wait shorter than those looks: never seen, not "going on".
    for max_wait in ["0", "0.5"] {
        let mut unknown = talkover(&url, &token);
        unknown.args(["calls", "wait", AGENT, "no-such-call", "--interval", "1", "--max-wait", max_wait]);
        fails_with(unknown, 5, "call no-such-call is not among the agent's calls");
    }

    let mut not_a_number = talkover(&url, &token);
    not_a_number.args(["calls", "wait", AGENT, &id, "--to", "tomorrow", "--max-wait", "0"]);
    fails_with(not_a_number, 2, "--to takes a phone number");
}

/// A look that fails for a reason that may pass is made again until --max-wait, each with a warning, and
/// the wait then ends with that failure's exit code; one that will not pass ends the wait at once.
#[test]
fn calls_wait_looks_again_after_a_failure_that_may_pass_until_max_wait() {
    let failing = Server::builder().error_rate(1.0).start_blocking().unwrap();
    let mut wait = talkover(&failing.base_url(), failing.token());
    wait.args(["calls", "wait", AGENT, "call-1", "--interval", "0.2", "--max-wait", "1.5"]);
    let started = std::time::Instant::now();
    let output = fails_with(wait, 9, "error: server (500)");
    assert!(started.elapsed() >= std::time::Duration::from_millis(1500), "gave up early: {:?}", started.elapsed());
    let warnings =
        stderr(&output).lines().filter(|l| l.starts_with("warning: a look at the agent's calls failed")).count();
    assert!(warnings >= 2, "{}", stderr(&output));

    let mut wrong_token = talkover(&failing.base_url(), "talq_not_the_token");
    wrong_token.args(["calls", "wait", AGENT, "call-1", "--interval", "0.2", "--max-wait", "30"]);
    let started = std::time::Instant::now();
    let output = fails_with(wrong_token, 4, "error:");
    assert!(!stderr(&output).contains("warning:"), "{}", stderr(&output));
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}

/// A 429 asking for longer than the wait has left ends it with exit 8, saying what to lengthen.
#[test]
fn calls_wait_says_to_lengthen_max_wait_for_a_429_it_cannot_wait_out() {
    let limited = Server::builder().rate_limit_burst(100, 30).start_blocking().unwrap();
    let mut wait = talkover(&limited.base_url(), limited.token());
    wait.args(["calls", "wait", AGENT, "call-1", "--interval", "0.2", "--max-wait", "1"]);
    let output = fails_with(wait, 8, "error: rate_limited (429)");
    let says = "retry after: 30 s (not waited for: it does not end within the time left of --max-wait, 1 s; a longer \
                --max-wait waits it out)";
    assert!(stderr(&output).contains(says), "{}", stderr(&output));
}

/// A server that takes the request and never answers holds the wait no longer than --max-wait: the look
/// has the time left of it, not the whole --timeout.
#[test]
fn calls_wait_ends_at_max_wait_when_a_look_gets_no_answer() {
    // Bound and listening, never accepting: the request is taken in and never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v1", silent.local_addr().unwrap());
    let mut wait = talkover(&url, "talq_token");
    wait.args(["--timeout", "60", "calls", "wait", AGENT, "call-1", "--interval", "0.5", "--max-wait", "2"]);
    let started = std::time::Instant::now();
    fails_with(wait, 10, "the time left of --max-wait");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "held past --max-wait: {:?}", started.elapsed());
    drop(silent);
}

/// A base URL where nothing listens ends the wait at its first look, with the transport's exit code, rather
/// than after --max-wait of looks that cannot succeed.
#[test]
fn calls_wait_ends_at_once_when_its_first_look_cannot_connect() {
    let (closed, _held) = common::refusing_address();
    let url = format!("http://{closed}/api/v1");
    let mut wait = talkover(&url, "talq_token");
    wait.args(["--max-retries", "0", "calls", "wait", AGENT, "call-1", "--interval", "0.5", "--max-wait", "600"]);
    let started = std::time::Instant::now();
    let output = fails_with(wait, 10, "error: transport");
    assert!(!stderr(&output).contains("warning:"), "{}", stderr(&output));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
}

/// A call that ended without completing (the emulator ends a call by its number's last four digits) is
/// printed as a completed one is, and exits 16, so that a script tells them apart by the code alone.
#[test]
fn calls_wait_exits_16_for_a_call_that_ended_without_completing() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let mut placed = Vec::new();
    for (number, status) in [("+15550101111", "no-answer"), ("+15550102222", "busy"), ("+15550103333", "failed")] {
        let mut call = talkover(&url, &token);
        call.args(["calls", "make", AGENT, number]);
        let id = json(call)["data"]["id"].as_str().expect("the call's id").to_owned();
        placed.push((number, status, id));
    }
    server.advance_clock(std::time::Duration::from_secs(600));
    for (number, status, id) in &placed {
        let mut wait = talkover(&url, &token);
        wait.args(["calls", "wait", AGENT, id, "--to", number, "--interval", "0.1", "--max-wait", "30", "-o", "json"]);
        let output = run(wait);
        assert_eq!(output.status.code(), Some(16), "{status}: {}", stderr(&output));
        assert!(stderr(&output).is_empty(), "not an error: {}", stderr(&output));
        let ended: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!((ended["id"].as_str(), ended["status"].as_str()), (Some(id.as_str()), Some(*status)), "{ended}");
    }
    let mut help = Command::new(BIN);
    help.args(["calls", "wait", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(help));
    assert!(help.lines().any(|l| l.trim_start().starts_with("16 ") && l.contains("busy")), "{help}");
}

/// `--output id` prints the id of each resource of the answer, one a line: a list's, `--all`'s, a created
/// one's. A request carried out whose answer holds no id exits 17 with nothing on standard output (not 2:
/// a script that retries on wrong arguments would send it again); a command whose output is not the
/// resources of an answer refuses `-o id` (exit 2) before it reads, binds or sends anything.
#[test]
fn output_id_prints_only_the_ids() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let ids = |args: &[&str]| String::from_utf8_lossy(&output_as(&url, &token, args, "id")).into_owned();
    let created = ids(&["agents", "create", "--data", &example("create-agent").body.unwrap().to_string()]);
    let created = created.trim_end_matches('\n');
    assert!(!created.is_empty() && !created.contains(['\n', '{']), "{created:?}");
    assert_eq!(ids(&["agents", "list"]), format!("{AGENT}\n{created}\n"));
    assert_eq!(ids(&["agents", "list", "--all", "--per-page", "1"]), format!("{AGENT}\n{created}\n"));
    let placed = ids(&["calls", "make", AGENT, "+15550101234"]);
    assert_eq!(placed.lines().count(), 1, "{placed}");
    assert!(ids(&["calls", "list"]).lines().any(|l| l == placed.trim_end()), "the call is listed");

    let mut health = talkover(&url, &token);
    health.args(["health", "get", "-o", "id"]);
    let output = fails_with(health, 17, "the request was carried out, but its answer holds no id");
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
    let mut delete = talkover(&url, &token);
    delete.args(["agents", "delete", created, "-o", "id"]);
    let output = fails_with(delete, 17, "carried out");
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    let mut gone = talkover(&url, &token);
    gone.args(["agents", "get", created]);
    assert_eq!(run(gone).status.code(), Some(5), "the delete was carried out");

    let dir = scratch("output-id-refused");
    let csv = dir.join("contacts.csv");
    std::fs::write(&csv, "phone\n+15550100001\n").unwrap();
    let journal = dir.join("journal");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    drop(listener);
    let refused: [&[&str]; 4] = [
        &["agents", "get", AGENT, "--dry-run"],
        &["campaigns", "import", "camp-1", &csv.display().to_string(), "--journal", &journal.display().to_string()],
        &["webhooks", "listen", "--port", &port, "--secret", "whsec_x", "--max-deliveries", "1"],
        &["webhooks", "verify", "--secret", "whsec_x", "--signature", "00", &csv.display().to_string()],
    ];
    for args in refused {
        for format in ["id", "csv"] {
            let mut command = talkover(&url, &token);
            command.args(args).args(["-o", format]).stdin(Stdio::null());
            let output = fails_with(command, 2, &format!("--output {format} does not apply"));
            assert!(output.stdout.is_empty(), "{args:?}: {}", stdout(&output));
        }
    }
    assert!(!journal.exists(), "the import did not start");

    // A new API token is shown once, in the answer: `-o id` would keep its id and lose it, so it is refused
    // before the token is made.
    let tokens = |server_url: &str| {
        let mut list = talkover(server_url, &token);
        list.args(["user", "list-api-tokens", "-o", "json"]);
        json(list)["data"].as_array().expect("a list of tokens").len()
    };
    let before = tokens(&url);
    let mut create = talkover(&url, &token);
    create.args(["user", "create-api-token", "-f", "name=ci", "-o", "id"]);
    let output = fails_with(create, 2, "its answer holds the new token, shown only this once");
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    assert_eq!(tokens(&url), before, "no token was made");
}

/// `-o csv`: a header naming every field the resources have, then a record each, as a CSV reader reads
/// it back: texts as they are, nested values as JSON, missing and null fields empty; the same across pages
/// with `--all`, and one record for one resource.
#[test]
fn output_csv_writes_the_resources_as_records() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let records = |args: &[&str]| {
        let output = output_as(&url, &token, args, "csv");
        let mut reader = csv::Reader::from_reader(output.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        (header, rows)
    };
    let mut create = talkover(&url, &token);
    let mut body = example("create-agent").body.unwrap();
    body["name"] = Value::from("Quotes \"and\", commas\nand a line");
    create.args(["agents", "create", "--data", &body.to_string(), "-o", "id"]);
    let created = stdout(&run(create)).trim().to_owned();

    let (header, rows) = records(&["agents", "list"]);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0][column("id")].as_str(), rows[1][column("id")].as_str()), (AGENT, created.as_str()));
    assert_eq!(rows[1][column("name")], "Quotes \"and\", commas\nand a line");
    let voice: Value = serde_json::from_str(&rows[0][column("voice")]).expect("a nested value is JSON");
    assert!(voice.is_object(), "{voice}");
    assert!(rows.iter().all(|r| r.len() == header.len()));

    assert_eq!(records(&["agents", "list", "--all", "--per-page", "1"]), (header.clone(), rows.clone()));
    let (one_header, one) = records(&["agents", "get", AGENT]);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0][one_header.iter().position(|h| h == "id").unwrap()], AGENT);

    // The records are the resources `-o id` names: one resource, not a list it holds (an event's
    // attendees, a campaign's windows); a voice template group's voices; nothing for no webhooks.
    let ids = |args: &[&str]| {
        String::from_utf8_lossy(&output_as(&url, &token, args, "id")).lines().map(str::to_owned).collect::<Vec<_>>()
    };
    for args in [
        &["calendars", "get-event", "calendar-uuid-1", "event-uuid-1"][..],
        &["voice-templates", "list"],
        &["agents", "list-webhooks", &created],
    ] {
        let (header, rows) = records(args);
        let id = header.iter().position(|h| h == "id");
        let listed: Vec<String> = rows.iter().map(|r| id.map(|i| r[i].clone()).unwrap_or_default()).collect();
        assert_eq!(listed, ids(args), "{args:?}");
    }
    assert!(records(&["agents", "list-webhooks", &created]).1.is_empty());

    // A list's columns are its items' fields, in their order, whatever the items hold: a script reads a
    // column by its place, and an empty list still has its header.
    let (all, _) = records(&["calls", "list"]);
    assert_eq!(all[..2], ["id", "sid"], "{all:?}");
    for status in ["answered", "completed", "busy"] {
        let (header, rows) = records(&["calls", "list", "--status", status]);
        assert_eq!(header, all, "--status {status}");
        assert!(rows.iter().all(|r| r.len() == header.len()));
    }
    let (header, rows) = records(&["calls", "list", "--search", "+19999999999"]);
    assert_eq!((header, rows.len()), (all, 0));
}

/// With `--output json`, a script reads the error's code and fields from one line of JSON on standard error.
#[test]
fn with_json_output_errors_are_json_too() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let error_of = |args: &[&str]| {
        let mut command = talkover(&url, &token);
        command.args(args);
        let output = run(command);
        let shown = stderr(&output);
        let error: serde_json::Value = serde_json::from_str(shown.trim()).unwrap_or_else(|e| panic!("{e}: {shown}"));
        assert_eq!(error["error"]["exit_code"], output.status.code().unwrap(), "{shown}");
        error["error"].clone()
    };
    let missing = error_of(&["campaigns", "get", "no-such-campaign", "-o", "json"]);
    assert_eq!((missing["kind"].as_str(), missing["status"].as_u64()), (Some("not_found"), Some(404)));
    assert!(missing["request_id"].as_str().is_some_and(|id| id.starts_with("mock-")), "{missing}");
    assert_eq!(missing["attempts"], 1);

    let refused = error_of(&["--output", "json", "agents", "get", "agent-1", "--query", "per_page=x"]);
    assert_eq!((refused["kind"].as_str(), refused["exit_code"].as_u64()), (Some("invalid_request"), Some(3)));

    // A number queued twice: the 409 names the call already queued, to carry on with.
    let campaign = active_campaign(&url, &token);
    let mut queue = talkover(&url, &token);
    queue.args(["campaigns", "make-call", &campaign, "+15550109999"]);
    let queued = json(queue);
    let again = error_of(&["campaigns", "make-call", &campaign, "+15550109999", "-o", "json"]);
    assert_eq!((again["code"].as_str(), again["exit_code"].as_u64()), (Some("DUPLICATE_CALL"), Some(6)));
    assert_eq!(again["existing_call"]["id"], queued["campaign_call"]["id"], "{again}");

    // Without it, errors stay text even when the output is piped.
    let mut text = talkover(&url, &token);
    text.args(["campaigns", "get", "no-such-campaign"]);
    assert!(stderr(&run(text)).starts_with("error: not_found (404)"));
}

/// Nothing is dropped without a word: a misspelt body field or query name is refused before anything is
/// sent, and a success answer the types cannot read is still printed, so the script gets the new id.
#[test]
fn unknown_names_are_refused_and_an_unreadable_success_is_still_printed() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let hooks = |url: &str| {
        let mut list = talkover(url, &token);
        list.args(["agents", "list-webhooks", AGENT]);
        json(list)["data"].as_array().map_or(0, Vec::len)
    };
    let before = hooks(&url);
    let mut typo = talkover(&url, &token);
    let body = r#"{"name": "Typo", "webhook_url": "https://example.com/h", "events": ["event_phone_call_ended"],
        "secret": "whsec_abc", "enable": false, "custom_headers": [{"key": "X-A", "vaule": "1", "value": "1"}]}"#;
    typo.args(["agents", "create-webhook", AGENT, "--data", body]);
    let output = run(typo);
    let shown = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{shown}");
    for field in ["body `enable`", "body `secret`", "body `custom_headers.0.vaule`"] {
        assert!(shown.contains(field), "{field}: {shown}");
    }
    assert_eq!(hooks(&url), before, "nothing was created");

    let mut query = talkover(&url, &token);
    query.args(["agents", "list", "--query", "per_pag=5"]);
    let output = run(query);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("query `per_pag`"), "{}", stderr(&output));

    // A server that creates the agent and answers in a shape the types do not read, twice: the command as
    // it is, then with `--output id`. The answer echoes the token it was sent: the command line still
    // never prints it.
    let body = format!(r#"{{"success":true,"data":{{"id":"agent-new"}},"echo":"{token}"}}"#);
    let server = common::scripted::Scripted::start(vec![
        common::scripted::Reply::json(201, body.clone()),
        common::scripted::Reply::json(201, body),
    ]);
    let body = example("create-agent").body.expect("create-agent's example has a body");
    let mut create = talkover(&server.base_url(), &token);
    create.args(["agents", "create", "--max-retries", "0", "--data", &body.to_string()]);
    let output = run(create);
    // With `--output id`, standard output holds the id alone, as for an answer the types read.
    let mut id_only = talkover(&server.base_url(), &token);
    id_only.args(["agents", "create", "--max-retries", "0", "--data", &body.to_string(), "-o", "id"]);
    let ids = run(id_only);
    assert_eq!((ids.status.code(), String::from_utf8_lossy(&ids.stdout).as_ref()), (Some(11), "agent-new\n"));
    let (head, _) = server.next_message(std::time::Duration::from_secs(10)).expect("the request");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("user-agent: talkover-cli/"), "the command line names itself: {head}");
    assert_eq!(output.status.code(), Some(11), "{}", stderr(&output));
    let printed: Value = serde_json::from_slice(&output.stdout).expect("the answer on stdout");
    assert_eq!(printed["data"]["id"], "agent-new");
    assert_eq!(printed["echo"], "[redacted]", "the token the answer echoes is not printed");
    assert!(stderr(&output).contains("as received, is on standard output"), "{}", stderr(&output));
}

/// A reader that stops early (`| head -1`) ends `--all` quietly and successfully. The list is far longer
/// than a pipe holds, so the command is still writing when the reader goes.
#[test]
fn a_closed_pipe_ends_a_listing_quietly() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let client = talkover::blocking::Client::builder().base_url(&url).token(token.as_str()).build().unwrap();
    for i in 0..300 {
        let body = talkover_mock::sample_agent(&format!("Agent {i}"), "Piped", talkover::agents::Direction::Inbound);
        client.agents().create(body).unwrap();
    }
    let mut list = talkover(&url, &token);
    list.args(["agents", "list", "--all", "--per-page", "100"]);
    let mut child = list.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(first.starts_with('{'), "{first}");
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");

    // With `-o json` too: no error object on standard error for a reader that went away.
    let mut list = talkover(&url, &token);
    list.args(["agents", "list", "--all", "--per-page", "100", "-o", "json"]);
    let mut child = list.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
}

/// A message that holds what the caller or an answer wrote shows its control characters escaped: they
/// cannot drive the terminal, in text or in JSON.
#[test]
fn an_error_message_cannot_drive_the_terminal() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    for extra in [&[][..], &["-o", "json"]] {
        let mut create = talkover(&url, &token);
        create.args(["campaigns", "update", "camp-1", "--data", r#"{"name\u001b]0;owned\u0007":"x","x\u009b2J":1}"#]);
        create.args(extra);
        let output = run(create);
        let shown = stderr(&output);
        assert_eq!(output.status.code(), Some(3), "{shown}");
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("owned"), "the field is still named: {shown:?}");
    }
}

/// An answer that cannot be written (a full disk) is a failure: the script must not take the call it
/// made for one whose id it has.
#[cfg(target_os = "linux")]
#[test]
fn an_answer_that_cannot_be_written_fails_the_command() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    // Nothing was asked of the API: a local failure.
    let mut command = talkover(&url, &token);
    command.arg("operations").stdout(std::fs::File::create("/dev/full").unwrap());
    fails_with(command, 1, "cannot write the output");
    for args in [&["--help"][..], &["agents", "create", "--help"], &["--version"]] {
        let mut command = talkover(&url, &token);
        command.args(args).stdout(std::fs::File::create("/dev/full").unwrap());
        fails_with(command, 1, "cannot write the output");
    }
    // A request was carried out: 17, as for an answer with no id to print, so that a script does not run
    // it again as if it had failed (a call placed once is not placed twice).
    let agent = "550e8400-e29b-41d4-a716-446655440000";
    for args in [&["agents", "list"][..], &["agents", "list", "-o", "table"], &["calls", "make", agent, "+15550101234"]]
    {
        let mut command = talkover(&url, &token);
        command.args(args).stdout(std::fs::File::create("/dev/full").unwrap());
        let output = fails_with(command, 17, "request was carried out, but cannot write the output");
        // A read may be run again; a call placed may not.
        let again = if args[1] == "list" { "running it again is safe" } else { "do not run it again" };
        assert!(stderr(&output).contains(again), "{args:?}: {}", stderr(&output));
    }
    let mut listed = talkover(&url, &token);
    listed.args(["calls", "list", "--search", "+15550101234", "-o", "json"]);
    let listed = json(listed);
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "the call was placed once: {listed}");
}

#[test]
fn the_token_comes_from_the_environment_or_a_file_and_is_never_shown() {
    let server = Server::start_blocking().unwrap();
    let url = server.base_url();
    let wrong = "talq_wrong_token_that_must_stay_secret";
    let mut denied = talkover(&url, wrong);
    denied.args(["agents", "list", "-o", "table"]);
    let output = run(denied);
    assert_eq!(output.status.code(), Some(4));
    assert!(stderr(&output).starts_with("error: unauthorized (401)"), "{}", stderr(&output));
    assert!(!stderr(&output).contains(wrong) && !stdout(&output).contains(wrong));

    let dir = scratch("token-file");
    let file = dir.join("token");
    std::fs::write(&file, format!("{}\n", server.token())).unwrap();
    let mut from_file = talkover(&url, "");
    from_file.env_remove("TALKOVER_TOKEN").arg("--token-file").arg(&file).args(["agents", "list"]);
    assert_eq!(json(from_file)["data"][0]["id"], AGENT);
    // As a Windows editor saves it: a byte-order mark before it, a CRLF after it.
    std::fs::write(&file, format!("\u{feff}{}\r\n", server.token())).unwrap();
    let mut from_file = talkover(&url, "");
    from_file.env_remove("TALKOVER_TOKEN").arg("--token-file").arg(&file).args(["agents", "list"]);
    assert_eq!(json(from_file)["data"][0]["id"], AGENT);

    // `--token-file -`: the token on the first line of standard input not blank, the body on the rest.
    let training_from_stdin = || {
        let mut piped = talkover(&url, "");
        piped.env_remove("TALKOVER_TOKEN").args([
            "--token-file",
            "-",
            "agents",
            "create-training",
            AGENT,
            "--data",
            "-",
        ]);
        piped
    };
    let input = format!("\r\n{}\n{{\"subject\": \"From stdin\", \"instructions\": \"Say so.\"}}\n", server.token());
    let output = run_with_input(training_from_stdin(), &input);
    assert!(output.status.success(), "{}", stderr(&output));
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["data"]["subject"], "From stdin", "{created}");
    // A training takes the agent back to draft, as the page says: standard error says how to publish it.
    let expected = format!(
        "create-training takes the agent back to draft: it takes no calls until `talkover agents publish {AGENT}`"
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    let mut empty = talkover(&url, "");
    empty.env_remove("TALKOVER_TOKEN").args(["--token-file", "-", "agents", "list"]);
    fails_with(empty, 3, "no token on standard input");
    // The token alone piped in, with --data - too: no body after it, said so.
    let output = run_with_input(training_from_stdin(), &format!("{}\n", server.token()));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("no body on standard input"), "{}", stderr(&output));
    // The body alone piped in: its first line is no token, and is neither sent nor shown.
    let body = "{\"subject\": \"From stdin\",\n \"instructions\": \"Say so.\"}\n";
    let output = run_with_input(training_from_stdin(), body);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is JSON, not a token"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("subject"), "{}", stderr(&output));
    // A character changed in copying: refused before anything is sent, not a broken connection.
    let mut copied = talkover(&url, "talq_tok\u{e9}n");
    copied.args(["agents", "list"]);
    let output = fails_with(copied, 3, "not allowed in a header");
    assert!(!stderr(&output).contains("tok\u{e9}n"), "{}", stderr(&output));

    let mut none = talkover(&url, "");
    none.env_remove("TALKOVER_TOKEN").args(["agents", "list"]);
    let output = run(none);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("TALKOVER_TOKEN"), "{}", stderr(&output));
    // Set, but not UTF-8 (Unix allows any bytes): said so, not taken for unset; its bytes are not shown.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let mut garbled = talkover(&url, "");
        garbled.env("TALKOVER_TOKEN", std::ffi::OsStr::from_bytes(b"talq_tok\xffen")).args(["agents", "list"]);
        let output = fails_with(garbled, 3, "TALKOVER_TOKEN is set but is not UTF-8");
        assert!(!stderr(&output).contains("talq_tok"), "{}", stderr(&output));
    }

    // The token given as the number to call is sent (a number's form is the API's to judge), and the
    // API's refusal, whose body quotes the number it was given, is shown without it, as text or as JSON.
    for output_format in ["table", "json"] {
        let mut as_number = talkover(&url, server.token());
        as_number.args(["calls", "make", AGENT, server.token(), "-o", output_format]);
        let output = run(as_number);
        let shown = format!("{}{}", stderr(&output), stdout(&output));
        assert_eq!(output.status.code(), Some(7), "{shown}");
        assert!(shown.contains("INVALID_PHONE_NUMBER") && !shown.contains(server.token()), "{shown}");
    }

    // The token given in the wrong place is a value the arguments refuse: the error does not quote it,
    // as text or as JSON, whether it is the environment's or another credential.
    let secret = "talq_given_in_the_wrong_place_1234";
    for args in [
        vec!["calls", "list", "--date-from", secret, "-o", "json"],
        vec!["agents", "list", "--per-page", "talq_another_credential_5678"],
    ] {
        let mut misplaced = talkover(&url, secret);
        misplaced.args(&args);
        let output = run(misplaced);
        // Refused by the argument parser (2) or by the operation's check before sending (3).
        assert!(matches!(output.status.code(), Some(2 | 3)), "{args:?}: {}", stderr(&output));
        let shown = stderr(&output);
        assert!(!shown.contains("talq_given") && !shown.contains("talq_another"), "{args:?}: {shown}");
        assert!(shown.contains("[redacted]"), "{args:?}: {shown}");
    }
}

/// A query parameter's flag takes the reference's own name too (`--per_page`, `--date_from=…`), and a
/// mistyped one is pointed at the flag as the help lists it.
#[test]
fn query_flags_take_the_documented_names_and_suggest_the_listed_ones() {
    let mut documented = talkover("http://127.0.0.1:9/api/v1", "talq_token");
    documented.args(["calls", "list", "--per_page", "3", "--date_from=2024-01-01", "--dry-run", "-o", "json"]);
    let request = json(documented);
    assert_eq!(request["url"], "http://127.0.0.1:9/api/v1/calls?date_from=2024-01-01&per_page=3", "{request}");
    let mut mistyped = talkover("http://127.0.0.1:9/api/v1", "talq_token");
    mistyped.args(["calls", "list", "--perpage", "3"]);
    let output = fails_with(mistyped, 2, "'--per-page'");
    assert!(!stderr(&output).contains("--per_page"), "{}", stderr(&output));
}

#[test]
fn an_empty_base_url_is_refused_not_taken_for_the_api() {
    // `--base-url "$STAGING_URL"` or `TALKOVER_BASE_URL=$STAGING_URL` with no STAGING_URL.
    let mut flag = talkover("http://127.0.0.1:9/api/v1", "talq_token");
    flag.args(["--base-url", "", "agents", "list", "--dry-run"]);
    let output = fails_with(flag, 3, "the base URL is empty");
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    for empty in ["", " "] {
        let mut variable = talkover(empty, "talq_token");
        variable.args(["agents", "delete", AGENT, "--dry-run"]);
        fails_with(variable, 3, "TALKOVER_BASE_URL");
    }
    // Set, but not UTF-8: said so, rather than a URL of replacement characters refused as a path.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let mut garbled = talkover("", "talq_token");
        let url = std::ffi::OsStr::from_bytes(b"http://user:hunter2@127.0.0.1:9/api/v\xff");
        garbled.env("TALKOVER_BASE_URL", url).args(["agents", "list", "--dry-run"]);
        let output = fails_with(garbled, 3, "TALKOVER_BASE_URL is set but is not UTF-8 text");
        assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));
    }
    // Not set at all: the API's own URL.
    let mut unset = talkover("", "talq_token");
    unset.env_remove("TALKOVER_BASE_URL").args(["agents", "list", "--dry-run"]);
    let output = run(unset);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("https://app.talkover.ai/api/v1/agents"), "{}", stdout(&output));
    // The variable set: the usage of an argument error does not show `--base-url` as if it were required.
    let mut missing = talkover("http://127.0.0.1:9/api/v1", "talq_token");
    missing.args(["agents", "get"]);
    let output = fails_with(missing, 2, "<AGENT_ID>");
    assert!(!stderr(&output).contains("--base-url"), "{}", stderr(&output));
}

/// Whether the columns of a table line up on a terminal: each column starts, in every row, at the
/// display column its header starts at (a CJK character or an emoji takes two).
fn columns_line_up(table: &str) -> bool {
    use unicode_width::UnicodeWidthChar as _;
    // Where the cells of a line start: after two spaces or more, in display columns.
    let starts = |line: &str| -> Vec<usize> {
        let (mut at, mut spaces, mut starts) = (0, 2, Vec::new());
        for c in line.chars() {
            if c != ' ' && spaces >= 2 {
                starts.push(at);
            }
            spaces = if c == ' ' { spaces + 1 } else { 0 };
            at += c.width().unwrap_or(0);
        }
        starts
    };
    let mut lines = table.lines();
    let header = starts(lines.next().unwrap_or_default());
    header.len() > 1 && lines.all(|line| starts(line).iter().all(|at| header.contains(at)))
}

/// A successful answer that echoes a secret the request sent (a SIP password) prints it hidden, and standard
/// error says so: standard output is what lands in a CI log.
#[test]
fn a_secret_the_request_sent_is_not_printed_when_the_answer_echoes_it() {
    use common::scripted::{Reply, Scripted};
    let echoed = r#"{"success": true, "data": {"id": "trunk-1", "name": "n", "is_active": false, "is_verified": false,
        "username": "u", "password": "Hunter2-SIP-pw-XYZ"}}"#;
    let server = Scripted::start(vec![Reply::json(201, echoed)]);
    let mut create = talkover(&server.base_url(), "talq_scripted_token_1234");
    create.args(["sip-trunks", "create", "-f", "name=n", "-f", "provider_name=p", "-f", "domain=sip.example.com"]);
    create.args(["-f", "username=u", "-f", "password=Hunter2-SIP-pw-XYZ"]);
    let output = run(create);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["data"]["password"], "[redacted]", "{created}");
    assert!(!stdout(&output).contains("Hunter2"), "{}", stdout(&output));
    assert!(stderr(&output).contains("the answer contained a secret the request sent"), "{}", stderr(&output));
}

/// An answer that echoes the token (here an agent named with it) is printed without it, in JSON, as a
/// table and as NDJSON, and standard error says so: the command line never prints the token, whatever
/// the API answers. A table's columns are measured as shown, the token hidden.
#[test]
fn the_token_an_answer_echoes_is_not_printed() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let warning = "the answer contained the token; it is shown as [redacted]";
    let mut get = talkover(&url, &token);
    get.args(["agents", "get", AGENT]);
    let output = run(get);
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()), "no warning without the token");

    let mut body = example("create-agent").body.expect("create-agent's example has a body");
    body["name"] = format!("named {token}").into();
    let mut create = talkover(&url, &token);
    create.args(["agents", "create", "--data", &body.to_string()]);
    let output = run(create);
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["data"]["name"], "named [redacted]", "{created}");
    assert_eq!(stderr(&output).lines().collect::<Vec<_>>(), [format!("warning: {warning}")]);
    for format in [&["--all", "-o", "table"][..], &["--all", "-o", "json"], &["-o", "table"]] {
        let mut list = talkover(&url, &token);
        list.args(["agents", "list"]).args(format);
        let output = run(list);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(stdout(&output).contains("named [redacted]"), "{}", stdout(&output));
        assert!(!stdout(&output).contains(&token), "{}", stdout(&output));
        assert!(stderr(&output).contains(warning), "{format:?}: {}", stderr(&output));
        if format.contains(&"table") {
            let table = stdout(&output);
            assert!(columns_line_up(table.split("\n\n").next().unwrap()), "{format:?}:\n{table}");
        }
    }
}

/// A table's columns line up on a terminal when cells hold characters two columns wide (CJK, emoji).
#[test]
fn tables_line_up_with_wide_characters() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    for name in ["東京サポート窓口", "Café 🚀🚀", "plain"] {
        let mut body = example("create-agent").body.expect("create-agent's example has a body");
        body["name"] = name.into();
        let mut create = talkover(&url, &token);
        create.args(["agents", "create", "--data", &body.to_string()]);
        json(create);
    }
    let mut list = talkover(&url, &token);
    list.args(["agents", "list", "-o", "table"]);
    let table = stdout(&run(list));
    assert!(table.contains("東京サポート窓口"), "{table}");
    let rows: String = table.lines().take_while(|l| !l.starts_with("page ")).map(|l| format!("{l}\n")).collect();
    assert_eq!(rows.lines().count(), 5, "{table}");
    assert!(columns_line_up(&rows), "\n{table}");
}

/// With `-o json` anywhere, an argument error is one line of JSON on standard error (exit 2), as every
/// other usage error; without it, clap's own text. `--help` and `--version` are not errors.
#[test]
fn argument_errors_are_json_with_json_output() {
    let error_of = |args: &[&str]| {
        let mut command = talkover("http://127.0.0.1:9/api/v1", "talq_unused_token");
        command.args(args);
        let output = run(command);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        let shown = stderr(&output);
        assert_eq!(shown.lines().count(), 1, "{shown}");
        let error: Value = serde_json::from_str(shown.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {shown}"));
        assert_eq!((error["error"]["kind"].as_str(), error["error"]["exit_code"].as_u64()), (Some("usage"), Some(2)));
        error["error"]["message"].as_str().unwrap().to_owned()
    };
    let unknown = error_of(&["-o", "json", "agents", "lst"]);
    assert!(unknown.starts_with("unrecognized subcommand 'lst'"), "{unknown}");
    let missing = error_of(&["agents", "get", "--output", "json"]);
    assert!(missing.contains("required arguments were not provided: <AGENT_ID>"), "{missing}");
    error_of(&["agents", "list", "--per-page", "5", "--bogus", "--output=json"]);
    error_of(&["-ojson", "agents"]);

    let mut text = talkover("http://127.0.0.1:9/api/v1", "talq_unused_token");
    text.args(["agents", "lst"]);
    fails_with(text, 2, "error: unrecognized subcommand 'lst'");
    for args in [&["-o", "json", "--help"][..], &["agents", "--help", "-o", "json"], &["--version", "-o", "json"]] {
        let mut help = talkover("http://127.0.0.1:9/api/v1", "talq_unused_token");
        help.args(args);
        let output = run(help);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(stdout(&output).contains("talkover"), "{args:?}: {}", stdout(&output));
    }
}

/// `webhooks` receives and checks deliveries; an unknown action there points to where webhooks are
/// managed, not to `listen` (which starts a server).
#[test]
fn webhooks_points_to_where_webhooks_are_managed() {
    let mut list = talkover("http://127.0.0.1:9/api/v1", "talq_unused_token");
    list.args(["webhooks", "list"]);
    let output = fails_with(list, 2, "talkover agents list-webhooks AGENT_ID");
    let shown = stderr(&output);
    assert!(shown.contains("talkover campaigns list-webhooks CAMPAIGN_ID"), "{shown}");
    assert!(!shown.contains("'listen'"), "{shown}");
    let mut help = talkover("http://127.0.0.1:9/api/v1", "talq_unused_token");
    help.args(["webhooks", "--help"]);
    let text = stdout(&run(help));
    assert!(
        text.contains("talkover agents list-webhooks") && text.contains("talkover campaigns list-webhooks"),
        "{text}"
    );
}

#[test]
fn help_shows_the_parameters_and_the_reference_page() {
    let output = run({
        let mut c = Command::new(BIN);
        c.args(["campaigns", "make-call", "--help"]).stdout(Stdio::piped());
        c
    });
    let help = stdout(&output);
    assert!(help.contains("<CAMPAIGN_ID>") && help.contains("[TO]"), "{help}");
    assert!(help.contains("https://docs.talkover.ai/api-reference/endpoints/make-campaign-call"), "{help}");
    assert!(help.contains("not safe to repeat"), "{help}");
    assert!(help.contains("--data"), "{help}");
    let lines: Vec<Vec<&str>> = help.lines().map(|l| l.split_whitespace().collect()).collect();
    assert!(lines.iter().any(|l| l[..] == ["*", "to", "text"]), "a required body field: {help}");

    let mut create = Command::new(BIN);
    create.args(["campaigns", "create", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(create));
    let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    for line in [
        "* campaign_type CampaignType string (sales, follow_up, reminder, custom)",
        "* days_of_week list of integer (weekday number from 1 (Monday) to 7 (Sunday))",
        "* start_date date written YYYY-MM-DD",
        "description text",
    ] {
        assert!(help.lines().any(|l| words(l) == line), "{line}: {help}");
    }

    // An example built from the registry: the path parameters and the required fields, each as its type
    // reads it; the same text on every run.
    let example = help.split("Example:\n").nth(1).expect("an example").trim_end();
    assert_eq!(
        example,
        "  talkover campaigns create -f name=NAME -f campaign_type=sales -f agent_id=AGENT_ID \\\n     \
         -f start_date=YYYY-MM-DD -F 'days_of_week[]=DAYS_OF_WEEK' \\\n     \
         -F call_time_ranges=@call_time_ranges.json -f timezone=TIMEZONE",
        "{help}"
    );
    let mut again = Command::new(BIN);
    again.args(["campaigns", "create", "--help"]).stdout(Stdio::piped());
    assert_eq!(stdout(&run(again)), help, "--help is the same on every run");
    let mut make = Command::new(BIN);
    make.args(["calls", "make", "--help"]).stdout(Stdio::piped());
    assert!(stdout(&run(make)).contains("Example:\n  talkover calls make AGENT_ID TO\n"));
    // A secret is read from standard input in the example, not left in the shell's history.
    let mut trunk = Command::new(BIN);
    trunk.args(["sip-trunks", "create", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(trunk));
    let example = help.split("Example:\n").nth(1).expect("an example");
    assert!(example.contains("-F password=@-") && !example.contains("PASSWORD"), "{help}");
    // A choice that names another field shows it too: the core refuses password auth without a password.
    let mut sftp = Command::new(BIN);
    sftp.args(["campaigns", "create-sftp", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(sftp));
    let example = help.split("Example:\n").nth(1).expect("an example");
    assert!(example.contains("auth_type=password") && example.contains("-F password=@-"), "{help}");
    // The hand-written commands end their help with an example too.
    for (command, example) in [
        (["calls", "wait"], "talkover calls wait AGENT_ID CALL_ID --to +15550101234"),
        (["webhooks", "verify"], "talkover webhooks verify --signature SIGNATURE delivery.json"),
        (["webhooks", "listen"], "talkover webhooks listen --port 4242"),
        (["campaigns", "import"], "talkover campaigns import CAMPAIGN_ID contacts.csv"),
    ] {
        let mut help = Command::new(BIN);
        help.args(command).arg("--help").stdout(Stdio::piped());
        let help = stdout(&run(help));
        assert!(help.contains(&format!("Example:\n  {example}")), "{command:?}: {help}");
    }

    let mut list = Command::new(BIN);
    list.args(["calls", "list", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(list));
    for flag in ["--agent-id <VALUE>", "--status <VALUE>", "--date-from <VALUE>", "--per-page <VALUE>", "--all"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    // The operation's own flags come in sections of their own, the options every command has last.
    let section = |help: &str, heading: &str| -> String {
        let mut lines = help.lines().skip_while(|l| *l != format!("{heading}:"));
        assert!(lines.next().is_some(), "{heading} in {help}");
        lines.take_while(|l| l.is_empty() || l.starts_with(' ')).collect::<Vec<_>>().join("\n")
    };
    let query = section(&help, "Query parameters");
    assert!(query.contains("--status <VALUE>") && query.contains("--query <NAME=VALUE>"), "{help}");
    assert!(!query.contains("--base-url"), "{help}");
    let global = section(&help, "Global options");
    assert!(global.contains("--base-url <URL>") && global.contains("--output <FORMAT>"), "{help}");
    assert!(!global.contains("--status"), "{help}");
    assert!(help.find("\nQuery parameters:").unwrap() < help.find("\nGlobal options:").unwrap(), "{help}");
    let mut create = Command::new(BIN);
    create.args(["agents", "create", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(create));
    let body = section(&help, "Body");
    assert!(body.contains("--data") && body.contains("--field") && body.contains("--raw-field"), "{help}");
    // A resource's help says what each of its commands does, from the operation's declaration.
    let mut agents = Command::new(BIN);
    agents.args(["agents", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(agents));
    let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.lines().any(|l| words(l) == "delete Delete an agent, for good."), "{help}");
    // No run of blank lines where an operation has no query and no body to speak of.
    let mut get = Command::new(BIN);
    get.args(["agents", "get", "--help"]).stdout(Stdio::piped());
    let help = stdout(&run(get));
    assert!(!help.contains("\n\n\n"), "{help}");
}

#[test]
fn mock_runs_the_emulator_with_its_options() {
    let mut mock = Command::new(BIN);
    mock.args(["mock", "--port", "0", "--no-example-agent"]).stderr(Stdio::null());
    let (mut child, _lines, url) = spawn_serving(mock, "talkover-mock listening on ");
    let mut list = talkover(&url, talkover_mock::DEFAULT_TOKEN);
    list.args(["agents", "list"]);
    let agents = json(list);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(agents["data"], Value::Array(vec![]), "--no-example-agent reached the emulator");
}

/// A plain-http base URL off this machine is refused before anything is sent, in the command line's terms.
#[test]
fn a_plain_http_base_url_elsewhere_is_refused_in_the_command_lines_words() {
    let mut command = talkover("http://10.255.255.1/api/v1", "talq_some_token");
    command.args(["agents", "list"]);
    let output = fails_with(command, 3, "--base-url: plain http is sent only to this machine");
    assert!(!stderr(&output).contains("danger_accept_insecure_http"), "{}", stderr(&output));
}

/// The health check needs no token (its page: no authentication): a readiness probe runs without one.
#[test]
fn the_health_check_runs_without_a_token() {
    let server = Server::start_blocking().unwrap();
    let mut health = talkover(&server.base_url(), "");
    health.env_remove("TALKOVER_TOKEN").args(["health", "get"]);
    let output = run(health);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut agents = talkover(&server.base_url(), "");
    agents.env_remove("TALKOVER_TOKEN").args(["agents", "list"]);
    fails_with(agents, 3, "no token");
    // A token file named and not readable is an error still, health check or not.
    let mut unreadable = talkover(&server.base_url(), "");
    unreadable.env_remove("TALKOVER_TOKEN").args(["--token-file", "/nonexistent/token", "health", "get"]);
    fails_with(unreadable, 1, "cannot read the token file");
}

#[test]
fn a_wait_before_a_retry_is_said_and_verbose_says_every_attempt() {
    // The first request is refused with `Retry-After: 2`: a wait a CI log would otherwise show as a hang.
    let server = Server::builder().rate_limit_burst(1, 2).start_blocking().unwrap();
    let mut list = talkover(&server.base_url(), server.token());
    list.args(["agents", "list", "-o", "id"]);
    let output = run(list);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), AGENT);
    assert!(stderr(&output).contains("note: list-agents: answered 429; trying again in 2"), "{}", stderr(&output));

    let mut get = talkover(&server.base_url(), server.token());
    get.args(["-v", "agents", "get", AGENT, "-o", "id"]);
    let output = run(get);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.starts_with("GET /api/v1/agents/{agent_id} (get-agent): attempt 1 answered 200 in "), "{said}");
    // The path's template, not the id; never the token.
    assert!(!said.contains(AGENT) && !said.contains(server.token()), "{said}");

    // With --output json, every line on standard error is JSON.
    let server = Server::builder().rate_limit_burst(1, 2).start_blocking().unwrap();
    let mut list = talkover(&server.base_url(), server.token());
    list.args(["agents", "list", "-o", "json"]);
    let output = run(list);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stderr(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{}", stderr(&output));
    assert_eq!(
        (lines[0]["attempt"]["operation"].as_str(), lines[0]["attempt"]["status"].as_u64()),
        (Some("list-agents"), Some(429))
    );
}

/// A `next:` hint names the resource the command was about, ready to run (`talkover agents unpublish
/// 550e8400-…`), in the text and in JSON's `next_step`.
#[test]
fn a_next_hint_names_the_resource_of_the_command() {
    let server = Server::start_blocking().unwrap();
    let (url, token) = (server.base_url(), server.token().to_owned());
    let mut delete = talkover(&url, &token);
    delete.args(["agents", "delete", AGENT]);
    fails_with(delete, 6, &format!("next: unpublish the agent first: talkover agents unpublish {AGENT}\n"));
    let mut delete = talkover(&url, &token);
    delete.args(["agents", "delete", AGENT, "-o", "json"]);
    let output = run(delete);
    let error: serde_json::Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    let step = format!("unpublish the agent first: talkover agents unpublish {AGENT}");
    assert_eq!(error["error"]["next_step"], serde_json::json!(step), "{error}");
}

/// A wrapper that always passes `--yes` works with every command, before or after the command's name:
/// only the commands that ask have anything to answer.
#[test]
fn yes_is_taken_by_every_command() {
    let server = Server::start_blocking().unwrap();
    let url = server.base_url();
    for args in [
        &["--yes", "agents", "list"][..],
        &["agents", "get", common::AGENT, "-y"][..],
        &["agents", "delete", common::AGENT, "--yes", "--dry-run"][..],
    ] {
        let mut command = talkover(&url, talkover_mock::DEFAULT_TOKEN);
        command.args(args);
        let output = common::run(command);
        assert!(output.status.success(), "{args:?}: {}", common::stderr(&output));
    }
}

/// A file an editor wrote with a byte-order mark first is read as the JSON or text after it.
#[test]
fn a_byte_order_mark_before_a_body_or_a_field_is_not_part_of_it() {
    let dir = common::scratch("bom");
    let body = dir.join("body.json");
    std::fs::write(&body, "\u{feff}{\"name\": \"Sales Demo Calendar\", \"owner_id\": \"user-uuid-1\"}").unwrap();
    let greeting = dir.join("greeting.txt");
    std::fs::write(&greeting, "\u{feff}Hello there\n").unwrap();
    let mut create = talkover("http://127.0.0.1:9/api/v1", "talq_some_token");
    create.args(["calendars", "create", "--dry-run", "--data"]).arg(format!("@{}", body.display()));
    let dry = json(create);
    assert_eq!(dry["body"]["name"], "Sales Demo Calendar", "{dry}");
    let mut update = talkover("http://127.0.0.1:9/api/v1", "talq_some_token");
    update.args(["calendars", "create", "--dry-run", "-f", "owner_id=user-uuid-1", "-F"]);
    update.arg(format!("name=@{}", greeting.display()));
    let dry = json(update);
    assert_eq!(dry["body"]["name"], "Hello there", "{dry}");
}

/// list-calendars has no pages: an answer as long as the page size asked for may have left calendars out,
/// and the command says so (on standard error, the list itself as it came).
#[test]
fn a_list_without_pages_that_may_have_left_items_out_says_so() {
    let server = Server::start_blocking().unwrap();
    let url = server.base_url();
    let list = |per_page: &str| {
        let mut command = talkover(&url, talkover_mock::DEFAULT_TOKEN);
        command.args(["calendars", "list", "--per-page", per_page]);
        let output = common::run(command);
        assert!(output.status.success(), "{}", common::stderr(&output));
        let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
        (answer["data"].as_array().unwrap().len(), common::stderr(&output))
    };
    let (all, quiet) = list("100");
    assert!(all >= 1 && !quiet.contains("may exist"), "{quiet}");
    let (cut, warned) = list("1");
    assert_eq!(cut, 1);
    assert!(
        warned.contains("list-calendars answered 1 items with per_page 1")
            && warned.contains("--per-page takes up to 100"),
        "{warned}"
    );
}

/// `--header` sends a gateway's header with every request, its value given inline or read from a file
/// (out of the process list), and never printed, even where the answer echoes it; a header the SDK
/// writes itself is refused.
#[test]
fn headers_of_ones_own_reach_the_server_and_are_never_printed() {
    let key = "gw-key-that-must-stay-secret";
    let dir = scratch("header-file");
    let file = dir.join("gateway-key");
    std::fs::write(&file, format!("\u{feff}{key}\r\n")).unwrap();
    let body = format!(r#"{{"status":"ok","echo":"{key}"}}"#);
    let server = common::scripted::Scripted::start(vec![common::scripted::Reply::json(200, body)]);
    let mut health = talkover(&server.base_url(), "talq_header_test");
    health.args(["health", "get", "-o", "json", "-H", "x-correlation-id: run-42", "--header"]);
    health.arg(format!("x-gateway-key:@{}", file.display()));
    let output = run(health);
    let (head, _) = server.next_message(std::time::Duration::from_secs(10)).expect("the request");
    let head = head.to_ascii_lowercase();
    assert!(head.contains(&format!("x-gateway-key: {key}")), "{head}");
    assert!(head.contains("x-correlation-id: run-42"), "{head}");
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), stderr(&output));
    assert!(output.status.success(), "{printed}");
    assert!(!printed.contains(key), "{printed}");

    let mut reserved = talkover(&server.base_url(), "talq_header_test");
    reserved.args(["health", "get", "-H", "authorization: Basic abc"]);
    let output = run(reserved);
    assert!(stderr(&output).contains("`authorization` is written by the SDK"), "{}", stderr(&output));
    let mut malformed = talkover(&server.base_url(), "talq_header_test");
    malformed.args(["health", "get", "-H", "x-gateway-key"]);
    fails_with(malformed, 2, "--header takes NAME:VALUE");
    let mut empty = talkover(&server.base_url(), "talq_header_test");
    empty.args(["health", "get", "-H", "x-gateway-key: "]);
    fails_with(empty, 2, "the value is empty");
    // A credential's header given inline is warned of, and a dry run hides it however short; a header that
    // names no credential is shown, and left alone in answers.
    let mut inline = talkover("http://127.0.0.1:9/api/v1", "talq_header_test");
    inline.args(["agents", "list", "--dry-run", "-H", "x-api-key: abc", "-H", "x-stage: published"]);
    let output = run(inline);
    assert!(output.status.success(), "{}", stderr(&output));
    let shown: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["headers"]["x-api-key"], "[redacted]", "{shown}");
    assert_eq!(shown["headers"]["x-stage"], "published", "{shown}");
    assert!(
        stderr(&output).contains("the value of the header `x-api-key` is on the command line"),
        "{}",
        stderr(&output)
    );
}

/// With a proxy in the environment (as on many build machines) that nothing answers at, the command line
/// reaches the emulator on loopback straight, as the clients do; another host's requests go to the proxy,
/// and fail there.
#[test]
fn a_loopback_base_url_is_reached_past_the_environments_proxy() {
    let server = Server::start_blocking().unwrap();
    // A proxy address that refuses every connection while the test holds it (no listener can take it).
    let (dead, _held) = common::refusing_address();
    let proxied = |url: &str| {
        let mut command = talkover(url, server.token());
        for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            command.env(name, format!("http://{dead}"));
        }
        command.args(["agents", "list", "--max-retries", "0"]);
        command
    };
    assert_eq!(json(proxied(&server.base_url()))["data"][0]["id"], AGENT);
    let elsewhere = common::run(proxied("https://api.talkover.test/api/v1"));
    // Refused at the proxy's address (the host itself is never looked up: `.test` names none).
    assert!(!elsewhere.status.success());
    assert!(common::stderr(&elsewhere).contains("Connection refused"), "{}", common::stderr(&elsewhere));
}
