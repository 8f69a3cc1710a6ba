//! The table of every operation the SDK knows, for tools that work from an operation id and JSON
//! parameters (the conformance runner, emulators, recorders) rather than from Rust types.
//!
//! # Serving the API
//!
//! A server (a fake of the API in a service's tests, a proxy, an emulator) reads requests through the
//! same types the clients send them with: [`route`](crate::fixture::route) finds the operation of a
//! method and path, [`OperationInfo::decode_request`] reads the path parameters, query and body into it,
//! [`Incoming::validate`] runs the checks the API makes (the bounds the SDK checks before sending, and the
//! forms of values and order of two values it leaves to the API), and the answer is built from the
//! response types, which the SDK's clients read back:
//!
//! ```
//! # use talkover_core as talkover;
//! use serde_json::json;
//! use talkover::calls::{CallStatus, MakeCall, PlacedCall};
//! use talkover::fixture::{route, Route};
//! use talkover::envelope::ErrorObjectBody;
//! use talkover::error::ErrorCode;
//! use talkover::{decode_response, encode::parse_query, http, ApiError, Envelope};
//!
//! let Route::Found { operation, params } = route("POST", "/api/v1/agents/agent-1/call") else {
//!     unreachable!("make-call's method and path")
//! };
//! let incoming = operation.decode_request(&params, &parse_query(""), Some(&json!({"to": "+15550101234"})))?;
//! incoming.validate()?;
//! let call: MakeCall = incoming.into_operation().ok().expect("the operation routed to");
//! let placed = PlacedCall::new("call-1", call.body.to.as_str(), CallStatus::Initiated, "2024-01-15T10:30:00Z");
//! let answer = http::Response::builder().status(200).body(serde_json::to_vec(&Envelope::new(placed))?)?;
//! assert_eq!(decode_response::<MakeCall>(answer)?.id.as_str(), "call-1"); // as a client reads it
//!
//! // A value the checks refuse, answered as make-call's page documents it: a 400 in its `{"error": {…}}`
//! // shape (most other operations refuse with a 422 and `ErrorBody::invalid(refused.field_errors())`).
//! let refused = operation.decode_request(&params, &[], Some(&json!({"to": "12"})))?.validate().unwrap_err();
//! assert!(refused.field_errors().iter().any(|problem| problem.api_name() == "to"));
//! let body = ErrorObjectBody::new(ErrorCode::InvalidPhoneNumber, "Phone number must be in international format")
//!     .detail("field", json!("to"))
//!     .detail("value", json!("12"));
//! let status = http::StatusCode::BAD_REQUEST;
//! let read = ApiError::from_parts("make-call", status, http::HeaderMap::new(), serde_json::to_vec(&body)?);
//! assert_eq!(read.code.as_deref(), Some("INVALID_PHONE_NUMBER")); // as a client reads it
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use crate::entry::{FieldInfo, Incoming, OperationInfo, Params};

/// Every operation of the API, in the reference's order of resources.
pub fn operations() -> impl Iterator<Item = &'static OperationInfo> {
    GROUPS.iter().flat_map(|group| group.iter())
}

/// The registry entry of an operation id.
pub fn operation(id: &str) -> Option<&'static OperationInfo> {
    operations().find(|op| op.id == id)
}

