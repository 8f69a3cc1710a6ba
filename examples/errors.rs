//! Error handling: every kind of `talkover::Error`, provoked on purpose, and what to do with each
//! (`what_to_do`, the part to copy).
//!
//! `cargo run --example errors` runs on local emulators only, even with `TALKOVER_TOKEN` set: it provokes
//! rate limits and server errors with the emulator's fault switches, and the 2xx answers the SDK cannot use
//! with a transport that is a closure.

use talkover::calls::NewCall;
use talkover::webhooks::{AgentWebhookEvent, NewAgentWebhook};
use talkover::{Error, ErrorCode, ErrorKind, HttpResponse};

/// The decision each kind of error calls for.
fn what_to_do(error: &Error) -> String {
    match error {
        Error::InvalidRequest(invalid) => {
            format!("a bug on our side, never sent: fix `{}`", invalid.field().unwrap_or("the request"))
        }
        Error::Transport(transport) if transport.certainly_not_sent() => {
            "never reached the server: safe to try again later".to_owned()
        }
        Error::Transport(_) => {
            "may have reached the server: repeat it only if it is safe to repeat, else check what happened first"
                .to_owned()
        }
        Error::Api(api) => match api.kind {
            ErrorKind::Unauthorized => "the token is wrong or revoked: fix TALKOVER_TOKEN, do not retry".to_owned(),
            ErrorKind::Forbidden => "the token may not do this: do not retry".to_owned(),
            // Not every 404 is the API's "no such resource": a base URL that is not the API's answers 404 to
            // everything, and dropping the id then would lose it.
            ErrorKind::NotFound if error.is_resource_not_found() => {
                "the id is wrong or was deleted: drop it".to_owned()
            }
            ErrorKind::NotFound => "this 404 is not the API's: check the base URL".to_owned(),
            ErrorKind::PaymentRequired => "the account is out of credits: buy some, or turn on auto top-up".to_owned(),
            ErrorKind::Conflict => match error.documented_code() {
                Some(ErrorCode::AgentIsPublished) => "unpublish the agent, then delete it".to_owned(),
                _ => "the resource's state forbids it now: read its state, then decide".to_owned(),
            },
            ErrorKind::Validation | ErrorKind::BadRequest if !error.field_errors().is_empty() => {
                let fields: Vec<String> = error.field_errors().iter().map(ToString::to_string).collect();
                format!("fix these fields and send again: {}", fields.join("; "))
            }
            ErrorKind::BadRequest => format!("the API refused the request: {}", api.message.as_deref().unwrap_or("-")),
            ErrorKind::RateLimited => {
                format!("slow down; try again after {:?}", error.retry_after().unwrap_or_default())
            }
            ErrorKind::Server if error.safe_to_repeat() == Some(false) => {
                "the API failed, and may have done it: check before sending it again".to_owned()
            }
            ErrorKind::Server => format!("the API failed ({} attempt(s)): try again later", error.attempts()),
            ErrorKind::Unsuccessful => format!("the API said no: {}", api.message.as_deref().unwrap_or("-")),
            _ => format!("HTTP {}: log it with the request id {:?}", api.status, api.request_id),
        },
        Error::Decode(decode) => {
            format!("the answer is not the documented one (at `{}`): log the body and report it", decode.path)
        }
        Error::Config(config) => format!("the client's settings: fix `{}`, nothing was sent", config.setting()),
        _ => format!("{error}: log it"),
    }
}

fn show<T>(what: &str, result: Result<T, Error>) {
    match result {
        Ok(_) => println!("{what}: succeeded"),
        Err(error) => {
            println!("{what}: {} (status {:?}, retryable: {})", error.kind(), error.status(), error.is_retryable());
            println!("    {error}");
            println!("    -> {}", what_to_do(&error));
        }
    }
}

/// A client of the emulator at `server`, without retries so that each error shows at once.
fn client_of(server: &talkover_mock::Server, token: &str) -> Result<talkover::Client, Error> {
    talkover::Client::builder().base_url(server.base_url()).token(token).max_retries(0).build()
}

/// A client whose transport answers every request 200 with `body`.
fn answering(body: &'static str) -> Result<talkover::Client, Error> {
    let transport = move |_request| async move { Ok(HttpResponse::new(body.as_bytes().to_vec())) };
    talkover::Client::builder().token("any").transport(transport).build()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = talkover_mock::Server::start().await?;
    let client = client_of(&server, server.token())?;
    // The emulator's published example agent.
    let agent = talkover::agents::AgentId::from("550e8400-e29b-41d4-a716-446655440000");

    show("an empty id", client.agents().get("").await);
    show("an unknown agent", client.agents().get("00000000-0000-0000-0000-000000000000").await);
    show("a wrong token", client_of(&server, "talq_wrong")?.agents().get(&agent).await);
    let hook = NewAgentWebhook::new("Bad", "not a url", [AgentWebhookEvent::PhoneCallEnded]);
    show("a webhook to no URL", client.agents().webhooks(&agent).create(hook).await);
    show("a call to no number", client.agents().call(&agent, NewCall::new("not a number")).await);
    let call = client.agents().call(&agent, NewCall::new("+15555550100").is_testing(true)).await?;
    client.calls().end(&agent, &call.id).await?;
    show("ending a call twice", client.calls().end(&agent, &call.id).await);

    let limited = talkover_mock::Server::builder().rate_limit_burst(1, 2).start().await?;
    show("past the rate limit", client_of(&limited, limited.token())?.agents().get(&agent).await);
    let failing = talkover_mock::Server::builder().error_rate(1.0).start().await?;
    show("a failing server", client_of(&failing, failing.token())?.credits().balance().await);

    let closed = talkover::Client::builder().base_url("http://127.0.0.1:9").token("any").max_retries(0).build()?;
    show("nothing listening", closed.credits().balance().await);
    show("an answer of another shape", answering(r#"{"success":true,"data":42}"#)?.credits().balance().await);
    show("a 200 that says no", answering(r#"{"success":false,"message":"Not today"}"#)?.credits().balance().await);
    show(
        "a plain-http base URL elsewhere",
        talkover::Client::builder().base_url("http://api.example.com").token("any").build(),
    );
    Ok(())
}
