//! `talkover campaigns import <campaign_id> <contacts.csv>`: one campaign call per row, several at a time,
//! resumable through a journal.
//!
//! make-campaign-call is not safe to repeat, so every attempt is journalled before it is sent
//! (`send N`, synced to disk) and its outcome after (`queued N id`, `existing N id`, `invalid N message`,
//! `unsent N`, `failed N message`). A row whose last entry is `send` was in flight when the import stopped:
//! a later run settles it by what the API knows (the campaign's calls, as get-campaign lists them) and sends
//! it again only when no call of its number appeared after the import began. The calls the campaign had
//! before the first run (the `baseline`) never count as a row's.
//!
//! An answer that leaves it open whether the call was queued (a 5xx, a lost connection, an answer that
//! cannot be read) is settled the same way at once when the campaign lists the call within a few reads;
//! when it does not, the row stays in flight for the next run, never sent again in this one (a call can
//! take a while to be listed, and a number can be listed in another form). An answer that proves nothing
//! was queued (a 429, a connection never made) leads to another attempt.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, BufReader, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use clap::{Arg, ArgAction, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};
use talkover::blocking::Client;
use talkover::calls::{existing_call, MakeCampaignCall, NewCampaignCall};
use talkover::campaigns::{Campaign, GetCampaign};
use talkover::error::TransportErrorKind;
use talkover::{Error, ErrorKind, RetryPolicy};

use crate::failure::{describe_error, Failure};
use crate::output::Format;
use crate::Context;

const JOURNAL_MAGIC: &str = "talkover-import 1";
/// How many 429s in a row a read of the campaign waits out.
const RATE_LIMITED_READS: u32 = 100;
/// The waits before each read of the campaign's calls that looks for a row's call after an answer that
/// leaves it open whether it was queued.
const SETTLE_WAITS: [Duration; 3] = [Duration::ZERO, Duration::from_secs(1), Duration::from_secs(3)];

/// The example of `campaigns import --help`.
pub const EXAMPLE: &[&str] = &["talkover", "campaigns", "import", "CAMPAIGN_ID", "contacts.csv", "--concurrency", "4"];

pub fn command() -> Command {
    Command::new("import")
        .about("Queue one campaign call per row of a CSV file (resumable: run it again after any stop)")
        .long_about(
            "Queues one campaign call (make-campaign-call) per row of a CSV file, several at a time.\n\n\
             The phone column is the one named phone, phone_number, number or to (or --phone-column, which a file \
             with more than one of them needs); numbers must be E.164 (+15550101234; spaces, dashes, dots and \
             parentheses are ignored; a national trunk prefix, +49 (0)151, is refused). The file is UTF-8 text; \
             its cells are separated by commas, or as --delimiter says, or as a first line sep=; says (as Excel \
             writes it), or by whichever of a comma, a tab and ; the header holds most of. Rows with a bad number are reported with their line number and never sent. \
             A column named payload.NAME goes into the call's payload, context.NAME into its context, and any other \
             column into the payload under its own name; empty cells are left out.\n\n\
             A journal (default: next to the CSV file, named after it and the campaign) records every attempt \
             before it is sent and its outcome after. Stopped at any moment, even killed, and run again with the \
             same arguments, the import queues every valid row exactly once: a row that was in flight is settled \
             from the campaign's calls, never sent blindly again. A new journal (after the file was edited, say) \
             does not call again a number the campaign already has a call for, unless --call-again. An import \
             holds its journal while it runs: a second one on the same journal is refused.\n\n\
             The import slows down as the X-RateLimit-* headers ask and waits out every 429's Retry-After.\n\
             Reference: https://docs.talkover.ai/api-reference/endpoints/make-campaign-call",
        )
        .after_long_help(crate::commands::example_help(EXAMPLE, None))
        .arg(
            Arg::new("campaign_id").required(true).value_name("CAMPAIGN_ID").help("The campaign to queue the calls in"),
        )
        .arg(
            Arg::new("csv")
                .required(true)
                .value_name("CONTACTS.CSV")
                .help("The CSV file, with a header row (- reads standard input, with --journal)"),
        )
        .arg(
            Arg::new("journal")
                .long("journal")
                .value_name("PATH")
                .help("The journal file (default: next to the CSV file)"),
        )
        .arg(
            Arg::new("concurrency")
                .long("concurrency")
                .short('j')
                .value_name("N")
                .value_parser(clap::value_parser!(u16).range(1..=64))
                .default_value("4")
                .help("Calls sent at a time"),
        )
        .arg(Arg::new("phone-column").long("phone-column").value_name("NAME").help("The column holding the numbers"))
        .arg(
            Arg::new("delimiter")
                .long("delimiter")
                .value_name("CHAR")
                .value_parser([",", ";", "tab", "|"])
                .help("What separates the cells (default: a comma, or what the file's first lines show)"),
        )
        .arg(
            Arg::new("max-attempts")
                .long("max-attempts")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..=100))
                .default_value("8")
                .help("Attempts per row in one run before it counts as failed (a 429 waited out is one)"),
        )
        .arg(Arg::new("testing").long("testing").action(ArgAction::SetTrue).help("Queue test calls (is_testing)"))
        .arg(Arg::new("call-again").long("call-again").action(ArgAction::SetTrue).help(
            "Also queue rows whose number the campaign had a call for before the import began, even while \
                     that call is queued or active (sent with allow_duplicates)",
        ))
}

/// One valid row: its line in the file and its call.
#[derive(Clone, Debug)]
struct Row {
    line: u64,
    to: String,
    body: NewCampaignCall,
}

/// What the journal says of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Pending(Option<String>),
    InFlight,
    Queued(String),
    Existing(String),
    Invalid(String),
}

impl State {
    fn settled(&self) -> bool {
        matches!(self, Self::Queued(_) | Self::Existing(_) | Self::Invalid(_))
    }
}

