//! The conformance runner itself: it passes good fixtures and catches every kind of bad one.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};
use talkover_conformance::{fixtures_dir, run_dir, Mode};

fn scratch(name: &str) -> PathBuf {
    // One folder per call: the tests run in parallel and several write the same operation's folder.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("talkover-runner-{}-{n}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn original() -> Value {
    let text = fs::read_to_string(fixtures_dir().join("delete-action/error-404-action-not-found.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn write(dir: &Path, folder: &str, fixture: &Value) {
    fs::create_dir_all(dir.join(folder)).unwrap();
    fs::write(dir.join(folder).join("case.json"), serde_json::to_vec_pretty(fixture).unwrap()).unwrap();
}

fn problems(fixture: Value, folder: &str, mode: Mode) -> Vec<String> {
    let dir = scratch(&format!("{folder}-{:?}", mode));
    write(&dir, folder, &fixture);
    let outcomes = run_dir(&dir, mode).unwrap();
    let _ = fs::remove_dir_all(&dir);
    outcomes.into_iter().flat_map(|o| o.problems).collect()
}

#[test]
fn a_documented_fixture_passes_in_memory_and_on_the_wire() {
    assert_eq!(problems(original(), "delete-action", Mode::InMemory), Vec::<String>::new());
    assert_eq!(problems(original(), "delete-action", Mode::Wire), Vec::<String>::new());
}

type Mutation = Box<dyn Fn(&mut Value)>;

#[test]
fn every_kind_of_mismatch_is_caught() {
    let cases: Vec<(&str, Mutation)> = vec![
        ("path", Box::new(|f| f["request"]["path"] = json!("/api/v1/agents/x/actions/missing"))),
        ("method", Box::new(|f| f["request"]["method"] = json!("POST"))),
        ("query", Box::new(|f| f["request"]["query"] = json!([["page", "2"]]))),
        ("header accept", Box::new(|f| f["request"]["headers"]["accept"] = json!("text/html"))),
        ("body", Box::new(|f| f["request"]["body"] = json!({"x": 1}))),
        ("error kind", Box::new(|f| f["expect"]["error"]["kind"] = json!("conflict"))),
        ("error message", Box::new(|f| f["expect"]["error"]["message"] = json!("Something else"))),
        ("error status", Box::new(|f| f["expect"]["error"]["status"] = json!(410))),
        ("expected success", Box::new(|f| f["expect"] = json!({"ok": "strict"}))),
    ];
    for (what, mutate) in cases {
        let mut fixture = original();
        mutate(&mut fixture);
        let found = problems(fixture.clone(), "delete-action", Mode::InMemory);
        assert!(!found.is_empty(), "{what} mismatch not caught in memory");
        if what != "error kind" && what != "error message" && what != "error status" && what != "expected success" {
            let found = problems(fixture, "delete-action", Mode::Wire);
            assert!(
                found.iter().any(|p| p.contains("on the wire")),
                "{what} mismatch not caught on the wire: {found:?}"
            );
        }
    }
}

#[test]
fn a_strict_fixture_fails_when_a_field_is_not_modelled() {
    let text = fs::read_to_string(fixtures_dir().join("publish-agent/ok-publish.json")).unwrap();
    let mut fixture: Value = serde_json::from_str(&text).unwrap();
    fixture["response"]["body"]["data"]["brand_new_field"] = json!(true);
    let found = problems(fixture.clone(), "publish-agent", Mode::InMemory);
    assert!(found.iter().any(|p| p.contains("brand_new_field")), "{found:?}");
    fixture["expect"] = json!({"ok": "lenient"});
    assert_eq!(problems(fixture, "publish-agent", Mode::InMemory), Vec::<String>::new());
}

#[test]
fn malformed_fixtures_are_failures_that_say_why() {
    let mut unknown = original();
    unknown["operation"] = json!("no-such-operation");
    let found = problems(unknown, "no-such-operation", Mode::InMemory);
    assert!(found.iter().any(|p| p.contains("unknown operation")), "{found:?}");

    let found = problems(original(), "delete-training", Mode::InMemory);
    assert!(found.iter().any(|p| p.contains("disagree")), "{found:?}");

    let mut missing = original();
    missing.as_object_mut().unwrap().remove("expect");
    let found = problems(missing, "delete-action", Mode::InMemory);
    assert!(found.iter().any(|p| p.contains("expect")), "{found:?}");

    // A path parameter left out is not an empty one: the fixture says what it lacks, in both modes, even
    // when it expects the refusal an empty one gets.
    let mut lacking = original();
    lacking["params"]["path"].as_object_mut().unwrap().remove("action_id");
    fails_in_both_modes(&lacking, "`params.path` lacks `action_id`");
    fails_in_both_modes(&as_refusal(lacking), "`params.path` lacks `action_id`");
}

/// Runs `fixture` (of delete-action) in both modes: each must fail with a problem saying `said`.
fn fails_in_both_modes(fixture: &Value, said: &str) {
    for mode in [Mode::InMemory, Mode::Wire] {
        let found = problems(fixture.clone(), "delete-action", mode);
        assert!(found.iter().any(|p| p.contains(said)), "{mode:?}: {found:?}");
    }
}

/// `fixture` expecting the SDK's refusal, without the request and answer a refusal has no use for.
fn as_refusal(mut fixture: Value) -> Value {
    fixture["expect"] = json!({ "error": { "kind": "invalid_request" } });
    fixture.as_object_mut().unwrap().retain(|key, _| key != "request" && key != "response");
    fixture
}

#[test]
fn an_empty_folder_runs_nothing() {
    let dir = scratch("empty");
    assert!(run_dir(&dir, Mode::InMemory).unwrap().is_empty());
    assert!(!talkover_conformance::run_and_report(&dir, Mode::InMemory));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_refusal_the_sdk_would_send_fails_in_both_modes() {
    // The documented request of delete-action is sent, not refused: a fixture expecting a refusal is wrong.
    let mut sent = original();
    sent["expect"] = json!({ "error": { "kind": "invalid_request" } });
    fails_in_both_modes(&sent, "`request`");
    // Without the request and answer a refusal has no use for, it is read, and fails for what it expects.
    fails_in_both_modes(&as_refusal(original()), "expects it to refuse");
}

#[test]
fn a_fixture_is_read_as_the_wire_carries_it() {
    // A 204 carries no body on the wire: what a recording kept after one is not read, in either mode.
    let text = fs::read_to_string(fixtures_dir().join("delete-agent/ok-delete.json")).unwrap();
    let mut fixture: Value = serde_json::from_str(&text).unwrap();
    fixture["response"]["status"] = json!(204);
    fixture["response"]["body"] = json!({ "success": false, "message": "left over" });
    fixture["expect"] = json!({ "ok": "lenient" });
    for mode in [Mode::InMemory, Mode::Wire] {
        assert_eq!(problems(fixture.clone(), "delete-agent", mode), Vec::<String>::new(), "{mode:?}");
    }

    // One header given twice (names are case-blind) is a malformed fixture, not one of them unchecked.
    let mut twice = original();
    twice["request"]["headers"]["Accept"] = json!("text/plain");
    let found = problems(twice, "delete-action", Mode::InMemory);
    assert!(found.iter().any(|p| p.contains("given twice")), "{found:?}");

    // A byte-order mark before the JSON is no part of it.
    let dir = scratch("bom");
    fs::create_dir_all(dir.join("delete-action")).unwrap();
    let text = format!("\u{feff}{}", serde_json::to_string(&original()).unwrap());
    fs::write(dir.join("delete-action/case.json"), text).unwrap();
    let outcomes = run_dir(&dir, Mode::InMemory).unwrap();
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(outcomes.into_iter().flat_map(|o| o.problems).collect::<Vec<_>>(), Vec::<String>::new());
}

#[test]
fn a_refusal_names_its_fields() {
    let fixture = json!({
        "operation": "make-call",
        "description": "a delay past the documented bound",
        "params": { "path": { "agent_id": "550e8400-e29b-41d4-a716-446655440000" },
                    "body": { "to": "+15551234567", "delay_seconds": 3601 } },
        "expect": { "error": { "kind": "invalid_request", "fields": ["delay_seconds"] } }
    });
    assert_eq!(problems(fixture.clone(), "make-call", Mode::InMemory), Vec::<String>::new());
    // A misspelt name is dropped unread: make-call refuses for want of `to`, a refusal the fixture expects
    // (without `fields`), for the wrong reason. Names the operation does not have fail it, in both modes.
    let mut misspelt = fixture.clone();
    misspelt["params"]["body"] = json!({ "too": "+15551234567" });
    misspelt["params"]["query"] = json!({ "per_pag": 5 });
    misspelt["expect"] = json!({ "error": { "kind": "invalid_request" } });
    for mode in [Mode::InMemory, Mode::Wire] {
        let found = problems(misspelt.clone(), "make-call", mode);
        for name in ["params.body.too", "params.query.per_pag"] {
            assert!(found.iter().any(|p| p.starts_with(name) && p.contains("no such")), "{mode:?}: {found:?}");
        }
    }
    let mut wrong = fixture;
    wrong["expect"]["error"]["fields"] = json!(["to"]);
    let found = problems(wrong.clone(), "make-call", Mode::InMemory);
    assert_eq!(found[0], "error fields: expected [to], got [delay_seconds]", "{found:?}");
    // Two mismatches: each on a line of its own, then the error once.
    wrong["expect"]["error"]["status"] = json!(422);
    let found = problems(wrong, "make-call", Mode::InMemory);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0], "error status: expected 422, got none", "{found:?}");
    assert!(found[2].starts_with("the error: ") && found[2].contains("delay_seconds"), "{found:?}");
}
