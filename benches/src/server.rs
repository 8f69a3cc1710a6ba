//! A keep-alive HTTP/1.1 server on 127.0.0.1 answering get-agent and list-agents with the reference's
//! documented bodies, and generating list pages of any length under a `/paged/{total}` mount prefix.
//!
//! One thread per connection, every answer prepared once (or built into a reused buffer for generated
//! pages), so the server costs the same for every contender. Reads are bounded in size and time.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use talkover::fixture::{Fixture, RecordedBody};
use talkover_conformance::server::AcceptLoop;

/// The documented answer of get-agent (`tests/fixtures/get-agent/ok-get-by-id.json`).
const GET_AGENT_FIXTURE: &str = include_str!("../../crates/talkover-mock/fixtures/get-agent/ok-get-by-id.json");
/// The documented answer of list-agents (`tests/fixtures/list-agents/ok-list-all.json`).
const LIST_AGENTS_FIXTURE: &str = include_str!("../../crates/talkover-mock/fixtures/list-agents/ok-list-all.json");
/// The id of the documented agent, replaced by distinct ids in generated pages.
pub const DOCUMENTED_AGENT_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 1024 * 1024;
/// How long a connection may stay idle before the server closes it: longer than any benchmark phase, so
/// pooled connections are never closed under a client.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// Requests served on one connection at most (a bound, far above what a run sends).
const MAX_REQUESTS_PER_CONNECTION: u64 = 100_000_000;
/// Connections accepted at most.
const MAX_CONNECTIONS: u64 = 100_000;
/// The largest generated page, in items.
const MAX_PAGE_ITEMS: u64 = 100_000;

/// The documented bodies, compact, with their keys in the documented order.
pub struct Documented {
    /// get-agent's body.
    pub get_agent: Vec<u8>,
    /// list-agents' body.
    pub list_agents: Vec<u8>,
    /// The documented agent, compact, split around its id: `prefix + id + suffix` is an agent.
    pub agent_prefix: Vec<u8>,
    /// See `agent_prefix`.
    pub agent_suffix: Vec<u8>,
}

impl Documented {
    /// Reads the bodies out of the embedded fixtures.
    pub fn load() -> Result<Self, String> {
        let get_agent = fixture_body(GET_AGENT_FIXTURE)?;
        let list_agents = fixture_body(LIST_AGENTS_FIXTURE)?;
        // The agent object of get-agent's `data`, in documented key order.
        let value: serde_json::Value = serde_json::from_slice(&get_agent).map_err(|e| e.to_string())?;
        let agent = serde_json::to_vec(&value["data"]).map_err(|e| e.to_string())?;
        let start = find(&get_agent, b"\"data\":").ok_or("get-agent's body has no data")? + 7;
        let agent_text = &get_agent[start..start + agent.len()];
        if serde_json::from_slice::<serde_json::Value>(agent_text).ok().as_ref() != Some(&value["data"]) {
            return Err("could not cut the agent out of get-agent's body".into());
        }
        let marker = format!("\"{DOCUMENTED_AGENT_ID}\"");
        let at = find(agent_text, marker.as_bytes()).ok_or("the documented agent id is missing")?;
        if find(&agent_text[at + marker.len()..], marker.as_bytes()).is_some() {
            return Err("the documented agent id appears twice".into());
        }
        Ok(Self {
            agent_prefix: agent_text[..at + 1].to_vec(),
            agent_suffix: agent_text[at + marker.len() - 1..].to_vec(),
            get_agent,
            list_agents,
        })
    }

    /// Appends the documented agent with the id of item `n` (distinct for every `n`).
    pub fn push_agent(&self, out: &mut Vec<u8>, n: u64) {
        out.extend_from_slice(&self.agent_prefix);
        push_agent_id(out, n);
        out.extend_from_slice(&self.agent_suffix);
    }

