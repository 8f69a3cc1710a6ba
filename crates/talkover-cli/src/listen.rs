//! `talkover webhooks listen`: a local receiver of webhook deliveries on 127.0.0.1. Each delivery's
//! signature is checked with the core's verifier (`WebhookKey::verify_delivery`, any header whose name contains
//! `signature`); a verified one is shown and, with `--forward-to`, sent on; one that does not verify is
//! shown as refused and answered 401.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use serde_json::{json, Value};
use talkover::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use talkover::webhook_delivery::WebhookKey;
use talkover::{BlockingTransport as _, SecretString};
use talkover_ureq::{UreqConfig, UreqTransport};

use crate::failure::{json_safe, Failure};
use crate::output::{printable, Format};

/// The largest delivery body accepted.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// The most header lines of one request.
const MAX_HEADERS: usize = 100;
/// The longest header line.
const MAX_LINE: usize = 16 * 1024;

/// `--secret`: the webhook's signing secret, which `listen` and `verify` check deliveries with.
fn secret_arg() -> Arg {
    Arg::new("secret")
        .long("secret")
        .value_name("SECRET")
        .env("TALKOVER_WEBHOOK_SECRET")
        .hide_env_values(true)
        .help("The webhook's signing secret (or TALKOVER_WEBHOOK_SECRET)")
}

/// The secret given with `--secret` or `TALKOVER_WEBHOOK_SECRET` (checked here rather than by the argument
/// parser, whose message would name only the flag).
fn secret_of(args: &ArgMatches, command: &str) -> Result<SecretString, Failure> {
    match args.get_one::<String>("secret") {
        // A secret set to nothing (`TALKOVER_WEBHOOK_SECRET=` in a receiver's configuration) is a setting to
        // fix, not a delivery that fails to verify: every delivery would be refused as forged.
        Some(secret) if secret.is_empty() => Err(Failure::usage(format!(
            "webhooks {command} needs the webhook's signing secret, and the one given is empty \
             (TALKOVER_WEBHOOK_SECRET set to nothing, or --secret \"\")"
        ))),
        Some(secret) => {
            if args.value_source("secret") == Some(clap::parser::ValueSource::CommandLine) {
                crate::notices::secret_on_command_line(
                    "the secret given with --secret is",
                    "set TALKOVER_WEBHOOK_SECRET instead",
                    "--secret",
                );
            }
            Ok(SecretString::new(secret.as_str()))
        }
        None => Err(Failure::usage(format!(
            "webhooks {command} needs the webhook's signing secret: set TALKOVER_WEBHOOK_SECRET (kept out of \
             the shell's history), or give --secret SECRET"
        ))),
    }
}

/// What the examples of `webhooks listen` and `webhooks verify` say of the secret they leave out.
pub const SECRET_NOTE: &str =
    "The secret is read from TALKOVER_WEBHOOK_SECRET, which keeps it out of the shell's history.";

/// The example of `webhooks verify --help`.
pub const VERIFY_EXAMPLE: &[&str] = &["talkover", "webhooks", "verify", "--signature", "SIGNATURE", "delivery.json"];

/// The example of `webhooks listen --help`.
pub const LISTEN_EXAMPLE: &[&str] =
    &["talkover", "webhooks", "listen", "--port", "4242", "--forward-to", "http://127.0.0.1:3000/hooks"];

/// `talkover webhooks verify`: checks one delivery's signature, as a receiver must, without a listener.
pub fn verify_command() -> Command {
    Command::new("verify")
        .about("Check one delivery's signature (the body from a file or standard input)")
        .long_about(
            "Checks the signature of one webhook delivery: HMAC-SHA256 of the body, exactly as received, with the \
             webhook's secret, against the signature header's value (hex, or `sha256=` and hex). A delivery that \
             verifies is written to standard output as received, and the command exits 0; one that does not exits \
             13 with the reason on standard error.",
        )
        .after_long_help(crate::commands::example_help(VERIFY_EXAMPLE, Some(SECRET_NOTE)))
        .arg(secret_arg())
        .arg(
            Arg::new("signature")
                .long("signature")
                .value_name("VALUE")
                .required(true)
                .help("The value of the delivery's signature header (X-Talkover-Signature)"),
        )
        .arg(Arg::new("body").value_name("BODY_FILE").default_value("-").help("The body, as received (- for stdin)"))
}