static GROUPS: &[&[OperationInfo]] = &[
    crate::agents::OPERATIONS,
    crate::actions::OPERATIONS,
    crate::trainings::OPERATIONS,
    crate::calls::OPERATIONS,
    crate::campaigns::OPERATIONS,
    crate::webhooks::OPERATIONS,
    crate::campaign_sftp::OPERATIONS,
    crate::flows::OPERATIONS,
    crate::callbacks::OPERATIONS,
    crate::calendars::OPERATIONS,
    crate::calendars::members::OPERATIONS,
    crate::calendars::events::OPERATIONS,
    crate::calendars::availability::OPERATIONS,
    crate::calendars::providers::OPERATIONS,
    crate::voice_templates::OPERATIONS,
    crate::phone_numbers::OPERATIONS,
    crate::sip_trunks::OPERATIONS,
    crate::auto_topup::OPERATIONS,
    crate::credits::OPERATIONS,
    crate::account::OPERATIONS,
];

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::*;
    use crate::error::Error;

    /// The POST and PATCH operations declared safe to repeat, and why a second one changes nothing the
    /// first did not. A client retries these after a failure that may have reached the server; a create, a
    /// send, a toggle or a purchase retried so is done twice, so a new POST or PATCH declared
    /// `safe_to_repeat: true` fails the test below until it is named here with its reason, or declared
    /// `dry_run: true` (a check that saves nothing, which its page says).
    const REPEATABLE_POSTS: &[(&str, &str)] = &[
        ("publish-agent", "a published agent published again stays published"),
        ("unpublish-agent", "a draft unpublished again stays a draft"),
        ("disable-auto-topup", "auto top-up turned off again stays off"),
        ("verify-sip-trunk", "a check: it records the trunk's verification, which a second check records again"),
        ("update-advanced-settings", "the values it sets, set again, are the same values"),
        (
            "update-campaign-status",
            "the campaign is in the status asked after a second as after the first (whose answer, the first \
             done, is the page's 400 INVALID_TRANSITION, an error that says an earlier attempt may have done it)",
        ),
        ("set-agent-as-callback", "it sets the agent's callback setup to the one sent, whatever it was"),
    ];

    /// The PUT operations declared not safe to repeat, and what a second does that the first did not: by
    /// HTTP's terms a PUT is, but the page of one of these says it records each request.
    const NON_REPEATABLE_PUTS: &[(&str, &str)] = &[(
        "update-agent-flow",
        "every save adds a version to the flow's history (list-agent-flow-versions: \"Versioning is automatic \
         on every flow update\"), so a second save adds another",
    )];

    #[test]
    fn a_post_is_repeated_only_where_a_second_changes_nothing() {
        let mut wrong = Vec::new();
        for op in operations() {
            let named = REPEATABLE_POSTS.iter().any(|(id, _)| *id == op.id);
            let unrepeatable = NON_REPEATABLE_PUTS.iter().any(|(id, _)| *id == op.id);
            let right = match op.method {
                http::Method::POST | http::Method::PATCH => {
                    op.safe_to_repeat == (named || op.dry_run) && !(named && op.dry_run) && !unrepeatable
                }
                http::Method::PUT => op.safe_to_repeat != unrepeatable && !named && !op.dry_run,
                // GET and DELETE are safe to repeat by HTTP's own terms, and only a write is a dry run.
                _ => op.safe_to_repeat && !named && !unrepeatable && !op.dry_run,
            };
            if !right {
                wrong
                    .push(format!("{} ({}, safe_to_repeat: {}, listed: {named})", op.id, op.method, op.safe_to_repeat));
            }
        }
        assert!(wrong.is_empty(), "declared otherwise than REPEATABLE_POSTS says: {wrong:#?}");
    }

    #[test]
    fn ids_are_unique_and_paths_documented() {
        let mut ids: Vec<_> = operations().map(|op| op.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate operation ids");
        for op in operations() {
            assert!(op.path.starts_with("/api/"), "{} {}", op.id, op.path);
        }
    }

    #[test]
    fn query_names_are_the_documented_ones() {
        assert_eq!(
            operation("list-agents").unwrap().query_names(),
            ["status", "direction", "search", "per_page", "page"]
        );
        assert!(operation("list-phone-numbers").unwrap().query_names().contains(&"type"), "renames apply");
        assert_eq!(operation("query-availability").unwrap().query_names(), ["from", "to", "duration_minutes"]);
        assert!(operation("get-agent").unwrap().query_names().is_empty());
        assert!(operation("create-agent").unwrap().query_names().is_empty());
    }

    #[test]
    fn paths_match_their_templates() {
        let op = operation("delete-action").unwrap();
        let params = op.match_path("/api/v1/agents/a%2Fb/actions/x").unwrap();
        assert_eq!(params["agent_id"], "a/b");
        assert_eq!(params["action_id"], "x");
        assert!(op.match_path("/api/v1/agents/a/actions").is_none());
        assert!(op.match_path("/api/v1/agents//actions/x").is_none());
    }

    #[test]
    fn incoming_requests_decode_into_their_typed_operation() {
        use crate::agents::{CreateAgent, ListAgents};
        let pairs = |p: &[(&str, &str)]| p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let list = operation("list-agents").unwrap();
        let incoming = list.decode_request(&Default::default(), &pairs(&[("per_page", "2"), ("search", "42")]), None);
        let incoming = incoming.unwrap();
        assert_eq!(incoming.id(), "list-agents");
        let typed = incoming.get::<ListAgents>().unwrap();
        assert_eq!((typed.query.per_page, typed.query.search.as_deref()), (Some(2), Some("42")));
        assert!(incoming.validate().is_ok());
        assert!(incoming.get::<CreateAgent>().is_none());
        let too_many = list.decode_request(&Default::default(), &pairs(&[("per_page", "101")]), None).unwrap();
        assert!(too_many.validate().unwrap_err().to_string().contains("per_page"));
        let not_a_number = list.decode_request(&Default::default(), &pairs(&[("page", "two")]), None).unwrap_err();
        let Error::InvalidRequest(not_a_number) = not_a_number else { panic!("{not_a_number}") };
        assert_eq!(not_a_number.field(), Some("query.page"));
        // By the API's name, it is the field a typed check names.
        assert_eq!(not_a_number.problems()[0].api_name(), "page");
        let Error::InvalidRequest(typed) = too_many.validate().unwrap_err() else { unreachable!() };
        assert_eq!(typed.problems()[0].api_name(), typed.problems()[0].field);

        let create = operation("create-action").unwrap();
        let path: Map<String, Value> = serde_json::from_str(r#"{"agent_id": "a"}"#).unwrap();
        let body = serde_json::json!({ "node_id": "n", "description": "d", "type": "webhook" });
        let missing = create.decode_request(&path, &[], Some(&body)).unwrap_err();
        let Error::InvalidRequest(missing) = missing else { panic!("{missing}") };
        assert_eq!((missing.field(), missing.message()), (Some("body.name"), "is required"));
        assert_eq!(missing.problems()[0].api_name(), "name");

        // create-agent's required fields are required by its body's type: a server decoding a body without
        // one is told which.
        let create = operation("create-agent").unwrap();
        let mut body = serde_json::json!({
            "label": "Reminders", "name": "reminders", "language": "en-US", "interrupt_sensitivity": "medium",
            "endpointing_sensitivity": "auto", "ivr_navigation_mode": "off", "conversation_speed": 1.0,
            "initial_message_delay": 0, "ask_if_human_present_on_idle": true, "idle_time_seconds": 5,
            "llm_temperature": 0.7, "enable_recording": false, "direction": "outbound", "who_speaks_first": "agent"
        });
        assert!(create.decode_request(&Map::new(), &[], Some(&body)).unwrap().validate().is_ok());
        body.as_object_mut().unwrap().remove("llm_temperature");
        let Error::InvalidRequest(missing) = create.decode_request(&Map::new(), &[], Some(&body)).unwrap_err() else {
            panic!("decoded without llm_temperature")
        };
        assert_eq!((missing.field(), missing.message()), (Some("body.llm_temperature"), "is required"));

        // A decoded request shows which operation it is, and none of its values.
        let trunk = serde_json::json!({
            "name": "Primary", "provider_name": "carrier-x", "domain": "sip.carrier-x.com",
            "username": "user_42", "password": "hunter2-secret"
        });
        let incoming = operation("create-sip-trunk").unwrap().decode_request(&Map::new(), &[], Some(&trunk)).unwrap();
        assert_eq!(format!("{incoming:?}"), r#"Incoming { id: "create-sip-trunk", .. }"#);

        // A request without a body is read as one without fields: an update whose fields are all optional
        // decodes, and a create names its first missing field rather than the body.
        let path: Map<String, Value> = serde_json::from_str(r#"{"agent_id": "a"}"#).unwrap();
        let update = operation("update-advanced-settings").unwrap();
        for absent in [None, Some(&Value::Null)] {
            assert!(update.decode_request(&path, &[], absent).is_ok());
        }
        let Error::InvalidRequest(missing) = create.decode_request(&Map::new(), &[], None).unwrap_err() else {
            panic!("create-agent decoded without a body")
        };
        assert_eq!(missing.message(), "is required");
        assert!(missing.field().is_some_and(|f| f.starts_with("body.")), "{:?}", missing.field());
        // Every required field at once, as the API's 422 lists them, beside the first misfit.
        assert_eq!(missing.problems().len(), 14, "{missing}");
        let refused = |body: Value| {
            let Error::InvalidRequest(refused) = create.decode_request(&Map::new(), &[], Some(&body)).unwrap_err()
            else {
                panic!("create-agent decoded {body}")
            };
            refused.problems().iter().map(|p| (p.api_name().to_owned(), p.message.clone())).collect::<Vec<_>>()
        };
        let fields = refused(serde_json::json!({ "name": 5, "llm_temperature": 0.7 }));
        assert_eq!(fields.len(), 13, "twelve missing, one misfit: {fields:?}");
        assert_eq!(fields[0], ("label".to_owned(), "is required".to_owned()), "in the body's order");
        assert!(!fields.iter().any(|(name, _)| name == "llm_temperature"), "{fields:?}");
        let (name, misfit) = fields.last().unwrap();
        assert!(name == "name" && misfit.contains("expected a string"), "{fields:?}");
        let fields = refused(serde_json::json!({ "label": null, "name": "reminders", "llm_temperature": 0.7 }));
        assert_eq!(fields[0], ("label".to_owned(), "is required".to_owned()), "null is no value: {fields:?}");
        assert_eq!(fields.len(), 12, "{fields:?}");

        // A list names its items' fields, in their declaration order; any other operation none.
        let agents = operation("list-agents").unwrap().item_fields();
        assert_eq!(agents[..2], ["id", "name"]);
        assert!(agents.contains(&"current_status"), "{agents:?}");
        assert!(operation("list-calls").unwrap().item_fields().contains(&"to_formatted"));
        assert!(operation("get-agent").unwrap().item_fields().is_empty());

        // A body of named fields is an object: a list is not read as its fields in order, on either side.
        let make_call = operation("make-call").unwrap();
        let listed = serde_json::json!(["+15550101234"]);
        let Error::InvalidRequest(refused) = make_call.decode_request(&path, &[], Some(&listed)).unwrap_err() else {
            panic!("make-call decoded a list as its body")
        };
        assert_eq!(refused.field(), Some("body"));
        let params = Params { path, query: None, body: Some(listed) };
        let built = make_call.build_request(&params, &crate::ClientConfig::new("talq_test").unwrap());
        assert!(matches!(built, Err(Error::InvalidRequest(_))), "{built:?}");
    }
}
