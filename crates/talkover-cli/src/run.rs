//! Running any registry operation from its command line.

use std::io::{Read as _, Write as _};

use clap::ArgMatches;
use serde::Deserialize as _;
use serde_json::{json, Map, Value};
use talkover::registry::{OperationInfo, Params};
use talkover::{ListEnvelope, Page};

use crate::commands::{self, body_positionals, path_params, REFERENCE};
use crate::failure::Failure;
use crate::output::{self, Format};
use crate::Context;

/// The most pages `--all` fetches.
const MAX_PAGES: u64 = 100_000;

/// The page size `--all` asks for when `--per-page` is not given: the most the API serves a page.
const ALL_PER_PAGE: u64 = 100;
/// The most `--all` holds for one table or CSV (written once the last page is in), in bytes of the items'
/// JSON text (their size in memory is a few times that); NDJSON, written as the pages come, holds none.
const MAX_HELD_BYTES: usize = 32 << 20;

/// `talkover operations [WORD…]`: every operation (or those whose id, command, path or summary holds
/// every word, in any case), its method and path, and the command that runs it.
pub fn list_operations(format: Format, words: &[String]) -> Result<(), Failure> {
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut commands = commands::operation_commands();
    commands.retain(|c| {
        let text =
            format!("{} {} {} {} {}", c.operation.id, c.resource, c.action, c.operation.path, c.operation.summary())
                .to_lowercase();
        words.iter().all(|word| text.contains(word.as_str()))
    });
    let rows: Vec<Value> = commands
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.operation.id,
                "command": format!("talkover {} {}", c.resource, c.action),
                "method": c.operation.method.as_str(),
                "path": c.operation.path,
                "query": c.operation.query_names(),
                "safe_to_repeat": c.operation.safe_to_repeat,
                "summary": c.operation.summary(),
                "reference": format!("{REFERENCE}{}", c.operation.id),
            })
        })
        .collect();
    match format {
        Format::Json | Format::Csv => output::print(&Value::Array(rows), format),
        Format::Id => {
            output::write_all(commands.iter().map(|c| format!("{}\n", c.operation.id)).collect::<String>().as_bytes())
        }
        Format::Table => {
            let width = commands.iter().map(|c| c.resource.len() + c.action.len() + 10).max().unwrap_or(0);
            // A header as every table has, in the same case.
            if commands.is_empty() {
                return output::write_all(format!("(no operation holds {})\n", words.join(" ")).as_bytes());
            }
            let mut text = format!("{:width$}  {:6} {}\n", "COMMAND", "METHOD", "PATH");
            for c in &commands {
                let command = format!("talkover {} {}", c.resource, c.action);
                text.push_str(&format!("{command:width$}  {:6} {}\n", c.operation.method.as_str(), c.operation.path));
            }
            output::write_all(text.as_bytes())
        }
    }
}

/// Runs `op` with the arguments of its command, and prints the answer.
pub fn run_operation(context: &Context, op: &'static OperationInfo, args: &ArgMatches) -> Result<(), Failure> {
    let params = params_from_args(op, args)?;
    refuse_missing(op, &params)?;
    // The secrets the request carries (a password, a webhook secret, a header's value), kept out of what a
    // dry run shows: its output is what lands in a CI log.
    let (request, secrets) = talkover::secret::carried_by(|| op.build_request(&params, context.client.config()));
    let request = request.map_err(|error| with_flag_hint(error, &params, args))?;
    refuse_unknown(op, &params, &request)?;
    // Only an update's: elsewhere (a create) a `null` is what it reads as, "not set".
    let updates = matches!(op.method, talkover::http::Method::PUT | talkover::http::Method::PATCH);
    for field in op.nulls_not_sent(&params, &request).into_iter().filter(|_| updates) {
        let field = field.strip_prefix("body.").unwrap_or(&field);
        let message = format!("`{field}: null` is not sent: {} reads it as unset and leaves the field as it is", op.id);
        crate::notices::warning(&message, json!({ "not_sent": field }));
    }
    if args.get_flag("dry-run") {
        // `--output id` was refused before anything was read (`main::refuse_resource_output`): a request has no id.
        return output::print(&dry_run(&request, &secrets), context.format);
    }
    output::never_print_sent(&secrets);
    confirm(op, &params, args)?;
    if args.try_get_one::<bool>("all").ok().flatten().copied().unwrap_or(false) {
        return fetch_all(context, op, params).map_err(|f| f.after_carried_out(op));
    }
    let answer = context.call(|client| client.execute_registered(op, &params)).map_err(|f| f.about_request(&params))?;
    if op.unpublishes_agent {
        // The reference says so on the operation's page; a script re-run that "changes nothing" takes a
        // live agent off the phone all the same.
        let agent = params.path.get("agent_id").and_then(Value::as_str).unwrap_or("AGENT_ID");
        let message = format!(
            "{} takes the agent back to draft: it takes no calls until `talkover agents publish {agent}`",
            op.id
        );
        crate::notices::warning(&message, json!({ "agent_id": agent, "agent_status": "draft" }));
    }
    if op.id == <talkover::account::CreateUserApiToken as talkover::Operation>::ID {
        // Its page: the token "is returned only once … it cannot be retrieved later".
        crate::notices::warning(
            "the new token is shown this once and cannot be read again: keep it now (if lost, delete it with \
             talkover user delete-api-token and create another)",
            json!({ "shown_once": "token" }),
        );
    }
    if let Some((asked, items)) = one_answer_may_be_cut(op, &params, &answer.value) {
        let more = if asked < 100 { "--per-page takes up to 100" } else { "no request reaches the others" };
        let message = format!(
            "{} answered {items} items with per_page {asked}; the list has no pages, so more may exist: {more}",
            op.id
        );
        crate::notices::warning(&message, json!({ "per_page": asked, "items": items, "may_hold_more": true }));
    }
    output::print_answer(&answer.value, context.format, Some(op.id)).map_err(|f| f.after_carried_out(op))
}

/// A whole number of the query parameters, given as a number or as text (`--query per_page=50`).
fn query_number(query: &Value, name: &str) -> Option<u64> {
    query.get(name).and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
}

