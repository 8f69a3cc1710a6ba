//! Phone-number release requests are kept by the emulator: a request is listed as pending, a second one
//! for the same number is refused, a cancelled one stays listed as cancelled, and a number a published
//! agent uses cannot be released, nor one a draft agent holds, until it is detached.

use crate::common;

use common::raw::{error_fields, send};
use common::{agent, api, voice};
use talkover::agents::{PublishAgent, UnpublishAgent};
use talkover::phone_numbers::ReleaseRequestStatus;
use talkover::ErrorKind;
use talkover_mock::Server;

const REASON: &str = "Moved this line to the new toll-free number";

#[test]
fn a_release_request_is_pending_until_cancelled() {
    let (_server, client) = common::start_blocking();
    let numbers = client.phone_numbers();
    let before = numbers.release_requests().unwrap().items;

    let request = numbers.request_release("phone-uuid-2", REASON).unwrap();
    assert_eq!(request.status, ReleaseRequestStatus::Pending);
    assert_eq!(request.phone_number, "+1987654321");
    assert_eq!(request.reason, REASON);
    let listed = numbers.release_requests().unwrap().items;
    assert_eq!(listed.len(), before.len() + 1);
    assert_eq!(listed[0], request);

    let again = numbers.request_release("phone-uuid-2", REASON).unwrap_err();
    assert_eq!(api(&again).status.as_u16(), 409);
    assert_eq!(api(&again).code.as_deref(), Some("RELEASE_ALREADY_PENDING"));

    numbers.cancel_release(&request.id).unwrap();
    let cancelled = numbers.release_requests().unwrap().items.into_iter().find(|r| r.id == request.id).unwrap();
    assert_eq!(cancelled.status, ReleaseRequestStatus::Cancelled);
    assert!(cancelled.resolved_at.is_some());
    let twice = numbers.cancel_release(&request.id).unwrap_err();
    assert_eq!(api(&twice).code.as_deref(), Some("RELEASE_ALREADY_RESOLVED"));
    let unknown = numbers.cancel_release("no-such-request").unwrap_err();
    common::assert_api(&unknown, 404, ErrorKind::NotFound, "Release request not found");
    // Once cancelled, the number can be asked for again.
    numbers.request_release("phone-uuid-2", REASON).unwrap();
}

#[tokio::test]
async fn a_number_a_published_agent_uses_cannot_be_released() {
    let (_server, client) = common::start_async().await;
    let owner = client.agents().create(agent("Line owner").phone_number_ids(["phone-uuid-2"])).await.unwrap();
    client.agents().update_voice(&owner.id, voice()).await.unwrap();
    client.execute(PublishAgent::new(&owner.id)).await.unwrap();
    let refused = client.phone_numbers().request_release("phone-uuid-2", REASON).await.unwrap_err();
    assert_eq!(api(&refused).status.as_u16(), 422);
    assert_eq!(api(&refused).code.as_deref(), Some("PHONE_NUMBER_IN_USE"));
    let missing = client.phone_numbers().request_release("no-such-number", REASON).await.unwrap_err();
    assert_eq!(api(&missing).status.as_u16(), 404);
}

#[test]
fn a_short_reason_answers_422() {
    let server = Server::start_blocking().unwrap();
    let (status, body) = send(&server, "POST", "/phone-numbers/phone-uuid-2/request-release", r#"{"reason":"short"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["reason".to_owned()]), "{body}");
    let (status, body) = send(&server, "POST", "/phone-numbers/phone-uuid-2/request-release", "{}");
    assert_eq!((status, error_fields(&body)), (422, vec!["reason".to_owned()]), "{body}");
}

#[test]
fn a_number_any_agent_holds_is_released_only_once_detached() {
    let (_server, client) = common::start_blocking();
    let holder = client.agents().create(agent("Draft holder").phone_number_ids(["phone-uuid-2"])).unwrap();
    client.agents().update_voice(&holder.id, voice()).unwrap();
    client.execute(PublishAgent::new(&holder.id)).unwrap();
    let refused = client.phone_numbers().request_release("phone-uuid-2", REASON).unwrap_err();
    assert_eq!((api(&refused).status.as_u16(), api(&refused).code.as_deref()), (422, Some("PHONE_NUMBER_IN_USE")));
    // Unpublished, the agent still holds it (the page: detach it from any agent first), as a DID held by
    // an agent is not removed from its trunk.
    client.execute(UnpublishAgent::new(&holder.id)).unwrap();
    let still = client.phone_numbers().request_release("phone-uuid-2", REASON).unwrap_err();
    assert_eq!(api(&still).code.as_deref(), Some("PHONE_NUMBER_IN_USE"));
    // Detached, it can be released.
    let calling = talkover::agents::AgentCallingSettings::new(talkover::agents::Direction::Outbound);
    client.agents().update_calling(&holder.id, calling.phone_number_ids(Vec::<String>::new())).unwrap();
    let request = client.phone_numbers().request_release("phone-uuid-2", REASON).unwrap();
    assert_eq!(request.status, ReleaseRequestStatus::Pending);
}

#[test]
fn the_seeded_numbers_have_one_id_each_across_agents_numbers_and_release_requests() {
    let (_server, client) = common::start_blocking();
    let listed = client.phone_numbers().list().send().unwrap().items;
    let id_of = |number: &str| listed.iter().find(|n| n.number == number).map(|n| n.id.clone());
    // The example agent holds `+1234567890`, which the list of numbers calls `phone-uuid-1`: releasing it
    // by that id is refused as in use, as the page says a number an active agent holds is.
    let agents = client.agents().list().send().unwrap().items;
    let held = agents.iter().flat_map(|a| a.phone_numbers.iter().flatten()).collect::<Vec<_>>();
    assert!(!held.is_empty());
    for number in held {
        assert_eq!(Some(number.id.clone()), id_of(&number.number), "{number:?}");
    }
    let refused = client.phone_numbers().request_release("phone-uuid-1", REASON).unwrap_err();
    assert_eq!((api(&refused).status.as_u16(), api(&refused).code.as_deref()), (422, Some("PHONE_NUMBER_IN_USE")));
    // Each recorded release request names its number by the id the list gives it.
    let requests = client.phone_numbers().release_requests().unwrap().items;
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!(Some(request.phone_number_id.clone()), id_of(&request.phone_number), "{request:?}");
    }
}
