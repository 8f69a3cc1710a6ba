//! The measuring harness: contenders alternate run by run, and each ratio is reported as the median and
//! spread of per-round ratios, so drift on a shared machine hits every contender alike.
//!
//! Besides wall time, each run records the CPU time of the measuring threads (from
//! `/proc/thread-self/schedstat`, nanoseconds) and the allocations they made (a counting global
//! allocator), which do not depend on what else the machine is doing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use serde::Serialize;

/// The global allocator: the system's, counting allocations per thread.
pub struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static ALLOCATED_BYTES: Cell<u64> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
    let _ = ALLOCATED_BYTES.try_with(|c| c.set(c.get() + bytes as u64));
}

// SAFETY: every method forwards to `System` with the caller's arguments; counting touches only
// const-initialized thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations (calls to `alloc`, `alloc_zeroed` and `realloc`) made by this thread so far, and their bytes.
pub fn thread_allocations() -> (u64, u64) {
    (ALLOCATIONS.with(Cell::get), ALLOCATED_BYTES.with(Cell::get))
}

/// CPU time this thread has run so far, in nanoseconds, when the kernel reports it.
pub fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Pins this thread, and every thread it starts afterwards, to one CPU: the last one it may run on.
/// Returns that CPU.
///
/// With the client and the loopback server on one CPU, every request hands over on that CPU; left to the
/// scheduler, a client and the server thread of its connection sometimes share a CPU and sometimes not,
/// for a whole run, and a request then costs 20 or 100 µs depending on it.
#[cfg(target_os = "linux")]
pub fn pin_to_one_cpu() -> Option<usize> {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `cpu_set_t` is plain data for which all zeroes is the empty set; both calls act on the
    // calling thread (pid 0) and only read or write the set they are given, of the size they are told.
    unsafe {
        let mut allowed: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, size, &mut allowed) != 0 {
            return None;
        }
        let cpu = (0..libc::CPU_SETSIZE as usize).rev().find(|&cpu| libc::CPU_ISSET(cpu, &allowed))?;
        let _ = ALLOWED.set(allowed);
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut one);
        (libc::sched_setaffinity(0, size, &one) == 0).then_some(cpu)
    }
}

/// Pinning is only done on Linux.
#[cfg(not(target_os = "linux"))]
pub fn pin_to_one_cpu() -> Option<usize> {
    None
}

/// The CPUs the process was allowed before [`pin_to_one_cpu`].
#[cfg(target_os = "linux")]
static ALLOWED: std::sync::OnceLock<libc::cpu_set_t> = std::sync::OnceLock::new();

/// Gives the calling thread back the CPUs it was allowed before [`pin_to_one_cpu`], so that what it starts
/// next (the timed builds, which use every core) is not confined to one.
#[cfg(target_os = "linux")]
pub fn unpin() {
    if let Some(allowed) = ALLOWED.get() {
        // SAFETY: acts on the calling thread (pid 0) with a set read by `sched_getaffinity`, of its size.
        unsafe {
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), allowed);
        }
    }
}

/// Pinning is only done on Linux.
#[cfg(not(target_os = "linux"))]
pub fn unpin() {}

/// How long a child process of the benchmark may run.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(300);

/// Waits for a child process, looking every `poll`; one that runs past [`CHILD_DEADLINE`] is killed and
/// gives `None`.
pub fn wait_child(child: &mut Child, poll: Duration) -> Result<Option<ExitStatus>, String> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Some(status));
        }
        if started.elapsed() > CHILD_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(poll);
    }
}

/// What the measuring threads did during one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// CPU time, when known.
    pub cpu: Option<Duration>,
    /// Allocations.
    pub allocations: u64,
    /// Bytes allocated.
    pub allocated_bytes: u64,
}

impl Usage {
    /// Adds another thread's usage.
    pub fn add(&mut self, other: Usage) {
        self.cpu = match (self.cpu, other.cpu) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.allocations += other.allocations;
        self.allocated_bytes += other.allocated_bytes;
    }
}

/// Measures this thread's usage from `start` to `stop`.
#[derive(Clone, Copy, Debug)]
pub struct UsageMeter {
    cpu_ns: Option<u64>,
    allocations: (u64, u64),
}

impl UsageMeter {
    /// Starts measuring this thread.
    pub fn start() -> Self {
        Self { cpu_ns: thread_cpu_ns(), allocations: thread_allocations() }
    }

    /// This thread's usage since `start`.
    pub fn stop(self) -> Usage {
        let cpu = match (self.cpu_ns, thread_cpu_ns()) {
            (Some(a), Some(b)) => Some(Duration::from_nanos(b.saturating_sub(a))),
            _ => None,
        };
        let (allocations, bytes) = thread_allocations();
        Usage { cpu, allocations: allocations - self.allocations.0, allocated_bytes: bytes - self.allocations.1 }
    }
}

/// One run of one contender.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Operations done in the run.
    pub ops: u64,
    /// Wall time of the run.
    pub wall: Duration,
    /// CPU time and allocations of the measuring threads.
    pub usage: Usage,
    /// Connections the server accepted during the run (0 where not counted).
    pub connections: u64,
}

impl Sample {
    /// Wall nanoseconds per operation.
    pub fn wall_per_op(&self) -> f64 {
        self.wall.as_nanos() as f64 / self.ops.max(1) as f64
    }