/// For a list that takes `per_page` but no `page` (list-calendars), answered without a page block: the page
/// size asked for (or the page's default) and the number of items, when the answer holds that many or more,
/// and so may have left some out that no other request can reach but a larger `per_page`.
fn one_answer_may_be_cut(op: &OperationInfo, params: &Params, answer: &Value) -> Option<(u64, u64)> {
    let takes = |name: &str| op.query_names().contains(&name);
    if !takes("per_page") || takes("page") || answer.get("meta").or(answer.get("pagination")).is_some() {
        return None;
    }
    let asked = match params.query.as_ref().and_then(|query| query_number(query, "per_page")) {
        Some(asked) => asked,
        None if op.id == <talkover::calendars::ListCalendars as talkover::Operation>::ID => {
            u64::from(talkover::calendars::ListCalendars::DEFAULT_PER_PAGE)
        }
        None => return None,
    };
    let items = answer.get("data").and_then(Value::as_array)?.len() as u64;
    (items >= asked).then_some((asked, items))
}

/// Asks before an operation that charges money, places a call, releases a number or deletes
/// ([`commands::asks_first`]), when
/// both standard input and standard error are a terminal and `--yes` was not given; a script is never
/// asked. Anything but `y` or `yes` sends nothing (exit 3).
fn confirm(op: &OperationInfo, params: &Params, args: &ArgMatches) -> Result<(), Failure> {
    use std::io::IsTerminal as _;
    let yes = args.try_get_one::<bool>("yes").ok().flatten().copied().unwrap_or(false);
    let Some(question) = question(op, params).filter(|_| !yes) else { return Ok(()) };
    if !(std::io::stdin().is_terminal() && crate::stderr_is_terminal()) {
        return Ok(());
    }
    if confirmed(&question, &mut std::io::stdin().lock(), &mut std::io::stderr()) {
        Ok(())
    } else {
        Err(Failure::refused(format!("{}: not confirmed, so nothing was sent (--yes sends it without asking)", op.id)))
    }
}

/// The question asked before `op` is sent ([`confirm`]), naming what it acts on: its path parameters and
/// the body's number, amount and card. `None` for an operation that is sent without one, and for a test
/// call (`"is_testing": true`), which costs nothing.
fn question(op: &OperationInfo, params: &Params) -> Option<String> {
    if !commands::asks_first(op) {
        return None;
    }
    let body = params.body.as_ref().and_then(Value::as_object);
    let make_call = <talkover::calls::MakeCall as talkover::Operation>::ID;
    if op.id == make_call && body.and_then(|b| b.get("is_testing")).and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    // The path parameters in the path's order (`calendar_id`, `event_id`, `attendee_id`).
    let mut about: Vec<String> = path_params(op)
        .into_iter()
        .filter_map(|name| Some(format!("{name} {}", text(params.path.get(name)?))))
        .collect();
    for name in ["to", "amount", "payment_method_id"] {
        if let Some(value) = body.and_then(|b| b.get(name)) {
            about.push(format!("{name} {}", text(value)));
        }
    }
    let what = op.summary();
    let what = what.trim_end_matches('.');
    let about = if about.is_empty() { String::new() } else { format!(" ({})", about.join(", ")) };
    Some(crate::failure::terminal_safe(&format!("{what}{about}: send it? [y/N] ")))
}

/// Writes `question` and reads one line of answer: whether it is `y` or `yes`, in any case. The end of
/// the input, or a line that cannot be read, is a no.
fn confirmed(question: &str, input: &mut impl std::io::BufRead, out: &mut impl std::io::Write) -> bool {
    let _ = write!(out, "{question}");
    let _ = out.flush();
    let mut answer = String::new();
    match input.read_line(&mut answer) {
        // An answer ended by Enter; one cut short by the end of the input (Ctrl-D) is a no.
        Ok(_) if answer.ends_with('\n') => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        _ => {
            let _ = writeln!(out);
            false
        }
    }
}

/// The refusal of a value given with the other flag, saying which one gives it: `-F name=12345` sends a
/// number where the field takes text (`-f` sends text), `-f enable_recording=true` a text where it takes a
/// boolean or a number (`-F` reads JSON). A value from `--data` has no such hint: its JSON is what to fix.
/// Any other error as it is.
fn with_flag_hint(error: talkover::Error, params: &Params, args: &ArgMatches) -> Failure {
    let talkover::Error::InvalidRequest(invalid) = &error else { return error.into() };
    let with_flag = |flag: &str, name: &str| {
        let prefix = format!("{name}=");
        args.try_get_many::<String>(flag).ok().flatten().into_iter().flatten().any(|value| value.starts_with(&prefix))
    };
    let hint = invalid.field().and_then(|field| {
        let name = field.strip_prefix("body.").filter(|name| !name.contains('.'))?;
        // `-f` (`--raw-field`) gives text, `-F` (`--field`) JSON.
        let (text, typed) = (with_flag(commands::RAW_FIELD, name), with_flag(commands::FIELD, name));
        let given = params.body.as_ref()?.get(name)?;
        let message = invalid.message();
        let wants_typed = ["expected a boolean", "expected u", "expected i", "expected f"];
        if message.contains("expected a string") && (given.is_number() || given.is_boolean()) && typed {
            Some(format!("a text is given with -f: -f {name}={given}"))
        } else if wants_typed.iter().any(|w| message.contains(w)) && given.is_string() {
            let value = given.as_str()?;
            // `-F` read a value that is no JSON as text: it is the value that is wrong, not the flag.
            match (text, typed) {
                (true, _) => Some(format!("a number or true/false is given with -F: -F {name}={value}")),
                (false, true) => Some(format!("{value:?} is not a number or true/false")),
                (false, false) => None,
            }
        } else {
            None
        }
    });
    match hint {
        // The field at fault stays a field error, for `-o json` to give as the SDK's refusal does.
        Some(hint) => {
            let fields = error.field_errors().into_iter().map(|problem| (problem.field, problem.message)).collect();
            Failure::refused_fields(format!("{error}; {hint}"), fields)
        }
        None => error.into(),
    }
}

