//! Handlers for the account: personal access tokens, the current user and the API's health.

use talkover_core::account::{
    ApiToken, ApiTokenId, CreateUserApiToken, CreatedApiToken, DeleteUserApiToken, GetCurrentUser, HealthCheck,
    ListUserApiTokens, NewApiToken, ServiceHealth, User,
};

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::Execute;

entry_point! {
    /// The current user's personal access tokens.
    api_tokens -> ApiTokens
}

root_handler! {
    /// The current user's personal access tokens: `client.api_tokens()`. These operations take a user's
    /// session token, not the environment's `talq_` token the others take: run them on a client of that
    /// token, as below.
    ///
    /// ```no_run
    /// use talkover::account::NewApiToken;
    ///
    /// # async fn run(user_token: String) -> Result<(), talkover::Error> {
    /// // A client of the user's session token (derived here from the environment's, on its connections).
    /// let client = talkover::Client::from_env()?.with_token(user_token)?;
    /// let created = client.api_tokens().create(NewApiToken::new("CI Pipeline").abilities(["*"])).await?;
    /// let secret = created.token.expose_secret(); // shown this once: store it now
    /// # let _ = secret;
    /// for token in client.api_tokens().list().await?.items {
    ///     println!("{} {:?}", token.name, token.last_used_at);
    /// }
    /// client.api_tokens().delete(&created.id).await?;
    /// # Ok(()) }
    /// ```
    ApiTokens
}

/// Adds `client.$name()`, running one operation with no parameters, to both clients, each with an example of
/// its own.
macro_rules! direct_call {
    ($(#[$meta:meta])* $name:ident -> $output:ty = $operation:expr) => {
        direct_call!(@on crate::Client, crate::BoxFuture<$output>, "async fn", "talkover::Client", ".await";
            $(#[$meta])* $name = $operation);
        direct_call!(@on crate::blocking::Client, Result<$output, talkover_core::Error>, "fn",
            "talkover::blocking::Client", ""; $(#[$meta])* $name = $operation);
    };
    (
        @on $client:ty, $returns:ty, $run:literal, $client_path:literal, $wait:literal;
        $(#[$meta:meta])* $name:ident = $operation:expr
    ) => {
        impl $client {
            $(#[$meta])*
            ///
            #[doc = concat!(
                "```no_run\n",
                "# ", $run, " run() -> Result<(), talkover::Error> {\n",
                "let client = ", $client_path, "::from_env()?;\n",
                "let answer = client.", stringify!($name), "()", $wait, "?;\n",
                "println!(\"{answer:?}\");\n",
                "# Ok(()) }\n",
                "```",
            )]
            pub fn $name(&self) -> $returns {
                Execute::call(self, $operation)
            }
        }
    };
}

direct_call! {
    /// [Get the current user](https://docs.talkover.ai/api-reference/endpoints/get-current-user), the one the
    /// token belongs to. Sent to `/api/user`, outside `/api/v1`, whatever the base URL's version prefix.
    /// Takes a user's session token, not the environment's: call it on `client.with_token(user_token)?`.
    ///
    #[doc = talkover_core::errors_section!("get-current-user")]
    current_user -> User = GetCurrentUser::new()
}

direct_call! {
    /// [Check that the API is up](https://docs.talkover.ai/api-reference/endpoints/health): a liveness probe,
    /// not rate limited. It needs no token, so it says nothing of the client's: a wrong token passes here
    /// too (check one with `client.agents().list()`, or `current_user()` for a user's token).
    ///
    #[doc = talkover_core::errors_section!("health")]
    health -> ServiceHealth = HealthCheck::new()
}

// The methods of the operations whose declaration names a handler here.
talkover_core::account_operations!(handlers ApiTokens $);
