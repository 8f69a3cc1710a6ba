//! API tokens are kept by the emulator: a created token is listed, its plain text is in the create answer
//! only, it authenticates the account API until it is revoked, and a revoked token is gone.

use crate::common;

use common::api;
use common::raw::{error_fields, send};
use talkover::account::NewApiToken;
use talkover::ErrorKind;
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

#[test]
fn a_created_token_signs_in_to_the_account_api_until_it_is_revoked() {
    let (server, client) = common::start_blocking();
    let created = client.api_tokens().create(NewApiToken::new("CI Pipeline")).unwrap();
    let as_user = talkover::blocking::Client::builder()
        .base_url(server.base_url())
        .token(created.token.expose_secret())
        .max_retries(0)
        .build()
        .unwrap();

    let listed = as_user.api_tokens().list().unwrap().items;
    let mine = listed.iter().find(|t| t.id == created.id).expect("the token lists itself");
    assert!(mine.last_used_at.is_some(), "a use is recorded: {mine:?}");
    as_user.credits().balance().unwrap();
    // The environment's operations want the environment token.
    let refused = as_user.agents().list().send().unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Unauthorized, "{refused}");

    client.api_tokens().delete(&created.id).unwrap();
    let revoked = as_user.api_tokens().list().unwrap_err();
    assert_eq!(revoked.kind(), ErrorKind::Unauthorized, "{revoked}");
    // A token that was never issued signs in to nothing.
    let (status, _) = common::raw::send_as(&server, "1|not-a-token", "GET", "/user/api-tokens", "");
    assert_eq!(status, 401);
}

#[test]
fn given_a_user_token_the_account_api_refuses_the_environment_token() {
    let server = Server::builder().user_token("user-session-token\r\n").start_blocking().unwrap();
    assert_eq!(server.user_token(), Some("user-session-token"));
    let environment = common::blocking_client(&server);
    // The mix-up the pages warn of: the environment's token on the Account API, refused as the API would.
    for refused in [environment.api_tokens().list().unwrap_err(), environment.credits().balance().unwrap_err()] {
        assert_eq!(refused.kind(), ErrorKind::Unauthorized, "{refused}");
    }
    assert_eq!(environment.current_user().unwrap_err().kind(), ErrorKind::Unauthorized);
    // The environment's operations still take it.
    environment.agents().list().send().unwrap();

    let user = environment.with_token("user-session-token").unwrap();
    let created = user.api_tokens().create(NewApiToken::new("Rotation")).unwrap();
    user.current_user().unwrap();
    user.credits().balance().unwrap();
    let refused = user.agents().list().send().unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Unauthorized, "the user's token is not the environment's: {refused}");
    // A token created through the API signs in to the Account API as before.
    let personal = environment.with_token(created.token.expose_secret()).unwrap();
    assert!(personal.api_tokens().list().unwrap().items.iter().any(|t| t.id == created.id));
    // Writes too want the user's token.
    let refused = environment.api_tokens().delete(&created.id).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Unauthorized, "{refused}");
    let purchase = talkover::credits::CreditPurchase::new("10.00".parse::<talkover::Decimal>().unwrap());
    assert_eq!(environment.credits().purchase(purchase).unwrap_err().kind(), ErrorKind::Unauthorized);

    // The user's token is a secret of the emulator's as the environment's is: the journal hides both.
    user.agents().list().search("user-session-token").send().unwrap_err();
    let kept = server.emulator().received();
    let last = kept.last().expect("the request is kept");
    assert_eq!(last.query.as_deref(), Some("search=[redacted]"), "{last:?}");
}

#[test]
fn a_user_token_that_would_hide_the_mix_up_is_refused() {
    let empty = Server::builder().user_token(" \r\n").start_blocking().map(|_| ()).unwrap_err();
    assert!(empty.to_string().contains("user token is empty"), "{empty}");
    let same = Server::builder().token("env_tok").user_token("env_tok").start_blocking().map(|_| ()).unwrap_err();
    assert!(same.to_string().contains("is the environment token"), "{same}");
    let no_token = Server::builder().token("\r\n").start_blocking().map(|_| ()).unwrap_err();
    assert!(no_token.to_string().contains("token is empty"), "{no_token}");
    // A token no client would send (quoted, as an env file's loader keeps it) would close the API as well.
    let quoted = Server::builder().token("\"talq_quoted\"").start_blocking().map(|_| ()).unwrap_err();
    assert!(quoted.to_string().contains("cannot send") && !quoted.to_string().contains("talq_quoted"), "{quoted}");
}

#[test]
fn the_emulator_token_is_read_without_the_line_end_of_its_file() {
    // A token read from a file written on Windows keeps its CRLF; the clients drop it, so must the emulator.
    let server = Server::builder().token("ci_secret_tok\r\n").start_blocking().unwrap();
    assert_eq!(server.token(), "ci_secret_tok");
    let client = talkover::blocking::Client::builder()
        .base_url(server.base_url())
        .token("ci_secret_tok\r\n")
        .max_retries(0)
        .build()
        .unwrap();
    client.agents().list().send().unwrap();
}