/// Refuses a request that lacks required body fields or query parameters, naming every one at once
/// (building the request stops at the first), with how to give them.
fn refuse_missing(op: &OperationInfo, params: &Params) -> Result<(), Failure> {
    let given = |part: Option<&Value>, name: &str| part.and_then(|p| p.get(name)).is_some_and(|v| !v.is_null());
    let mut missing: Vec<String> = Vec::new();
    // The same, as `field_errors` (`body.name`, `query.from`) for the JSON form.
    let mut missing_fields: Vec<(String, String)> = Vec::new();
    // Names given that the operation does not know, and not taken for a missing one misspelt: said in the
    // same message, so that one run shows every mistake.
    let mut also_unknown: Vec<String> = Vec::new();
    if op.has_body() && params.body.as_ref().is_none_or(Value::is_object) {
        let body = params.body.as_ref();
        let fields = op.body_fields();
        // A name given that the operation does not know, near a missing one, is most likely it misspelt.
        let unknown: Vec<&str> = body
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|b| b.keys())
            .filter(|k| !fields.iter().any(|f| f.name == k.as_str()))
            .map(String::as_str)
            .collect();
        // A field also taken as a positional argument (make-call's number) is named as the usage shows it.
        let positional = |name: &str| crate::commands::body_positionals(op).iter().any(|(field, _)| *field == name);
        missing.extend(fields.iter().filter(|f| f.required && !given(body, f.name)).map(|f| {
            // A text is given with `-f` (`-F to=15550101234` would send a number).
            let flag = commands::value_flag(f.name, &f.reads);
            // A list's items are given one at a time, `name[]=` (`-f name=…` would be one text).
            let given = match commands::reading(&f.reads).list {
                true => format!("'{}[]=…'", f.name),
                false => format!("{}=…", f.name),
            };
            let how = match positional(f.name) {
                true => format!("{} (or {flag} {given})", f.name.to_uppercase()),
                false => format!("{flag} {given}"),
            };
            missing_fields.push((format!("body.{}", f.name), "is required".to_owned()));
            match unknown.iter().find(|k| meant_for(op, k, f.name)) {
                Some(misspelt) => format!("{how} (not `{misspelt}`)"),
                None => how,
            }
        }));
        let taken = |k: &str| fields.iter().any(|f| f.required && !given(body, f.name) && meant_for(op, k, f.name));
        for k in unknown.iter().filter(|k| !taken(k)) {
            missing_fields.push((format!("body.{k}"), NOT_A_FIELD.to_owned()));
            also_unknown.push(match closest_name(op, "body", k) {
                Some(known) => format!("body `{k}` (did you mean `{known}`?)"),
                None => format!("body `{k}`"),
            });
        }
    }
    let query = params.query.as_ref();
    let names = op.query_fields();
    for f in names.iter().filter(|f| f.required && !given(query, f.name)) {
        missing.push(format!("--{}", f.name.replace('_', "-")));
        missing_fields.push((format!("query.{}", f.name), "is required".to_owned()));
    }
    if missing.is_empty() {
        return Ok(());
    }
    let unknown = match also_unknown.is_empty() {
        true => String::new(),
        false => format!(", and does not know {}", also_unknown.join(", ")),
    };
    let message =
        format!("{} needs {}{unknown}; nothing was sent (`--help` lists what each takes)", op.id, missing.join(", "));
    Err(Failure::refused_fields(message, missing_fields))
}

/// What `--dry-run` shows of a request: method, URL, headers (the token's never) and the JSON body, each of
/// the request's `secrets` in it shown as `[redacted]`.
fn dry_run(request: &talkover::HttpRequest, secrets: &[talkover::SecretString]) -> Value {
    let headers: Map<String, Value> = request
        .headers()
        .iter()
        .filter(|(name, _)| *name != talkover::http::header::AUTHORIZATION)
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            // A secret header of `--header`, however short.
            let text = if crate::output::is_sent_secret(&text) { "[redacted]".to_owned() } else { text };
            (name.to_string(), Value::String(text))
        })
        .collect();
    let mut body = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
    let secrets: Vec<&str> = secrets.iter().map(talkover::SecretString::expose_secret).collect();
    if !secrets.is_empty() {
        hide_secrets(&mut body, &secrets);
    }
    // Any value but `null` and a flag under a secret's name (a payload's `pin` as digits), as a recording
    // hides it: the secrets a request carries are found among its texts only.
    talkover::secret::hide_secret_fields(&mut body, &[]);
    serde_json::json!({
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "headers": headers,
        "body": body,
    })
}

/// Replaces, in every text of `value`, the `secrets` by `[redacted]`: a text that is one of them whatever
/// its length, and one holding one of at least 8 characters (`secret::redacted`).
fn hide_secrets(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::String(text) if secrets.contains(&text.as_str()) => *text = "[redacted]".to_owned(),
        Value::String(text) => *text = talkover::secret::redacted(text, secrets),
        Value::Array(items) => items.iter_mut().for_each(|item| hide_secrets(item, secrets)),
        Value::Object(fields) => fields.values_mut().for_each(|field| hide_secrets(field, secrets)),
        _ => {}
    }
}

/// Refuses what building `request` from `params` left out without a word: query parameters and body
/// fields the operation's types do not know. A misspelt name (`secret` for `webhook_secret`) would
/// otherwise be sent as if it were unset, and the command would succeed.
fn refuse_unknown(op: &OperationInfo, params: &Params, request: &talkover::HttpRequest) -> Result<(), Failure> {
    let left_out = op.left_out(params, request);
    let unknown: Vec<String> = left_out
        .iter()
        .map(|at| match at.split_once('.') {
            Some((part, name)) => match closest_name(op, part, name) {
                Some(known) => format!("{part} `{name}` (did you mean `{known}`?)"),
                None => format!("{part} `{name}`"),
            },
            None => format!("`{at}`"),
        })
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let fields = left_out.iter().map(|at| (at.clone(), NOT_A_FIELD.to_owned())).collect();
    Err(Failure::refused_fields(
        format!(
            "{} does not know {}; nothing was sent (the names are on {REFERENCE}{})",
            op.id,
            unknown.join(", "),
            op.id
        ),
        fields,
    ))
}

/// What `field_errors` says of a name given that the operation does not know.
const NOT_A_FIELD: &str = "is not a parameter or field of the operation";

/// The operation's own name nearest `name`, a top-level body field or a query parameter it does not know
/// (`naem` → `name`, `per_pag` → `per_page`), when one is near enough to be the one meant.
fn closest_name(op: &OperationInfo, part: &str, name: &str) -> Option<&'static str> {
    let known: Vec<&'static str> = match part {
        "body" if !name.contains('.') => op.body_fields().iter().map(|f| f.name).collect(),
        "query" => op.query_names().to_vec(),
        _ => return None,
    };
    let misspelt = known.iter().map(|k| (likeness(name, k), *k)).filter(|(s, _)| *s >= NEAR);
    misspelt.max_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, k)| k).or_else(|| {
        // Else the one name that holds it as its first or last words (`secret` for `webhook_secret`).
        let given = name.to_ascii_lowercase();
        let holds = |k: &str| {
            k.strip_suffix(given.as_str()).is_some_and(|rest| rest.ends_with('_'))
                || k.strip_prefix(given.as_str()).is_some_and(|rest| rest.starts_with('_'))
        };
        let mut holding = known.iter().copied().filter(|k| holds(k));
        match (holding.next(), holding.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    })
}