    /// Appends page `page` of a list of `total` agents, `per_page` to a page, in list-agents' shape.
    pub fn push_page(&self, out: &mut Vec<u8>, total: u64, page: u64, per_page: u64) {
        let per_page = per_page.clamp(1, MAX_PAGE_ITEMS);
        let page = page.max(1);
        let last_page = total.div_ceil(per_page).max(1);
        let first = (page - 1).saturating_mul(per_page);
        let end = first.saturating_add(per_page).min(total);
        out.extend_from_slice(b"{\"success\":true,\"data\":[");
        for n in first..end {
            if n > first {
                out.push(b',');
            }
            self.push_agent(out, n);
        }
        let meta = format!(
            "],\"meta\":{{\"current_page\":{page},\"per_page\":{per_page},\"total\":{total},\"last_page\":{last_page}}}}}"
        );
        out.extend_from_slice(meta.as_bytes());
    }
}

/// A distinct, UUID-shaped id for item `n`.
pub fn agent_id(n: u64) -> String {
    let mut out = Vec::with_capacity(36);
    push_agent_id(&mut out, n);
    String::from_utf8(out).expect("ascii")
}

fn push_agent_id(out: &mut Vec<u8>, n: u64) {
    let _ = write!(out, "00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff);
}

fn fixture_body(text: &str) -> Result<Vec<u8>, String> {
    let fixture = Fixture::parse(text).map_err(|e| format!("fixture: {e}"))?;
    let (raw, status) = match &fixture.response {
        Some(response) => match &response.body {
            RecordedBody::Json { text, .. } => (text.as_str(), response.status),
            _ => return Err("the fixture's answer is not JSON".into()),
        },
        None => return Err("the fixture records no answer".into()),
    };
    if status != 200 {
        return Err("the fixture is not a 200 answer".into());
    }
    let compact = minify(raw);
    let a: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    let b: serde_json::Value = serde_json::from_slice(&compact).map_err(|e| e.to_string())?;
    if a != b {
        return Err("minifying changed the fixture's body".into());
    }
    Ok(compact)
}

/// Removes the whitespace between JSON tokens, keeping the keys in their written order.
fn minify(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in text.as_bytes() {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
            out.push(byte);
        } else if !byte.is_ascii_whitespace() {
            out.push(byte);
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The running server.
pub struct Server {
    connections: Arc<AtomicU64>,
    accept: AcceptLoop,
}

struct Answers {
    get_agent: Vec<u8>,
    list_agents: Vec<u8>,
    not_found: Vec<u8>,
    documented: Documented,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub fn start(documented: Documented) -> std::io::Result<Self> {
        let answers = Arc::new(Answers {
            get_agent: response(200, &documented.get_agent),
            list_agents: response(200, &documented.list_agents),
            not_found: response(404, br#"{"success":false,"message":"Not found"}"#),
            documented,
        });
        let connections = Arc::new(AtomicU64::new(0));
        let accept = {
            let connections = connections.clone();
            AcceptLoop::start("bench-server", MAX_CONNECTIONS as usize, move |stream| {
                connections.fetch_add(1, Ordering::Relaxed);
                let answers = answers.clone();
                let _ = std::thread::Builder::new()
                    .name("bench-conn".into())
                    .stack_size(256 * 1024)
                    .spawn(move || serve(stream, &answers));
            })?
        };
        Ok(Self { connections, accept })
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// `http://127.0.0.1:PORT/api/v1`: get-agent and list-agents answer with the documented bodies.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.accept.addr())
    }

    /// `http://127.0.0.1:PORT/paged/{total}/api/v1`: list-agents answers pages of a list of `total`
    /// distinct agents, as the `page` and `per_page` query parameters ask.
    pub fn paged_base_url(&self, total: u64) -> String {
        format!("http://{}/paged/{total}/api/v1", self.accept.addr())
    }
}

fn response(status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 128);
    push_head(&mut out, status, body.len());
    out.extend_from_slice(body);
    out
}

fn push_head(out: &mut Vec<u8>, status: u16, length: usize) {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let _ =
        write!(out, "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n");
}

/// Serves one connection until the client closes it, idles too long, or sends something unexpected.
fn serve(mut stream: TcpStream, answers: &Answers) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
    let mut buf = vec![0u8; MAX_HEAD];
    let mut filled = 0;
    let mut page = Vec::new();
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        // Read until the head is complete.
        let head_end = loop {
            if let Some(at) = find(&buf[..filled], b"\r\n\r\n") {
                break at + 4;
            }
            if filled == buf.len() {
                return;
            }
            match stream.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let Ok(head) = std::str::from_utf8(&buf[..head_end]) else { return };
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let (method, target) = (request_line.next().unwrap_or_default(), request_line.next().unwrap_or_default());
        let mut length = 0usize;
        for line in lines {
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    match value.trim().parse() {
                        Ok(n) if n <= MAX_BODY => length = n,
                        _ => return,
                    }
                } else if name.trim().eq_ignore_ascii_case("transfer-encoding") {
                    return;
                }
            }
        }
        let answer: &[u8] = match route(method, target) {
            Route::GetAgent => &answers.get_agent,
            Route::ListAgents => &answers.list_agents,
            Route::Page { total, page: number, per_page } => {
                let mut body = Vec::with_capacity(page.capacity());
                answers.documented.push_page(&mut body, total, number, per_page);
                page.clear();
                push_head(&mut page, 200, body.len());
                page.extend_from_slice(&body);
                &page
            }
            Route::NotFound => &answers.not_found,
        };
        // Skip the request body, if any.
        let mut remaining = length;
        let mut consumed = head_end;
        let in_buffer = (filled - head_end).min(remaining);
        remaining -= in_buffer;
        consumed += in_buffer;
        let mut sink = [0u8; 4096];
        while remaining > 0 {
            match stream.read(&mut sink[..remaining.min(4096)]) {
                Ok(0) | Err(_) => return,
                Ok(n) => remaining -= n,
            }
        }
        if stream.write_all(answer).is_err() {
            return;
        }
        buf.copy_within(consumed..filled, 0);
        filled -= consumed;
    }
}