/// Runs `talkover webhooks verify`.
pub fn verify(args: &ArgMatches) -> Result<u8, Failure> {
    let secret = secret_of(args, "verify")?;
    let signature = args.get_one::<String>("signature").expect("required");
    let path = args.get_one::<String>("body").expect("has a default");
    let mut body = Vec::new();
    let read = if path == "-" {
        std::io::stdin().lock().take(MAX_BODY as u64 + 1).read_to_end(&mut body)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(MAX_BODY as u64 + 1).read_to_end(&mut body))
    };
    read.map_err(|e| Failure::local(format!("cannot read the body from {path}: {e}")))?;
    if body.len() > MAX_BODY {
        return Err(Failure::local(format!("the body is larger than {MAX_BODY} bytes")));
    }
    let value = HeaderValue::from_str(signature.trim())
        .map_err(|_| Failure::usage("--signature is not a header value".into()))?;
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static("x-talkover-signature"), value);
    let key = WebhookKey::new(&secret).map_err(|problem| Failure::Unverified(problem.to_string()))?;
    if let Err(problem) = key.verify_delivery(&headers, &body) {
        // A body saved or piped with a line break added (`echo`, an editor) or taken away is not the one
        // signed: say so when that is all the difference.
        let trimmed = body.strip_suffix(b"\n").map(|b| b.strip_suffix(b"\r").unwrap_or(b));
        let with_break = [&body[..], b"\n"].concat();
        let hint = match (trimmed, &with_break) {
            (Some(trimmed), _) if key.verify_delivery(&headers, trimmed).is_ok() => {
                "; it verifies without the body's last line break: give the body exactly as received (`echo` \
                 and editors add one; `printf '%s'` does not)"
            }
            (_, with_break) if key.verify_delivery(&headers, with_break).is_ok() => {
                "; it verifies with a line break after the body: give the body exactly as received"
            }
            _ => "",
        };
        return Err(Failure::Unverified(format!("{problem}{hint}")));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&body).and_then(|()| out.flush()).map_err(|e| Failure::local(format!("cannot write: {e}")))?;
    Ok(0)
}

pub fn command() -> Command {
    Command::new("listen")
        .about("Receive webhook deliveries on 127.0.0.1, check their signature, show them and forward them")
        .long_about(
            "Listens on 127.0.0.1:PORT for webhook deliveries (POST, JSON body). Each delivery's signature (HMAC-SHA256 \
             of the body with the webhook's secret, in any header whose name contains `signature`) is checked: a \
             delivery that verifies is shown (event, ids, payload), forwarded with --forward-to and answered with the \
             forward's status (200 without one); one that does not is shown as REFUSED, answered 401 and not \
             forwarded.\n\nIt first writes `listening on http://127.0.0.1:PORT/` to standard error; standard output \
             has one block per delivery on a terminal, one JSON object per line otherwise (with `raw_body`, the body as \
             received, and `signature`, to check a kept delivery again with `webhooks verify`).",
        )
        .after_long_help(crate::commands::example_help(LISTEN_EXAMPLE, Some(SECRET_NOTE)))
        .arg(
            Arg::new("port")
                .long("port")
                .short('p')
                .value_name("PORT")
                .value_parser(clap::value_parser!(u16))
                .default_value("4242")
                .help("Port on 127.0.0.1 (0 picks a free one)"),
        )
        .arg(secret_arg())
        .arg(
            Arg::new("forward-to")
                .long("forward-to")
                .value_name("URL")
                .help("Send every verified delivery on to this URL (POST, same body and headers)"),
        )
        .arg(
            Arg::new("max-deliveries")
                .long("max-deliveries")
                .value_name("N")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Stop after N requests (default: run until stopped)"),
        )
}