/// Whether a body field name given that `op` does not know stands for its field `name`: misspelt, or
/// shortened to its first or last words ([`closest_name`]).
fn meant_for(op: &OperationInfo, given: &str, name: &str) -> bool {
    near(given, name) || closest_name(op, "body", given) == Some(name)
}

/// How alike two names must be for one to be taken for the other misspelt.
const NEAR: f64 = 0.85;

/// How alike a name given is to one of the operation's (Jaro-Winkler, case aside): 1 for the same.
fn likeness(given: &str, name: &str) -> f64 {
    strsim::jaro_winkler(&given.to_ascii_lowercase(), name)
}

/// Whether `given` is near enough the operation's `name` to be it misspelt.
fn near(given: &str, name: &str) -> bool {
    likeness(given, name) >= NEAR
}

/// The operation's parameters from its command line: path parameters, `--query`, `--data` and the
/// positional body fields.
pub fn params_from_args(op: &OperationInfo, args: &ArgMatches) -> Result<Params, Failure> {
    let mut params = Params::default();
    for name in path_params(op) {
        if let Some(value) = args.get_one::<String>(name) {
            params.path.insert(name.to_owned(), Value::String(value.clone()));
        }
    }
    let mut pairs = Vec::new();
    for name in op.query_names() {
        if let Ok(Some(values)) = args.try_get_many::<String>(&commands::query_arg_id(name)) {
            pairs.extend(values.map(|v| ((*name).to_owned(), v.clone())));
        }
    }
    for pair in args.get_many::<String>("query").into_iter().flatten() {
        let known: Vec<String> = op.query_names().iter().map(|name| (*name).to_owned()).collect();
        let (name, value) =
            pair.split_once('=').ok_or_else(|| Failure::usage(without_equals("query", "--query", pair, &known)))?;
        pairs.push((name.trim().trim_end_matches("[]").to_owned(), value.to_owned()));
    }
    let mut query = Map::new();
    let fields = op.query_fields();
    let takes_one = |name: &str| fields.iter().any(|f| f.name == name && !f.reads.starts_with("list of"));
    for (name, value) in pairs {
        let value = Value::String(value);
        match query.get_mut(&name) {
            // Given twice (`--status a --query status=b`), a parameter that takes one value is a mistake.
            Some(_) if takes_one(&name) => {
                return Err(Failure::usage(format!(
                    "the query parameter `{name}` takes one value, and was given more"
                )));
            }
            Some(Value::Array(items)) => items.push(value),
            Some(single) => *single = Value::Array(vec![single.take(), value]),
            None => {
                query.insert(name, value);
            }
        }
    }
    if !query.is_empty() {
        params.query = Some(Value::Object(query));
    }
    let mut body = match args.try_get_one::<String>("data").ok().flatten() {
        Some(data) => Some(read_data(data)?),
        None => None,
    };
    let mut lists: Vec<String> = Vec::new();
    for (name, value) in fields_from_args(op, args)? {
        let body = body.get_or_insert_with(|| Value::Object(Map::new()));
        // A list the fields build is theirs: the first `name[]=…` replaces what --data had there.
        if let Some(list) = name.strip_suffix("[]").filter(|list| !lists.iter().any(|l| l == list)) {
            set_field(body, list, Value::Array(Vec::new()))?;
            lists.push(list.to_owned());
        }
        set_field(body, &name, value)?;
    }
    for (field, _) in body_positionals(op) {
        if let Some(value) = args.get_one::<String>(field) {
            let object = body.get_or_insert_with(|| Value::Object(Map::new()));
            match object.as_object_mut() {
                Some(fields) => {
                    fields.insert((*field).to_owned(), Value::String(value.clone()));
                }
                None => return Err(Failure::usage(format!("--data must be a JSON object to add `{field}` to it"))),
            }
        }
    }
    params.body = body;
    Ok(params)
}

/// The body fields of `-F/--field` and `-f/--raw-field`, in the order they were given.
fn fields_from_args(op: &OperationInfo, args: &ArgMatches) -> Result<Vec<(String, Value)>, Failure> {
    let mut fields = Vec::new();
    // The fields warned of as given on the command line: once each.
    let mut warned: Vec<String> = Vec::new();
    for (id, typed) in [(commands::FIELD, true), (commands::RAW_FIELD, false)] {
        let Ok(Some(values)) = args.try_get_many::<String>(id) else { continue };
        let indices = args.indices_of(id).into_iter().flatten();
        for (given, index) in values.zip(indices) {
            // `name[]` alone is an empty list, as gh has it.
            if let Some(list) = given.strip_suffix("[]").filter(|name| !name.contains('=')) {
                fields.push((index, list.trim().to_owned(), Value::Array(Vec::new())));
                continue;
            }
            let (name, text) = given.split_once('=').ok_or_else(|| {
                let known: Vec<String> = op.body_fields().into_iter().map(|field| field.name.to_owned()).collect();
                Failure::usage(without_equals(id, if typed { "-F" } else { "-f" }, given, &known))
            })?;
            let field = name.trim().trim_end_matches("[]");
            let last = field.rsplit(['.', '[']).next().unwrap_or(field);
            let named_secret = talkover::secret::is_secret_field(last) || field.starts_with("custom_headers");
            let from_file = typed && text.starts_with('@');
            // A typed value may be JSON holding secret fields (`-F 'integration={"api_key": …}'`).
            let holds_secret = typed && !from_file && !talkover::secret::secrets_in_json(text.as_bytes()).is_empty();
            if (named_secret && !from_file && !text.is_empty() || holds_secret) && !warned.iter().any(|w| w == field) {
                warned.push(field.to_owned());
                crate::notices::secret_on_command_line(
                    &format!("the value of `{field}` is"),
                    &format!("give it as `-F {field}=@-` (standard input) or `-F {field}=@FILE`"),
                    field,
                );
            }
            let value = if typed { field_value(op, name.trim(), text)? } else { Value::String(text.to_owned()) };
            fields.push((index, name.trim().to_owned(), value));
        }
    }
    fields.sort_by_key(|(index, _, _)| *index);
    Ok(fields.into_iter().map(|(_, name, value)| (name, value)).collect())
}

