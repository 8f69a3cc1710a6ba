//! Request overhead: get-agent and list-agents through the SDK's clients against the same requests written
//! by hand, over loopback HTTP, at concurrency 1 and 64.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use talkover::agents::AgentStatus;

use crate::hand::{self, HandAgent, HandEnvelope, HandList, Headers};
use crate::harness::{self, Contender, Sample, Usage, UsageMeter};
use crate::server::{Server, DOCUMENTED_AGENT_ID};
use crate::{Settings, TOKEN};

/// The two operations measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// get-agent.
    GetAgent,
    /// list-agents (first page, no filters).
    ListAgents,
}

impl Op {
    /// The operation id.
    pub fn id(self) -> &'static str {
        match self {
            Op::GetAgent => "get-agent",
            Op::ListAgents => "list-agents",
        }
    }
}

/// The samples of one comparison of the SDK with hand-written code.
pub struct Comparison {
    /// `async` or `blocking`.
    pub transport: &'static str,
    /// The operation.
    pub op: Op,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests per run.
    pub ops_per_run: u64,
    /// The SDK's runs.
    pub sdk: Vec<Sample>,
    /// The hand-written code's runs.
    pub hand: Vec<Sample>,
    /// Bytes of future one request in flight holds, SDK and hand-written (async only).
    pub future_bytes: Option<(usize, usize)>,
}

const CONCURRENCIES: [usize; 2] = [1, 64];
const OPS: [Op; 2] = [Op::GetAgent, Op::ListAgents];

