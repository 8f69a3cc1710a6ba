//! The account: the user's personal access tokens, the current user, and the API's health.
//!
//! From the `talkover` crate, these operations run through `client.api_tokens()` (`ApiTokens`),
//! `client.current_user()` and `client.health()`: the methods of `talkover::resources`, on either client.
//! The types here are what those methods take and give.
//!
//! These operations answer in shapes of their own: the token list and a created token come as
//! `{"data": …}` with no `success` flag, revoking a token answers a bare `{"message": …}`, and the current
//! user and the health check are bare objects. A newly created token is a [`SecretString`]: shown once,
//! never printed. No amounts of money appear here.
//!
//! The token operations and get-current-user are the **Account API**'s: their pages ask for a user's
//! session token, not the environment's `talq_` token the other operations take (health takes none). A
//! service holding both runs them on a client of the user's token, `client.with_token(user_token)` (a
//! derived client on the same connections). The emulator takes either token here unless it is given a
//! user token of its own (`Server::builder().user_token(..)`, `talkover-mock --user-token`), so that a
//! test shows the mix-up.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-user-api-tokens> and the pages beside
//! it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope, MaybeEnveloped};
use crate::macros::optional_fields;
use crate::operation::Operation as _;
use crate::secret::SecretString;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{ApiTokenId, EnvironmentId, UserId};

optional_fields! {
    /// A personal access token, as listed: its metadata, never its value.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ApiToken {
        /// The token's id.
        pub id: ApiTokenId,
        /// Its name.
        pub name: String,
        /// What it may do (`*` for everything).
        #[serde(default)]
        pub abilities: Vec<String>,
    }
    pub fn new;
    optional {
        /// When it was last used, if ever.
        #[null_when_unset]
        last_used_at: Timestamp,
        /// When it was created.
        created_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// list-user-api-tokens

// The answer is `{"data": [...]}`; ListEnvelope accepts the missing `success`.
// ---------------------------------------------------------------------------------------------------
// create-user-api-token

optional_fields! {
    /// The body of [`CreateUserApiToken`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewApiToken {
        /// A name to recognise the token by (up to 255 characters).
        pub name: String,
    }
    /// A token with full access.
    pub fn new;
    optional {
        /// What it may do (`["*"]` for everything, the API's default).
        abilities: Vec<String>,
    }
}

impl NewApiToken {
    /// Limits what the token may do.
    pub fn abilities<S: Into<String>>(mut self, abilities: impl IntoIterator<Item = S>) -> Self {
        self.abilities = Some(abilities.into_iter().map(Into::into).collect());
        self
    }
}

impl CreateUserApiToken {
    fn check(&self, problems: &mut Problems) {
        problems.length("name", self.body.name.as_str(), 1, 255);
    }
}

// The answer is `{"data": {...}}`; Envelope accepts the missing `success`.
optional_fields! {
    /// A token just created, with its value. `Debug` does not print the value.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CreatedApiToken {
        /// The token's id.
        pub id: ApiTokenId,
        /// Its name.
        pub name: String,
        /// What it may do.
        #[serde(default)]
        pub abilities: Vec<String>,
        /// The token itself, to send as `Authorization: Bearer …`. Returned only this once: keep
        /// `token.expose_secret()` (`Debug` shows `[redacted]`).
        #[serde(serialize_with = "crate::secret::expose")]
        pub token: SecretString,
    }
    pub fn new;
    optional {
        /// When it was created.
        created_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// delete-user-api-token

// The answer is a bare `{"message": "..."}`: Ack, whose `success` is optional.
// ---------------------------------------------------------------------------------------------------
// get-current-user

optional_fields! {
    /// A user of the dashboard.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct User {
        /// The user's id.
        pub id: UserId,
        /// Full name.
        pub name: String,
        /// Email address.
        pub email: String,
    }
    pub fn new;
    optional {
        /// The environment the user is working in.
        current_environment_id: EnvironmentId,
        /// When the user signed up.
        created_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// health

optional_fields! {
    /// The API's answer to a liveness probe.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ServiceHealth {
        /// `ok` when the service is up.
        pub status: String,
    }
    pub fn new;
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! account_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the current user's personal access tokens](https://docs.talkover.ai/api-reference/endpoints/list-user-api-tokens)
        /// (metadata only). Takes a user's session token, not the environment's (see [the module](self)).
        ListUserApiTokens {
            id: "list-user-api-tokens",
            method: GET,
            path: "/api/v1/user/api-tokens",
            response: ListEnvelope<ApiToken>,
            safe_to_repeat: true,
            handler: ApiTokens::list,
        }

        /// [Create a personal access token](https://docs.talkover.ai/api-reference/endpoints/create-user-api-token)
        /// for the current user. Its value is in the answer only this once: store it then. Takes a user's
        /// session token, not the environment's (see [the module](self)).
        CreateUserApiToken {
            id: "create-user-api-token",
            method: POST,
            path: "/api/v1/user/api-tokens",
            body: NewApiToken,
            response: Envelope<CreatedApiToken>,
            safe_to_repeat: false,
            validate: CreateUserApiToken::check,
            handler: ApiTokens::create(token),
        }

        /// [Revoke a personal access token](https://docs.talkover.ai/api-reference/endpoints/delete-user-api-token),
        /// at once and for good. Takes a user's session token, not the environment's (see [the module](self)).
        DeleteUserApiToken {
            id: "delete-user-api-token",
            method: DELETE,
            path: "/api/v1/user/api-tokens/{token_id}",
            params: { token_id: ApiTokenId },
            response: Ack,
            safe_to_repeat: true,
            handler: ApiTokens::delete,
        }

        /// [Get the current user](https://docs.talkover.ai/api-reference/endpoints/get-current-user), the one the
        /// session token belongs to. Takes that session token, not the environment's (see [the module](self)).
        ///
        /// This operation lives at `/api/user`, outside `/api/v1`; the base URL's mount prefix still applies
        /// (see [`BaseUrl`](crate::BaseUrl)). The answer is the bare user object.
        GetCurrentUser {
            id: "get-current-user",
            method: GET,
            path: "/api/user",
            response: MaybeEnveloped<User>,
            safe_to_repeat: true,
        }

        /// [Check that the API is up](https://docs.talkover.ai/api-reference/endpoints/health): a liveness probe
        /// that needs no token (the SDK sends its token anyway) and is not rate limited. Its answer says
        /// nothing of the token: a wrong one passes here too. To check a token, list agents (environment
        /// token) or get the current user (a user's session token).
        HealthCheck {
            id: "health",
            method: GET,
            path: "/api/v1/health",
            response: MaybeEnveloped<ServiceHealth>,
            safe_to_repeat: true,
        }
        }
    };
}
account_operations!(declare);

