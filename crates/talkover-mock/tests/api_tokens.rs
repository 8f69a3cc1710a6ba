//! API tokens are kept by the emulator: a created token is listed, its plain text is in the create answer
//! only, and a revoked token is gone.

mod common;

use common::api;
use common::raw::{error_fields, send};
use talkover::account::NewApiToken;
use talkover_mock::Server;

#[test]
fn a_token_is_shown_once_listed_and_revoked() {
    let (server, client) = common::start_blocking();
    let tokens = client.api_tokens();
    let seeded = tokens.list().unwrap().items;
    assert!(seeded.iter().any(|t| t.id.as_str() == "token-uuid-1"));

    let created = tokens.create(NewApiToken::new("Nightly export").abilities(["read"])).unwrap();
    let plain = created.token.expose_secret().to_owned();
    assert!(plain.len() > 20 && plain.contains('|'), "a token in the API's form: {}", plain.len());
    assert_eq!(created.abilities, ["read"]);
    let other = tokens.create(NewApiToken::new("Second")).unwrap();
    assert_ne!(other.token.expose_secret(), plain, "each token is new");
    assert_eq!(other.abilities, ["*"]);

    let listed = tokens.list().unwrap().items;
    assert_eq!(listed.len(), seeded.len() + 2);
    let mine = listed.iter().find(|t| t.id == created.id).expect("the new token is listed");
    assert_eq!(mine.name, "Nightly export");
    // The plain text appears in no later answer, over plain HTTP either.
    let (status, body) = send(&server, "GET", "/user/api-tokens", "");
    assert_eq!(status, 200);
    assert!(!body.to_string().contains(&plain), "the list shows the plain token");
    assert!(body.pointer("/data/0/token").is_none());

    tokens.delete(&created.id).unwrap();
    let listed = tokens.list().unwrap().items;
    assert!(listed.iter().all(|t| t.id != created.id));
    let again = tokens.delete(&created.id).unwrap_err();
    assert_eq!(api(&again).status.as_u16(), 404);
}

#[tokio::test]
async fn the_async_client_creates_and_revokes_tokens() {
    let (_server, client) = common::start_async().await;
    let created = client.api_tokens().create(NewApiToken::new("Async")).await.unwrap();
    assert!(client.api_tokens().list().await.unwrap().items.iter().any(|t| t.id == created.id));
    client.api_tokens().delete(&created.id).await.unwrap();
    assert!(client.api_tokens().list().await.unwrap().items.iter().all(|t| t.id != created.id));
}

#[test]
fn a_token_needs_a_name() {
    let server = Server::start_blocking().unwrap();
    let (status, body) = send(&server, "POST", "/user/api-tokens", r#"{"abilities":["*"]}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["name".to_owned()]), "{body}");
    let (status, body) = send(&server, "POST", "/user/api-tokens", r#"{"name":""}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["name".to_owned()]), "{body}");
}