fn check_agent(agent: &talkover::agents::Agent) -> Result<(), String> {
    if agent.id.as_str() != DOCUMENTED_AGENT_ID || agent.current_status != Some(AgentStatus::Published) {
        return Err(format!("unexpected agent {:?}", agent.id));
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// async

async fn sdk_async_one(client: &talkover::Client, op: Op) -> Result<(), String> {
    match op {
        Op::GetAgent => {
            let agent = client.agents().get(DOCUMENTED_AGENT_ID).await.map_err(|e| e.to_string())?;
            black_box(agent);
        }
        Op::ListAgents => {
            let page = client.agents().list().send().await.map_err(|e| e.to_string())?;
            black_box(page);
        }
    }
    Ok(())
}

async fn hand_async_one(client: &reqwest::Client, headers: &Headers, op: Op, url: &str) -> Result<(), String> {
    match op {
        Op::GetAgent => {
            let agent: HandEnvelope<HandAgent> =
                hand::reqwest_get(client, headers, url).await.map_err(|e| e.to_string())?;
            black_box(agent);
        }
        Op::ListAgents => {
            let page: HandList<HandAgent> = hand::reqwest_get(client, headers, url).await.map_err(|e| e.to_string())?;
            black_box(page);
        }
    }
    Ok(())
}

struct AsyncContenders {
    runtime: tokio::runtime::Runtime,
    sdk: talkover::Client,
    hand: reqwest::Client,
    headers: Headers,
    get_url: Arc<str>,
    list_url: Arc<str>,
}

impl AsyncContenders {
    fn new(base_url: &str) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let sdk = talkover::Client::builder().token(TOKEN).base_url(base_url).build().map_err(|e| e.to_string())?;
        Ok(Self {
            runtime,
            sdk,
            hand: hand::reqwest_client().map_err(|e| e.to_string())?,
            headers: Headers::new(TOKEN),
            get_url: format!("{base_url}/agents/{DOCUMENTED_AGENT_ID}").into(),
            list_url: format!("{base_url}/agents").into(),
        })
    }

    /// Bytes of future one request in flight holds, measured on futures built and dropped unpolled: for
    /// the SDK, the caller's future and the boxed call it awaits; for the hand-written code, its future.
    fn future_bytes(&self, op: Op) -> (usize, usize) {
        let caller = std::mem::size_of_val(&sdk_async_one(&self.sdk, op));
        let call = match op {
            Op::GetAgent => std::mem::size_of_val(&*self.sdk.agents().get(DOCUMENTED_AGENT_ID)),
            Op::ListAgents => std::mem::size_of_val(&*self.sdk.agents().list().send()),
        };
        let url = self.url(op);
        let hand = std::mem::size_of_val(&hand_async_one(&self.hand, &self.headers, op, &url));
        (caller + call, hand)
    }

    fn url(&self, op: Op) -> Arc<str> {
        match op {
            Op::GetAgent => self.get_url.clone(),
            Op::ListAgents => self.list_url.clone(),
        }
    }

    /// `ops` requests through the SDK, `concurrency` at a time, on this thread's runtime.
    fn sdk_run(&self, op: Op, concurrency: usize, ops: u64) -> Result<Sample, String> {
        let client = &self.sdk;
        self.measure(ops, async move {
            if concurrency == 1 {
                for _ in 0..ops {
                    sdk_async_one(client, op).await?;
                }
                return Ok(());
            }
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..concurrency {
                let client = client.clone();
                let n = ops / concurrency as u64;
                tasks.spawn(async move {
                    for _ in 0..n {
                        sdk_async_one(&client, op).await?;
                    }
                    Ok::<_, String>(())
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.map_err(|e| e.to_string())??;
            }
            Ok(())
        })
    }

    fn hand_run(&self, op: Op, concurrency: usize, ops: u64) -> Result<Sample, String> {
        let (client, headers, url) = (&self.hand, &self.headers, self.url(op));
        self.measure(ops, async move {
            if concurrency == 1 {
                for _ in 0..ops {
                    hand_async_one(client, headers, op, &url).await?;
                }
                return Ok(());
            }
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..concurrency {
                let (client, headers, url) = (client.clone(), headers.clone(), url.clone());
                let n = ops / concurrency as u64;
                tasks.spawn(async move {
                    for _ in 0..n {
                        hand_async_one(&client, &headers, op, &url).await?;
                    }
                    Ok::<_, String>(())
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.map_err(|e| e.to_string())??;
            }
            Ok(())
        })
    }

    /// Runs `work` on the current-thread runtime: everything the client does (its connection tasks
    /// included) happens on this thread, so its CPU time and allocations are the client's.
    fn measure(&self, ops: u64, work: impl std::future::Future<Output = Result<(), String>>) -> Result<Sample, String> {
        let meter = UsageMeter::start();
        let started = Instant::now();
        self.runtime.block_on(work)?;
        let wall = started.elapsed();
        Ok(Sample { ops, wall, usage: meter.stop(), connections: 0 })
    }
}

/// The async comparisons: `talkover::Client` against reqwest + serde_json.
pub fn async_overhead(settings: &Settings, server: &Server) -> Result<Vec<Comparison>, String> {
    let contenders = AsyncContenders::new(&server.base_url())?;
    // The SDK answers what the documented bodies say.
    contenders.runtime.block_on(async {
        check_agent(&contenders.sdk.agents().get(DOCUMENTED_AGENT_ID).await.map_err(|e| e.to_string())?)?;
        let page = contenders.sdk.agents().list().send().await.map_err(|e| e.to_string())?;
        match page.items.first() {
            Some(agent) if page.items.len() == 1 => check_agent(agent),
            _ => Err("list-agents did not give the documented page".to_owned()),
        }
    })?;
    let mut out = Vec::new();
    for concurrency in CONCURRENCIES {
        for op in OPS {
            let ops = calibrate(settings, concurrency, &mut || contenders.hand_run(op, concurrency, 64 * 4))?;
            // Warm both pools to `concurrency` connections.
            contenders.sdk_run(op, concurrency, ops)?;
            contenders.hand_run(op, concurrency, ops)?;
            let warm = warm_up_ops(ops, concurrency);
            let mut runs: Vec<Contender<'_>> = vec![
                (
                    "sdk",
                    Box::new(|| {
                        contenders.sdk_run(op, concurrency, warm)?;
                        counting(server, || contenders.sdk_run(op, concurrency, ops))
                    }),
                ),
                (
                    "hand",
                    Box::new(|| {
                        contenders.hand_run(op, concurrency, warm)?;
                        counting(server, || contenders.hand_run(op, concurrency, ops))
                    }),
                ),
            ];
            let mut samples = harness::alternate(settings.rounds, &mut runs)?.into_iter();
            let (sdk, hand) = (samples.next().unwrap_or_default(), samples.next().unwrap_or_default());
            let future_bytes = Some(contenders.future_bytes(op));
            out.push(Comparison { transport: "async", op, concurrency, ops_per_run: ops, sdk, hand, future_bytes });
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------------------
// blocking

fn sdk_blocking_one(client: &talkover::blocking::Client, op: Op) -> Result<(), String> {
    match op {
        Op::GetAgent => {
            black_box(client.agents().get(DOCUMENTED_AGENT_ID).map_err(|e| e.to_string())?);
        }
        Op::ListAgents => {
            black_box(client.agents().list().send().map_err(|e| e.to_string())?);
        }
    }
    Ok(())
}

fn hand_blocking_one(agent: &ureq::Agent, headers: &Headers, op: Op, url: &str) -> Result<(), String> {
    match op {
        Op::GetAgent => {
            let agent: HandEnvelope<HandAgent> = hand::ureq_get(agent, headers, url).map_err(|e| e.to_string())?;
            black_box(agent);
        }
        Op::ListAgents => {
            let page: HandList<HandAgent> = hand::ureq_get(agent, headers, url).map_err(|e| e.to_string())?;
            black_box(page);
        }
    }
    Ok(())
}

/// Runs `ops` calls of `one` on `concurrency` threads (this one when 1), timing from the first thread's
/// first call to the last thread's last, and summing the threads' CPU time and allocations.
///
/// The threads read the clock themselves: once released together, they may run long before the thread
/// that released them is scheduled again (always so when the process is pinned to one CPU).
fn threaded_run(concurrency: usize, ops: u64, one: &(dyn Fn() -> Result<(), String> + Sync)) -> Result<Sample, String> {
    if concurrency == 1 {
        let meter = UsageMeter::start();
        let started = Instant::now();
        for _ in 0..ops {
            one()?;
        }
        let wall = started.elapsed();
        return Ok(Sample { ops, wall, usage: meter.stop(), connections: 0 });
    }
    let per_thread = ops / concurrency as u64;
    let barrier = Barrier::new(concurrency);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..concurrency)
            .map(|_| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    let meter = UsageMeter::start();
                    let started = Instant::now();
                    let mut result = Ok(());
                    for _ in 0..per_thread {
                        result = one();
                        if result.is_err() {
                            break;
                        }
                    }
                    (result, meter.stop(), started, Instant::now())
                })
            })
            .collect();
        let mut usage = Usage { cpu: Some(Duration::ZERO), ..Usage::default() };
        let (mut first, mut last): (Option<Instant>, Option<Instant>) = (None, None);
        let mut failure = None;
        for thread in threads {
            match thread.join() {
                Ok((result, used, started, ended)) => {
                    usage.add(used);
                    first = Some(first.map_or(started, |t| t.min(started)));
                    last = Some(last.map_or(ended, |t| t.max(ended)));
                    if let Err(e) = result {
                        failure = Some(e);
                    }
                }
                Err(_) => failure = Some("a request thread panicked".to_owned()),
            }
        }
        let wall = match (first, last) {
            (Some(first), Some(last)) => last.duration_since(first),
            _ => Duration::ZERO,
        };
        match failure {
            Some(e) => Err(e),
            None => Ok(Sample { ops: per_thread * concurrency as u64, wall, usage, connections: 0 }),
        }
    })
}

/// The blocking SDK client and the hand-written code's ureq agent for `concurrency` threads.
///
/// At concurrency 1 the SDK client is built the default way. Above, both sides use a ureq agent keeping
/// `concurrency` idle connections per host, the same agent settings on both sides (ureq's default keeps 3
/// and the SDK's 32: with 64 threads many requests would open a new connection, and the run would measure
/// TCP handshakes).
fn blocking_clients(base_url: &str, concurrency: usize) -> Result<(talkover::blocking::Client, ureq::Agent), String> {
    let builder = talkover::blocking::Client::builder().token(TOKEN).base_url(base_url);
    if concurrency == 1 {
        return Ok((builder.build().map_err(|e| e.to_string())?, hand::ureq_agent(None)));
    }
    let transport = talkover_ureq::UreqTransport::from_agent(
        hand::ureq_agent(Some(concurrency)),
        talkover::DEFAULT_MAX_RESPONSE_BYTES,
    );
    Ok((builder.transport(transport).build().map_err(|e| e.to_string())?, hand::ureq_agent(Some(concurrency))))
}

/// The blocking comparisons: `talkover::blocking::Client` against ureq + serde_json.
/// Clients as [`blocking_clients`] builds them.
pub fn blocking_overhead(settings: &Settings, server: &Server) -> Result<Vec<Comparison>, String> {
    let base_url = &server.base_url();
    let headers = Headers::new(TOKEN);
    let get_url = format!("{base_url}/agents/{DOCUMENTED_AGENT_ID}");
    let list_url = format!("{base_url}/agents");
    let url = |op| if op == Op::GetAgent { get_url.as_str() } else { list_url.as_str() };
    let mut out = Vec::new();
    for concurrency in CONCURRENCIES {
        let (sdk, agent) = blocking_clients(base_url, concurrency)?;
        check_agent(&sdk.agents().get(DOCUMENTED_AGENT_ID).map_err(|e| e.to_string())?)?;
        for op in OPS {
            let sdk_one = || sdk_blocking_one(&sdk, op);
            let hand_one = || hand_blocking_one(&agent, &headers, op, url(op));
            let ops = calibrate(settings, concurrency, &mut || threaded_run(concurrency, 64 * 4, &hand_one))?;
            threaded_run(concurrency, ops, &sdk_one)?;
            threaded_run(concurrency, ops, &hand_one)?;
            let warm = warm_up_ops(ops, concurrency);
            let mut runs: Vec<Contender<'_>> = vec![
                (
                    "sdk",
                    Box::new(|| {
                        threaded_run(concurrency, warm, &sdk_one)?;
                        counting(server, || threaded_run(concurrency, ops, &sdk_one))
                    }),
                ),
                (
                    "hand",
                    Box::new(|| {
                        threaded_run(concurrency, warm, &hand_one)?;
                        counting(server, || threaded_run(concurrency, ops, &hand_one))
                    }),
                ),
            ];
            let mut samples = harness::alternate(settings.rounds, &mut runs)?.into_iter();
            let (sdk, hand) = (samples.next().unwrap_or_default(), samples.next().unwrap_or_default());
            out.push(Comparison {
                transport: "blocking",
                op,
                concurrency,
                ops_per_run: ops,
                sdk,
                hand,
                future_bytes: None,
            });
        }
    }
    Ok(out)
}