/// The error of an argument of `--id` (written `flag`) that should have been `NAME=VALUE`: the argument is
/// shown when it is one of the operation's `known` names (its `=VALUE` left out), and not else, as it may
/// be a secret whose name was left out (`-F hunter2-password`).
fn without_equals(id: &str, flag: &str, given: &str, known: &[String]) -> String {
    let name = given.trim();
    if known.iter().any(|known| known == name) {
        return format!("--{id} takes NAME=VALUE, and `{name}` has no `=VALUE`: write `{flag} {name}=VALUE`");
    }
    let at = given.chars().count();
    format!(
        "--{id} takes NAME=VALUE, got an argument of {at} characters without `=` (not shown: it may be a \
         secret whose name was left out); write `{flag} NAME=VALUE`"
    )
}

/// The value of a `-F/--field NAME=TEXT`: TEXT typed ([`typed_value`]), or for `@path` the content of that
/// file (`@-`: standard input's) read by the type of the field ([`file_reading`]). A value that is meant to
/// start with `@` is given with `-f/--raw-field`, which never reads a file (as gh's).
fn field_value(op: &OperationInfo, name: &str, text: &str) -> Result<Value, Failure> {
    let Some(path) = text.strip_prefix('@') else { return Ok(typed_value(text)) };
    let (content, from) = if path == "-" {
        (read_stdin(&format!("the field {name}"))?, "standard input".to_owned())
    } else {
        (read_argument_file(path, &format!("-F {name}=@{path}"))?, format!("the file {path}"))
    };
    Ok(match file_reading(op, name) {
        FileReading::Text => Value::String(without_line_break(&content).to_owned()),
        FileReading::Json(reads) => serde_json::from_str::<Value>(&content).map_err(|e| {
            Failure::usage(format!("-F {name}=@{path}: the field {name} reads {reads}, and {from} is not JSON: {e}"))
        })?,
        FileReading::Typed => typed_value(without_line_break(&content)),
    })
}

/// How `-F NAME=@path` reads its file, by what the operation's types read at NAME.
#[derive(Debug, PartialEq, Eq)]
enum FileReading {
    /// A field of text: the file's text is the string, but for one last line break.
    Text,
    /// A field of another type (what it reads, in the registry's words): the file holds its JSON.
    Json(String),
    /// A name the registry does not list (a path into an object, `schedule.timezone`): as TEXT written
    /// inline is typed, after one last line break is removed.
    Typed,
}

/// How `-F NAME=@path` reads its file for `op`: as text for a body field whose type is a string (text, a
/// secret, an enumeration's name, a date or date-time, an identifier), as JSON for any other type, and typed
/// as an inline value for a name the registry does not list. `NAME[]` is read by the type of the list's items.
fn file_reading(op: &OperationInfo, name: &str) -> FileReading {
    let (field, item) = match name.strip_suffix("[]") {
        Some(list) => (list, true),
        None => (name, false),
    };
    let Some(info) = op.body_fields().into_iter().find(|f| f.name == field) else { return FileReading::Typed };
    let reading = commands::reading(&info.reads);
    match (item, reading.list) {
        (true, false) => FileReading::Typed,
        // The whole list, from one file: its JSON.
        (false, true) => FileReading::Json(info.reads.trim_start_matches("null or ").to_owned()),
        _ if reading.kind.is_string() => FileReading::Text,
        _ => FileReading::Json(reading.item.to_owned()),
    }
}

/// `text` without one last line break (`\n` or `\r\n`), which an editor ends a file with.
fn without_line_break(text: &str) -> &str {
    text.strip_suffix("\r\n").or_else(|| text.strip_suffix('\n')).unwrap_or(text)
}

/// The value of a `-F/--field` given inline: JSON text (`true`, `null`, `3`, `[1, 2]`, `{"a": 1}`, `"3"`)
/// is that value, a number as its digits are written (serde_json's `arbitrary_precision`: `100.10` is sent
/// as `100.10`, a whole number beyond 64 bits unrounded); anything else is a string.
fn typed_value(text: &str) -> Value {
    serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// Sets the field at `name` in `body`: dots go into objects (made where missing), and a last part ending
/// in `[]` adds the value to a list.
fn set_field(body: &mut Value, name: &str, value: Value) -> Result<(), Failure> {
    let refuse = |why: &str| Failure::usage(format!("cannot set the body field {name:?}: {why}"));
    let parts: Vec<&str> = name.split('.').collect();
    let mut at = body;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let (key, append) = match part.strip_suffix("[]") {
            Some(key) if last => (key, true),
            Some(_) => return Err(refuse("only its last part can end in []")),
            None => (*part, false),
        };
        if key.is_empty() {
            return Err(refuse("a part of the name is empty"));
        }
        let Value::Object(object) = at else {
            let parent = parts[..i].join(".");
            return Err(refuse(&if parent.is_empty() {
                "the body is not a JSON object".to_owned()
            } else {
                format!("`{parent}` is not an object")
            }));
        };
        if last && !append {
            object.insert(key.to_owned(), value);
            return Ok(());
        }
        let empty = if append { Value::Array(Vec::new()) } else { Value::Object(Map::new()) };
        let next = object.entry(key.to_owned()).or_insert(empty);
        if append {
            return match next {
                Value::Array(items) => {
                    items.push(value);
                    Ok(())
                }
                _ => Err(refuse(&format!("`{}` is not a list", parts[..=i].join(".").trim_end_matches("[]")))),
            };
        }
        at = next;
    }
    Ok(())
}

/// The body of `--data`: JSON text, `@path`, or `-` (or `@-`, as curl has it) for standard input.
fn read_data(data: &str) -> Result<Value, Failure> {
    let (text, from) = if data == "-" || data == "@-" {
        (read_stdin("the body")?, "stdin".to_owned())
    } else if let Some(path) = data.strip_prefix('@') {
        (read_argument_file(path, &format!("--data @{path}"))?, path.to_owned())
    } else {
        if !talkover::secret::secrets_in_json(data.as_bytes()).is_empty() {
            crate::notices::secret_on_command_line(
                "the body given with --data holds a secret field, and is",
                "give it as `--data @FILE` or `--data -` (standard input)",
                "--data",
            );
        }
        (data.to_owned(), "--data".to_owned())
    };
    if from == "stdin" && text.trim().is_empty() {
        // `--token-file -` took the first line: the body comes on the lines after it.
        return Err(Failure::usage(
            "no body on standard input (with --token-file -, the token is its first line and the body the rest)".into(),
        ));
    }
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("the body from {from} is not JSON: {e}")))
}

