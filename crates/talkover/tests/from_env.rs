//! `from_env` reads the token and the base URL from the environment. One test in its own binary: it sets
//! the process's variables, which no other test here reads at the same time.

use talkover::{ErrorKind, HttpRequest, HttpResponse, TransportError};

/// A blocking client from the environment, on a transport that is never called (what the client reads
/// is checked, not what it sends).
fn from_env() -> Result<talkover::blocking::Client, talkover::Error> {
    let unused = |_: HttpRequest| -> Result<HttpResponse, TransportError> { unreachable!("nothing is sent") };
    talkover::blocking::Client::builder().from_env()?.transport(unused).build()
}

#[test]
fn the_environment_gives_the_token_and_a_base_url_that_is_set_or_absent_not_empty() {
    std::env::remove_var("TALKOVER_TOKEN");
    std::env::remove_var("TALKOVER_BASE_URL");
    let missing = from_env().unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Config);
    assert!(missing.to_string().contains("TALKOVER_TOKEN"), "{missing}");

    std::env::set_var("TALKOVER_TOKEN", "talq_from_env");
    let default = from_env().unwrap();
    assert_eq!(
        (default.config().base_url().origin(), default.config().base_url().prefix()),
        ("https://app.talkover.ai", "")
    );

    // `TALKOVER_BASE_URL=$STAGING_URL` with no STAGING_URL: an error, not the API itself.
    for empty in ["", "  "] {
        std::env::set_var("TALKOVER_BASE_URL", empty);
        let refused = from_env().map(|_| ()).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Config);
        let text = refused.to_string();
        assert!(text.contains("TALKOVER_BASE_URL is set but empty"), "{text}");
        assert!(!text.contains("talq_from_env"), "{text}");
    }

    std::env::set_var("TALKOVER_BASE_URL", "http://127.0.0.1:8080/api/v1");
    let local = from_env().unwrap();
    assert_eq!(local.config().base_url().origin(), "http://127.0.0.1:8080");
}