pub fn run(context: &Context, args: &ArgMatches) -> Result<u8, Failure> {
    let campaign_id = args.get_one::<String>("campaign_id").expect("required").clone();
    let csv_path = PathBuf::from(args.get_one::<String>("csv").expect("required"));
    let concurrency = usize::from(*args.get_one::<u16>("concurrency").expect("has a default"));
    let max_attempts = *args.get_one::<u32>("max-attempts").expect("has a default");
    let testing = args.get_flag("testing");
    let from_stdin = csv_path.as_os_str() == "-";
    let journal_path = match args.get_one::<String>("journal") {
        Some(path) => PathBuf::from(path),
        None if from_stdin => {
            return Err(Failure::usage(
                "a CSV read from standard input needs --journal PATH: the journal is what lets the import run \
                 again after a stop without calling a row twice"
                    .into(),
            ))
        }
        None => default_journal(&csv_path, &campaign_id),
    };
    let bytes = if from_stdin {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(&csv_path)
    }
    .map_err(|e| {
        let from = if from_stdin { "standard input".into() } else { csv_path.display().to_string() };
        Failure::local(format!("cannot read {from}: {e}"))
    })?;
    let (mut rows, mut invalid) =
        read_rows(&bytes, args.get_one::<String>("phone-column").map(String::as_str), delimiter(args), testing)?;
    let header = format!("{JOURNAL_MAGIC} {} {:016x}", escape(&campaign_id), fnv1a(&bytes));

    // The answers of make-campaign-call are handled here, attempt by attempt: the client never retries it.
    let sender = context.client_builder().retry_policy(RetryPolicy::none()).build()?;
    let reader = context.client_builder().max_retries(6).build()?;
    let begun_here = !journal_path.exists();
    let held = hold_journal(&journal_path)?;
    let journal = Journal::open(held, &journal_path, &header, &reader, &campaign_id).inspect_err(|_| {
        // Nothing was sent: a journal this run began goes with it (a mistyped campaign id leaves no file).
        if begun_here {
            let _ = std::fs::remove_file(&journal_path);
        }
    })?;
    let importer = Importer {
        campaign_id,
        journal: Mutex::new(journal),
        sender,
        reader,
        pacer: Pacer::default(),
        claimed: Mutex::new(HashSet::new()),
        stop: AtomicBool::new(false),
        unlisted: AtomicBool::new(false),
        fatal: Mutex::new(None),
        max_attempts,
    };
    let mut states = importer.journal_states(&rows)?;
    {
        let call_again = args.get_flag("call-again");
        let journal = lock(&importer.journal);
        for row in &mut rows {
            let Some(id) = journal.baseline_numbers.get(&row.to) else { continue };
            if call_again {
                // Asked to call again a number the campaign had a call for before the import began: the API
                // refuses a second call to a number whose call is still queued or active (409
                // DUPLICATE_CALL) unless the call says it is meant. The row's own call is still told from
                // the earlier one by its id (the baseline's never count as a row's), so a row left in
                // flight is settled as before.
                row.body = row.body.clone().allow_duplicates(true);
            } else if let Some(state @ State::Pending(None)) = states.get_mut(&row.line) {
                // Not called again: after an edited file and a new journal, the rows an earlier import
                // queued are not queued twice.
                *state = State::Existing(id.clone());
            }
        }
    }
    for state in states.values() {
        if let State::Queued(id) | State::Existing(id) = state {
            lock(&importer.claimed).insert(id.clone());
        }
    }
    importer.settle_in_flight(&rows, &mut states)?;
    // Queued by an earlier run (or settled now as queued by one): what the summary does not count as this run's.
    let queued_before = rows.iter().filter(|r| matches!(states[&r.line], State::Queued(_))).count();
    // A row whose number an earlier row of the file has is not sent: that row's call is its call. The API
    // refuses a second call to a number only while the first is queued or active, so a later row sent
    // once the first call has ended, or at the same moment as the first, would call the number again.
    let mut first_line: BTreeMap<&str, u64> = BTreeMap::new();
    let mut repeats: BTreeMap<u64, u64> = BTreeMap::new();
    for row in &rows {
        match first_line.get(row.to.as_str()) {
            Some(&first) if !states[&row.line].settled() => {
                repeats.insert(row.line, first);
            }
            Some(_) => {}
            None => {
                first_line.insert(row.to.as_str(), row.line);
            }
        }
    }

    let pending: Vec<&Row> =
        rows.iter().filter(|r| !states[&r.line].settled() && !repeats.contains_key(&r.line)).collect();
    let progress = Progress::new(rows.len() as u64, (rows.len() - pending.len()) as u64, crate::notices::in_json());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(u64, State)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..concurrency.min(pending.len().max(1)) {
            scope.spawn(|| loop {
                if importer.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Some(row) = pending.get(next.fetch_add(1, Ordering::SeqCst)) else {
                    return;
                };
                match importer.process(row) {
                    Ok(state) => {
                        progress.inc(u64::from(state.settled()));
                        lock(&results).push((row.line, state));
                    }
                    Err(failure) => {
                        importer.stop.store(true, Ordering::SeqCst);
                        lock(&importer.fatal).get_or_insert(failure);
                        return;
                    }
                }
            });
        }
    });
    progress.finish_and_clear();
    for (line, state) in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        states.insert(line, state);
    }

    let in_flight = if importer.unlisted.load(Ordering::SeqCst) {
        "in flight: the campaign's answer lists no calls to settle it from; check the campaign's calls for this \
         number before running the import again"
    } else {
        "in flight; settled on the next run"
    };
    // A row never tried was left by an error that stopped the whole import (a campaign not active, a
    // token refused): its reason says so, and where that error is.
    let stopped = lock(&importer.fatal).is_some();
    let untried = if stopped {
        "not sent: the import stopped at the error on standard error; run it again once that is mended"
    } else {
        "not sent"
    };
    let mut summary = Summary { queued_before, ..Summary::default() };
    // The line whose row queued each call: a row answered with another row's call repeats its number.
    let queued_by: BTreeMap<&str, u64> = rows
        .iter()
        .filter_map(|row| match &states[&row.line] {
            State::Queued(id) => Some((id.as_str(), row.line)),
            _ => None,
        })
        .collect();
    for row in &rows {
        if let Some(&first) = repeats.get(&row.line) {
            match &states[&first] {
                State::Queued(_) | State::Existing(_) => {
                    summary.already_queued += 1;
                    summary.repeated.push((row.line, first));
                }
                _ => {
                    summary.failed.push((row.line, format!("not sent: line {first} has its number and was not queued")))
                }
            }
            continue;
        }
        match &states[&row.line] {
            State::Queued(_) => summary.queued += 1,
            State::Existing(id) => {
                summary.already_queued += 1;
                if let Some(first) = queued_by.get(id.as_str()) {
                    summary.repeated.push((row.line, *first));
                }
            }
            State::Invalid(message) => invalid.push((row.line, message.clone())),
            State::Pending(message) => {
                summary.failed.push((row.line, message.clone().unwrap_or_else(|| untried.into())))
            }
            State::InFlight => summary.failed.push((row.line, in_flight.into())),
        }
    }
    invalid.sort();
    summary.invalid = invalid;
    // The journal holds what happened whatever becomes of the summary; a summary that cannot be written is
    // still the command's failure.
    let printed = summary.print(context.format, &journal_path);
    if let Some(failure) = importer.fatal.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(failure);
    }
    if !summary.failed.is_empty() {
        return Err(Failure::RowsFailed(summary.failed.len()));
    }
    if !summary.invalid.is_empty() {
        return Err(Failure::RowsInvalid(summary.invalid.len()));
    }
    printed?;
    Ok(0)
}