/// The ids of the Account API's operations, whose pages ask for a user's session token, not the
/// environment's: the user's API tokens, the current user, and the credit balance and purchases (in
/// [`credits`](crate::credits)). For tools that pick a token, or explain a 401, by operation.
pub const ACCOUNT_API_OPERATIONS: &[&str] = &[
    ListUserApiTokens::ID,
    CreateUserApiToken::ID,
    DeleteUserApiToken::ID,
    GetCurrentUser::ID,
    crate::credits::GetCreditsBalance::ID,
    crate::credits::PurchaseCredits::ID,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::operation::testing::config;
    use crate::{build_request, decode_response, BaseUrl, ErrorKind};

    #[test]
    fn the_current_user_is_outside_v1_whatever_the_base_url() {
        let cases = [
            ("https://app.talkover.ai/api/v1", "https://app.talkover.ai/api/user"),
            ("http://127.0.0.1:9999", "http://127.0.0.1:9999/api/user"),
            ("http://127.0.0.1:9999/api/v1", "http://127.0.0.1:9999/api/user"),
        ];
        for (base, expected) in cases {
            let config = config().with_base_url(BaseUrl::parse(base).unwrap());
            let request = build_request(&GetCurrentUser::new(), &config).unwrap();
            assert_eq!(request.uri(), expected, "base URL {base}");
        }
    }

    #[test]
    fn a_created_token_is_never_printed() {
        let body = br#"{"data":{"id":"t1","name":"CI","abilities":["*"],"token":"1|abc123def456.","created_at":"2024-01-15T19:00:00Z"}}"#;
        let response = http::Response::builder().status(200).body(body.to_vec()).unwrap();
        let created = decode_response::<CreateUserApiToken>(response).unwrap();
        assert_eq!(created.token.expose_secret(), "1|abc123def456.");
        let printed = format!("{created:?} {created:#?}");
        assert!(!printed.contains("abc123def456"), "{printed}");
    }

    #[test]
    fn token_names_are_1_to_255_characters() {
        let config = config();
        for name in [String::new(), "n".repeat(256)] {
            let error = build_request(&CreateUserApiToken::new(NewApiToken::new(name)), &config).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            assert!(matches!(&error, Error::InvalidRequest(e) if e.field() == Some("name")), "{error}");
        }
        let request =
            build_request(&CreateUserApiToken::new(NewApiToken::new("CI").abilities(["read"])), &config).unwrap();
        assert_eq!(request.body().as_slice(), br#"{"name":"CI","abilities":["read"]}"#);
    }

    #[test]
    fn a_revocation_answer_is_a_bare_message() {
        let response = http::Response::builder().status(200).body(br#"{"message":"Token revoked"}"#.to_vec()).unwrap();
        let ack = decode_response::<DeleteUserApiToken>(response).unwrap();
        assert_eq!(ack.message.as_deref(), Some("Token revoked"));
    }
}
