//! TLS failures over loopback, through both built-in transports: whether the request may have reached
//! the server, and so whether a call that is not safe to repeat (make-call) can be sent again.
//!
//! - A certificate the client does not trust fails the handshake: a TLS error, nothing sent.
//! - A corrupt record after the server read the request: a TLS error, the request may have been
//!   received, so make-call is sent once and not again.
//! - A server that speaks no TLS: a TLS error; reqwest knows it came while connecting, ureq cannot tell.
//! - A server that asks for a client certificate and gets none: its alert refuses the handshake, after
//!   the client may have written its request (TLS 1.3), which the server never reads: nothing sent.
//!
//! The servers listen on 127.0.0.1 only, accept a bounded number of connections within a bounded time,
//! and stop by themselves.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use talkover::calls::{MakeCall, NewCall};
use talkover::campaigns::GetCampaign;
use talkover::{Error, RetryPolicy, TransportError, TransportErrorKind};

/// A self-signed certificate for 127.0.0.1, valid until 2126, and its key: made for these tests only.
const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBsDCCAVegAwIBAgIUK3UEMrGZreusCaqJ7WhHcIxU/PwwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwMTEyMzAxMFoYDzIxMjYxMTA3
MTIzMDEwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARowj0XYAAO6x/aTJi+79/gU8OHDUplGNq/HwsyDxUlxsuXuoyidfRW
E2XdjiKtK1MjUnmmOD2FriVAMzAXtgXSo4GEMIGBMB0GA1UdDgQWBBRp6RuN2efR
yqMMD6ZCUpqX6eYZszAfBgNVHSMEGDAWgBRp6RuN2efRyqMMD6ZCUpqX6eYZszAP
BgNVHREECDAGhwR/AAABMAwGA1UdEwEB/wQCMAAwCwYDVR0PBAQDAgeAMBMGA1Ud
JQQMMAoGCCsGAQUFBwMBMAoGCCqGSM49BAMCA0cAMEQCIED2lS5fNJbKILwbLCE3
YnjLKWu12yuZUX+PYvJ7XwGMAiAvbRvIsWC31wnaAOK+Q3bdac8QhGKgdRNRp/ET
ku7d4A==
-----END CERTIFICATE-----
";
const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxlHq42OPZFOiRzPQ
c/V6Hxosl0kSac5fOAxRP6Ej5qChRANCAARowj0XYAAO6x/aTJi+79/gU8OHDUpl
GNq/HwsyDxUlxsuXuoyidfRWE2XdjiKtK1MjUnmmOD2FriVAMzAXtgXS
-----END PRIVATE KEY-----
";

const TOKEN: &str = "talq_tls_token";
const CALL: &str = r#"{"success":true,"data":{"id":"c1","agent_id":"a1","to":"+15551234567","status":"initiated","created_at":"2024-01-15T10:30:00Z"}}"#;
/// The most connections a test server accepts.
const CONNECTIONS: usize = 4;
/// How long a test server accepts connections.
const LIFETIME: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug)]
enum Via {
    Reqwest,
    Ureq,
}

#[derive(Clone, Copy)]
enum Serve {
    /// TLS; after reading the request, a record that fails to decrypt instead of an answer.
    CorruptRecordAfterRequest,
    /// TLS, answering the call.
    Answer,
    /// Plain HTTP where the TLS handshake was due.
    PlainHttp,
    /// TLS asking for a client certificate, which the clients here do not have: the handshake fails.
    RequireClientCertificate,
}

struct Server {
    addr: SocketAddr,
    /// Requests read whole (head and body).
    requests: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(serve: Serve) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let config = server_config(matches!(serve, Serve::RequireClientCertificate));
        let counted = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            let until = Instant::now() + LIFETIME;
            let mut accepted = 0;
            while accepted < CONNECTIONS && Instant::now() < until {
                match listener.accept() {
                    Ok((stream, _)) => {
                        accepted += 1;
                        serve_one(stream, serve, &config, &counted);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self { addr, requests, thread: Some(thread) }
    }

    fn base_url(&self) -> String {
        format!("https://{}/api/v1", self.addr)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Wake the accept loop's last round; it ends at its connection count or lifetime.
        let _ = TcpStream::connect(self.addr);
        drop(self.thread.take());
    }
}

fn server_config(client_certificates: bool) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let cert = CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap();
    let config = if client_certificates {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert.clone()).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
        config.with_client_cert_verifier(verifier)
    } else {
        config.with_no_client_auth()
    };
    Arc::new(config.with_single_cert(vec![cert], key).unwrap())
}