/// Standard input as text, for `what` (`the body`, `the field prompt`): it can be read by one flag only.
fn read_stdin(what: &str) -> Result<String, Failure> {
    static READ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if READ.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return Err(Failure::usage("standard input can be read once: give `-` (or `@-`) to one flag only".into()));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::local(format!("cannot read {what} from stdin: {e}")))?;
    Ok(without_bom(text))
}

/// Text without the byte-order mark some editors write first: it marks the encoding, and is no part of the
/// JSON or of the text a field is given.
fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// The text of a file named on the command line with `@` (`given`: the argument as written): one that is
/// missing, unreadable or not UTF-8 text is a wrong argument (exit 2), named with its path.
fn read_argument_file(path: &str, given: &str) -> Result<String, Failure> {
    if path.is_empty() {
        return Err(Failure::usage(format!("{given}: no file named after the @ (write @- for standard input)")));
    }
    std::fs::read_to_string(path).map(without_bom).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
            _ => e.to_string(),
        };
        Failure::usage(format!("{given}: cannot read the file {path}: {why}"))
    })
}

/// `--all`: every page of a list, its items as NDJSON on standard output, or as one table (or CSV). A
/// table holds the items until the last page is in: when a page fails, or the items pass
/// [`MAX_HELD_BYTES`], the items fetched so far are written before the failure is reported.
fn fetch_all(context: &Context, op: &'static OperationInfo, params: Params) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    // For a person, one table of every item once the last page is in; for a program, a line an item as
    // each page arrives.
    let mut table = matches!(context.format, Format::Table | Format::Csv).then(Vec::new);
    let mut walked = Walked::default();
    let fetched = fetch_pages(context, op, params, &mut out, &mut table, &mut walked);
    match table {
        Some(rows) if fetched.is_err() && rows.is_empty() => {}
        Some(rows) if context.format == Format::Csv => {
            output::write_text(&mut out, &output::csv_text(&rows.iter().collect::<Vec<_>>(), op.item_fields())?)?
        }
        Some(rows) => {
            let count =
                if fetched.is_ok() { format!("{} in all\n", rows.len()) } else { format!("{} so far\n", rows.len()) };
            output::write_text(&mut out, &(output::table(&rows) + &count))?
        }
        None => {}
    }
    if walked.repeated > 0 {
        // Items move between pages when the list changes while it is read (on a list shown newest first,
        // one added meanwhile pushes the rest one place on): one read again is written once. Items that
        // moved the other way (one deleted meanwhile) are missed: the list's count says so, below.
        let message = format!(
            "{} came again on a later page (the list changed while it was read) and {} written once",
            items(walked.repeated),
            if walked.repeated == 1 { "was" } else { "were" }
        );
        crate::notices::warning(&message, json!({ "repeated": walked.repeated }));
    }
    let shrank = walked.shrank;
    if shrank > 0 {
        // Pages are offsets: an item deleted before the page being read moves the rest up one place,
        // and the one that moves onto the page already read is never seen.
        let message = format!(
            "the list held {shrank} fewer item{} while it was read (deleted meanwhile), so as many others may have \
             been skipped: read it again for a full list",
            if shrank == 1 { "" } else { "s" }
        );
        crate::notices::warning(&message, json!({ "shrank_by": shrank }));
    }
    // A page the walk refused (page 1 again for page 2, an empty page its counts contradict) would come
    // the same way again: going on from it is no advice.
    let refused_page = matches!(&fetched, Err(Failure::Api(f)) if matches!(&f.error, talkover::Error::Decode(d) if d.is_incomplete_list()));
    if matches!(&fetched, Err(Failure::Api(_))) && !refused_page {
        // The page size goes with the page: page 5 of 2 items is not page 5 of 100.
        let per_page = walked.per_page.map(|n| format!(" --per-page {n}")).unwrap_or_default();
        let written = match walked.written {
            0 => "before any item was written".to_owned(),
            n => format!("after {} (written)", items(n)),
        };
        let message = format!(
            "--all stopped at page {page} {written}; `--page {page}{per_page} --all` goes on from there",
            page = walked.page
        );
        let fields = json!({ "resume_page": walked.page, "per_page": walked.per_page, "written": walked.written });
        crate::notices::warning(&message, fields);
    }
    fetched
}

/// How far `--all` went.
#[derive(Default)]
struct Walked {
    /// The page asked for last.
    page: u64,
    /// The size of the pages asked for, when the operation takes one.
    per_page: Option<u64>,
    /// The items written (or held for the table), each once.
    written: usize,
    /// The items left out as an earlier page's again (the same `id`).
    repeated: usize,
    /// The ids of the items so far.
    seen: std::collections::HashSet<String>,
    /// The list's count of items on the last page that gave one.
    last_total: Option<u64>,
    /// How many items the list's count lost from one page to the next, added up: as many as may have been
    /// skipped, the items after one deleted moving up a page under the walk.
    shrank: u64,
}

impl Walked {
    /// Takes a page's count of the items in the whole list (`None`, or 0 where its block gives none).
    fn counted(&mut self, total: Option<u64>) {
        let Some(total) = total.filter(|t| *t > 0) else { return };
        // Each fall from one page to the next counts, a rise between them (items added) or not.
        self.shrank += self.last_total.map_or(0, |last| last.saturating_sub(total));
        self.last_total = Some(total);
    }

    /// Whether `item` is new to the walk: one with no `id` always is.
    fn first_time(&mut self, item: &Value) -> bool {
        let new = match item.get("id") {
            Some(Value::String(id)) => self.seen.insert(id.clone()),
            Some(id @ Value::Number(_)) => self.seen.insert(id.to_string()),
            _ => true,
        };
        self.repeated += usize::from(!new);
        new
    }
}

fn items(n: usize) -> String {
    if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    }
}

