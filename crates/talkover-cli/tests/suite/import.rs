//! `talkover campaigns import`: every valid row queued exactly once, through faults, a SIGKILL part-way
//! and answers lost after the emulator queued the call.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::proxy::{Mode, Proxy};
use common::*;
use serde_json::Value;
use talkover_mock::{Faults, Server};

/// An emulator for imports (see `roomy_server`) and an active campaign on it.
struct Campaign {
    server: Server,
    token: String,
    id: String,
}

impl Campaign {
    fn start() -> Self {
        Self::on(roomy_server(), &[])
    }

    /// An active campaign on `server`, with the fields `changes` names set as they give.
    fn on(server: Server, changes: &[(&str, Value)]) -> Self {
        let token = server.token().to_owned();
        let id = common::active_campaign_with(&server.base_url(), &token, changes);
        Self { server, token, id }
    }

    /// `talkover campaigns import` of `csv` into the campaign, against the emulator.
    fn import(&self, csv: &Path) -> std::process::Command {
        self.import_through(&self.server.base_url(), csv)
    }

    /// Imports a file of `text` (named `name`, in a scratch folder of its own) with `args` and
    /// `--output json`: the exit code, the summary and the file.
    fn import_text(&self, name: &str, text: &str, args: &[&str]) -> (Option<i32>, Value, PathBuf) {
        let csv = scratch(name).join("contacts.csv");
        std::fs::write(&csv, text).unwrap();
        let mut import = self.import(&csv);
        import.args(args).args(["-o", "json"]);
        let output = run(import);
        let summary = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("no summary ({e}): {}\n{}", stdout(&output), stderr(&output)));
        (output.status.code(), summary, csv)
    }

    /// [`Campaign::import`] with its journal at `journal`.
    fn import_journalled(&self, csv: &Path, journal: &Path) -> std::process::Command {
        let mut command = self.import(csv);
        command.arg("--journal").arg(journal);
        command
    }

    /// `talkover campaigns import` of `csv` into the campaign, through `base_url` (a proxy in front of the
    /// emulator).
    fn import_through(&self, base_url: &str, csv: &Path) -> std::process::Command {
        let mut command = talkover(base_url, &self.token);
        command.args(["campaigns", "import", &self.id]).arg(csv);
        command
    }

    /// The campaign's calls, as the emulator holds them: how many there are of each number.
    fn calls_by_number(&self) -> BTreeMap<String, usize> {
        let mut get = talkover(&self.server.base_url(), &self.token);
        get.args(["campaigns", "get", &self.id]);
        let campaign = json(get);
        let mut counts = BTreeMap::new();
        for call in campaign["data"]["calls"].as_array().cloned().unwrap_or_default() {
            *counts.entry(call["to"].as_str().unwrap().to_owned()).or_insert(0) += 1;
        }
        counts
    }
}

fn journal_entries(path: &Path, kind: &str) -> usize {
    std::fs::read_to_string(path).unwrap_or_default().lines().filter(|l| l.starts_with(kind)).count()
}

