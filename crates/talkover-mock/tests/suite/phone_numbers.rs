//! The environment's phone numbers: the list applies every documented filter, a SIP trunk's numbers are
//! among them (added with the trunk's DID, gone with it), and an id names one number everywhere.

use crate::common;

use std::collections::BTreeSet;

use common::api;
use common::raw::{error_fields, send};
use talkover::phone_numbers::{PhoneNumber, PhoneNumberType};
use talkover::sip_trunks::NewSipTrunkDid;
use talkover::ErrorKind;
use talkover_mock::Server;

fn ids(numbers: &[PhoneNumber]) -> Vec<&str> {
    numbers.iter().map(|n| n.id.as_str()).collect()
}

#[test]
fn every_documented_filter_applies() {
    let (_server, client) = common::start_blocking();
    let numbers = client.phone_numbers();
    let all = numbers.list().send().unwrap().items;
    assert!(all.len() >= 2, "{all:?}");
    assert!(all.iter().all(|n| n.has_voice && !n.has_whatsapp && n.number_type == PhoneNumberType::Voice));

    let found = numbers.list().search("987").send().unwrap().items;
    assert!(ids(&found).contains(&"phone-uuid-2"), "{found:?}");
    assert!(!ids(&found).contains(&"phone-uuid-1"), "{found:?}");
    assert!(found.iter().all(|n| n.number.contains("987")), "{found:?}");
    assert_eq!(ids(&numbers.list().search("PHONE-UUID-1").send().unwrap().items), ["phone-uuid-1"]);
    assert_eq!(ids(&numbers.list().search("+1234567890").send().unwrap().items), ["phone-uuid-1"]);
    assert!(numbers.list().search("+44").send().unwrap().items.is_empty());

    assert!(numbers.list().has_voice(false).send().unwrap().items.is_empty());
    assert_eq!(numbers.list().has_voice(true).send().unwrap().items, all);
    assert!(numbers.list().has_whatsapp(true).send().unwrap().items.is_empty());
    assert_eq!(numbers.list().has_whatsapp(false).send().unwrap().items, all);
    assert!(numbers.list().number_type(PhoneNumberType::Whatsapp).send().unwrap().items.is_empty());
    assert_eq!(numbers.list().number_type(PhoneNumberType::Voice).send().unwrap().items, all);
    let both = numbers.list().search("987").has_voice(true).number_type(PhoneNumberType::Voice).send().unwrap();
    assert_eq!(both.items, found);
}

/// Amounts seeded from the pages keep the digits the pages write (`1.00`, not `1.0`), as the API's answers
/// do: a snapshot or a log of an answer reads the same in tests as in production.
#[test]
fn seeded_amounts_keep_their_digits() {
    let (_server, client) = common::start_blocking();
    let all = client.phone_numbers().list().send().unwrap().items;
    // The page's own numbers (a trunk's numbers, also listed, cost nothing).
    let recorded = all.iter().filter(|n| ["phone-uuid-1", "phone-uuid-2"].contains(&n.id.as_str()));
    let prices: Vec<&str> = recorded.map(|n| n.current_price.as_str()).collect();
    assert_eq!(prices, ["1.00", "1.00"]);
}