fn serve_one(stream: TcpStream, serve: Serve, config: &Arc<rustls::ServerConfig>, requests: &AtomicUsize) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(3))).unwrap();
    if let Serve::PlainHttp = serve {
        let mut stream = stream;
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        return;
    }
    let connection = rustls::ServerConnection::new(Arc::clone(config)).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, stream);
    if !read_request(&mut tls) {
        return; // the handshake or the request failed
    }
    requests.fetch_add(1, Ordering::SeqCst);
    match serve {
        Serve::CorruptRecordAfterRequest => {
            // An application-data record whose contents cannot decrypt, raw on the socket.
            let mut record = vec![0x17, 0x03, 0x03, 0x00, 0x20];
            record.extend_from_slice(&[0xab; 32]);
            let _ = tls.sock.write_all(&record);
            std::thread::sleep(Duration::from_millis(200));
        }
        Serve::Answer => {
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{CALL}",
                CALL.len()
            );
            let _ = tls.write_all(answer.as_bytes());
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
        Serve::PlainHttp | Serve::RequireClientCertificate => unreachable!("the handshake fails"),
    }
}

/// Reads one request, head and body, within bounds; whether it came whole.
fn read_request(tls: &mut impl std::io::Read) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || !matches!(tls.read(&mut byte), Ok(1)) {
            return false;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    tls.read_exact(&mut body).is_ok()
}

fn policy() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(40)).jitter(0.0)
}

/// Places a call through `via` against `base_url`, the transport trusting the test certificate or not.
fn make_call(via: Via, base_url: &str, trusting: bool) -> Result<String, Error> {
    let call = MakeCall::new("a1", NewCall::new("+15551234567"));
    exchange(via, base_url, trusting, call).map(|c| c.id.into_string())
}

/// Sends `operation` through `via` against `base_url`, the transport trusting the test certificate or not.
fn exchange<O: talkover::Operation>(
    via: Via,
    base_url: &str,
    trusting: bool,
    operation: O,
) -> Result<talkover::Output<O>, Error> {
    let der = CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap();
    match via {
        Via::Reqwest => {
            let builder = talkover::Client::builder().token(TOKEN).base_url(base_url).retry_policy(policy());
            let builder = if trusting {
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .tls_certs_only([reqwest::Certificate::from_der(&der).unwrap()])
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap();
                builder.transport(talkover_reqwest::ReqwestTransport::from_client(client, 1 << 20))
            } else {
                builder.timeout(Duration::from_secs(5))
            };
            let client = builder.build()?;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(client.execute(operation))
        }
        Via::Ureq => {
            let builder = talkover::blocking::Client::builder().token(TOKEN).base_url(base_url).retry_policy(policy());
            let builder = if trusting {
                let roots =
                    ureq::tls::RootCerts::Specific(Arc::new(vec![ureq::tls::Certificate::from_der(&der).to_owned()]));
                let agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .timeout_global(Some(Duration::from_secs(5)))
                    .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
                    .build()
                    .new_agent();
                builder.transport(talkover_ureq::UreqTransport::from_agent(agent, 1 << 20))
            } else {
                builder.timeout(Duration::from_secs(5))
            };
            builder.build()?.execute(operation)
        }
    }
}

/// The TLS error a make-call through `via` gets from a server that serves as `serve` (its certificate
/// trusted or not), and how many requests the server read.
fn tls_failure(via: Via, serve: Serve, trusting: bool) -> (TransportError, usize) {
    let server = Server::start(serve);
    let error = match make_call(via, &server.base_url(), trusting) {
        Err(Error::Transport(e)) => e,
        other => panic!("{via:?}: expected a transport error, got {other:?}"),
    };
    assert_eq!(error.kind(), TransportErrorKind::Tls, "{via:?}: {error}");
    (error, server.requests())
}

