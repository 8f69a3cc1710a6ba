//! The two built-in transports against one contract, over loopback sockets: what a server declares is
//! not taken on trust, and a request's own time bound replaces the transport's for that exchange. Each
//! case runs through `talkover-reqwest` and `talkover-ureq` alike, with the same server.
//!
//! Every server listens on 127.0.0.1, waits at most ten seconds for one connection, bounds its reads and
//! holds, and ends.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use talkover::transport::{
    BlockingTransport, HttpRequest, HttpResponse, RequestTimeout, Transport, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
use talkover::{TransportError, TransportErrorKind};
use talkover_reqwest::{ReqwestConfig, ReqwestTransport};
use talkover_ureq::{UreqConfig, UreqTransport};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";

/// The next connection to `listener`, if one comes within ten seconds.
fn accept_within(listener: &TcpListener) -> Option<TcpStream> {
    listener.set_nonblocking(true).unwrap();
    for _ in 0..2000 {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return Some(stream);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("accept: {e}"),
        }
    }
    None
}

/// Serves one connection: reads the request's head, writes `answer`, and closes; gives back the head
/// (empty when no client came).
fn answer_once(answer: &[u8]) -> (u16, JoinHandle<String>) {
    let answer = answer.to_vec();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let Some(mut stream) = accept_within(&listener) else { return String::new() };
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut seen = Vec::new();
        let mut buffer = [0; 1024];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
        let _ = stream.write_all(&answer);
        String::from_utf8_lossy(&seen).into_owned()
    });
    (port, server)
}

/// Takes one connection and answers nothing, holding it for `hold`.
fn silent_once(hold: Duration) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let stream = accept_within(&listener);
        std::thread::sleep(hold);
        drop(stream);
    });
    (port, server)
}

/// A transport of either kind, with the settings a case gives it.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Reqwest,
    Ureq,
}

const BOTH: [Kind; 2] = [Kind::Reqwest, Kind::Ureq];