#[test]
fn filters_as_written_in_a_url() {
    let server = Server::start_blocking().unwrap();
    // The reference's own example writes the `+` unencoded: it arrives as a space, and still finds the number.
    let (status, body) = send(&server, "GET", "/phone-numbers?search=+1234567890", "");
    assert_eq!(status, 200, "{body}");
    let found: Vec<&str> = body["data"].as_array().unwrap().iter().filter_map(|n| n["id"].as_str()).collect();
    assert_eq!(found, ["phone-uuid-1"]);
    let (status, body) = send(&server, "GET", "/phone-numbers?has_voice=false&type=voice", "");
    assert_eq!((status, body["data"].as_array().map(Vec::len)), (200, Some(0)), "{body}");
    // A type the reference does not list, as its 422 example shows.
    let (status, body) = send(&server, "GET", "/phone-numbers?type=pager", "");
    assert_eq!((status, error_fields(&body)), (422, vec!["type".to_owned()]), "{body}");
    assert_eq!(body["errors"]["type"][0], "The selected type is invalid.");
    let (status, body) = send(&server, "GET", "/phone-numbers?has_whatsapp=maybe", "");
    assert_eq!((status, error_fields(&body)), (422, vec!["has_whatsapp".to_owned()]), "{body}");
    // A boolean written 1 or 0, as many query encoders write it.
    let (status, body) = send(&server, "GET", "/phone-numbers?has_voice=0", "");
    assert_eq!((status, body["data"].as_array().map(Vec::len)), (200, Some(0)), "{body}");
    let (status, body) = send(&server, "GET", "/phone-numbers?has_voice=1&search=%2B1234567890", "");
    assert_eq!((status, body["data"].as_array().map(Vec::len)), (200, Some(1)), "{body}");
    let (status, body) = send(&server, "GET", "/phone-numbers?has_voice=2", "");
    assert_eq!((status, error_fields(&body)), (422, vec!["has_voice".to_owned()]), "{body}");
}

#[test]
fn a_trunk_s_numbers_are_phone_numbers_of_the_environment() {
    let (_server, client) = common::start_blocking();
    let numbers = client.phone_numbers();
    let dids = client.sip_trunks().dids("trunk-uuid-1");
    let before = numbers.list().send().unwrap().items;

    // One id, one number: across the list and the recorded trunk's numbers.
    let listed: BTreeSet<(&str, &str)> = before.iter().map(|n| (n.id.as_str(), n.number.as_str())).collect();
    assert_eq!(listed.iter().map(|(id, _)| id).collect::<BTreeSet<_>>().len(), before.len());
    assert_eq!(listed.iter().map(|(_, number)| number).collect::<BTreeSet<_>>().len(), before.len());
    let recorded_dids = dids.list().unwrap().items;
    assert!(!recorded_dids.is_empty());
    for did in &recorded_dids {
        assert!(listed.contains(&(did.id.as_str(), did.number.as_str())), "{did:?} is not in {listed:?}");
    }
    let first = before.iter().find(|n| n.id.as_str() == "phone-uuid-1").unwrap();
    assert_eq!(first.number, "+1234567890");
    assert!(recorded_dids.iter().all(|d| d.id.as_str() != "phone-uuid-1" || d.number == "+1234567890"));

    // A number added to a trunk is listed, found by its number, and gone once removed.
    let did = dids.create(NewSipTrunkDid::new("US", "+15557654321")).unwrap();
    let after = numbers.list().send().unwrap().items;
    assert_eq!(after.len(), before.len() + 1);
    let found = numbers.list().search("+15557654321").send().unwrap().items;
    assert_eq!(ids(&found), [did.id.as_str()]);
    assert_eq!(found[0].number, "+15557654321");
    assert_eq!(found[0].country_code, "US");
    assert_eq!(found[0].formatted_number, "(555) 765-4321");
    assert!(found[0].has_voice);
    // It is a number of the environment: its release can be asked for.
    numbers.request_release(&did.id, "Moving this line to another carrier").unwrap();

    dids.delete(&did.id).unwrap();
    assert_eq!(numbers.list().send().unwrap().items, before);
    assert!(numbers.list().search("+15557654321").send().unwrap().items.is_empty());
    let gone = dids.delete(&did.id).unwrap_err();
    assert_eq!(api(&gone).status.as_u16(), 404);
    assert_eq!(api(&gone).kind, ErrorKind::NotFound);
    // A number of the list cannot be added again to a trunk.
    let taken = dids.create(NewSipTrunkDid::new("US", "+1234567890")).unwrap_err();
    assert_eq!(api(&taken).code.as_deref(), Some("DID_ALREADY_EXISTS"));
}