/// The pages of `--all`, each written to `out` as it comes, or its items added to `table` when one is
/// held.
fn fetch_pages(
    context: &Context,
    op: &'static OperationInfo,
    mut params: Params,
    out: &mut impl std::io::Write,
    table: &mut Option<Vec<Value>>,
    walked: &mut Walked,
) -> Result<(), Failure> {
    let mut page = 1u64;
    let query = params.query.get_or_insert_with(|| Value::Object(Map::new()));
    // A list whose page documents no paging (list-actions, list-trainings, list-phone-numbers) comes whole
    // when no page is asked for: asked for neither a page nor a size, it is read in one request that names
    // neither, as the SDK's `items()` reads it.
    let comes_whole = op.page_block == Some(talkover::page::PageBlock::WholeUnlessPaged);
    let whole = comes_whole && query.as_object().is_none_or(|q| !q.contains_key("page") && !q.contains_key("per_page"));
    // Every item is wanted: pages as large as the API serves (100), not its default, so that a long list
    // takes a fifth of the requests against the rate limit.
    if let Some(query) = query.as_object_mut().filter(|q| !q.contains_key("per_page") && !whole) {
        if op.query_fields().iter().any(|f| f.name == "per_page") {
            query.insert("per_page".into(), Value::from(ALL_PER_PAGE));
        }
    }
    if let Some(start) = query_number(query, "page") {
        page = start.max(1);
    }
    walked.per_page = query_number(query, "per_page");
    let mut progress = PageProgress::on_terminal();
    let mut held_bytes = 0usize;
    // Each page must be the one asked for, as the SDK's own pagination checks it: a server that ignores
    // `page` ends the list with an error, not with the same items written twice.
    let mut walk = talkover::page::PageWalk::starting_at(Some(page).filter(|_| !whole));
    if let Some(per_page) = walked.per_page {
        walk = walk.with_page_size(per_page);
    }
    if comes_whole {
        walk = walk.comes_whole();
    }
    for pass in 0..MAX_PAGES {
        if let Some(query) = params.query.as_mut().and_then(Value::as_object_mut).filter(|_| !whole || pass > 0) {
            query.insert("page".into(), Value::from(page));
        }
        walked.page = page;
        progress.show(&format!("page {page}, {} so far", items(walked.written)));
        let answer = context.call(|client| client.execute_registered(op, &params));
        progress.clear();
        let answer = answer?;
        // A list answer read as the core reads one (`data`, and the page block under `meta` or
        // `pagination`), so the next page follows `Page::next_page`'s rule.
        let Ok(list) = ListEnvelope::<Value>::deserialize(&answer.value).map(Page::from) else {
            // Not a list: the one answer, on one line (or as a person reads it, or its ids).
            if context.format == Format::Id {
                output::write_text(out, &output::id_lines(&answer.value, Some(op.id))?)?;
            } else if context.format == Format::Table {
                output::write_text(out, &output::human(&answer.value))?;
            } else if context.format == Format::Csv {
                output::write_text(out, &output::answer_csv(&answer.value, Some(op.id))?)?;
            } else {
                output::print_line(out, &answer.value).map_err(output::write_failure)?;
            }
            return Ok(());
        };
        let (list, next) = walk.take(op.id, list).map_err(|mut error| {
            // The refused page's items are not written as an undecodable answer's would be: the list
            // stops before them.
            if let talkover::Error::Decode(decode) = &mut error {
                decode.body = talkover::RawBody::default();
            }
            Failure::from(error)
        })?;
        walked.counted(list.pagination.as_ref().map(|p| p.total));
        let mut items = list.items;
        items.retain(|item| walked.first_time(item));
        if table.is_some() {
            held_bytes +=
                items.iter().map(|item| serde_json::to_string(item).map_or(0, |text| text.len())).sum::<usize>();
        }
        walked.written += items.len();
        match table {
            // A page's resources, as one answer's would be written (a voice template group's voices).
            Some(rows) if context.format == Format::Csv => {
                let page = Value::Array(items);
                rows.extend(output::csv_rows(&page, Some(op.id)).into_iter().cloned());
            }
            Some(rows) => rows.extend(items),
            None if context.format == Format::Id => {
                output::write_text(out, &output::id_lines(&Value::Array(items), Some(op.id))?)?;
            }
            None => {
                for item in &items {
                    output::print_line(out, item).map_err(output::write_failure)?;
                }
            }
        }
        if held_bytes > MAX_HELD_BYTES {
            return Err(Failure::local(format!(
                "--all with -o table or csv holds every item until the last page: stopped past {} MiB of items \
                 ({} items, written above); -o json writes each page as it comes, holding none",
                MAX_HELD_BYTES >> 20,
                walked.written
            )));
        }
        match next {
            Some(next) => page = next,
            None => break,
        }
    }
    Ok(())
}

/// The progress line of `--all` on a terminal (standard error), shown while a page is awaited. It is
/// written with its line break, and removed by going back up over it: the line is thus always ended, so
/// that a command stopped by Ctrl-C leaves the shell's prompt on a line of its own, and it is gone before
/// anything else is written to the terminal. On a terminal that cannot move its cursor (`TERM=dumb`, or
/// no `TERM` on Unix), the lines stay, one under the other, one every [`PageProgress::DUMB_EVERY`] at most.
pub(crate) struct PageProgress {
    /// Whether the line is on the terminal now; `None` when standard error is not a terminal.
    shown: Option<bool>,
    /// Whether a line is removed before the next (the terminal moves its cursor; on a Windows console,
    /// `console` moves it).
    erase: bool,
    /// When the last line that stays was written.
    last_kept: Option<std::time::Instant>,
}

impl PageProgress {
    /// The least time between two lines that stay, on a terminal that cannot move its cursor.
    const DUMB_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

    /// A progress line shown only when standard error is a terminal.
    pub(crate) fn on_terminal() -> Self {
        Self { shown: crate::stderr_is_terminal().then_some(false), erase: !console::is_dumb(), last_kept: None }
    }

    pub(crate) fn show(&mut self, text: &str) {
        self.clear();
        if !self.erase && self.shown.is_some() {
            if self.last_kept.is_some_and(|last| last.elapsed() < Self::DUMB_EVERY) {
                return;
            }
            self.last_kept = Some(std::time::Instant::now());
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}").and_then(|()| err.flush());
            return;
        }
        if let Some(shown) = self.shown.as_mut() {
            // Within the terminal's width: a line that wraps would leave its first part behind when it is
            // removed, one line up.
            let width = console::Term::stderr().size_checked().map_or(usize::MAX, |(_, columns)| usize::from(columns));
            let text = crate::output::cut(text.to_owned(), width.saturating_sub(1).max(1));
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}").and_then(|()| err.flush());
            *shown = true;
        }
    }

    pub(crate) fn clear(&mut self) {
        if let Some(shown @ true) = self.shown.as_mut().filter(|_| self.erase) {
            // Up one line, to its start, and erase it.
            let _ = console::Term::stderr().clear_last_lines(1);
            *shown = false;
        }
    }
}