/// The settings both transports' configurations hold, each transport's defaults unless a case sets them.
#[derive(Clone, Copy)]
struct Settings {
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_response_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl Kind {
    /// Sends `request` through a transport of this kind built with `settings` (the rest defaults).
    fn send(self, settings: Settings, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match self {
            Kind::Reqwest => {
                let mut config = ReqwestConfig::default();
                (config.timeout, config.connect_timeout) = (settings.timeout, settings.connect_timeout);
                config.max_response_bytes = settings.max_response_bytes;
                let transport = ReqwestTransport::with_config(&config).expect("the transport builds");
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(Transport::send(&transport, request))
            }
            Kind::Ureq => {
                let mut config = UreqConfig::default();
                (config.timeout, config.connect_timeout) = (settings.timeout, settings.connect_timeout);
                config.max_response_bytes = settings.max_response_bytes;
                BlockingTransport::send(&UreqTransport::with_config(&config), request)
            }
        }
    }
}

fn get(port: u16) -> HttpRequest {
    http::Request::get(format!("http://127.0.0.1:{port}/api/v1/agents/a1")).body(Vec::new()).unwrap()
}

fn bounded(port: u16, timeout: Duration) -> HttpRequest {
    let mut request = get(port);
    request.extensions_mut().insert(RequestTimeout(timeout));
    request
}

/// A request without a body: a POST, PUT or PATCH says `content-length: 0` (a front end may answer 411
/// Length Required without it, RFC 9110, 8.6), a GET or a DELETE sends no body framing; on both
/// transports alike.
#[test]
fn a_write_without_a_body_says_its_length_is_zero() {
    for kind in BOTH {
        for (method, says_length) in [("POST", true), ("PUT", true), ("PATCH", true), ("GET", false), ("DELETE", false)]
        {
            let (port, server) = answer_once(OK);
            let uri = format!("http://127.0.0.1:{port}/api/v1/agents/a1/publish");
            let request = http::Request::builder().method(method).uri(uri).body(Vec::new()).unwrap();
            let answer = kind.send(Settings::default(), request);
            assert!(answer.is_ok(), "{kind:?} {method}: {answer:?}");
            let head = server.join().unwrap().to_ascii_lowercase();
            assert_eq!(head.contains("\r\ncontent-length: 0\r\n"), says_length, "{kind:?} {method}: {head}");
            assert!(!head.contains("transfer-encoding"), "{kind:?} {method}: {head}");
        }
    }
}

/// An answer declaring more than the limit is refused as too large without being read, and keeps its
/// status; one declaring 64 GiB under a limit raised past it is not reserved up front: it fails as a
/// broken answer when its few bytes end.
#[test]
fn a_declared_length_is_not_taken_on_trust() {
    let head = |length: u64| {
        format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n{{\"success\":true}}")
            .into_bytes()
    };
    for kind in BOTH {
        for (limit, declared, expected) in [
            (DEFAULT_MAX_RESPONSE_BYTES, 1_000_000_000_000_000_000, TransportErrorKind::BodyTooLarge),
            (1 << 20, 1 << 36, TransportErrorKind::BodyTooLarge),
            (u64::MAX, 1 << 36, TransportErrorKind::Io),
        ] {
            let (port, server) = answer_once(&head(declared));
            let settings = Settings { max_response_bytes: limit, ..Settings::default() };
            let error = kind.send(settings, get(port)).unwrap_err();
            assert_eq!(error.kind(), expected, "{kind:?}, limit {limit}: {error}");
            if expected == TransportErrorKind::BodyTooLarge {
                assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{kind:?}: {error}");
            }
            server.join().unwrap();
        }
    }
}

/// A request's own bound replaces the transport's for that exchange, and the transport's bounds every
/// other: either way the error says the whole exchange ran out of time, not that nothing was sent, and how
/// long it had, in the same words on both transports.
#[test]
fn a_timeout_bounds_the_whole_exchange() {
    // The transports' defaults are the core's, which `Settings::default` gives the other cases.
    let (reqwest, ureq) = (ReqwestConfig::default(), UreqConfig::default());
    assert_eq!((reqwest.timeout, reqwest.connect_timeout), (Some(DEFAULT_TIMEOUT), Some(DEFAULT_CONNECT_TIMEOUT)));
    assert_eq!((ureq.timeout, ureq.connect_timeout), (Some(DEFAULT_TIMEOUT), Some(DEFAULT_CONNECT_TIMEOUT)));
    assert_eq!(
        (reqwest.max_response_bytes, ureq.max_response_bytes),
        (DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RESPONSE_BYTES)
    );
    let short = Duration::from_millis(300);
    let on_the_transport = Settings { timeout: Some(short), ..Settings::default() };
    for kind in BOTH {
        for (whose, settings, request) in [
            ("the request's", Settings::default(), bounded as fn(u16, Duration) -> HttpRequest),
            ("the transport's", on_the_transport, |port, _| get(port)),
        ] {
            let (port, server) = silent_once(Duration::from_secs(2));
            let error = kind.send(settings, request(port, short)).unwrap_err();
            assert_eq!(error.kind(), TransportErrorKind::Timeout, "{kind:?}, {whose}: {error}");
            let says = "no complete answer within 300 ms (the timeout of the whole exchange)";
            assert!(error.to_string().contains(says), "{kind:?}, {whose}: {error}");
            assert!(!error.certainly_not_sent(), "{kind:?}, {whose}: the request had been sent");
            server.join().unwrap();
        }
    }
}

/// An answer whose body stops short of its declared length is an I/O failure that keeps its status (the
/// request was processed), in the same words on both transports.
#[test]
fn a_body_cut_off_is_an_io_failure_after_the_head() {
    for kind in BOTH {
        let (port, server) =
            answer_once(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"success\":");
        let error = kind.send(Settings::default(), get(port)).unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Io, "{kind:?}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{kind:?}: {error}");
        assert!(error.to_string().contains("the answer's body could not be read to its end: "), "{kind:?}: {error}");
        server.join().unwrap();
    }
}

/// A port on 127.0.0.1 where a connection cannot be opened: its listener's queue (of one) is full and is
/// never taken from, so the system drops further attempts' first packets and they wait. The streams that
/// filled it are given back, to be held as long as the port must stay so.
fn unopenable(runtime: &tokio::runtime::Runtime) -> (u16, tokio::net::TcpListener, Vec<TcpStream>) {
    let _entered = runtime.enter();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => held.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return (address.port(), listener, held),
            Err(e) => panic!("connect: {e}"),
        }
    }
    panic!("{} connections were taken by a listener with a queue of one", held.len());
}

