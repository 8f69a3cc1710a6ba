//! `talkover webhooks listen`: a signed delivery is shown and forwarded, a forged one refused and not.

use crate::common;

use std::io::{BufRead, BufReader, Lines, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use talkover::webhook_delivery::sign;

const SECRET: &str = "whsec_cli_test_secret";

/// POSTs `body` with these headers to 127.0.0.1:`port`; gives the answer's status.
fn deliver(port: u16, headers: &[(&str, String)], body: &str) -> u16 {
    deliver_answer(port, headers, body).0
}

/// POSTs `body` with these headers to 127.0.0.1:`port`; gives the answer's status and body.
fn deliver_answer(port: u16, headers: &[(&str, String)], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut request = format!(
        "POST /hooks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, answer.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_owned())
}

/// A receiver standing for the user's own endpoint: gives each request's signature header and body.
fn endpoint() -> (u16, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(10) {
            stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut length, mut signature) = (0, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap_or(("", ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "x-talkover-signature" => signature = value.trim().to_owned(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = tx.send((signature, String::from_utf8(body).unwrap()));
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (port, rx)
}

/// `webhooks listen` on a free port with the test's secret, forwarding to `forward_to` and stopping after
/// `deliveries`: the child, the lines it prints after its banner, and its port.
fn listen_forwarding(forward_to: &str, deliveries: &str) -> (Child, Lines<BufReader<ChildStdout>>, u16) {
    let mut listen = Command::new(common::BIN);
    listen
        .env_clear()
        .env("TALKOVER_WEBHOOK_SECRET", SECRET)
        // A proxy in the environment that nothing answers at (were one to hold the connection, the
        // forward would time out): a receiver on loopback is reached past it.
        .env("HTTP_PROXY", common::DEAD_PROXY)
        .env("ALL_PROXY", common::DEAD_PROXY)
        .args(["webhooks", "listen", "--port", "0", "--max-deliveries", deliveries])
        .args(["--forward-to", forward_to])
        .stderr(Stdio::piped());
    let (child, lines, address) = common::spawn_listening(listen, "listening on http://127.0.0.1:");
    let port = address.trim_end_matches('/').parse().unwrap_or_else(|_| panic!("unexpected port {address:?}"));
    (child, lines, port)
}

#[test]
fn a_signed_delivery_is_shown_and_forwarded_and_a_forged_one_refused() {
    let (forward_port, forwarded) = endpoint();
    let (mut child, mut lines, port) = listen_forwarding(&format!("http://127.0.0.1:{forward_port}/mine"), "2");

    let body =
        r#"{"event":"call.completed","agent_id":"agent-1","webhook_id":"hook-1","call_id":"call-9","duration":42}"#;
    // A header of another name that also says `signature` comes first: the one shown is the one that verified.
    let junk = ("x-another-signature", "0".repeat(64));
    let signed = deliver(port, &[junk, ("x-talkover-signature", sign(SECRET, body.as_bytes()))], body);
    assert_eq!(signed, 204, "answered with the forward's status");
    let forged = deliver(port, &[("x-talkover-signature", sign("not-the-secret", body.as_bytes()))], body);
    assert_eq!(forged, 401);

    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["verified"], true);
    assert_eq!(first["event"], "call.completed");
    assert_eq!(first["ids"]["call_id"], "call-9");
    assert_eq!(first["body"]["duration"], 42);
    assert_eq!(first["forwarded"]["status"], 204);
    // What `webhooks verify` needs to check it again: the body as received and its signature.
    assert_eq!(
        (first["raw_body"].as_str(), first["signature"].as_str()),
        (Some(body), Some(sign(SECRET, body.as_bytes()).as_str()))
    );
    let second: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(second["verified"], false);
    assert!(second["problem"].as_str().unwrap().contains("match"), "{second}");
    assert_eq!(second["body"]["call_id"], "call-9", "the refused delivery is shown");

    let (signature, received) = forwarded.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!((signature, received.as_str()), (sign(SECRET, body.as_bytes()), body), "forwarded as received");
    assert!(forwarded.try_recv().is_err(), "the forged delivery is not forwarded");
    assert!(child.wait().unwrap().success(), "stops after --max-deliveries");
}

/// A request framed otherwise than HTTP/1.1 allows is refused with a 400, not read one way of two: two
/// `Content-Length`s that differ, a space before a header's colon (RFC 9112, 6.3 and 5.1).
#[test]
fn a_request_framed_two_ways_is_refused() {
    let (mut child, _lines, port) = listen_forwarding("http://127.0.0.1:9/none", "3");
    let body = r#"{"event":"call.completed"}"#;
    let signature = sign(SECRET, body.as_bytes());
    let short = ("content-length", "5".to_owned());
    assert_eq!(deliver(port, &[short, ("x-talkover-signature", signature.clone())], body), 400);
    assert_eq!(deliver(port, &[("x-talkover-signature ", signature.clone())], body), 400);
    let same = ("content-length", body.len().to_string());
    let (status, answer) = deliver_answer(port, &[same, ("x-talkover-signature", signature)], body);
    assert_ne!(status, 400, "the same length twice is one length: {answer}");
    let _ = child.kill();
    let _ = child.wait();
}

/// A client that sends its request slowly holds up no other: a delivery that comes after it is answered
/// while it is still sending, and it is answered in its turn once it has sent the rest.
#[test]
fn a_slow_client_holds_up_no_delivery() {
    let (forward_port, forwarded) = endpoint();
    let (mut child, mut lines, port) = listen_forwarding(&format!("http://127.0.0.1:{forward_port}/mine"), "2");
    let body = r#"{"event":"call.completed","call_id":"call-slow"}"#;
    let signature = sign(SECRET, body.as_bytes());

    let mut slow = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    slow.write_all(b"POST /hooks HTTP/1.1\r\nhost: 127.0.0.1\r\n").unwrap();

    let fast = r#"{"event":"call.completed","call_id":"call-fast"}"#;
    assert_eq!(deliver(port, &[("x-talkover-signature", sign(SECRET, fast.as_bytes()))], fast), 204);
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["ids"]["call_id"], "call-fast", "answered while the slow one is still sending");

    let rest = format!(
        "content-type: application/json\r\ncontent-length: {}\r\nx-talkover-signature: {signature}\r\n\r\n{body}",
        body.len()
    );
    slow.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    let second: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!((second["verified"].as_bool(), &second["ids"]["call_id"]), (Some(true), &Value::from("call-slow")));
    assert_eq!(forwarded.recv_timeout(Duration::from_secs(30)).unwrap().1, fast);
    assert_eq!(forwarded.recv_timeout(Duration::from_secs(30)).unwrap().1, body);
    assert!(child.wait().unwrap().success(), "stops after --max-deliveries, once both are answered");
}

/// `webhooks verify` checks one delivery as a receiver must: the body as received on stdin (or in a file),
/// the signature header's value as given; a forged one exits 13 and prints nothing.
#[test]
fn one_delivery_is_verified_from_standard_input_or_a_file() {
    let body = r#"{"event":"event_phone_call_ended","call_id":"c1","to":"+15550100001"}"#;
    let verify = |signature: &str, from: Option<&std::path::Path>| {
        let mut command = Command::new(common::BIN);
        command.env_clear().env("TALKOVER_WEBHOOK_SECRET", SECRET).args([
            "webhooks",
            "verify",
            "--signature",
            signature,
        ]);
        if let Some(path) = from {
            command.arg(path);
        }
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let good = verify(&sign(SECRET, body.as_bytes()), None);
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stderr));
    assert_eq!(String::from_utf8_lossy(&good.stdout), body, "the body, as received");
    let prefixed = verify(&format!("sha256={}", sign(SECRET, body.as_bytes())), None);
    assert_eq!(prefixed.status.code(), Some(0));

    // The body saved with a line break at its end is not the one signed: the error says that is all.
    let file = common::scratch("verify-break").join("delivery.json");
    std::fs::write(&file, format!("{body}\n")).unwrap();
    let broken = verify(&sign(SECRET, body.as_bytes()), Some(&file));
    assert_eq!(broken.status.code(), Some(13));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("without the body's last line break"));

    let forged = verify(&sign("not-the-secret", body.as_bytes()), None);
    assert_eq!(forged.status.code(), Some(13));
    assert!(forged.stdout.is_empty());
    assert!(String::from_utf8_lossy(&forged.stderr).starts_with("error: the signature does not verify"));
    assert!(!String::from_utf8_lossy(&forged.stderr).contains(SECRET), "the secret is never shown");

    let file = common::scratch("verify").join("delivery.json");
    std::fs::write(&file, body).unwrap();
    let from_file = verify(&sign(SECRET, body.as_bytes()), Some(&file));
    assert_eq!(
        (from_file.status.code(), String::from_utf8_lossy(&from_file.stdout).into_owned()),
        (Some(0), body.to_owned())
    );
}

/// Without a secret, or with an empty one, `webhooks verify` and `webhooks listen` say both ways to give one,
/// the variable first.
#[test]
fn a_missing_secret_names_the_variable_too() {
    for args in [&["webhooks", "verify", "--signature", "abc"][..], &["webhooks", "listen", "--port", "0"]] {
        let output = Command::new(common::BIN).env_clear().args(args).stdin(Stdio::null()).output().unwrap();
        let shown = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {shown}");
        assert!(shown.contains("TALKOVER_WEBHOOK_SECRET") && shown.contains("--secret"), "{args:?}: {shown}");
        // One set to nothing is a setting to fix (exit 2), not a delivery that fails to verify (13).
        let mut empty = Command::new(common::BIN);
        empty.env_clear().env("TALKOVER_WEBHOOK_SECRET", "").args(args).stdin(Stdio::null());
        let output = empty.output().unwrap();
        let shown = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {shown}");
        assert!(shown.contains("the one given is empty"), "{args:?}: {shown}");
    }
}

/// A delivery the app behind `--forward-to` cannot take is answered 502, so that the platform delivers it
/// again, and the answer's body says it was received but not forwarded.
#[test]
fn a_delivery_that_cannot_be_forwarded_is_answered_502_saying_so() {
    // An endpoint that closes each connection at once, unanswered. Held for the test, not closed: a port
    // let go could be taken meanwhile by another test's listener, which would hold the forward up to its
    // 30 s timeout.
    let refusing = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let closed = refusing.local_addr().unwrap();
    refusing.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            match refusing.accept() {
                Ok((stream, _)) => drop(stream),
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    let (mut child, _lines, port) = listen_forwarding(&format!("http://{closed}/mine"), "1");
    let body = r#"{"event":"call.completed","agent_id":"agent-1","webhook_id":"hook-1"}"#;
    let (status, answer) = deliver_answer(port, &[("x-talkover-signature", sign(SECRET, body.as_bytes()))], body);
    assert_eq!(status, 502);
    let answer: Value = serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer}"));
    assert_eq!((&answer["received"], &answer["forwarded"]), (&Value::Bool(true), &Value::Bool(false)), "{answer}");
    assert!(answer["error"].as_str().is_some_and(|e| e.starts_with("not forwarded")), "{answer}");
    assert!(child.wait().unwrap().success(), "stops after --max-deliveries");
}

/// A secret given with `--secret` is on the command line, where the machine's other users see it: the
/// command says so (the environment's is not warned of), and goes on.
#[test]
fn a_secret_given_with_the_flag_is_warned_of() {
    let file = common::scratch("verify-flag").join("delivery.json");
    std::fs::write(&file, r#"{"event":"webhook.test","test":true}"#).unwrap();
    let mut command = Command::new(common::BIN);
    command.env_clear().args(["webhooks", "verify", "--secret", "whsec_flag_secret", "--signature", "00"]);
    let output = command.arg(&file).output().unwrap();
    let shown = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(13), "{shown}");
    assert!(shown.contains("warning: the secret given with --secret is on the command line"), "{shown}");
    assert!(!shown.contains("whsec_flag_secret"), "{shown}");
    let mut command = Command::new(common::BIN);
    command.env_clear().env("TALKOVER_WEBHOOK_SECRET", "whsec_flag_secret").args(["webhooks", "verify"]);
    let output = command.args(["--signature", "00"]).arg(&file).output().unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning"), "{output:?}");
}

/// `webhooks listen` without forwarding, its standard output `stdout`: the child and its port.
fn listen_into(stdout: Stdio) -> (Child, u16) {
    let mut child = Command::new(common::BIN)
        .env_clear()
        .env("TALKOVER_WEBHOOK_SECRET", SECRET)
        .args(["webhooks", "listen", "--port", "0", "--max-deliveries", "5"])
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut errors = BufReader::new(child.stderr.take().unwrap()).lines();
    let banner = errors.next().unwrap().unwrap();
    let port = banner.trim_start_matches("listening on http://127.0.0.1:").trim_end_matches('/').parse().unwrap();
    std::thread::spawn(move || errors.map_while(Result::ok).for_each(drop));
    (child, port)
}

/// Waits up to 30 s for `child` to end by itself; kills it and fails otherwise.
fn ends_by_itself(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the listener went on after its output failed");
}

/// A delivery the listener cannot write out is not answered as received (the platform would count it
/// delivered and never send it again): it gets a 503, and the listener stops, with exit 1 for a full disk.
#[cfg(target_os = "linux")]
#[test]
fn a_delivery_that_cannot_be_written_out_is_not_acknowledged_and_the_listener_stops() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let (mut child, port) = listen_into(Stdio::from(full));
    let body = r#"{"event":"call.completed","call_id":"call-lost"}"#;
    let (status, answer) = deliver_answer(port, &[("x-talkover-signature", sign(SECRET, body.as_bytes()))], body);
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains(r#""received":false"#), "{answer}");
    assert_eq!(ends_by_itself(&mut child).code(), Some(1));
}

/// A reader that has gone (`| head -1`) ends the listener quietly, as it ends every command; the delivery
/// it could not show is answered 503.
#[test]
fn a_reader_that_has_gone_ends_the_listener_quietly() {
    let (mut child, port) = listen_into(Stdio::piped());
    drop(child.stdout.take());
    let body = r#"{"event":"call.completed","call_id":"call-unread"}"#;
    assert_eq!(deliver(port, &[("x-talkover-signature", sign(SECRET, body.as_bytes()))], body), 503);
    assert_eq!(ends_by_itself(&mut child).code(), Some(0));
}
