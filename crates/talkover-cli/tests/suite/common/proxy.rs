//! A small HTTP/1.1 proxy on 127.0.0.1 in front of the emulator, that can lose the answer of a
//! make-campaign-call after the emulator has processed it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does with a make-campaign-call (`POST …/call`).
#[derive(Clone)]
pub enum Mode {
    /// Passes it on and back.
    Pass,
    /// Passes it on, reads the emulator's answer, and closes the client's connection without answering.
    DropAnswer,
    /// Passes it on, reads the answer, tells the test (which then kills the client) and never answers.
    HoldAnswer(Sender<()>),
    /// Does not pass it on, and answers 500: nothing was queued, but the answer does not say so.
    FailUnsent,
}

pub struct Proxy {
    pub addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    /// make-campaign-call requests passed on to the emulator.
    pub campaign_calls: Arc<AtomicUsize>,
}

impl Proxy {
    /// A proxy to `upstream` (host:port) on a free port; it serves until the test process ends.
    pub fn start(upstream: SocketAddr, mode: Mode) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mutex::new(mode));
        let campaign_calls = Arc::new(AtomicUsize::new(0));
        let (m, c) = (mode.clone(), campaign_calls.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (m, c) = (m.clone(), c.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, upstream, &m, &c);
                });
            }
        });
        Self { addr, mode, campaign_calls }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

/// One message: its head (request or status line and headers) and its body, read by Content-Length.
pub fn read_message(reader: &mut impl BufRead) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut head = String::new();
    for _ in 0..200 {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim().eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some((head, body)))
}

fn serve(client: TcpStream, upstream: SocketAddr, mode: &Mutex<Mode>, calls: &AtomicUsize) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut from_client = BufReader::new(client.try_clone()?);
    let mut to_client = client;
    let server = TcpStream::connect(upstream)?;
    server.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut from_server = BufReader::new(server.try_clone()?);
    let mut to_server = server;
    for _ in 0..10_000 {
        let Some((head, body)) = read_message(&mut from_client)? else {
            return Ok(());
        };
        let first = head.lines().next().unwrap_or_default().to_owned();
        let campaign_call = first.starts_with("POST ")
            && first.split(' ').nth(1).is_some_and(|p| p.ends_with("/call"))
            && first.contains("/campaigns/");
        if campaign_call && matches!(*mode.lock().unwrap(), Mode::FailUnsent) {
            calls.fetch_add(1, Ordering::SeqCst);
            let failed = r#"{"success": false, "message": "Server Error"}"#;
            let head = format!(
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                failed.len()
            );
            to_client.write_all(head.as_bytes())?;
            to_client.write_all(failed.as_bytes())?;
            to_client.flush()?;
            continue;
        }
        to_server.write_all(head.as_bytes())?;
        to_server.write_all(&body)?;
        to_server.flush()?;
        let Some((answer_head, answer_body)) = read_message(&mut from_server)? else {
            return Ok(());
        };
        if campaign_call {
            calls.fetch_add(1, Ordering::SeqCst);
            let mode = mode.lock().unwrap().clone();
            match mode {
                Mode::Pass | Mode::FailUnsent => {}
                Mode::DropAnswer => return Ok(()),
                Mode::HoldAnswer(tell) => {
                    let _ = tell.send(());
                    // Keep the connection open, unanswered, until the client is gone.
                    let mut rest = Vec::new();
                    let _ = from_client.read_to_end(&mut rest);
                    return Ok(());
                }
            }
        }
        to_client.write_all(answer_head.as_bytes())?;
        to_client.write_all(&answer_body)?;
        to_client.flush()?;
    }
    Ok(())
}