pub fn run(args: &ArgMatches) -> Result<u8, Failure> {
    let port = *args.get_one::<u16>("port").expect("has a default");
    let secret = secret_of(args, "listen")?;
    let key = WebhookKey::new(&secret).map_err(|_| Failure::usage("--secret cannot be empty".into()))?;
    let forward = match args.get_one::<String>("forward-to") {
        Some(url) => {
            let uri: talkover::http::Uri =
                url.parse().map_err(|e| Failure::usage(format!("--forward-to {url:?} is not a URL: {e}")))?;
            if uri.scheme().is_none() || uri.host().is_none() {
                return Err(Failure::usage(format!("--forward-to {url:?} needs a scheme and a host")));
            }
            let mut config = UreqConfig::default();
            config.timeout = Some(Duration::from_secs(30));
            // A receiver on this machine is reached straight, as the clients reach the emulator.
            config.proxy_from_env = !uri.host().is_some_and(talkover::config::is_loopback_host);
            Some((uri, UreqTransport::with_config(&config)))
        }
        None => None,
    };
    let format = Format::of(args);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .map_err(|e| Failure::local(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| Failure::local(e.to_string()))?;
    // On standard error: standard output holds deliveries alone, one JSON object a line when piped.
    // With `--output json` asked for, every line on standard error is JSON.
    if args.get_one::<String>("output").is_some_and(|f| f == "json") {
        crate::notices::stderr_line(
            &serde_json::json!({ "listening": { "url": format!("http://{addr}/") } }).to_string(),
        );
    } else {
        crate::notices::stderr_line(&format!("listening on http://{addr}/"));
    }
    let limit = args.get_one::<u64>("max-deliveries").copied();
    let mut served = 0u64;
    let output = Output { failed: Mutex::new(None), addr };
    // Each connection on a thread of its own, so that a slow client (one that sends a byte at a time, as
    // far as the read timeout lets it) holds up no delivery; at most AT_ONCE of them, another one then
    // answered 503 at once, which the platform retries. The scope ends once every one is answered.
    let active = AtomicUsize::new(0);
    let (key, forward, active, output_ref) = (&key, forward.as_ref(), &active, &output);
    std::thread::scope(|scope| {
        for stream in listener.incoming() {
            if output_ref.has_failed() {
                break;
            }
            let Ok(mut stream) = stream else {
                continue;
            };
            if active.load(Ordering::Acquire) >= AT_ONCE {
                let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                let busy = format!("{AT_ONCE} deliveries are being received already: try again");
                respond(&mut stream, StatusCode::SERVICE_UNAVAILABLE, &json!({"error": busy}));
                crate::notices::warning(&format!("webhooks listen: {busy}"), serde_json::json!({}));
            } else {
                // Only a connection read counts toward --max-deliveries, not one turned away.
                served += 1;
                active.fetch_add(1, Ordering::AcqRel);
                scope.spawn(move || {
                    if let Err(e) = handle(stream, key, forward, format, output_ref) {
                        crate::notices::warning(&format!("webhooks listen: {e}"), serde_json::json!({}));
                    }
                    active.fetch_sub(1, Ordering::AcqRel);
                });
            }
            if limit.is_some_and(|limit| served >= limit) {
                break;
            }
        }
    });
    match output.failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        // A closed pipe (`| head -1`) ends quietly, as every command's output does; another failure is the
        // command's, exit 1.
        Some(e) => Err(crate::output::write_failure(e)),
        None => Ok(0),
    }
}

/// Standard output's state across the connections: once a delivery cannot be written to it, the listener
/// stops, since every later one would be answered without being shown.
struct Output {
    failed: Mutex<Option<std::io::Error>>,
    /// The listener's own address, connected to once to wake its wait for the next connection.
    addr: std::net::SocketAddr,
}

impl Output {
    fn has_failed(&self) -> bool {
        self.failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_some()
    }