impl Drop for PageProgress {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// What is asked before a charge, a call or a delete names what it acts on; a read, a create or a
    /// test call is not asked about. Only `y` or `yes` sends it; the end of the input is a no.
    #[test]
    fn a_charge_a_call_or_a_delete_is_asked_about_first() {
        let op = |id: &str| talkover::registry::operation(id).expect(id);
        let params = |value: Value| serde_json::from_value::<Params>(value).unwrap();
        let asked = question(op("purchase-credits"), &params(json!({"body": {"amount": 50, "payment_method_id": 7}})));
        let asked = asked.expect("a purchase is asked about");
        assert!(asked.starts_with("Buy credits") && asked.contains("(amount 50, payment_method_id 7)"), "{asked}");
        assert!(asked.ends_with(": send it? [y/N] "), "{asked}");
        let delete = question(op("delete-agent"), &params(json!({"path": {"agent_id": "a-1"}}))).expect("a delete");
        assert!(delete.contains("(agent_id a-1)"), "{delete}");
        let path = json!({"path": {"attendee_id": "att-1", "calendar_id": "cal-1", "event_id": "ev-1"}});
        let remove = question(op("remove-event-attendee"), &params(path)).expect("a delete");
        assert!(remove.contains("(calendar_id cal-1, event_id ev-1, attendee_id att-1)"), "{remove}");
        let release = json!({"path": {"phone_number_id": "pn-1"}, "body": {"reason": "Closing the branch"}});
        let release = question(op("request-phone-release"), &params(release)).expect("a release");
        assert!(release.contains("(phone_number_id pn-1)"), "{release}");
        let call = json!({"path": {"agent_id": "a-1"}, "body": {"to": "+15550101234"}});
        assert!(question(op("make-call"), &params(call)).is_some_and(|q| q.contains("to +15550101234")));
        let test_call = json!({"path": {"agent_id": "a-1"}, "body": {"to": "+15550101234", "is_testing": true}});
        assert_eq!(question(op("make-call"), &params(test_call)), None, "a test call costs nothing");
        for read_or_create in ["get-agent", "list-agents", "create-agent", "update-campaign-status"] {
            assert_eq!(question(op(read_or_create), &Params::default()), None, "{read_or_create}");
        }

        for (answer, sent) in [
            ("y\n", true),
            ("YES\n", true),
            (" yes \r\n", true),
            ("\n", false),
            ("n\n", false),
            ("yep\n", false),
            ("", false),
            ("y", false),
        ] {
            let mut shown = Vec::new();
            assert_eq!(confirmed("Delete? [y/N] ", &mut answer.as_bytes(), &mut shown), sent, "{answer:?}");
            assert!(String::from_utf8(shown).unwrap().starts_with("Delete? [y/N] "));
        }
    }

    #[test]
    fn fields_are_set_by_path_over_the_body() {
        let mut body = json!({"name": "a", "schedule": {"timezone": "UTC"}});
        set_field(&mut body, "schedule.start_time", json!("09:00")).unwrap();
        set_field(&mut body, "days[]", json!(1)).unwrap();
        set_field(&mut body, "days[]", json!(2)).unwrap();
        set_field(&mut body, "retry.max", json!(3)).unwrap();
        set_field(&mut body, "name", json!("b")).unwrap();
        assert_eq!(
            body,
            json!({"name": "b", "schedule": {"timezone": "UTC", "start_time": "09:00"}, "days": [1, 2],
                "retry": {"max": 3}})
        );
        for (name, why) in [
            ("name.first", "`name` is not an object"),
            ("schedule[]", "`schedule` is not a list"),
            ("a..b", "empty"),
            ("a[].b", "last part"),
        ] {
            let Err(Failure::Usage(message)) = set_field(&mut body, name, json!(1)) else { panic!("{name}") };
            assert!(message.contains(why), "{name}: {message}");
        }
        let Err(Failure::Usage(message)) = set_field(&mut json!([1]), "a", json!(1)) else { panic!() };
        assert!(message.contains("not a JSON object"), "{message}");
    }

    /// `-F NAME=@path` reads its file by the type of the field: text for a string of any kind, JSON for any
    /// other type (a list's item for `NAME[]`), typed as inline for a name the registry does not list.
    #[test]
    fn a_file_is_read_by_the_type_of_its_field() {
        let update = talkover::registry::operation("update-campaign").expect("update-campaign");
        for name in ["name", "timezone", "agent_id", "campaign_type", "start_date", "do_not_call_custom_list[]"] {
            assert_eq!(file_reading(update, name), FileReading::Text, "{name}");
        }
        for name in ["max_retries", "auto_complete", "days_of_week", "days_of_week[]", "call_time_ranges"] {
            assert!(matches!(file_reading(update, name), FileReading::Json(_)), "{name}");
        }
        for name in ["schedule.timezone", "name[]", "no_such_field"] {
            assert_eq!(file_reading(update, name), FileReading::Typed, "{name}");
        }
        let trunk = talkover::registry::operation("create-sip-trunk").expect("create-sip-trunk");
        assert_eq!(file_reading(trunk, "password"), FileReading::Text, "a secret string");
        assert_eq!(without_line_break("a\n"), "a");
        assert_eq!(without_line_break("a\r\n"), "a");
        assert_eq!(without_line_break("a\n\n"), "a\n", "one line break only");
        assert_eq!(without_line_break("a"), "a");
        assert_eq!(without_line_break(" a \t"), " a \t", "other whitespace kept");
    }

    #[test]
    fn typed_field_values_are_json_where_they_read_as_json() {
        assert_eq!(typed_value("true"), json!(true));
        assert_eq!(typed_value("null"), json!(null));
        assert_eq!(typed_value("30"), json!(30));
        assert_eq!(typed_value("0.5"), json!(0.5));
        assert_eq!(typed_value("[1, 2]"), json!([1, 2]));
        assert_eq!(typed_value("\"30\""), json!("30"));
        assert_eq!(typed_value("+15550101234"), json!("+15550101234"));
        assert_eq!(typed_value("Support bot"), json!("Support bot"));
        assert_eq!(typed_value("[WIP] demo"), json!("[WIP] demo"), "not JSON: text, as gh has it");
        // Numbers go out as written: not rounded, trailing zeros kept.
        for digits in ["99999999999999999999", "100.10", "12345678901234567.89", "0.10000000000000001"] {
            assert_eq!(typed_value(digits).to_string(), digits);
        }
        assert_eq!(typed_value("18446744073709551615"), json!(u64::MAX));
        assert_eq!(typed_value("-9223372036854775808"), json!(i64::MIN));
    }
}