/// A connection that cannot be opened within the whole exchange's bound, shorter than the connect timeout,
/// fails as a connection failure (certainly not sent: a call is not placed, and can be retried) on both
/// transports, the connect timeout held under the whole bound; so on the blocking one for a request's own
/// bound too. (The async one cannot hold reqwest's client-wide connect timeout under one request's bound:
/// the README says so.)
#[test]
fn a_connection_not_opened_in_time_was_certainly_not_sent() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (port, _listener, _held) = unopenable(&runtime);
    let whole = Duration::from_secs(2);
    let post = || http::Request::post(format!("http://127.0.0.1:{port}/api/v1/calls")).body(b"{}".to_vec()).unwrap();
    let on_the_transport = Settings { timeout: Some(whole), ..Settings::default() };
    let mut on_the_request = post();
    on_the_request.extensions_mut().insert(RequestTimeout(whole));
    let cases = [(Kind::Reqwest, on_the_transport, post()), (Kind::Ureq, on_the_transport, post())];
    for (kind, settings, request) in cases.into_iter().chain([(Kind::Ureq, Settings::default(), on_the_request)]) {
        let started = std::time::Instant::now();
        let error = kind.send(settings, request).unwrap_err();
        let took = started.elapsed();
        assert_eq!(error.kind(), TransportErrorKind::Connect, "{kind:?}: {error}");
        assert!(error.certainly_not_sent(), "{kind:?}: {error}");
        assert!(
            took < DEFAULT_CONNECT_TIMEOUT / 2,
            "{kind:?}: waited {took:?}, the connect timeout, not the whole bound"
        );
        let says = "could not connect within 1.8 s (the connect timeout, held under the whole exchange's 2 s)";
        assert!(error.to_string().contains(says), "{kind:?}: {error}");
    }
    // A request's own bound longer than the transport's leaves the connect timeout configured as it is.
    let mut longer = post();
    longer.extensions_mut().insert(RequestTimeout(Duration::from_secs(4)));
    let settings = Settings { connect_timeout: Some(Duration::from_millis(2500)), ..on_the_transport };
    let error = Kind::Ureq.send(settings, longer).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
    assert!(error.to_string().contains("could not connect within 2.5 s (the connect timeout)"), "{error}");
}

/// A bound as long as `Duration::MAX`, on the request or on the transport, works as a very long one.
#[test]
fn the_longest_timeouts_are_taken() {
    for kind in BOTH {
        let (port, server) = answer_once(OK);
        let answer = kind.send(Settings::default(), bounded(port, Duration::MAX)).expect("an answer");
        assert_eq!(answer.body().as_slice(), b"{}", "{kind:?}");
        server.join().unwrap();

        let (port, server) = answer_once(OK);
        let settings =
            Settings { timeout: Some(Duration::MAX), connect_timeout: Some(Duration::MAX), ..Settings::default() };
        let answer = kind.send(settings, get(port)).expect("an answer");
        assert_eq!(answer.body().as_slice(), b"{}", "{kind:?}");
        assert!(server.join().unwrap().starts_with("GET /api/v1/agents/a1 HTTP/1.1\r\n"), "{kind:?}");
    }
}

/// A request made where no runtime runs is sent when its future is first polled, in the runtime that
/// polls it: no panic from reqwest's timers, and the future outlives the transport.
#[test]
fn an_async_request_made_outside_a_runtime_is_sent_when_polled() {
    let (port, server) = answer_once(OK);
    let transport = ReqwestTransport::new().expect("the default transport builds");
    let request = http::Request::get(format!("http://127.0.0.1:{port}/api/v1/health")).body(Vec::new()).unwrap();
    let sending = transport.send_request(request);
    drop(transport);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let answer = runtime.block_on(sending).expect("an answer");
    assert_eq!((answer.status().as_u16(), answer.body().as_slice()), (200, &b"{}"[..]));
    assert!(server.join().unwrap().starts_with("GET /api/v1/health HTTP/1.1\r\n"));
}
