//! Every operation of the registry runs from the command line: one invocation each, with the parameters
//! of its recorded fixture, against the emulator.

use crate::common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

/// The command of each operation id, as `talkover operations` lists it.
fn commands(base_url: &str, token: &str) -> BTreeMap<String, Vec<String>> {
    let mut list = talkover(base_url, token);
    list.args(["operations", "--output", "json"]);
    let mut commands = BTreeMap::new();
    for row in json(list).as_array().expect("a list").iter() {
        let words: Vec<String> = row["command"].as_str().unwrap().split(' ').skip(1).map(str::to_owned).collect();
        assert!(row["summary"].as_str().is_some_and(|s| s.ends_with('.')), "what it does: {row}");
        commands.entry(row["id"].as_str().unwrap().to_owned()).or_insert(words);
    }
    commands
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_operation_runs_from_its_command() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let (base_url, token) = (server.base_url(), server.token().to_owned());
    let commands = commands(&base_url, &token);
    let ids: Vec<&str> = talkover::registry::operations().map(|op| op.id).collect();
    assert_eq!(commands.len(), ids.len(), "`talkover operations` lists every operation");
    // As a table, under a header as every table has, one line a command.
    let mut listed = talkover(&base_url, &token);
    listed.args(["operations", "-o", "json"]);
    let rows = json(listed).as_array().map_or(0, Vec::len);
    let mut table = talkover(&base_url, &token);
    table.args(["operations", "-o", "table"]);
    let table = stdout(&run(table));
    let header: Vec<&str> = table.lines().next().unwrap_or_default().split_whitespace().collect();
    assert_eq!((header, table.lines().count()), (vec!["COMMAND", "METHOD", "PATH"], rows + 1), "{table}");
    let mut answered = 0;
    let mut problems = Vec::new();
    drop(server);
    for op in talkover::registry::operations() {
        let params = example(op.id);
        // A fresh emulator for each: an example that deletes a recorded resource must not take it from
        // the operations run after it.
        let server = talkover_mock::Server::start_blocking().unwrap();
        let (base_url, token) = (server.base_url(), server.token().to_owned());
        let mut command = talkover(&base_url, &token);
        command.args(&commands[op.id]);
        // Path parameters, positional in the order of the path.
        for name in op.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            command.arg(text(params.path.get(name).unwrap_or(&Value::Null)));
        }
        if let Some(query) = params.query.as_ref().and_then(Value::as_object) {
            for (name, value) in query {
                let values = match value {
                    Value::Array(items) => items.clone(),
                    Value::Null => continue,
                    single => vec![single.clone()],
                };
                for value in values {
                    command.arg("--query").arg(format!("{name}={}", text(&value)));
                }
            }
        }
        // The body on standard input: given inline, one holding a secret field would be warned of.
        let body = params.body.as_ref().filter(|b| !b.is_null()).map(Value::to_string);
        if body.is_some() {
            command.args(["--data", "-"]);
        }
        let output = match &body {
            Some(body) => run_with_input(command, body),
            None => run(command),
        };
        let code = output.status.code();
        match code {
            Some(0) => match serde_json::from_slice::<Value>(&output.stdout) {
                Ok(_) => answered += 1,
                Err(e) => problems.push(format!("{}: the output is not JSON ({e}): {}", op.id, stdout(&output))),
            },
            // The API's own answers (401/403, 404, 409, 400/422, 429, 5xx): reached the server, and shown.
            Some(4..=9) => {
                let shown = stderr(&output);
                eprintln!("{}: {}", op.id, shown.lines().next().unwrap_or_default());
                if !shown.starts_with("error: ") || !shown.contains("request id: mock-") {
                    problems.push(format!("{}: the API error is not shown in full: {shown}", op.id));
                }
            }
            _ => problems.push(format!("{}: exit {code:?}: {}", op.id, stderr(&output))),
        }
    }
    assert!(problems.is_empty(), "{} operations failed:\n{}", problems.len(), problems.join("\n"));
    eprintln!("{answered} of {} operations succeeded", ids.len());
    // Some stateful operations refuse an example's ids or state (an id the emulator does not hold, a
    // documented conflict); the rest answer as recorded.
    // (93 of 127 today: the others name a campaign or agent the example's state does not hold.)
    assert!(answered * 3 >= ids.len() * 2, "only {answered} of {} operations succeeded", ids.len());
}
