//! A small HTTP/1.1 server on 127.0.0.1 that checks each request against a fixture and answers with the
//! fixture's response. One connection at a time; every read is bounded in size and time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use talkover::fixture::{Request, Response};

use crate::run::check_wire;

const MAX_HEAD: usize = 64 * 1024;
/// A request body this server reads: twice the SDK's own bound on an answer, far beyond any page's.
const MAX_BODY: usize = 64 * 1024 * 1024;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The request the server expects next, and what it answers.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// What must arrive.
    pub request: Request,
    /// What to answer.
    pub response: Response,
}

#[derive(Default)]
struct State {
    next: Option<Exchange>,
    problems: Vec<String>,
    received: usize,
}

/// An accept loop on 127.0.0.1 that hands each connection to a function on its own thread, stopped (woken
/// and joined) when dropped: the loopback servers of the conformance runner and of the benchmarks.
pub struct AcceptLoop {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl AcceptLoop {
    /// Binds 127.0.0.1 on a free port and hands each of the first `max_connections` connections to
    /// `serve`, on a thread named `name`.
    pub fn start(
        name: &str,
        max_connections: usize,
        mut serve: impl FnMut(TcpStream) + Send + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let stopping = stopping.clone();
            std::thread::Builder::new().name(name.into()).spawn(move || {
                for stream in listener.incoming().take(max_connections) {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream);
                    }
                }
            })?
        };
        Ok(Self { addr, stopping, thread: Some(thread) })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for AcceptLoop {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The running server.
pub struct LoopbackServer {
    state: Arc<Mutex<State>>,
    accept: AcceptLoop,
}

impl LoopbackServer {
    /// Binds 127.0.0.1 on a free port and starts serving, one connection at a time.
    pub fn start() -> std::io::Result<Self> {
        let state = Arc::new(Mutex::new(State::default()));
        let accept = {
            let state = state.clone();
            AcceptLoop::start("conformance-server", usize::MAX, move |stream| serve(stream, &state))?
        };
        Ok(Self { state, accept })
    }

    /// `http://127.0.0.1:PORT/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.accept.addr())
    }

    /// Sets the next expected exchange.
    pub fn expect(&self, exchange: Exchange) {
        let mut state = self.state.lock().expect("server state");
        state.next = Some(exchange);
        state.problems.clear();
    }

    /// What differed in the requests received since the last `expect`, including a request that never came.
    pub fn take_problems(&self) -> Vec<String> {
        let mut state = self.state.lock().expect("server state");
        if state.next.take().is_some() {
            state.problems.push("the server received no request".into());
        }
        std::mem::take(&mut state.problems)
    }

    /// How many requests arrived in all.
    pub fn received(&self) -> usize {
        self.state.lock().expect("server state").received
    }

    /// Stops the server and waits for its thread.
    pub fn stop(self) {
        drop(self);
    }
}

struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> Result<Option<Incoming>, String> {
    let mut reader = BufReader::new(stream.take((MAX_HEAD + MAX_BODY) as u64));
    let mut line = String::new();
    let mut head = 0;
    if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
        return Ok(None);
    }
    head += line.len();
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|e| e.to_string())?;
        head += n;
        if n == 0 || head > MAX_HEAD {
            return Err("the request head is incomplete or too large".into());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        return Err("chunked request bodies are not expected from the SDK".into());
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse::<usize>().map_err(|_| "bad content-length".to_owned()))
        .transpose()?
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(format!("the request body is {length} bytes, more than the {MAX_BODY} this server reads"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(Some(Incoming { method, target, headers, body }))
}

fn serve(mut stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let incoming = match read_request(&stream) {
        Ok(Some(incoming)) => incoming,
        Ok(None) => return,
        Err(problem) => {
            let mut state = state.lock().expect("server state");
            // A request came, though it could not be read whole: not one "that never came" as well.
            state.received += 1;
            state.next = None;
            state.problems.push(format!("server: {problem}"));
            drop(state);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            return;
        }
    };
    let exchange = {
        let mut state = state.lock().expect("server state");
        state.received += 1;
        let next = state.next.take();
        let mut problems = Vec::new();
        match &next {
            Some(exchange) => {
                let (path, query) = incoming.target.split_once('?').unwrap_or((&incoming.target, ""));
                let pairs = talkover::encode::parse_query(query);
                let header = |name: &str| {
                    let values: Vec<&str> =
                        incoming.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
                    (!values.is_empty()).then(|| values.join(", "))
                };
                check_wire(&exchange.request, &incoming.method, path, &pairs, header, &incoming.body, &mut problems);
            }
            None => problems.push(format!("unexpected request {} {}", incoming.method, incoming.target)),
        }
        state.problems.extend(problems.into_iter().map(|p| format!("on the wire: {p}")));
        next
    };
    let mut out = Vec::new();
    match exchange {
        Some(Exchange { response, .. }) => {
            let reason =
                http::StatusCode::from_u16(response.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Status");
            out.extend_from_slice(format!("HTTP/1.1 {} {reason}\r\n", response.status).as_bytes());
            for (name, value) in &response.headers {
                if name != "content-length" && name != "connection" && name != "transfer-encoding" {
                    out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
                }
            }
            out.extend_from_slice(
                format!("content-length: {}\r\nconnection: close\r\n\r\n", response.body.bytes().len()).as_bytes(),
            );
            out.extend_from_slice(response.body.bytes());
        }
        None => out
            .extend_from_slice(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"),
    }
    let _ = stream.write_all(&out);
    let _ = stream.flush();
}