enum Route {
    GetAgent,
    ListAgents,
    Page { total: u64, page: u64, per_page: u64 },
    NotFound,
}

fn route(method: &str, target: &str) -> Route {
    if method != "GET" {
        return Route::NotFound;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if let Some(rest) = path.strip_prefix("/paged/") {
        let Some((total, rest)) = rest.split_once('/') else { return Route::NotFound };
        let Ok(total) = total.parse::<u64>() else { return Route::NotFound };
        if rest != "api/v1/agents" {
            return Route::NotFound;
        }
        let (mut page, mut per_page) = (1, 20);
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("page", v)) => page = v.parse().unwrap_or(1),
                Some(("per_page", v)) => per_page = v.parse().unwrap_or(20),
                _ => {}
            }
        }
        return Route::Page { total, page, per_page };
    }
    match path.strip_prefix("/api/v1/agents") {
        Some("") => Route::ListAgents,
        Some(id) if id.len() > 1 && id.starts_with('/') && !id[1..].contains('/') => Route::GetAgent,
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pages_are_list_agents_answers_with_distinct_ids() {
        let documented = Documented::load().unwrap();
        let mut out = Vec::new();
        documented.push_page(&mut out, 250, 3, 100);
        let page: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let data = page["data"].as_array().unwrap();
        assert_eq!(data.len(), 50);
        assert_eq!(data[0]["id"], agent_id(200).as_str());
        assert_eq!(page["meta"]["last_page"], 3);
        let original: serde_json::Value = serde_json::from_slice(&documented.get_agent).unwrap();
        let mut first = data[0].clone();
        first["id"] = DOCUMENTED_AGENT_ID.into();
        assert_eq!(first, original["data"]);
    }

    #[test]
    fn routes() {
        assert!(matches!(route("GET", "/api/v1/agents/abc"), Route::GetAgent));
        assert!(matches!(route("GET", "/api/v1/agents?per_page=10"), Route::ListAgents));
        assert!(matches!(
            route("GET", "/paged/1000/api/v1/agents?per_page=100&page=4"),
            Route::Page { total: 1000, page: 4, per_page: 100 }
        ));
        assert!(matches!(route("POST", "/api/v1/agents"), Route::NotFound));
        assert!(matches!(route("GET", "/api/v1/agents/a/b"), Route::NotFound));
    }
}