#[derive(Default)]
struct Summary {
    queued: usize,
    /// Of `queued`, the rows an earlier run queued.
    queued_before: usize,
    already_queued: usize,
    /// Of `already_queued`, the rows answered with the call another row of the file queued, by line: the
    /// same number twice (its payload not sent), and the line that queued it.
    repeated: Vec<(u64, u64)>,
    invalid: Vec<(u64, String)>,
    failed: Vec<(u64, String)>,
}

impl Summary {
    fn print(&self, format: Format, journal: &Path) -> Result<(), Failure> {
        let lines = |rows: &[(u64, String)]| -> Vec<Value> {
            rows.iter().map(|(line, message)| json!({"line": line, "message": message})).collect()
        };
        match format {
            Format::Json | Format::Id | Format::Csv => crate::output::print(
                &json!({
                    "queued": self.queued,
                    "queued_this_run": self.queued.saturating_sub(self.queued_before),
                    "already_queued": self.already_queued,
                    "repeated": self.repeated.iter().map(|(line, of)| json!({"line": line, "same_number_as_line": of})).collect::<Vec<_>>(),
                    "invalid": lines(&self.invalid),
                    "failed": lines(&self.failed),
                    "journal": journal.display().to_string(),
                }),
                Format::Json,
            ),
            Format::Table => {
                let this_run = self.queued.saturating_sub(self.queued_before);
                let mut text = format!(
                    "queued          {} ({this_run} in this run)\nalready queued  {}\ninvalid         {}\nfailed          {}\njournal         {}\n",
                    self.queued,
                    self.already_queued,
                    self.invalid.len(),
                    self.failed.len(),
                    journal.display()
                );
                if !self.repeated.is_empty() {
                    text.push_str("repeated numbers (not queued twice; --call-again does not change this):\n");
                    for (line, first) in &self.repeated {
                        text.push_str(&format!("  line {line}: the number of line {first}\n"));
                    }
                }
                for (title, rows) in [("invalid rows:", &self.invalid), ("failed rows:", &self.failed)] {
                    if !rows.is_empty() {
                        text.push_str(title);
                        text.push('\n');
                        for (line, message) in rows {
                            text.push_str(&format!("  line {line}: {message}\n"));
                        }
                    }
                }
                crate::output::write_all(text.as_bytes())
            }
        }
    }
}

/// How far an import is: a bar on a terminal; elsewhere (a log, a cron job's mail) a line on standard error
/// every [`PROGRESS_EVERY`] while rows settle, so that a paced import is not taken for a hung one.
enum Progress {
    Bar(ProgressBar),
    Lines { total: u64, done: std::sync::atomic::AtomicU64, last: Mutex<std::time::Instant>, json: bool },
}

/// How often an import not on a terminal says how far it is.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

impl Progress {
    fn new(total: u64, done: u64, json: bool) -> Self {
        if !crate::stderr_is_terminal() {
            let (done, last) = (done.into(), Mutex::new(std::time::Instant::now()));
            return Self::Lines { total, done, last, json };
        }
        let bar = ProgressBar::new(total);
        let template = "{bar:30} {pos}/{len} rows  {rate}  {eta} left  {msg}";
        let rate = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.1}/s", state.per_sec());
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.with_key("rate", rate));
        }
        bar.set_position(done);
        Self::Bar(bar)
    }

    fn inc(&self, settled: u64) {
        match self {
            Self::Bar(bar) => bar.inc(settled),
            Self::Lines { total, done, last, json } => {
                let done = done.fetch_add(settled, Ordering::SeqCst) + settled;
                let mut last = lock(last);
                if last.elapsed() < PROGRESS_EVERY || done >= *total {
                    return;
                }
                *last = std::time::Instant::now();
                let line = if *json {
                    json!({"progress": {"settled": done, "rows": total}}).to_string()
                } else {
                    format!("campaigns import: {done} of {total} rows settled")
                };
                crate::notices::stderr_line(&line);
            }
        }
    }

    fn finish_and_clear(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn default_journal(csv: &Path, campaign_id: &str) -> PathBuf {
    let safe: String =
        campaign_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let name = csv.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "contacts".into());
    csv.with_file_name(format!("{name}.{safe}.journal"))
}

/// The separator `--delimiter` names, if given.
fn delimiter(args: &ArgMatches) -> Option<u8> {
    args.get_one::<String>("delimiter").map(|d| if d == "tab" { b'\t' } else { d.as_bytes()[0] })
}

/// Refuses a file that is not UTF-8 text, before anything is sent: read as it is, every row with a letter
/// beyond ASCII would fail alone, after the others were queued.
fn check_utf8(bytes: &[u8]) -> Result<(), Failure> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Failure::usage(
            "the CSV file is UTF-16 text (as a spreadsheet's \"Unicode text\" is saved): save it as CSV in UTF-8; \
             nothing was sent"
                .into(),
        ));
    }
    let Err(error) = std::str::from_utf8(bytes) else { return Ok(()) };
    let line = (0..error.valid_up_to()).filter(|&i| ends_line(bytes, i)).count() + 1;
    Err(Failure::usage(format!(
        "the CSV file is not UTF-8 text: line {line} holds a byte that is not (a file saved as Windows-1252 or \
         Latin-1?): save it as CSV in UTF-8; nothing was sent"
    )))
}

/// Where the CSV records begin (after a byte-order mark and a `sep=` line) and what separates their cells:
/// `given` (`--delimiter`), else the `sep=` line's, else whichever of a comma, a tab and `;` the header
/// (the first line not blank) holds most of outside double quotes, a comma where none is there more (a
/// spreadsheet saved where lists are written with `;` separates so).
fn layout(bytes: &[u8], given: Option<u8>) -> (usize, u8) {
    let start = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let mut offset = start;
    // What a `sep=` line before the header names (only as the file's first line not blank).
    let mut named: Option<u8> = None;
    for line in lines_of(&bytes[start..]) {
        let end = offset + line.len();
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            offset = end;
            continue;
        }
        // Spaces before it aside, and after it where they are not the separator it names (`sep= `).
        let text_start = text.iter().position(|b| *b != b' ').unwrap_or(0);
        let bare = &text[text_start..];
        let bare = match bare.iter().rposition(|b| *b != b' ') {
            Some(last) if last >= 4 => &bare[..=last],
            _ => bare,
        };
        if let (None, [b's' | b'S', b'e' | b'E', b'p' | b'P', b'=', separator]) = (named, bare) {
            named = Some(*separator);
            offset = end;
            continue;
        }
        // The records begin at the header: a line of spaces before it would be taken for one.
        if let Some(separator) = given.or(named) {
            return (offset, separator);
        }
        let mut counts = [(b',', 0), (b'\t', 0), (b';', 0)];
        let mut quoted = false;
        for byte in text {
            if *byte == b'"' {
                quoted = !quoted;
            } else if let Some(count) = counts.iter_mut().find(|(b, _)| b == byte).filter(|_| !quoted) {
                count.1 += 1;
            }
        }
        // The first of the most: a comma before a tab before `;`.
        let separator = counts.iter().fold((b',', 0), |best, &(b, n)| if n > best.1 { (b, n) } else { best }).0;
        return (offset, separator);
    }
    (start, given.unwrap_or(b','))
}