    /// CPU nanoseconds per operation, when known.
    pub fn cpu_per_op(&self) -> Option<f64> {
        self.usage.cpu.map(|cpu| cpu.as_nanos() as f64 / self.ops.max(1) as f64)
    }

    /// Allocations per operation.
    pub fn allocations_per_op(&self) -> f64 {
        self.usage.allocations as f64 / self.ops.max(1) as f64
    }
}

/// Times `ops` operations done by `f` on this thread.
pub fn time_on_this_thread(ops: u64, f: impl FnOnce()) -> Sample {
    let meter = UsageMeter::start();
    let started = Instant::now();
    f();
    let wall = started.elapsed();
    Sample { ops, wall, usage: meter.stop(), connections: 0 }
}

/// A contender: a name and a run.
pub type Contender<'a> = (&'static str, Box<dyn FnMut() -> Result<Sample, String> + 'a>);

/// Runs every contender once per round, for `rounds` rounds, rotating which goes first; returns the
/// samples of each contender, round by round.
pub fn alternate(rounds: usize, contenders: &mut [Contender<'_>]) -> Result<Vec<Vec<Sample>>, String> {
    let n = contenders.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            // Two contenders: AB, BA, AB, …; more: rotate the starting one.
            let i = if n == 2 { (k + round) % 2 } else { (k + round) % n };
            let (name, run) = &mut contenders[i];
            let sample = run().map_err(|e| format!("{name}: {e}"))?;
            samples[i].push(sample);
        }
    }
    Ok(samples)
}

/// Median, quartiles and extremes of a set of numbers.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The first quartile.
    pub p25: f64,
    /// The third quartile.
    pub p75: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub n: usize,
}

impl Spread {
    /// The spread of `values` (which must not be empty).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return Self { median: f64::NAN, p25: f64::NAN, p75: f64::NAN, min: f64::NAN, max: f64::NAN, n: 0 };
        }
        Self {
            median: quantile(&v, 0.5),
            p25: quantile(&v, 0.25),
            p75: quantile(&v, 0.75),
            min: v[0],
            max: v[v.len() - 1],
            n: v.len(),
        }
    }

    /// The ratios `a / b` of a per-sample figure, one per block of `block` consecutive rounds.
    ///
    /// [`alternate`] rotates the order of the contenders from round to round, so a block of as many rounds
    /// as there are contenders runs each in every position once; the block's ratio is the geometric mean
    /// of its rounds' ratios, which cancels what running first or second does to a run. An incomplete
    /// last block is left out.
    pub fn of_ratios(
        a: &[Sample],
        b: &[Sample],
        block: usize,
        figure: impl Fn(&Sample) -> Option<f64>,
    ) -> Option<Self> {
        let ratios: Vec<f64> = a.iter().zip(b).map(|(a, b)| Some(figure(a)? / figure(b)?)).collect::<Option<_>>()?;
        let block = block.max(1);
        let blocks: Vec<f64> = ratios
            .chunks_exact(block)
            .map(|rounds| (rounds.iter().map(|r| r.ln()).sum::<f64>() / block as f64).exp())
            .collect();
        (!blocks.is_empty()).then(|| Self::of(blocks))
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// How many operations make a run of about `target`, given one calibration run; a multiple of `step`,
/// between `min` and `max`.
pub fn ops_for(target: Duration, calibration: &Sample, step: u64, min: u64, max: u64) -> u64 {
    let per_op = calibration.wall_per_op().max(1.0);
    let ops = (target.as_nanos() as f64 / per_op) as u64;
    (ops.clamp(min, max) / step).max(1) * step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let s = Spread::of([4.0, 1.0, 3.0, 2.0, 5.0]);
        assert_eq!((s.median, s.p25, s.p75, s.min, s.max, s.n), (3.0, 2.0, 4.0, 1.0, 5.0, 5));
        let s = Spread::of([1.0, 2.0]);
        assert_eq!(s.median, 1.5);
    }

    #[test]
    fn blocks_cancel_the_order_of_a_round() {
        let sample =
            |ns: u64| Sample { ops: 1, wall: Duration::from_nanos(ns), usage: Usage::default(), connections: 0 };
        // The contender running first pays 10 %: rounds alternate A-first and B-first.
        let a = [sample(1100), sample(1000), sample(1100), sample(1000)];
        let b = [sample(1000), sample(1100), sample(1000), sample(1100)];
        let s = Spread::of_ratios(&a, &b, 2, |s| Some(s.wall_per_op())).unwrap();
        assert_eq!(s.n, 2);
        assert!((s.median - 1.0).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn contenders_alternate() {
        let order = std::cell::RefCell::new(Vec::new());
        let sample = || Sample { ops: 1, wall: Duration::from_nanos(1), usage: Usage::default(), connections: 0 };
        let mut contenders: Vec<Contender<'_>> = vec![
            (
                "a",
                Box::new(|| {
                    Ok({
                        order.borrow_mut().push('a');
                        sample()
                    })
                }),
            ),
            (
                "b",
                Box::new(|| {
                    Ok({
                        order.borrow_mut().push('b');
                        sample()
                    })
                }),
            ),
        ];
        let samples = alternate(3, &mut contenders).unwrap();
        drop(contenders);
        assert_eq!(order.into_inner(), vec!['a', 'b', 'b', 'a', 'a', 'b']);
        assert_eq!(samples[0].len(), 3);
    }
}
