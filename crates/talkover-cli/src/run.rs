//! Running any registry operation from its command line.

use std::io::{Read as _, Write as _};

use clap::ArgMatches;
use serde_json::{Map, Value};
use talkover::registry::{OperationInfo, Params};

use crate::commands::{self, body_positionals, path_params, REFERENCE};
use crate::failure::Failure;
use crate::output::{self, Format};
use crate::Context;

/// The most pages `--all` fetches.
const MAX_PAGES: u64 = 100_000;

/// `talkover operations`: every operation, its method and path, and the command that runs it.
pub fn list_operations(format: Format) {
    let commands = commands::operation_commands();
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
                "reference": format!("{REFERENCE}{}", c.operation.id),
            })
        })
        .collect();
    match format {
        Format::Json => output::print(&Value::Array(rows), Format::Json),
        Format::Table => {
            let mut out = std::io::stdout().lock();
            let width = commands.iter().map(|c| c.resource.len() + c.action.len() + 10).max().unwrap_or(0);
            for c in &commands {
                let command = format!("talkover {} {}", c.resource, c.action);
                let _ = writeln!(out, "{command:width$}  {:6} {}", c.operation.method.as_str(), c.operation.path);
            }
        }
    }
}

/// Runs `op` with the arguments of its command, and prints the answer.
pub fn run_operation(context: &Context, op: &'static OperationInfo, args: &ArgMatches) -> Result<(), Failure> {
    let mut params = params_from_args(op, args)?;
    // Query values arrive as text: read again as numbers, booleans or lists where the types want so.
    op.fit_text_query(&mut params, context.client.config())?;
    refuse_unknown(op, &params, context.client.config())?;
    if args.try_get_one::<bool>("all").ok().flatten().copied().unwrap_or(false) {
        return fetch_all(context, op, params);
    }
    let answer = context.client.execute_registered(op, &params)?;
    output::print(&answer.value, context.format);
    Ok(())
}

/// Refuses what building the request would leave out without a word: query parameters and body fields
/// the operation's types do not know. A misspelt name (`secret` for `webhook_secret`) would otherwise be
/// sent as if it were unset, and the command would succeed.
fn refuse_unknown(op: &OperationInfo, params: &Params, config: &talkover::ClientConfig) -> Result<(), Failure> {
    let mut unknown: Vec<String> = params
        .query
        .as_ref()
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|query| query.keys())
        .filter(|name| !op.query_names().contains(&name.as_str()))
        .map(|name| format!("query `{name}`"))
        .collect();
    if let Some(given) = params.body.as_ref() {
        let request = op.build_request(params, config)?;
        let sent: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        let mut dropped = Vec::new();
        dropped_fields(given, &sent, "", &mut dropped);
        unknown.extend(dropped.into_iter().map(|field| format!("body `{field}`")));
    }
    if unknown.is_empty() {
        return Ok(());
    }
    Err(Failure::refused(format!(
        "{} does not know {}; nothing was sent (the names are on {REFERENCE}{})",
        op.id,
        unknown.join(", "),
        op.id
    )))
}

/// The paths of the fields of `given` that `sent` lacks (a `null` given is "unset", not a field lost).
fn dropped_fields(given: &Value, sent: &Value, path: &str, out: &mut Vec<String>) {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match (given, sent) {
        (Value::Object(given), Value::Object(sent)) => {
            for (key, value) in given {
                match sent.get(key) {
                    Some(kept) => dropped_fields(value, kept, &at(key), out),
                    None if !value.is_null() => out.push(at(key)),
                    None => {}
                }
            }
        }
        (Value::Array(given), Value::Array(sent)) if given.len() == sent.len() => {
            for (i, (value, kept)) in given.iter().zip(sent).enumerate() {
                dropped_fields(value, kept, &at(&i.to_string()), out);
            }
        }
        _ => {}
    }
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
        let (name, value) =
            pair.split_once('=').ok_or_else(|| Failure::usage(format!("--query takes NAME=VALUE, got {pair:?}")))?;
        pairs.push((name.trim().trim_end_matches("[]").to_owned(), value.to_owned()));
    }
    let mut query = Map::new();
    for (name, value) in pairs {
        let value = Value::String(value);
        match query.get_mut(&name) {
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

/// The body of `--data`: JSON text, `@path`, or `-` (or `@-`, as curl has it) for standard input.
fn read_data(data: &str) -> Result<Value, Failure> {
    let (text, from) = if data == "-" || data == "@-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::local(format!("cannot read the body from stdin: {e}")))?;
        (text, "stdin".to_owned())
    } else if let Some(path) = data.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::local(format!("cannot read the body file {path}: {e}")))?;
        (text, path.to_owned())
    } else {
        (data.to_owned(), "--data".to_owned())
    };
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("the body from {from} is not JSON: {e}")))
}