/// The rows of the CSV file: the valid ones, and the line and problem of each invalid one.
#[allow(clippy::type_complexity)]
fn read_rows(
    bytes: &[u8],
    phone_column: Option<&str>,
    delimiter: Option<u8>,
    testing: bool,
) -> Result<(Vec<Row>, Vec<(u64, String)>), Failure> {
    check_utf8(bytes)?;
    let (start, separator) = layout(bytes, delimiter);
    let mut reader = csv::ReaderBuilder::new().flexible(true).delimiter(separator).from_reader(&bytes[start..]);
    let headers = reader.headers().map_err(|e| Failure::usage(format!("cannot read the CSV header: {e}")))?.clone();
    let names = ["phone", "phone_number", "phone number", "number", "to"];
    let matching: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| match phone_column {
            Some(wanted) => h.trim() == wanted,
            None => names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)),
        })
        .map(|(i, _)| i)
        .collect();
    // Two candidates are refused: calling the numbers of the wrong one cannot be undone.
    let phone = match (matching.as_slice(), phone_column) {
        ([one], _) => *one,
        ([], Some(wanted)) => return Err(Failure::usage(format!("the CSV file has no column {wanted:?}"))),
        ([], None) => {
            // One column whose name holds another separator: the file is separated by something else.
            let other = headers.iter().find(|h| h.contains([';', '\t', ',', '|']));
            let hint = match (headers.len(), other) {
                (1, Some(_)) => " (its header is one cell: are its cells separated by something else? see --delimiter)",
                _ => "",
            };
            return Err(Failure::usage(format!(
                "the CSV file has no phone column (phone, phone_number, number or to); name it with --phone-column{hint}"
            )));
        }
        (_, Some(wanted)) => {
            return Err(Failure::usage(format!("the CSV file has {} columns named {wanted:?}", matching.len())))
        }
        (_, None) => {
            let found: Vec<&str> = matching.iter().filter_map(|&i| headers.get(i)).map(str::trim).collect();
            return Err(Failure::usage(format!(
                "the CSV file has more than one phone column ({}); name the one to call with --phone-column",
                found.join(", ")
            )));
        }
    };
    let mut rows = Vec::new();
    let mut invalid = Vec::new();
    let mut seen_lines = HashSet::new();
    let mut lines = LineCounter { bytes, offset: 0, line: 1 };
    let start = start as u64;
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(start + p.byte()));
                invalid.push((line, format!("cannot read the row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.at(start + p.byte()));
        if !seen_lines.insert(line) {
            continue;
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        // Fewer cells than the header is a row whose last ones are empty, as spreadsheets write it; more
        // is one whose values have shifted (an unquoted comma in a name), which would be sent under the
        // wrong names, unless the cells past the header's are empty (a trailing comma): nothing shifted.
        if record.iter().skip(headers.len()).any(|cell| !cell.trim().is_empty()) {
            invalid.push((
                line,
                format!(
                    "has {} cells, the header {}: a value holding a comma must be in double quotes",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        // A value in double quotes may hold a line break (an address on two lines), but not rows: a quote
        // left open (`"O'Brien`) takes every row after it, up to the next quote or the end of the file, into
        // one value, and those rows would be neither called nor reported, their text sent in this row's
        // payload. A line within a value whose cell in the phone column is a phone number is such a row.
        let is_row = |line: &str| {
            line.split(char::from(separator)).nth(phone).is_some_and(|cell| e164(cell.trim_matches([' ', '"'])).is_ok())
        };
        let rows_taken = |cell: &str| cell.split(['\n', '\r']).skip(1).filter(|line| is_row(line)).count();
        if let Some(taken) = record.iter().map(rows_taken).find(|taken| *taken > 0) {
            invalid.push((
                line,
                format!(
                    "a value in double quotes runs on over the {taken} row(s) after it, which are taken into it \
                     rather than read: close the quote (a quote inside a value is written twice, \"\")"
                ),
            ));
            continue;
        }
        let raw = record.get(phone).unwrap_or("");
        let to = match e164(raw) {
            Ok(to) => to,
            Err(problem) => {
                invalid.push((line, problem));
                continue;
            }
        };
        let mut payload = Map::new();
        let mut context = Map::new();
        for (i, (name, cell)) in headers.iter().zip(record.iter()).enumerate() {
            let (name, cell) = (name.trim(), cell.trim());
            if i == phone || cell.is_empty() || name.is_empty() {
                continue;
            }
            let value = Value::String(cell.to_owned());
            if let Some(key) = name.strip_prefix("context.") {
                context.insert(key.to_owned(), value);
            } else {
                payload.insert(name.strip_prefix("payload.").unwrap_or(name).to_owned(), value);
            }
        }
        let mut body = NewCampaignCall::new(to.clone());
        if !payload.is_empty() {
            body = body.payload(payload);
        }
        if !context.is_empty() {
            body = body.context(context);
        }
        if testing {
            body = body.is_testing(true);
        }
        rows.push(Row { line, to, body });
    }
    Ok((rows, invalid))
}

/// The line of a byte offset in the file, counted forward as the reader advances (the reader's own line
/// count leaves out blank lines).
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        // A record's position can be that of the blank lines the reader skipped before it.
        while matches!(self.bytes.get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += (self.offset..byte).filter(|&i| ends_line(self.bytes, i)).count() as u64;
        self.offset = byte;
        self.line
    }
}

/// Whether the byte at `i` ends a line: a line feed, or a carriage return not followed by one (a file
/// saved with a Mac's old line ends, as the CSV reader reads it too).
fn ends_line(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// The lines of `bytes`, each with its line end, as [`ends_line`] ends them.
fn lines_of(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = (0..rest.len()).find(|&i| ends_line(rest, i)).map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

/// A number in E.164 (`+` and 7 to 15 digits), ignoring spaces (no-break ones too, as a number copied
/// from a web page has them), dashes, dots and parentheses.
fn e164(raw: &str) -> Result<String, String> {
    let separator = |c: &char| matches!(c, ' ' | '-' | '.' | '(' | ')' | '\t' | '\u{a0}' | '\u{202f}');
    let compact: String = raw.chars().filter(|c| !separator(c)).collect();
    let shown = raw.trim();
    if !compact.starts_with('+') {
        return Err(if shown.is_empty() {
            "no phone number".to_owned()
        } else {
            format!("{shown:?} is not an E.164 number: it must start with + and the country code")
        });
    }
    if talkover::validate::has_trunk_prefix(raw) {
        return Err(format!("{shown:?} {}", talkover::validate::TRUNK_PREFIX));
    }
    if !talkover::validate::is_e164(&compact) {
        return Err(format!("{shown:?} is not an E.164 number (+ then 7 to 15 digits)"));
    }
    Ok(compact)
}

struct Importer {
    campaign_id: String,
    journal: Mutex<Journal>,
    sender: Client,
    reader: Client,
    pacer: Pacer,
    /// Calls already attributed to a row: one call never settles two rows.
    claimed: Mutex<HashSet<String>>,
    stop: AtomicBool,
    /// Whether the campaign's answer listed no calls, so that rows in flight could not be settled.
    unlisted: AtomicBool,
    fatal: Mutex<Option<Failure>>,
    max_attempts: u32,
}

impl Importer {
    /// Each row's state by the journal.
    fn journal_states(&self, rows: &[Row]) -> Result<BTreeMap<u64, State>, Failure> {
        let mut states: BTreeMap<u64, State> = rows.iter().map(|r| (r.line, State::Pending(None))).collect();
        let numbers: BTreeMap<u64, &str> = rows.iter().map(|r| (r.line, r.to.as_str())).collect();
        for entry in &lock(&self.journal).entries {
            let mut parts = entry.splitn(3, ' ');
            let (kind, line, rest) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
            let Some(line) = line.and_then(|l| l.parse::<u64>().ok()) else {
                continue;
            };
            let Some(state) = states.get_mut(&line) else {
                // Every entry names a row of the file it belongs to. One that names no row was written with
                // another phone column or separator, or by a version that numbered the lines otherwise (one
                // that read a file whose lines end in a carriage return alone as one line): which rows it
                // sent cannot be told, so none is sent.
                if matches!(kind, Some("send" | "queued" | "existing" | "failed" | "unsent" | "invalid")) {
                    return Err(Failure::usage(format!(
                        "the journal records line {line}, which is no row of the CSV file as read now (read \
                         with another --phone-column or --delimiter than before, or by an earlier version that \
                         read a file whose lines end in a carriage return alone as one line); nothing was sent: \
                         pass --journal to use a new one, and the numbers the campaign already has calls for are \
                         not called again (unless --call-again)"
                    )));
                }
                continue;
            };
            // A row sent to another number than the file's row holds now was read with another phone
            // column: what the journal says of it is not this row's (journals of earlier versions name no
            // number).
            let sent = unescape(rest);
            if kind == Some("send") && !sent.is_empty() && numbers.get(&line).is_some_and(|now| *now != sent) {
                return Err(Failure::usage(format!(
                    "the journal records line {line} sent to {sent}, where the CSV file's line {line} holds {} \
                     now (read with another --phone-column or --delimiter than before?); nothing was sent: read it \
                     as before, or pass --journal to use a new one, and the numbers the campaign already has \
                     calls for are not called again (unless --call-again)",
                    numbers[&line]
                )));
            }
            *state = match kind {
                Some("send") => State::InFlight,
                Some("unsent") => State::Pending(None),
                Some("failed") => State::Pending(Some(unescape(rest))),
                Some("queued") => State::Queued(unescape(rest)),
                Some("existing") => State::Existing(unescape(rest)),
                Some("invalid") => State::Invalid(unescape(rest)),
                _ => continue,
            };
        }
        Ok(states)
    }

    /// Settles the rows that were in flight when an earlier run stopped, from the campaign's calls. When the
    /// campaign's answer lists no calls, nothing can be settled: the rows stay in flight, never sent again.
    fn settle_in_flight(&self, rows: &[Row], states: &mut BTreeMap<u64, State>) -> Result<(), Failure> {
        let in_flight: Vec<&Row> = rows.iter().filter(|r| states[&r.line] == State::InFlight).collect();
        if in_flight.is_empty() {
            return Ok(());
        }
        let Some(calls) = self.campaign_calls()? else {
            return Ok(());
        };
        for row in in_flight {
            let state = match self.claim(&calls, &row.to) {
                Some(id) => {
                    self.write(&format!("queued {} {}", row.line, escape(&id)))?;
                    State::Queued(id)
                }
                None => {
                    self.write(&format!("unsent {}", row.line))?;
                    State::Pending(None)
                }
            };
            states.insert(row.line, state);
        }
        Ok(())
    }

    /// The campaign's calls made since the import began: `(id, number)`; `None` when the campaign's answer
    /// lists no calls at all (not even an empty list), which tells nothing of them.
    fn campaign_calls(&self) -> Result<Option<Vec<(String, String)>>, Failure> {
        let campaign = read_campaign(&self.reader, &self.campaign_id, &self.pacer)?;
        let Some(calls) = campaign.calls else {
            self.unlisted.store(true, Ordering::SeqCst);
            return Ok(None);
        };
        let journal = lock(&self.journal);
        let calls = calls.into_iter().map(|c| (c.id.as_str().to_owned(), c.to));
        Ok(Some(calls.filter(|(id, _)| !journal.baseline.contains(id)).collect()))
    }

    /// A call of `to` among `calls` that no row has yet, now this row's. Numbers are compared by their
    /// digits: the campaign may list `+15550101234` as `15550101234` or `+1 555-010-1234`.
    fn claim(&self, calls: &[(String, String)], to: &str) -> Option<String> {
        let digits = |number: &str| number.chars().filter(char::is_ascii_digit).collect::<String>();
        let to = digits(to);
        let mut claimed = lock(&self.claimed);
        let (id, _) = calls.iter().find(|(id, number)| digits(number) == to && !claimed.contains(id))?;
        claimed.insert(id.clone());
        Some(id.clone())
    }

    /// After an answer that leaves it open whether the row's call was queued: the call, if the campaign
    /// lists it within a few reads (a call can take a moment to appear there). A call it does not list is
    /// not proof that none was queued, so the row is then left in flight, for a later run to settle,
    /// rather than sent again.
    fn look_for_call(&self, row: &Row) -> Result<Option<String>, Failure> {
        for wait in SETTLE_WAITS {
            std::thread::sleep(wait);
            match self.campaign_calls()? {
                Some(calls) => {
                    if let Some(id) = self.claim(&calls, &row.to) {
                        return Ok(Some(id));
                    }
                }
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    fn write(&self, entry: &str) -> Result<(), Failure> {
        lock(&self.journal).append(entry)
    }

    /// Sends one row until it is settled, it has used its attempts, or the import must stop.
    fn process(&self, row: &Row) -> Result<State, Failure> {
        let mut last_problem = None;
        // The last attempt's failure, when no connection to the API could be made.
        let mut unreachable = None;
        for attempt in 0..self.max_attempts {
            if self.stop.load(Ordering::SeqCst) {
                return Ok(State::Pending(last_problem));
            }
            self.pacer.wait();
            // With the number sent: a later run reading the file otherwise (another --phone-column) is told.
            self.write(&format!("send {} {}", row.line, escape(&row.to)))?;
            let operation = MakeCampaignCall::new(self.campaign_id.clone(), row.body.clone());
            let error = match self.sender.execute_with_response(operation) {
                Ok(answer) => {
                    self.pacer.observe(answer.status, &answer.headers, &[]);
                    let id = answer.value.campaign_call.id.as_str().to_owned();
                    lock(&self.claimed).insert(id.clone());
                    self.write(&format!("queued {} {}", row.line, escape(&id)))?;
                    return Ok(State::Queued(id));
                }
                Err(error) => error,
            };
            if let Some(api) = error.as_api() {
                self.pacer.observe(api.status, &api.headers, api.body.as_bytes());
            }
            if let Some(existing) = existing_call(&error) {
                let id = existing.id.as_str().to_owned();
                lock(&self.claimed).insert(id.clone());
                self.write(&format!("existing {} {}", row.line, escape(&id)))?;
                return Ok(State::Existing(id));
            }
            let problem = one_line(&describe_error(&error));
            match error.kind() {
                // Proven not processed: wait as asked, then try again.
                // The pacer read the wait it asks for with its answer, above: the sends wait it out.
                ErrorKind::RateLimited => {
                    self.write(&format!("unsent {}", row.line))?;
                }
                // This row's content: the API's message, with the line.
                ErrorKind::Validation => {
                    let message = api_message(&error);
                    self.write(&format!("invalid {} {}", row.line, escape(&message)))?;
                    return Ok(State::Invalid(message));
                }
                // The whole import cannot go on (campaign missing or not active, token refused).
                ErrorKind::BadRequest | ErrorKind::NotFound | ErrorKind::Unauthorized | ErrorKind::Forbidden => {
                    self.write(&format!("unsent {}", row.line))?;
                    // About this campaign: a `next:` hint names it.
                    let mut path = serde_json::Map::new();
                    path.insert("campaign_id".into(), self.campaign_id.clone().into());
                    return Err(Failure::from(error).about(&path));
                }
                ErrorKind::InvalidRequest => {
                    let message = one_line(&error.to_string());
                    self.write(&format!("invalid {} {}", row.line, escape(&message)))?;
                    return Ok(State::Invalid(message));
                }
                ErrorKind::Transport if matches!(&error, Error::Transport(t) if t.certainly_not_sent()) => {
                    self.write(&format!("unsent {}", row.line))?;
                    let connect = matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Connect);
                    unreachable = connect.then_some(error);
                    backoff(attempt);
                    last_problem = Some(problem);
                    continue;
                }
                // Queued or not, the answer does not say: ask the campaign. Not listed (yet) or not known,
                // the row stays in flight, for the next run to settle: never sent again blindly.
                _ => match self.look_for_call(row) {
                    Ok(Some(id)) => {
                        self.write(&format!("queued {} {}", row.line, escape(&id)))?;
                        return Ok(State::Queued(id));
                    }
                    Ok(None) | Err(_) => return Ok(State::InFlight),
                },
            }
            unreachable = None;
            last_problem = Some(problem);
        }
        let problem = last_problem.unwrap_or_else(|| "not sent".into());
        self.write(&format!("failed {} {}", row.line, escape(&problem)))?;
        // This row's attempts ran out with no API to connect to: the other rows would fare no better, so the
        // import stops, as it does for a refused token, rather than try each of them as many times.
        if let Some(error) = unreachable {
            return Err(Failure::from(error));
        }
        Ok(State::Pending(Some(problem)))
    }
}

/// Reads the campaign (with its calls), waiting out rate limits as often as they come, up to a bound.
fn read_campaign(reader: &Client, campaign_id: &str, pacer: &Pacer) -> Result<Campaign, Error> {
    let mut last = None;
    for _ in 0..RATE_LIMITED_READS {
        pacer.wait();
        match reader.execute(GetCampaign::new(campaign_id.to_owned())) {
            Ok(campaign) => return Ok(campaign),
            Err(e) if e.kind() == ErrorKind::RateLimited => {
                if let Some(api) = e.as_api() {
                    pacer.observe(api.status, &api.headers, api.body.as_bytes());
                }
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.expect("at least one read"))
}

fn api_message(error: &Error) -> String {
    let Some(api) = error.as_api() else {
        return one_line(&error.to_string());
    };
    let mut message = api.message.clone().unwrap_or_else(|| "rejected".into());
    let fields: Vec<String> =
        api.field_errors.iter().flat_map(|(f, problems)| problems.iter().map(move |p| format!("{f}: {p}"))).collect();
    if !fields.is_empty() {
        message = format!("{message} ({})", fields.join("; "));
    }
    one_line(&message)
}

fn one_line(text: &str) -> String {
    text.trim().lines().map(str::trim).collect::<Vec<_>>().join("; ")
}

fn backoff(attempt: u32) {
    let millis = 100u64.saturating_mul(1 << attempt.min(6)).min(5_000);
    std::thread::sleep(Duration::from_millis(millis));
}

/// The import's pacing of its sends: the core's, waited out on this thread.
#[derive(Default)]
struct Pacer(talkover::rate_limit::Pacer);

impl Pacer {
    /// Waits for this send's turn.
    fn wait(&self) {
        let wait = self.0.turn(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    /// Reads an answer's rate-limit headers (and a 429's wait).
    fn observe(&self, status: talkover::http::StatusCode, headers: &talkover::http::HeaderMap, body: &[u8]) {
        self.0.observe(status, headers, body, Instant::now(), SystemTime::now());
    }
}

/// Opens the journal and holds it for this import alone, until the returned file is dropped: a second
/// import on it (an overlapping job, a retry of one still running) would write between its entries and
/// call rows again. The lock goes with the process however it stops, so a run after a kill is not refused.
/// The journal is read and written through this same file (a lock binds other opens of it on some
/// systems).
fn hold_journal(path: &Path) -> Result<File, Failure> {
    let failed = |e: std::io::Error| Failure::local(format!("cannot lock the journal {}: {e}", path.display()));
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    // It holds the numbers of the people called: readable by its owner alone, as an SSH key's file is.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(failed)?;
    // A journal an earlier version made keeps its mode on open: narrowed here, as the numbers it holds are
    // the owner's to read. Only a regular file, and only where this user may (a journal a team shares
    // through its group, owned by another, is left as it is and still used).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Some(meta) = file.metadata().ok().filter(|m| m.is_file() && m.permissions().mode() & 0o077 != 0) {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(meta.permissions().mode() & 0o700));
        }
    }
    // Named in full: the standard library's own `File::try_lock` (Rust 1.89) would otherwise be taken.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(file),
        Err(fs4::TryLockError::WouldBlock) => Err(Failure::local(format!(
            "another import is using the journal {}: run one import per journal at a time",
            path.display()
        ))),
        Err(fs4::TryLockError::Error(e)) => Err(failed(e)),
    }
}

/// The journal: a header naming the import, the campaign's calls before it began, then one entry per
/// attempt and outcome, each synced to disk before the import goes on.
struct Journal {
    file: File,
    entries: Vec<String>,
    baseline: HashSet<String>,
    /// The numbers the campaign's calls went to before the first run, each with one such call's id
    /// (journals begun before numbers were written down have none).
    baseline_numbers: BTreeMap<String, String>,
}

impl Journal {
    /// Reads the journal from `file` (open for reading and writing, at its start), or begins it there.
    fn open(mut file: File, path: &Path, header: &str, reader: &Client, campaign_id: &str) -> Result<Self, Failure> {
        let local = |e: std::io::Error| Failure::local(format!("journal {}: {e}", path.display()));
        {
            let mut text = Vec::new();
            file.read_to_end(&mut text).map_err(local)?;
            // A last line without its newline was cut short by a stop: it never happened.
            let complete = match text.iter().rposition(|b| *b == b'\n') {
                Some(end) => &text[..=end],
                None => &[][..],
            };
            let mut lines = BufReader::new(complete).lines().map_while(Result::ok);
            match lines.next() {
                Some(first) if first == header => {
                    let mut entries = Vec::new();
                    let mut baseline = HashSet::new();
                    let mut baseline_numbers = BTreeMap::new();
                    let mut started = false;
                    for line in lines {
                        if let Some(call) = line.strip_prefix("baseline ") {
                            let (id, number) = call.split_once(' ').unwrap_or((call, ""));
                            let id = unescape(id);
                            if !number.is_empty() {
                                baseline_numbers.entry(unescape(number)).or_insert_with(|| id.clone());
                            }
                            baseline.insert(id);
                        } else if line == "started" {
                            started = true;
                        } else {
                            entries.push(line);
                        }
                    }
                    if started {
                        // Entries are added at the end (the file is read to its end already).
                        if complete.len() != text.len() {
                            // Ends the cut line, so the next entry starts on a line of its own.
                            file.write_all(b"\n").and_then(|()| file.sync_data()).map_err(local)?;
                        }
                        return Ok(Self { file, entries, baseline, baseline_numbers });
                    }
                    // Stopped while writing the baseline: nothing was sent yet; start again.
                }
                Some(_) => {
                    return Err(Failure::usage(format!(
                        "the journal {} belongs to another import (another campaign, or a CSV file that has \
                         changed since); pass --journal to use a new one: numbers the campaign already has \
                         calls for are then not called again (unless --call-again)",
                        path.display()
                    )))
                }
                None => {}
            }
        }
        let campaign = read_campaign(reader, campaign_id, &Pacer::default())?;
        let calls = campaign.calls.unwrap_or_default();
        let baseline: HashSet<String> = calls.iter().map(|c| c.id.as_str().to_owned()).collect();
        let mut baseline_numbers = BTreeMap::new();
        let mut text = format!("{header}\n");
        for call in &calls {
            text.push_str(&format!("baseline {} {}\n", escape(call.id.as_str()), escape(&call.to)));
            baseline_numbers.entry(call.to.clone()).or_insert_with(|| call.id.as_str().to_owned());
        }
        text.push_str("started\n");
        file.set_len(0).and_then(|()| file.seek(std::io::SeekFrom::Start(0))).map_err(local)?;
        file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(local)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The new file's name is durable too.
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(Self { file, entries: Vec::new(), baseline, baseline_numbers })
    }

    /// Appends one entry and syncs it to disk.
    fn append(&mut self, entry: &str) -> Result<(), Failure> {
        let line = format!("{entry}\n");
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| Failure::local(format!("cannot write the journal: {e}")))
    }
}

/// Journal fields are single words: spaces, newlines and `%` are percent-encoded.
fn escape(text: &str) -> String {
    text.replace('%', "%25").replace(' ', "%20").replace('\n', "%0A").replace('\r', "%0D")
}

fn unescape(text: &str) -> String {
    text.replace("%20", " ").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
}

/// FNV-1a, 64 bits: the CSV file's fingerprint in the journal's header (stable across builds).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_must_be_e164() {
        assert_eq!(e164("+1 (555) 010-1234").unwrap(), "+15550101234");
        // Copied from a web page: no-break spaces between the groups.
        assert_eq!(e164("+1\u{a0}555\u{a0}010\u{202f}1234").unwrap(), "+15550101234");
        assert!(e164("5550101234").unwrap_err().contains("must start with +"));
        assert!(e164("+555010").is_err(), "six digits");
        assert!(e164("+12").is_err());
        assert!(e164("+1555abc1234").is_err());
        assert!(e164("+1234567890123456").is_err());
        assert!(e164("+49 (0)151 12345674").unwrap_err().contains("trunk prefix"));
        assert_eq!(e164("  ").unwrap_err(), "no phone number");
    }

    #[test]
    fn rows_split_into_payload_and_context_and_bad_numbers_keep_their_line() {
        let csv = "name,phone,context.crm_id,payload.plan\nAda,+15550100001,c1,gold\nBob,not a number,c2,\n\nCy,+15550100003,,\n\"Dee\nDa\",+15550100004,,\nEd,+1555,,\n";
        let (rows, invalid) = read_rows(csv.as_bytes(), None, None, false).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, rows[0].to.as_str()), (2, "+15550100001"));
        let body = serde_json::to_value(&rows[0].body).unwrap();
        assert_eq!(
            body,
            json!({"to": "+15550100001", "payload": {"name": "Ada", "plan": "gold"}, "context": {"crm_id": "c1"}})
        );
        assert_eq!(rows[1].line, 5, "blank lines count");
        assert_eq!(rows[2].line, 6, "a quoted field may span lines");
        assert_eq!(invalid.len(), 2);
        assert_eq!(invalid[1].0, 8);
        assert_eq!(invalid[0].0, 3);
        assert!(invalid[0].1.contains("not a number"), "{invalid:?}");
    }

    #[test]
    fn rows_ended_by_a_carriage_return_alone_are_each_read_and_checked() {
        let (rows, invalid) =
            read_rows(b"phone,name\r+15550107101,Ada\rbad,Bob\r+15550107103,Cy\r", None, None, false).unwrap();
        assert_eq!(
            rows.iter().map(|r| (r.line, r.to.as_str())).collect::<Vec<_>>(),
            [(2, "+15550107101"), (4, "+15550107103")]
        );
        assert_eq!(invalid.len(), 1, "{invalid:?}");
        assert_eq!(invalid[0].0, 3);
    }

    #[test]
    fn a_row_with_more_cells_than_the_header_is_invalid_and_one_with_fewer_is_not() {
        let csv = "phone,name,plan\n+15550100001,Doe, John,gold\n+15550100002,Ada\n+15550100003,\"Roe, Jane\",silver\n";
        let (rows, invalid) = read_rows(csv.as_bytes(), None, None, false).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(
            serde_json::to_value(&rows[1].body).unwrap()["payload"],
            json!({"name": "Roe, Jane", "plan": "silver"})
        );
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].0, 2);
        assert!(invalid[0].1.contains("has 4 cells, the header 3"), "{invalid:?}");
    }

    #[test]
    fn cells_separated_by_semicolons_or_tabs_are_read_as_the_file_shows() {
        let numbers = |bytes: &[u8], delimiter: Option<u8>| {
            let (rows, invalid) = read_rows(bytes, None, delimiter, false).unwrap();
            assert!(invalid.is_empty(), "{invalid:?}");
            let payload = serde_json::to_value(&rows[0].body).unwrap()["payload"].clone();
            (rows.iter().map(|r| (r.line, r.to.clone())).collect::<Vec<_>>(), payload)
        };
        let expected = vec![(2, "+4915112345679".to_owned()), (3, "+4915112345670".to_owned())];
        let semicolons = "phone;name\r\n+4915112345679;Müller, Hans\r\n+49 151 12345670;Ada\r\n";
        let (rows, payload) = numbers(semicolons.as_bytes(), None);
        assert_eq!(rows, expected);
        assert_eq!(payload, json!({"name": "Müller, Hans"}));
        // Excel's first line naming the separator, after a byte-order mark: the lines still count it.
        let excel = "\u{feff}sep=;\r\nphone;name\r\n+4915112345679;A\r\n+4915112345670;B\r\n";
        let shifted: Vec<_> = expected.iter().map(|(line, to)| (line + 1, to.clone())).collect();
        assert_eq!(numbers(excel.as_bytes(), None).0, shifted);
        assert_eq!(numbers(b"sep=\t\r\nphone\tname\r\n+4915112345679\tA\r\n+4915112345670\tB\r\n", None).0, shifted);
        // Spaces around a `sep=` line, and a line of spaces after it; a `sep=` naming a space.
        let spaced = " sep=; \r\nphone;name\r\n+4915112345679;A\r\n+4915112345670;B\r\n";
        assert_eq!(numbers(spaced.as_bytes(), None).0, shifted);
        let then_blank = "sep=;\n   \nphone;name\n+4915112345679;A\n+4915112345670;B\n";
        let two_down: Vec<_> = expected.iter().map(|(line, to)| (line + 2, to.clone())).collect();
        assert_eq!(numbers(then_blank.as_bytes(), None).0, two_down);
        assert_eq!(numbers(b"sep= \nphone name\n+4915112345679 A\n+4915112345670 B\n", None).0, shifted);
        // Blank lines (and one of spaces) before the header, a comma inside a quoted name, more tabs than `;`.
        let blank = "\n \t\r\nphone;name\n+4915112345679;A\n+4915112345670;B\n";
        let later: Vec<_> = expected.iter().map(|(line, to)| (line + 2, to.clone())).collect();
        assert_eq!(numbers(blank.as_bytes(), None).0, later);
        assert_eq!(numbers("\"name, full\";phone\nA;+4915112345679\nB;+4915112345670\n".as_bytes(), None).0, expected);
        assert_eq!(numbers(b"phone\tnotes;x\tplan\n+4915112345679\ta;b\tp\n+4915112345670\tc\tq\n", None).0, expected);
        assert_eq!(numbers(b"phone\tname\n+4915112345679\tA\n+4915112345670\tB\n", None).0, expected);
        assert_eq!(numbers(b"phone|name\n+4915112345679|A\n+4915112345670|B\n", Some(b'|')).0, expected);
        // Lines ended by a carriage return alone (a Mac's old "CSV (Macintosh)"): every row is read, on its line.
        assert_eq!(numbers(b"phone,name\r+4915112345679,A\r+4915112345670,B\r", None).0, expected);
        assert_eq!(
            numbers(b"sep=;\rphone;name\r+4915112345679;A\r\r+4915112345670;B", None).0[1],
            (5, expected[1].1.clone())
        );
        // A file separated otherwise than it is read says so.
        let Err(Failure::Usage(message)) = read_rows(semicolons.as_bytes(), None, Some(b','), false) else {
            panic!("read with commas")
        };
        assert!(message.contains("--delimiter"), "{message}");
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_whole_before_anything_is_sent() {
        let latin1 = b"phone,name\n+4915112345670,Ok\n+4915112345671,M\xfcller\n";
        let Err(Failure::Usage(message)) = read_rows(latin1, None, None, false) else { panic!("Latin-1 read") };
        assert!(message.contains("not UTF-8") && message.contains("line 3"), "{message}");
        let utf16 = b"\xff\xfep\x00h\x00";
        let Err(Failure::Usage(message)) = read_rows(utf16, None, None, false) else { panic!("UTF-16 read") };
        assert!(message.contains("UTF-16"), "{message}");
    }

    #[test]
    fn a_file_with_two_phone_columns_is_refused_unless_one_is_named() {
        let message = |csv: &str, column: Option<&str>| match read_rows(csv.as_bytes(), column, None, false) {
            Err(Failure::Usage(message)) => message,
            other => panic!("{:?}", other.map(|(rows, _)| rows.len())),
        };
        let csv = "name,phone,to\nAda,+15550100001,+15550100002\n";
        assert_eq!(
            message(csv, None),
            "the CSV file has more than one phone column (phone, to); name the one to call with --phone-column"
        );
        let (rows, _) = read_rows(csv.as_bytes(), Some("to"), None, false).unwrap();
        assert_eq!(rows[0].to, "+15550100002");
        assert_eq!(
            message("phone,phone\n+15550100001,+15550100002\n", Some("phone")),
            "the CSV file has 2 columns named \"phone\""
        );
    }

    #[test]
    fn journal_words_survive_escaping() {
        for text in ["plain", "two words", "100% sure\nnext"] {
            assert!(!escape(text).contains([' ', '\n']));
            assert_eq!(unescape(&escape(text)), text);
        }
    }
}