    /// Keeps the first failure and wakes the listener, which then stops.
    fn fail(&self, e: std::io::Error) {
        self.failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(e);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// How many connections are read and answered at once.
const AT_ONCE: usize = 16;

/// A request as read from the socket.
struct Incoming {
    method: String,
    target: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn handle(
    mut stream: TcpStream,
    key: &WebhookKey,
    forward: Option<&(talkover::http::Uri, UreqTransport)>,
    format: Format,
    output: &Output,
) -> Result<(), String> {
    // Reads have their own bounds (`UntilDeadline`, in `read_request`).
    stream.set_write_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    let request = match read_request(&mut stream) {
        Ok(request) => request,
        Err((status, problem)) => {
            respond(&mut stream, status, &json!({"error": problem}));
            return Err(problem);
        }
    };
    if request.method != "POST" {
        respond(&mut stream, StatusCode::METHOD_NOT_ALLOWED, &json!({"error": "deliveries are POST requests"}));
        return Ok(());
    }
    let body_json: Value = serde_json::from_slice(&request.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&request.body).into_owned()));
    // The signature shown: the header's that verified, else the first header's named as one.
    let signatures = || {
        let named = request.headers.iter().filter(|(name, _)| name.as_str().contains("signature"));
        named.filter_map(|(_, value)| value.to_str().ok())
    };
    let signature = signatures().find(|value| key.verify_signature(&request.body, value).is_ok());
    let signature = signature.or_else(|| signatures().next());
    match key.verify_delivery(&request.headers, &request.body) {
        Err(problem) => {
            let shown = show(format, false, Some(&problem.to_string()), &request, &body_json, signature, None);
            respond(&mut stream, StatusCode::UNAUTHORIZED, &json!({"error": "the signature does not verify"}));
            if let Err(e) = shown {
                output.fail(e);
            }
        }
        Ok(()) => {
            let forwarded = forward.map(|(uri, transport)| send_on(uri, transport, &request));
            // The forward's status, so that the platform retries what the app did not take; the body says
            // the delivery itself was received and verified.
            let (status, answer) = match &forwarded {
                None => (StatusCode::OK, json!({"received": true})),
                Some(Ok(status)) => (*status, json!({"received": true, "forwarded": status.as_u16()})),
                Some(Err(problem)) => (
                    StatusCode::BAD_GATEWAY,
                    json!({"received": true, "forwarded": false, "error": format!("not forwarded: {problem}")}),
                ),
            };
            let shown = show(format, true, None, &request, &body_json, signature, forwarded.as_ref());
            match shown {
                Ok(()) => respond(&mut stream, status, &answer),
                Err(e) => {
                    // Shown nowhere and sent nowhere: not answered as received, so that the platform sends
                    // it again (a forwarded one has reached the app, and keeps the app's answer).
                    if forwarded.is_none() {
                        let problem = format!("the delivery could not be written to standard output: {e}");
                        respond(
                            &mut stream,
                            StatusCode::SERVICE_UNAVAILABLE,
                            &json!({"received": false, "error": problem}),
                        );
                    } else {
                        respond(&mut stream, status, &answer);
                    }
                    output.fail(e);
                }
            }
        }
    }
    Ok(())
}

/// How long a connection has to send its whole request, whatever the pace of each read: a client that
/// sends a byte now and then cannot hold one of the [`AT_ONCE`] places for ever.
const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

/// A socket read until a deadline: each read waits at most the time left, up to 10 s.
struct UntilDeadline {
    stream: TcpStream,
    until: std::time::Instant,
}

impl std::io::Read for UntilDeadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the request took longer than 30 s"));
        }
        self.stream.set_read_timeout(Some(left.min(Duration::from_secs(10))))?;
        self.stream.read(buf)
    }
}

fn read_request(stream: &mut TcpStream) -> Result<Incoming, (StatusCode, String)> {
    let bad = |m: &str| (StatusCode::BAD_REQUEST, m.to_owned());
    let until = std::time::Instant::now() + REQUEST_DEADLINE;
    let mut reader =
        BufReader::new(UntilDeadline { stream: stream.try_clone().map_err(|e| bad(&e.to_string()))?, until });
    let mut line = String::new();
    read_line(&mut reader, &mut line).map_err(|e| bad(&e))?;
    let mut parts = line.split_whitespace();
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => (m.to_owned(), t.to_owned()),
        _ => return Err(bad("not an HTTP/1.x request")),
    };
    let mut headers = HeaderMap::new();
    for _ in 0..=MAX_HEADERS {
        line.clear();
        read_line(&mut reader, &mut line).map_err(|e| bad(&e))?;
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let (name, value) = text.split_once(':').ok_or_else(|| bad("a header line without a colon"))?;
        // No space before the colon, nor a line folded onto the one before (RFC 9112, 5.1 and 5.2).
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("a header name that is not valid"))?;
        let value = HeaderValue::from_str(value.trim()).map_err(|_| bad("a header value that is not valid"))?;
        headers.append(name, value);
        if headers.len() > MAX_HEADERS {
            return Err(bad("too many headers"));
        }
    }
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return Err((StatusCode::LENGTH_REQUIRED, "send the body with a Content-Length".into()));
    }
    let mut lengths = headers.get_all(header::CONTENT_LENGTH).iter();
    if lengths.next().is_some_and(|first| lengths.any(|other| other != first)) {
        return Err(bad("two Content-Length headers that differ"));
    }
    let length = match headers.get(header::CONTENT_LENGTH) {
        Some(v) => {
            v.to_str().ok().and_then(|v| v.trim().parse::<usize>().ok()).ok_or_else(|| bad("a bad Content-Length"))?
        }
        None => 0,
    };
    if length > MAX_BODY {
        return Err((StatusCode::PAYLOAD_TOO_LARGE, format!("bodies up to {MAX_BODY} bytes")));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| bad(&format!("the body was cut short: {e}")))?;
    Ok(Incoming { method, target, headers, body })
}