/// Requests of the unmeasured run before each measured one.
///
/// Contenders alternate A B | B A | A B, so without it every other run would start right after the other
/// contender's: its connections idle, their server threads parked, its memory out of the caches. At
/// concurrency 64 that costs the cold run about 4 %, which split the per-round ratios in two groups and
/// left the median to fall anywhere between them.
fn warm_up_ops(ops: u64, concurrency: usize) -> u64 {
    let step = concurrency as u64;
    ((ops / 4) / step).max(2) * step
}

/// Runs `run`, recording the connections the server accepted meanwhile (a pooled client opens none).
fn counting(server: &Server, run: impl FnOnce() -> Result<Sample, String>) -> Result<Sample, String> {
    let before = server.connections();
    let mut sample = run()?;
    sample.connections = server.connections() - before;
    Ok(sample)
}

/// Requests per run for about `settings.run_target` of wall time, from one warm-up run.
fn calibrate(
    settings: &Settings,
    concurrency: usize,
    run: &mut dyn FnMut() -> Result<Sample, String>,
) -> Result<u64, String> {
    run()?;
    let sample = run()?;
    let step = concurrency as u64;
    // No loopback request takes less than 5 µs: a bound should the calibration run mismeasure.
    let max = (settings.run_target.as_nanos() / 5_000) as u64;
    Ok(harness::ops_for(settings.run_target, &sample, step, step * settings.min_ops_per_thread, max.max(step)))
}