#[test]
fn the_test_certificate_serves_a_call_when_trusted() {
    for via in [Via::Reqwest, Via::Ureq] {
        let server = Server::start(Serve::Answer);
        assert_eq!(make_call(via, &server.base_url(), true).unwrap(), "c1", "{via:?}");
        assert_eq!(server.requests(), 1, "{via:?}");
    }
}

/// A corrupt record after the server read make-call: the call may be placed, so it is not sent again, and
/// the caller learns that it may have reached the server.
#[test]
fn a_tls_failure_after_the_request_was_read_does_not_send_make_call_again() {
    for via in [Via::Reqwest, Via::Ureq] {
        let (error, requests) = tls_failure(via, Serve::CorruptRecordAfterRequest, true);
        assert!(!error.certainly_not_sent(), "{via:?}: the request was read by the server");
        assert_eq!(requests, 1, "{via:?}: make-call was sent once");
    }
}

/// A certificate the client does not trust: the handshake fails before any request, so the error says
/// nothing was sent (a make-call may be tried again, as after a refused connection).
#[test]
fn a_refused_certificate_is_a_tls_error_with_nothing_sent() {
    for via in [Via::Reqwest, Via::Ureq] {
        let (error, requests) = tls_failure(via, Serve::Answer, false);
        assert!(error.certainly_not_sent(), "{via:?}: {error}");
        assert_eq!(requests, 0, "{via:?}");
    }
}

/// A certificate the client does not trust is refused again on every try: not retried.
#[test]
fn a_refused_certificate_is_not_tried_again() {
    for via in [Via::Reqwest, Via::Ureq] {
        let server = Server::start(Serve::Answer);
        let error = exchange(via, &server.base_url(), false, GetCampaign::new("1")).unwrap_err();
        assert_eq!(error.attempts(), 1, "{via:?}: {error}");
        assert!(!error.is_retryable(), "{via:?}: {error}");
    }
}

/// A server asking for a client certificate the client does not have: its alert refuses the handshake.
/// Under TLS 1.3 it comes after the client has done its part and may have written its request, which the
/// server never reads: a make-call is reported not sent (not "may have been placed"), and neither it nor
/// a read is tried again, as it would be refused again. (ureq writes a make-call's head and body apart:
/// the server's close may break the second write before the alert is read, so it is tried with a read.)
#[test]
fn a_client_certificate_refused_in_the_handshake_is_nothing_sent_and_not_tried_again() {
    let server = Server::start(Serve::RequireClientCertificate);
    let error = match make_call(Via::Reqwest, &server.base_url(), true) {
        Err(Error::Transport(e)) => e,
        other => panic!("expected a transport error, got {other:?}"),
    };
    assert_eq!(error.kind(), TransportErrorKind::Tls, "{error}");
    assert!(error.certainly_not_sent(), "{error}");
    assert_eq!(error.attempts(), 1, "{error}");
    for via in [Via::Reqwest, Via::Ureq] {
        let error = match exchange(via, &server.base_url(), true, GetCampaign::new("1")) {
            Err(Error::Transport(e)) => e,
            other => panic!("{via:?}: expected a transport error, got {other:?}"),
        };
        assert_eq!(error.kind(), TransportErrorKind::Tls, "{via:?}: {error}");
        assert!(error.to_string().contains("CertificateRequired"), "{via:?}: {error}");
        assert!(error.certainly_not_sent(), "{via:?}: {error}");
        assert_eq!(error.attempts(), 1, "{via:?}: {error}");
    }
    assert_eq!(server.requests(), 0);
}

/// An `https` URL to a server that speaks no TLS: a TLS error on both transports. reqwest knows the
/// failure came while connecting; ureq does not say when a TLS failure came, so it does not claim that
/// nothing was sent.
#[test]
fn a_server_that_speaks_no_tls_is_a_tls_error_on_both_transports() {
    for via in [Via::Reqwest, Via::Ureq] {
        let (error, _) = tls_failure(via, Serve::PlainHttp, true);
        assert_eq!(error.certainly_not_sent(), matches!(via, Via::Reqwest), "{via:?}: {error}");
    }
}
