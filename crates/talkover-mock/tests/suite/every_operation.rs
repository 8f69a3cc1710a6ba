//! Every documented operation answers on the emulator: the reference's own example request of each one,
//! built through the SDK's types, gets an answer the SDK decodes (or one of the API's documented errors,
//! for the stateful operations whose example names an id the emulator does not hold, or conflicts with
//! what it holds: the recorded trunk still has its numbers, the recorded number is already attached).

use crate::common;

use talkover::registry;
use talkover::{BlockingTransport, ClientConfig, Error};

#[test]
fn every_operation_answers_its_documented_example() {
    let config = ClientConfig::new("talq_every_operation")
        .unwrap()
        .with_base_url(talkover::BaseUrl::parse("http://127.0.0.1/api/v1").unwrap());
    let (mut decoded, mut refused, mut problems) = (0, 0, Vec::new());
    let operations: Vec<_> = registry::operations().collect();
    assert!(operations.len() >= 127, "{} operations", operations.len());
    for op in operations {
        let Some(params) = common::first_successful_example(op.id) else {
            problems.push(format!("{}: no successful example to send", op.id));
            continue;
        };
        let request = match op.build_request(&params, &config) {
            Ok(request) => request,
            Err(e) => {
                problems.push(format!("{}: the example does not build: {e}", op.id));
                continue;
            }
        };
        // Each example assumes the recorded data as it was recorded: a fresh emulator for each, so that an
        // example deleting a recorded resource does not take it from the examples after it.
        let emulator = talkover_mock::Server::builder().token("talq_every_operation").emulator().unwrap();
        let response = BlockingTransport::send(&emulator, request).unwrap();
        let status = response.status().as_u16();
        match op.decode(response) {
            Ok(_) => decoded += 1,
            Err(Error::Api(e)) if matches!(status, 404 | 409 | 422) => {
                // A stateful operation refusing an id or a body it does not hold, or a documented conflict.
                assert!(e.message.is_some(), "{}: {status} without a message", op.id);
                assert!(status != 409 || e.code.is_some(), "{}: a conflict without its code", op.id);
                eprintln!("{}: {status} {}", op.id, e.message.as_deref().unwrap_or_default());
                refused += 1;
            }
            Err(e) => problems.push(format!("{}: {status}: {e}", op.id)),
        }
    }
    eprintln!("{decoded} operations answered their example, {refused} refused an id they do not hold");
    assert!(problems.is_empty(), "{} operations failed:\n{}", problems.len(), problems.join("\n"));
    // The stateful operations refuse the examples' ids they do not hold; the rest must answer.
    assert!(decoded >= 80, "only {decoded} operations answered their example ({refused} refused)");
}