/// The hidden subcommand of [`profile`].
pub const PROFILE_SUBCOMMAND: &str = "__requests";

/// `__requests <async|blocking> <get-agent|list-agents> <sdk|hand> <n> [concurrency]`: `n` requests of one
/// contender (at concurrency 1 unless given), after a warm-up, for a profiler. Under callgrind, collect only the measured calls with
/// `--collect-atstart=no --toggle-collect='*measured_requests*'`.
pub fn profile(args: &[String]) -> Result<(), String> {
    let (client, op, who, n, concurrency) = match args {
        [client, op, who, n] => (client, op, who, n, 1),
        [client, op, who, n, c] => (client, op, who, n, c.parse().map_err(|_| "concurrency must be a number")?),
        _ => {
            return Err(format!(
                "usage: {PROFILE_SUBCOMMAND} <async|blocking> <get-agent|list-agents> <sdk|hand> <n> [concurrency]"
            ))
        }
    };
    let concurrency: usize = concurrency;
    if !(1..=256).contains(&concurrency) {
        return Err("concurrency is 1 to 256".into());
    }
    let op = match op.as_str() {
        "get-agent" => Op::GetAgent,
        "list-agents" => Op::ListAgents,
        other => return Err(format!("unknown operation {other}")),
    };
    let n: u64 = n.parse().map_err(|_| "n must be a number")?;
    let server = crate::server::Server::start(crate::server::Documented::load()?).map_err(|e| e.to_string())?;
    let base_url = server.base_url();
    let sample = match (client.as_str(), who.as_str()) {
        ("async", who @ ("sdk" | "hand")) => {
            let contenders = AsyncContenders::new(&base_url)?;
            let run = |ops| {
                if who == "sdk" {
                    contenders.sdk_run(op, concurrency, ops)
                } else {
                    contenders.hand_run(op, concurrency, ops)
                }
            };
            run(100.max(concurrency as u64))?;
            measured_requests(&|| run(n))?
        }
        ("blocking", who @ ("sdk" | "hand")) => {
            let (sdk, agent) = blocking_clients(&base_url, concurrency)?;
            let headers = Headers::new(TOKEN);
            let url = match op {
                Op::GetAgent => format!("{base_url}/agents/{DOCUMENTED_AGENT_ID}"),
                Op::ListAgents => format!("{base_url}/agents"),
            };
            let one = || {
                if who == "sdk" {
                    sdk_blocking_one(&sdk, op)
                } else {
                    hand_blocking_one(&agent, &headers, op, &url)
                }
            };
            threaded_run(concurrency, 100.max(concurrency as u64), &one)?;
            measured_requests(&|| threaded_run(concurrency, n, &one))?
        }
        _ => return Err("the client is async or blocking, the contender sdk or hand".into()),
    };
    eprintln!(
        "{n} requests: {:.1} µs each, {:.1} allocations each",
        sample.wall_per_op() / 1e3,
        sample.allocations_per_op()
    );
    Ok(())
}

/// The measured part of [`profile`], a separate function so a profiler can collect it alone.
#[inline(never)]
fn measured_requests(run: &dyn Fn() -> Result<Sample, String>) -> Result<Sample, String> {
    run()
}