/// `--all`: every page of a list, its items as NDJSON on standard output.
fn fetch_all(context: &Context, op: &'static OperationInfo, mut params: Params) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let mut page = 1u64;
    let query = params.query.get_or_insert_with(|| Value::Object(Map::new()));
    if let Some(start) = query.get("page").and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok())) {
        page = start.max(1);
    }
    let progress = if crate::stderr_is_terminal() {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut fetched = 0usize;
    for _ in 0..MAX_PAGES {
        if let Some(query) = params.query.as_mut().and_then(Value::as_object_mut) {
            query.insert("page".into(), Value::from(page));
        }
        progress.set_message(format!("page {page}, {fetched} items so far"));
        progress.tick();
        let answer = context.client.execute_registered(op, &params).inspect_err(|_| progress.finish_and_clear())?;
        let items = match answer.value.get("data") {
            Some(Value::Array(items)) => items.clone(),
            _ => {
                // Not a list: the one answer, on one line.
                progress.finish_and_clear();
                output::print_line(&mut out, &answer.value).map_err(write_failure)?;
                return Ok(());
            }
        };
        for item in &items {
            output::print_line(&mut out, item).map_err(write_failure)?;
        }
        fetched += items.len();
        let pagination = answer.value.get("pagination").or_else(|| answer.value.get("meta"));
        match next_page(pagination, items.len()) {
            Some(next) if next > page => page = next,
            _ => {
                progress.finish_and_clear();
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The page after this one, by the answer's pagination (the rule of `talkover::Page::next_page`: an empty
/// page ends the list).
fn next_page(pagination: Option<&Value>, items: usize) -> Option<u64> {
    let p = pagination?;
    let number = |k: &str| p.get(k).and_then(Value::as_u64);
    let current = number("current_page")?;
    if items == 0 || current == 0 {
        return None;
    }
    let more = match number("last_page") {
        Some(last) => current < last,
        None => current.saturating_mul(number("per_page")?) < number("total")?,
    };
    more.then_some(current + 1)
}

fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader stopped reading (`| head`): the command ends quietly, as a filter does.
        return Failure::ClosedPipe;
    }
    Failure::local(format!("cannot write the output: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_the_request_leaves_out_are_named_by_path() {
        let given = json!({"name": "a", "secret": "s", "end_date": null, "inner": {"keep": 1, "typo": 2},
            "list": [{"key": "k", "vaule": "v"}]});
        let sent = json!({"name": "a", "inner": {"keep": 1}, "list": [{"key": "k"}]});
        let mut dropped = Vec::new();
        dropped_fields(&given, &sent, "", &mut dropped);
        assert_eq!(dropped, ["inner.typo", "list.0.vaule", "secret"]);
    }

    #[test]
    fn pages_end_on_the_last_one_or_an_empty_one() {
        let p = json!({"current_page": 1, "per_page": 2, "total": 3});
        assert_eq!(next_page(Some(&p), 2), Some(2));
        assert_eq!(next_page(Some(&json!({"current_page": 2, "per_page": 2, "total": 3})), 1), None);
        assert_eq!(next_page(Some(&json!({"current_page": 1, "last_page": 1})), 5), None);
        assert_eq!(next_page(Some(&p), 0), None);
        assert_eq!(next_page(None, 2), None);
    }
}