#[test]
fn a_thousand_rows_killed_part_way_are_each_queued_once() {
    let campaign = Campaign::start();
    let dir = scratch("import-kill");
    let csv = dir.join("contacts.csv");

    // 1 000 rows: every 37th number is bad, and rows 500 to 504 repeat earlier numbers.
    let mut text = String::from("name,phone,context.crm_id\n");
    let mut valid = BTreeMap::new();
    let mut bad_lines = Vec::new();
    for i in 0..1000u32 {
        let line = i + 2;
        let phone = if i % 37 == 5 {
            bad_lines.push(line);
            format!("555-{i:04}")
        } else if (500..505).contains(&i) {
            format!("+1555000{:04}", i - 400)
        } else {
            format!("+1555000{i:04}")
        };
        if !bad_lines.contains(&line) {
            *valid.entry(phone.clone()).or_insert(0) += 1;
        }
        text.push_str(&format!("Contact {i},{phone},crm-{i}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let journal = dir.join(format!("contacts.csv.{}.journal", campaign.id));

    // A burst of 429s, then one request in ten answered 500, each answer a little late.
    campaign
        .server
        .set_faults(Faults::new().rate_limit_burst(25, 1).error_rate(0.1).seed(7).latency(Duration::from_millis(5)));
    let mut first = campaign.import(&csv);
    first.args(["--concurrency", "4"]).stdout(Stdio::null());
    let mut child = first.spawn().unwrap();
    let started = Instant::now();
    while journal_entries(&journal, "queued ") < 150 {
        assert!(started.elapsed() < Duration::from_secs(90), "the import made no progress");
        if child.try_wait().unwrap().is_some() {
            let mut problem = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut problem).unwrap();
            panic!("the import ended before it could be killed: {problem}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let queued_before = journal_entries(&journal, "queued ");
    assert!(queued_before < valid.len(), "killed part-way, not at the end");

    // Rows whose answer was a 500 were left in flight, not sent again: this run settles them.
    campaign.server.set_faults(Faults::new());
    let second = run(campaign.import(&csv));
    // Every valid row is queued; the invalid ones are the file's to fix (exit 14).
    assert_eq!(second.status.code(), Some(14), "{}\n{}", stderr(&second), stdout(&second));
    let summary: Value = serde_json::from_slice(&second.stdout).unwrap();
    let rows_valid: usize = valid.values().sum();
    let queued = summary["queued"].as_u64().unwrap() as usize;
    let already = summary["already_queued"].as_u64().unwrap() as usize;
    assert_eq!(queued, valid.len(), "{summary}");
    assert_eq!(queued + already, rows_valid, "{summary}");
    assert_eq!(summary["failed"], Value::Array(vec![]), "{summary}");
    let invalid: Vec<u64> =
        summary["invalid"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(invalid, bad_lines.iter().map(|l| u64::from(*l)).collect::<Vec<_>>());
    assert!(summary["invalid"][0]["message"].as_str().unwrap().contains("555-0005"), "{summary}");

    let calls = campaign.calls_by_number();
    let once: BTreeMap<String, usize> = valid.keys().map(|k| (k.clone(), 1)).collect();
    assert_eq!(calls, once, "exactly one campaign call per valid number");

    // A third run finds everything settled and sends nothing.
    let third = run(campaign.import(&csv));
    assert_eq!(third.status.code(), Some(14), "the invalid rows are still there: {}", stderr(&third));
    assert_eq!(campaign.calls_by_number(), once);
}

/// A double quote left open takes the rows after it into one value: that row is reported invalid (exit 14)
/// with the lines it took, rather than the rows vanishing and their text going out in its payload.
#[test]
fn a_quote_left_open_is_an_invalid_row_not_lost_rows() {
    let campaign = Campaign::start();
    let open = "phone,name\n+15550100011,Ada\n+15550100012,\"O'Brien\n+15550100013,Ann\n+15550100014,Ben\n";
    let (code, summary, _) = campaign.import_text("import-open-quote", open, &[]);
    assert_eq!(code, Some(14), "{summary}");
    assert_eq!(summary["queued"].as_u64(), Some(1), "{summary}");
    assert_eq!(summary["invalid"][0]["line"].as_u64(), Some(3), "{summary}");
    let message = summary["invalid"][0]["message"].as_str().unwrap();
    assert!(message.contains("runs on over the 2 row(s) after it"), "{message}");
    assert_eq!(campaign.calls_by_number().len(), 1, "only Ada's row was sent");

    // A value whose quotes close on its own line is read as it is, and so is one on two lines that are no
    // rows; a row that ends in empty cells past the header's (a spreadsheet's trailing comma) too.
    let closed = "phone,name,address\n+15550100015,\"Smith, Jo \"\"JJ\"\"\",\"1 Main St\nApt 2, Springfield\"\n\
                  +15550100016,Cy,,\n";
    let (code, summary, _) = campaign.import_text("import-closed-quote", closed, &[]);
    assert_eq!((code, summary["queued"].as_u64()), (Some(0), Some(2)), "{summary}");
}

/// A number the file gives twice is queued once, and the summary names the line that repeats it.
#[test]
fn a_number_repeated_in_the_file_is_named_with_the_line_it_repeats() {
    let campaign = Campaign::start();
    let text = "phone,payload.first_name\n+15550100001,Ada\n+15550100002,Bob\n+1 555 010 0001,Ann\n";
    let (code, summary, csv) = campaign.import_text("import-repeated", text, &["--concurrency", "1"]);
    assert_eq!(code, Some(0), "{summary}");
    assert_eq!((summary["queued"].as_u64(), summary["already_queued"].as_u64()), (Some(2), Some(1)), "{summary}");
    assert_eq!(summary["repeated"], serde_json::json!([{"line": 4, "same_number_as_line": 2}]), "{summary}");
    assert_eq!(campaign.calls_by_number().values().copied().collect::<Vec<_>>(), [1, 1]);
    // The journal holds the numbers called: its owner's alone, whatever the umask; one an earlier version
    // left readable by all is narrowed when the import runs again.
    #[cfg(unix)]
    let journal_mode = {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = csv.parent().unwrap().to_owned();
        let journal =
            std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.path().extension() == Some("journal".as_ref()));
        let journal = journal.expect("a journal beside the file").path();
        let mode = move || std::fs::metadata(&journal).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(), 0o600, "{:o}", mode());
        let path =
            std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.path().extension() == Some("journal".as_ref()));
        std::fs::set_permissions(path.unwrap().path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        mode
    };

    // Run again (everything settled), as a table: the repeat is named there too.
    let mut again = campaign.import(&csv);
    again.args(["-o", "table"]);
    let output = run(again);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("  line 4: the number of line 2\n"), "{}", stdout(&output));
    #[cfg(unix)]
    assert_eq!(journal_mode(), 0o600, "narrowed on the next run");
}

/// A number the file repeats is sent once whatever becomes of its first call: at a clock fast enough for
/// that call to have ended before the later row comes (when the API would take a second call to the
/// number), and with rows sent at the same time.
#[test]
fn a_repeated_number_is_sent_once_though_its_first_call_has_ended() {
    // Between the repeats, rows enough for the emulator's clock to have moved on (it does so on its own
    // every tenth of a second), at ten thousand times the wall clock's pace.
    let fillers: String = (0..300).map(|n| format!("+1555020{n:04},F{n}\n")).collect();
    let text = format!("phone,payload.first_name\n+15550100001,Ada\n{fillers}+15550100001,Ann\n+15550100001,Al\n");
    for (name, concurrency) in [("import-ended-1", "1"), ("import-ended-4", "4")] {
        let fast = Server::builder().rate_limit(1_000_000).clock_scale(10_000.0).start_blocking().unwrap();
        // Calling at every hour of every day, so that a call is dialled and ends at once.
        let always = [
            ("days_of_week", serde_json::json!([1, 2, 3, 4, 5, 6, 7])),
            ("call_time_ranges", serde_json::json!([{"start": "00:00", "end": "23:59"}])),
            ("timezone", serde_json::json!("UTC")),
        ];
        let campaign = Campaign::on(fast, &always);
        let (code, summary, _) = campaign.import_text(name, &text, &["--concurrency", concurrency]);
        assert_eq!(code, Some(0), "{summary}");
        let repeated =
            serde_json::json!([{"line": 303, "same_number_as_line": 2}, {"line": 304, "same_number_as_line": 2}]);
        assert_eq!(summary["repeated"], repeated, "{name}: {summary}");
        let calls = campaign.calls_by_number();
        assert_eq!(calls.get("+15550100001"), Some(&1), "{name}: {calls:?}");
    }
}

/// An API that goes away part-way (every connection refused) stops the import at the first row whose
/// attempts run out, as a refused token does: the other rows are not each tried as many times.
#[test]
fn an_api_that_cannot_be_reached_stops_the_import() {
    use std::io::Write as _;
    use std::net::{Ipv4Addr, TcpListener};

    let campaign = Campaign::start();
    let mut get = talkover(&campaign.server.base_url(), &campaign.token);
    get.args(["campaigns", "get", &campaign.id]);
    let answer = json(get).to_string();
    // Answers the import's first read of the campaign, then is gone: the listener closes before the
    // answer is written, so every later connection is refused.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let base_url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        client.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut reader = std::io::BufReader::new(client.try_clone().unwrap());
        let (head, _) = common::proxy::read_message(&mut reader).unwrap().expect("a request");
        drop(listener);
        let mut writer = client;
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        writer.write_all(reply.as_bytes()).unwrap();
        head.lines().next().unwrap_or_default().to_owned()
    });
    let dir = scratch("import-unreachable");
    let csv = small_csv(&dir);
    let mut import = campaign.import_through(&base_url, &csv);
    import.args(["--concurrency", "1", "--max-attempts", "2", "-o", "json"]);
    let output = run(import);
    assert_eq!(server.join().unwrap(), format!("GET /api/v1/campaigns/{} HTTP/1.1", campaign.id));
    assert_eq!(output.status.code(), Some(10), "{}\n{}", stderr(&output), stdout(&output));
    assert!(stderr(&output).contains("connect"), "{}", stderr(&output));
    let journal = dir.join(format!("few.csv.{}.journal", campaign.id));
    assert_eq!(journal_entries(&journal, "send "), 2, "the first row's two attempts, no other row's");
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let failed = summary["failed"].as_array().expect("the rows not queued");
    assert_eq!(failed.len(), 3, "{summary}");
    assert!(failed[1..].iter().all(|row| row["message"].as_str().unwrap().contains("the import stopped")), "{summary}");
    assert!(campaign.calls_by_number().is_empty());
}

fn small_csv(dir: &Path) -> std::path::PathBuf {
    let csv = dir.join("few.csv");
    std::fs::write(&csv, "phone,payload.first_name\n+15550100001,Ada\n+15550100002,Bob\n+15550100003,Cy\n").unwrap();
    csv
}

#[test]
fn an_answer_lost_after_the_call_was_queued_is_settled_not_sent_again() {
    let campaign = Campaign::start();
    let proxy = Proxy::start(campaign.server.addr(), Mode::DropAnswer);
    let csv = small_csv(&scratch("import-lost"));

    let output = run(campaign.import_through(&proxy.base_url(), &csv));
    assert_eq!(output.status.code(), Some(0), "{}\n{}", stderr(&output), stdout(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["queued"], 3, "settled from the campaign's calls: {summary}");
    assert_eq!(summary["already_queued"], 0, "not sent again (a second send would answer 409): {summary}");
    assert_eq!(proxy.campaign_calls.load(std::sync::atomic::Ordering::SeqCst), 3, "one send per row");
    let calls = campaign.calls_by_number();
    assert_eq!(calls.values().copied().collect::<Vec<_>>(), [1, 1, 1]);
}

/// A 500 leaves it open whether the call was queued; the campaign not listing one is no proof (a call can
/// take a while to be listed): the row is left in flight, not sent again in this run, and the next run
/// settles it from the campaign's calls.
#[test]
fn a_row_whose_answer_leaves_it_open_is_not_sent_again_in_the_same_run() {
    let campaign = Campaign::start();
    let proxy = Proxy::start(campaign.server.addr(), Mode::FailUnsent);
    let dir = scratch("import-open");
    let csv = small_csv(&dir);

    let output = run(campaign.import_through(&proxy.base_url(), &csv));
    assert_eq!(output.status.code(), Some(12), "{}\n{}", stderr(&output), stdout(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["queued"], 0, "{summary}");
    let failed = summary["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 3, "{summary}");
    assert!(failed.iter().all(|row| row["message"].as_str().unwrap().contains("in flight")), "{summary}");
    let sent = || proxy.campaign_calls.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(sent(), 3, "one send per row, none again");

    proxy.set_mode(Mode::Pass);
    let output = run(campaign.import_through(&proxy.base_url(), &csv));
    assert_eq!(output.status.code(), Some(0), "{}\n{}", stderr(&output), stdout(&output));
    assert_eq!(sent(), 6, "each row sent once more, once settled as not queued");
    let calls = campaign.calls_by_number();
    assert_eq!(calls.values().copied().collect::<Vec<_>>(), [1, 1, 1]);
}

#[test]
fn a_row_in_flight_when_killed_is_settled_by_the_next_run() {
    let campaign = Campaign::start();
    let (tell, told) = std::sync::mpsc::channel();
    let proxy = Proxy::start(campaign.server.addr(), Mode::HoldAnswer(tell));
    let dir = scratch("import-in-flight");
    let csv = small_csv(&dir);

    let mut first = campaign.import_through(&proxy.base_url(), &csv);
    first.args(["--concurrency", "1"]).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = first.spawn().unwrap();
    // The emulator has queued the first row's call; its answer is held: kill the import now.
    told.recv_timeout(Duration::from_secs(60)).expect("the first row was sent");
    child.kill().unwrap();
    child.wait().unwrap();
    let journal = dir.join(format!("few.csv.{}.journal", campaign.id));
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.ends_with("send 2 +15550100001\n"), "in flight at the kill, with its number: {text}");

    proxy.set_mode(Mode::Pass);
    let sent_before = proxy.campaign_calls.load(std::sync::atomic::Ordering::SeqCst);
    let output = run(campaign.import_through(&proxy.base_url(), &csv));
    assert_eq!(output.status.code(), Some(0), "{}\n{}", stderr(&output), stdout(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((summary["queued"].as_u64(), summary["already_queued"].as_u64()), (Some(3), Some(0)), "{summary}");
    let sent = proxy.campaign_calls.load(std::sync::atomic::Ordering::SeqCst) - sent_before;
    assert_eq!(sent, 2, "the row in flight is not sent again");
    let calls = campaign.calls_by_number();
    assert_eq!(calls.values().copied().collect::<Vec<_>>(), [1, 1, 1]);
}

/// A journal that is not this import's to use is refused before anything is sent: one another import
/// began (another campaign, another file), and one another import is using (it holds its lock).
#[test]
fn a_journal_of_another_import_or_in_use_is_refused() {
    let campaign = Campaign::start();
    let dir = scratch("import-other");
    let csv = small_csv(&dir);
    let (foreign, held) = (dir.join("foreign.journal"), dir.join("held.journal"));
    std::fs::write(&foreign, "talkover-import 1 another-campaign 0000000000000000\nstarted\n").unwrap();
    fails_with(campaign.import_journalled(&csv, &foreign), 2, "belongs to another import");
    let other = std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(&held).unwrap();
    fs4::FileExt::try_lock(&other).unwrap();
    fails_with(campaign.import_journalled(&csv, &held), 1, "another import is using the journal");
    assert!(campaign.calls_by_number().is_empty(), "nothing sent");
    // A campaign that does not exist leaves no journal behind (nothing was sent), and the foreign one stays.
    let mut missing = talkover(&campaign.server.base_url(), &campaign.token);
    missing.args(["campaigns", "import", "00000000-0000-4000-8000-000000000000"]).arg(&csv);
    fails_with(missing, 5, "not found");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|entry| entry.file_name()).collect();
    assert!(!left.iter().any(|name| name.to_string_lossy().contains("00000000")), "{left:?}");
    assert!(foreign.exists());

    // Once it is let go (the other import ended, however), the import runs.
    drop(other);
    let output = run(campaign.import_journalled(&csv, &held));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(campaign.calls_by_number().values().copied().collect::<Vec<_>>(), [1, 1, 1]);
}

/// A journal written by a version that read a file whose lines end in a carriage return alone as one
/// line (its rows all "line 1") names a line that is no row now: which rows it sent cannot be told, so
/// the import is refused before anything is sent, rather than call the first number again; a new journal
/// calls none of the numbers the campaign has calls for.
#[test]
fn a_journal_that_numbered_the_lines_otherwise_is_refused() {
    let campaign = Campaign::start();
    let dir = scratch("import-bare-cr");
    let csv = dir.join("mac.csv");
    std::fs::write(&csv, "phone,payload.first_name\r+15550100001,Ada\r+15550100002,Bob\r+15550100003,Cy\r").unwrap();
    let journal = dir.join("mac.journal");
    // As the earlier version left it: the first row sent and queued under line 1, the others never read.
    let output = run(campaign.import_journalled(&csv, &journal));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(campaign.calls_by_number().values().copied().collect::<Vec<_>>(), [1, 1, 1], "every row is read");
    let text = std::fs::read_to_string(&journal).unwrap();
    let old: Vec<String> = text
        .lines()
        .filter(|l| !["send 3", "queued 3 ", "send 4", "queued 4 "].iter().any(|p| l.starts_with(p)))
        .map(|l| l.replacen("send 2", "send 1", 1).replacen("queued 2 ", "queued 1 ", 1))
        .collect();
    std::fs::write(&journal, old.join("\n") + "\n").unwrap();
    fails_with(campaign.import_journalled(&csv, &journal), 2, "line 1, which is no row of the CSV file");
    assert_eq!(campaign.calls_by_number().values().copied().collect::<Vec<_>>(), [1, 1, 1], "nothing sent again");
    let output = run(campaign.import_journalled(&csv, &dir.join("new.journal")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(campaign.calls_by_number().values().copied().collect::<Vec<_>>(), [1, 1, 1], "nothing sent again");
}

/// A run that reads the file with another phone column than the run before would take what the journal
/// says of each line for the row it reads now: a row sent to another number is refused before anything
/// is sent, where the rows the earlier run queued for other numbers would have counted as this run's.
#[test]
fn a_journal_of_rows_read_with_another_phone_column_is_refused() {
    let campaign = Campaign::start();
    let dir = scratch("import-columns");
    let csv = dir.join("two-numbers.csv");
    let text = "phone,mobile\n+15550300001,+15550300101\n+15550300002,+15550300102\n";
    std::fs::write(&csv, text).unwrap();
    let journal = dir.join("columns.journal");
    let mut mobile = campaign.import_journalled(&csv, &journal);
    mobile.args(["--phone-column", "mobile"]);
    let output = run(mobile);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut phone = campaign.import_journalled(&csv, &journal);
    phone.args(["--phone-column", "phone"]);
    fails_with(phone, 2, "line 2 sent to +15550300101, where the CSV file's line 2 holds +15550300001");
    let called: Vec<String> = campaign.calls_by_number().into_keys().collect();
    assert_eq!(called, ["+15550300101", "+15550300102"], "nothing sent, nothing taken for sent");
    // Read as before, it resumes: nothing to send.
    let mut again = campaign.import_journalled(&csv, &journal);
    again.args(["--phone-column", "mobile"]);
    assert_eq!(run(again).status.code(), Some(0));
    assert_eq!(campaign.calls_by_number().len(), 2);
}

/// A CSV piped in (`-`) needs a journal named, then imports like a file, and a second run with the same
/// rows and journal sends nothing.
#[test]
fn a_csv_from_standard_input_imports_with_a_named_journal() {
    use std::io::Write as _;
    let campaign = Campaign::start();
    let dir = scratch("import-stdin");
    let rows = "phone,payload.first_name\n+15550100001,Ada\n+15550100002,Bob\n";
    let piped = |journal: Option<&Path>| {
        let mut command = campaign.import(Path::new("-"));
        if let Some(journal) = journal {
            command.arg("--journal").arg(journal);
        }
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(rows.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };

    let refused = piped(None);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--journal"), "{}", stderr(&refused));
    assert!(campaign.calls_by_number().is_empty());

    let journal = dir.join("piped.journal");
    let output = piped(Some(&journal));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((summary["queued"].as_u64(), summary["queued_this_run"].as_u64()), (Some(2), Some(2)), "{summary}");
    let again = piped(Some(&journal));
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    // The summary counts the file's rows; what this run queued is said apart.
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!((summary["queued"].as_u64(), summary["queued_this_run"].as_u64()), (Some(2), Some(0)), "{summary}");
    assert_eq!(journal_entries(&journal, "send "), 2, "the second run sent nothing");
    assert_eq!(campaign.calls_by_number().values().copied().collect::<Vec<_>>(), [1, 1]);
}

/// An import stopped by an error of the whole campaign (paused: CAMPAIGN_NOT_ACTIVE) queues nothing, and
/// each row's reason points at that error, not only "not sent".
#[test]
fn rows_left_by_an_error_that_stops_the_import_say_so() {
    let campaign = Campaign::start();
    let mut pause = talkover(&campaign.server.base_url(), &campaign.token);
    pause.args(["campaigns", "update-status", &campaign.id, "-f", "status=paused", "-o", "json"]);
    assert_eq!(json(pause)["data"]["status"], "paused");
    let dir = scratch("import-stopped");
    let csv = dir.join("contacts.csv");
    std::fs::write(&csv, "phone\n+15550100001\n+15550100002\n").unwrap();
    let mut import = campaign.import(&csv);
    import.args(["-o", "json"]);
    let output = run(import);
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let failed = summary["failed"].as_array().expect("the rows not queued");
    assert_eq!(failed.len(), 2, "{summary}");
    for row in failed {
        assert!(row["message"].as_str().is_some_and(|m| m.contains("the import stopped at the error")), "{row}");
    }
    assert!(stderr(&output).contains("CAMPAIGN_NOT_ACTIVE"), "{}", stderr(&output));
    // Its `next:` step names this campaign, ready to run.
    let start = format!("talkover campaigns update-status {} -f status=active", campaign.id);
    assert!(stderr(&output).contains(&start), "{}", stderr(&output));
    assert!(campaign.calls_by_number().is_empty());
}

/// A file edited after an import (a row added) cannot resume the old journal; with a new one, the rows
/// the first import queued are not queued twice, only the new row is, unless `--call-again` asks for it.
#[test]
fn an_edited_file_with_a_new_journal_calls_no_number_twice() {
    let campaign = Campaign::start();
    let dir = scratch("import-edited");
    let csv = small_csv(&dir);
    let first = run(campaign.import(&csv));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));

    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("+15550100004,Dee\n");
    std::fs::write(&csv, text).unwrap();
    let refused = run(campaign.import(&csv));
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("not called again"), "{}", stderr(&refused));

    let mut again = campaign.import(&csv);
    again.arg("--journal").arg(dir.join("second.journal"));
    let output = run(again);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((summary["queued"].as_u64(), summary["already_queued"].as_u64()), (Some(1), Some(3)), "{summary}");
    assert_eq!(journal_entries(&dir.join("second.journal"), "send "), 1, "only the new row was sent");
    let calls = campaign.calls_by_number();
    assert_eq!(calls.values().copied().collect::<Vec<_>>(), [1, 1, 1, 1], "{calls:?}");

    // Asked for, every row is queued again, though each number's first call is still queued (the clock
    // stands still): sent with `allow_duplicates`, which the API needs to take a second call to a number.
    let mut forced = campaign.import(&csv);
    forced.arg("--journal").arg(dir.join("third.journal")).arg("--call-again").args(["-o", "json"]);
    let output = run(forced);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((summary["queued"].as_u64(), summary["already_queued"].as_u64()), (Some(4), Some(0)), "{summary}");
    assert_eq!(journal_entries(&dir.join("third.journal"), "send "), 4);
    let calls = campaign.calls_by_number();
    assert_eq!(calls.values().copied().collect::<Vec<_>>(), [2, 2, 2, 2], "{calls:?}");
}

/// An emulator whose rate-limit headers leave room for every request of a test (by default they report
/// the Standard plan's 100 a minute, which the import honours by slowing down), and whose clock stands
/// still. The reference refuses a repeated number (`DUPLICATE_CALL`) only while the earlier call is
/// queued or active; at the wall clock's pace a call ends within seconds, so whether a repeated row is
/// refused would depend on how fast the machine runs the import.
fn roomy_server() -> Server {
    Server::builder().rate_limit(1_000_000).clock_scale(0.0).start_blocking().unwrap()
}