fn read_line(reader: &mut impl std::io::BufRead, line: &mut String) -> Result<(), String> {
    let mut limited = reader.take(MAX_LINE as u64);
    let n = limited.read_line(line).map_err(|e| e.to_string())?;
    if n == 0 || !line.ends_with('\n') {
        return Err("the request ended early or a line is too long".into());
    }
    Ok(())
}

fn respond(stream: &mut TcpStream, status: StatusCode, body: &Value) {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes()));
    let _ = stream.flush();
}

/// Sends a verified delivery on: the same body, its content type and signature headers.
fn send_on(uri: &talkover::http::Uri, transport: &UreqTransport, request: &Incoming) -> Result<StatusCode, String> {
    let mut builder = Request::builder().method(Method::POST).uri(uri.clone());
    for (name, value) in &request.headers {
        let keep = name == header::CONTENT_TYPE
            || name.as_str().contains("signature")
            || name.as_str().starts_with("x-talkover")
            || name == header::USER_AGENT;
        if keep {
            builder = builder.header(name, value);
        }
    }
    let forwarded = builder.body(request.body.clone()).map_err(|e| e.to_string())?;
    transport.send(forwarded).map(|answer| answer.status()).map_err(|e| e.to_string())
}

fn show(
    format: Format,
    verified: bool,
    problem: Option<&str>,
    request: &Incoming,
    body: &Value,
    signature: Option<&str>,
    forwarded: Option<&Result<StatusCode, String>>,
) -> std::io::Result<()> {
    let target = request.target.as_str();
    let event = body.get("event").and_then(Value::as_str);
    let ids: serde_json::Map<String, Value> = body
        .as_object()
        .map(|o| o.iter().filter(|(k, v)| (k.ends_with("_id") || *k == "id") && v.is_string()))
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let forward = forwarded.map(|f| match f {
        Ok(status) => json!({"status": status.as_u16()}),
        Err(e) => json!({"error": e}),
    });
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json | Format::Id | Format::Csv => {
            // The body as received (key order, every digit) and its signature, so that a delivery kept from
            // this line can be checked again: `jq -j .raw_body` (no line break added), `.signature`.
            let line = json!({
                "verified": verified,
                "problem": problem,
                "path": target,
                "event": event,
                "ids": ids,
                "forwarded": forward,
                "body": body,
                "raw_body": std::str::from_utf8(&request.body).ok(),
                "signature": signature,
            });
            writeln!(out, "{}", json_safe(&line.to_string()))?;
        }
        Format::Table => {
            // Whatever reaches the port is shown, signed or not: nothing of it may drive the terminal.
            let title = if verified { "delivery" } else { "REFUSED delivery" };
            writeln!(out, "── {title} {} {}", printable(event.unwrap_or("(no event)")), printable(target))?;
            if let Some(problem) = problem {
                writeln!(out, "   signature: {}", printable(problem))?;
            }
            for (k, v) in &ids {
                writeln!(out, "   {}: {}", printable(k), printable(v.as_str().unwrap_or_default()))?;
            }
            if let Some(forward) = forward {
                writeln!(out, "   forwarded: {}", json_safe(&forward.to_string()))?;
            }
            let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
            for line in json_safe(&pretty).lines() {
                writeln!(out, "   {line}")?;
            }
        }
    }
    out.flush()
}
