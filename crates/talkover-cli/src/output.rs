//! What a command prints: a table for a list and the key fields for one resource on a terminal, JSON
//! otherwise.

use std::io::{IsTerminal as _, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ArgMatches;
use serde_json::{Map, Value};
use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

use crate::failure::Failure;

/// How results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For a person: a table, or `key: value` lines.
    Table,
    /// JSON, pretty-printed.
    Json,
    /// The id of each resource of the answer, one a line ([`ids`]), for scripts. Commands whose output is
    /// not resources (`--dry-run`, `campaigns import`, `webhooks listen`, `webhooks verify`) refuse it before
    /// they start.
    Id,
    /// The resources of the answer as CSV ([`csv_text`]), for spreadsheets and scripts; refused where `Id` is.
    Csv,
}

impl Format {
    /// The format asked for: `--output`, or by whether standard output is a terminal.
    pub fn of(args: &ArgMatches) -> Self {
        match args.get_one::<String>("output").map(String::as_str) {
            Some("json") => Self::Json,
            Some("table") => Self::Table,
            Some("id") => Self::Id,
            Some("csv") => Self::Csv,
            _ if std::io::stdout().is_terminal() => Self::Table,
            _ => Self::Json,
        }
    }
}

/// The token of this run, which nothing written to standard output shows (`talkover --help`: it is never
/// printed), even when an answer echoes it.
static TOKEN: std::sync::OnceLock<talkover::SecretString> = std::sync::OnceLock::new();

/// Keeps `token` out of everything written to standard output from now on.
pub fn never_print(token: &talkover::SecretString) {
    let _ = TOKEN.set(token.clone());
}

/// Whether [`without_token`] has hidden the token in something written to standard output.
static TOKEN_WAS_HIDDEN: AtomicBool = AtomicBool::new(false);

/// The warning that standard output shows the token hidden (the answer echoed it).
pub const TOKEN_HIDDEN: &str = "the answer contained the token; it is shown as [redacted]";

/// `text` without the run's token ([`never_print`]), as the SDK's errors hide it.
pub fn hide_token(text: &str) -> std::borrow::Cow<'_, str> {
    match TOKEN.get().map(talkover::SecretString::expose_secret) {
        Some(token) => {
            let hidden = talkover::secret::redacted(text, &[token]);
            if hidden == text {
                std::borrow::Cow::Borrowed(text)
            } else {
                std::borrow::Cow::Owned(hidden)
            }
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// `text` without the run's token ([`hide_token`]), the environment's (`TALKOVER_TOKEN`, for an error found
/// before the run's token is read) and anything shaped as a Talkover credential: for what an error writes to
/// standard error, which may quote a value the caller gave (the token, given in the wrong place).
pub fn without_credentials(text: &str) -> String {
    let hidden = hide_token(text);
    let token = std::env::var(talkover::TOKEN_ENV).ok();
    let known: Vec<&str> = token.iter().map(|token| token.trim()).filter(|token| !token.is_empty()).collect();
    talkover::secret::redact_credentials(&talkover::secret::redacted(&hidden, &known)).into_owned()
}

/// The secrets the request of this run carries (a SIP password, a webhook secret, a header's value), which
/// nothing written to standard output shows either, even when a successful answer echoes them (an error
/// that echoes them has them hidden by the SDK already): standard output is what lands in a CI log.
static SENT_SECRETS: std::sync::Mutex<Vec<talkover::SecretString>> = std::sync::Mutex::new(Vec::new());

/// Whether [`without_token`] has hidden a secret of the request in something written to standard output.
static SENT_SECRET_WAS_HIDDEN: AtomicBool = AtomicBool::new(false);

/// The warning that standard output shows a secret of the request hidden.
pub const SENT_SECRET_HIDDEN: &str = "the answer contained a secret the request sent; it is shown as [redacted]";

/// Keeps the secrets a request carries out of everything written to standard output from now on.
pub fn never_print_sent(secrets: &[talkover::SecretString]) {
    let mut kept = SENT_SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    kept.extend(secrets.iter().cloned());
}

/// Whether `text` is one of the secrets kept out of standard output ([`never_print_sent`]), whatever its
/// length (a short one is not searched for in longer text).
pub fn is_sent_secret(text: &str) -> bool {
    let kept = SENT_SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    kept.iter().any(|secret| secret.expose_secret() == text)
}

/// [`hide_token`] for what goes to standard output, the request's secrets hidden too
/// ([`never_print_sent`]): when it hides anything, the command ends with [`TOKEN_HIDDEN`] (or
/// [`SENT_SECRET_HIDDEN`]) on standard error ([`token_was_hidden`], [`sent_secret_was_hidden`]), so that
/// nobody takes `[redacted]` for what the API holds.
pub fn without_token(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = hide_token(text);
    if matches!(hidden, std::borrow::Cow::Owned(_)) {
        TOKEN_WAS_HIDDEN.store(true, Ordering::Relaxed);
    }
    let sent = SENT_SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    if sent.is_empty() {
        return hidden;
    }
    let secrets: Vec<&str> = sent.iter().map(talkover::SecretString::expose_secret).collect();
    let without = talkover::secret::redacted(&hidden, &secrets);
    if without == *hidden {
        return hidden;
    }
    SENT_SECRET_WAS_HIDDEN.store(true, Ordering::Relaxed);
    std::borrow::Cow::Owned(without)
}

/// Whether a secret of the request was hidden in something written to standard output ([`without_token`]).
pub fn sent_secret_was_hidden() -> bool {
    SENT_SECRET_WAS_HIDDEN.load(Ordering::Relaxed)
}

/// Whether the token was hidden in something written to standard output ([`without_token`]).
pub fn token_was_hidden() -> bool {
    TOKEN_WAS_HIDDEN.load(Ordering::Relaxed)
}

/// Writes one answer. A write that fails is the command's failure (a full disk, a closed standard
/// output): a script must not take an answer it never got for one it has.
pub fn print(value: &Value, format: Format) -> Result<(), Failure> {
    print_answer(value, format, None)
}

/// [`print()`] for an answer of `operation` (when known), which tells `-o id` which of its resources count.
pub fn print_answer(value: &Value, format: Format, operation: Option<&str>) -> Result<(), Failure> {
    let text = match format {
        // Control and reordering characters of an answer's texts escaped, as on every other line written.
        Format::Json => crate::failure::json_safe(&serde_json::to_string_pretty(value).unwrap_or_default()) + "\n",
        Format::Table => human(value),
        Format::Id => id_lines(value, operation)?,
        Format::Csv => answer_csv(value, operation)?,
    };
    write_all(text.as_bytes())
}

/// What `-o csv` writes of an answer of `operation` (when known): its [`resources`]; for an answer that
/// holds none with ids, a list's items as they are, or the answer's `data` (or the answer) as one record.
pub fn csv_rows<'v>(value: &'v Value, operation: Option<&str>) -> Vec<&'v Value> {
    resources(value, operation).unwrap_or_else(|| match main_of(value) {
        Value::Array(items) => items.iter().collect(),
        main => vec![main],
    })
}

/// What `-o csv` writes of an answer of `operation` (when known): its [`csv_rows`], in the columns of a
/// list's items ([`csv_text`]) when the rows are that list's items.
pub fn answer_csv(value: &Value, operation: Option<&str>) -> Result<String, Failure> {
    let rows = csv_rows(value, operation);
    let items_of_list = match main_of(value) {
        Value::Array(items) => items.len() == rows.len() && items.iter().zip(&rows).all(|(a, b)| std::ptr::eq(a, *b)),
        _ => false,
    };
    let columns = match operation.and_then(talkover::registry::operation) {
        Some(op) if items_of_list => op.item_fields(),
        _ => &[],
    };
    csv_text(&rows, columns)
}

/// `items` as CSV: a header naming the `known` columns (a list's item fields, in their declaration order,
/// so that a column keeps its place whatever the items hold), then every other top-level field any item
/// has, in the order first met, then a record an item. A text is written as it is, a number or a boolean
/// as JSON writes it, `null` or a field the item lacks as an empty cell, an object or a list as compact
/// JSON. Values are not altered for spreadsheets: a cell that starts with `=` is text a spreadsheet may
/// read as a formula. On a terminal, control characters are shown escaped, as in a table. An item that is
/// not an object is a record of one cell, under the header `value`. No items: the header of the known
/// columns alone, or nothing when none are known.
pub fn csv_text(items: &[&Value], known: &[&str]) -> Result<String, Failure> {
    let mut columns: Vec<&str> = known.to_vec();
    for item in items {
        match item {
            Value::Object(fields) => {
                for key in fields.keys() {
                    if !columns.contains(&key.as_str()) {
                        columns.push(key);
                    }
                }
            }
            _ if !columns.contains(&"value") => columns.push("value"),
            _ => {}
        }
    }
    // On a terminal, a person reads it: control characters are shown escaped, as in a table, rather than
    // acting on the terminal. Piped, every value is written as it is.
    let terminal = std::io::stdout().is_terminal();
    let cell = |value: Option<&Value>| {
        let text = match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        if terminal {
            printable(&text)
        } else {
            text
        }
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Failure::local(format!("writing CSV: {e}"));
    if !columns.is_empty() {
        out.write_record(&columns).map_err(failed)?;
    }
    for item in items {
        let record = columns.iter().map(|c| match item {
            Value::Object(fields) => cell(fields.get(*c)),
            other if *c == "value" => cell(Some(other)),
            _ => String::new(),
        });
        out.write_record(record).map_err(failed)?;
    }
    let bytes = out.into_inner().map_err(|e| Failure::local(format!("writing CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The ids of an answer of operation `operation` (when known) for `-o id`, one a line ([`ids`]). An
/// answer that holds none is [`Failure::NoId`] (exit 17): the request was carried out, so the code is not
/// one of wrong arguments (a script that retries on those would send it again), and nothing is printed,
/// so that `id=$(talkover … -o id)` never goes on with an empty id.
pub fn id_lines(value: &Value, operation: Option<&str>) -> Result<String, Failure> {
    let ids = ids(value, operation).ok_or_else(|| {
        // Running a request that is not safe to repeat again to see its answer would do it again.
        let again = if operation.and_then(talkover::registry::operation).is_some_and(|op| !op.safe_to_repeat) {
            "; it is not safe to repeat: do not run it again to see the answer"
        } else {
            ""
        };
        Failure::NoId(format!(
            "the request was carried out, but its answer holds no id, so --output id printed none for it \
             (--output json shows the answer){again}"
        ))
    })?;
    Ok(ids.iter().map(|id| format!("{id}\n")).collect())
}

/// The ids of the resources of an answer ([`resources`]): `None` when it holds none, or when one of them
/// has no id. An empty list has no ids, and that is not a failure.
pub fn ids(value: &Value, operation: Option<&str>) -> Option<Vec<String>> {
    resources(value, operation)?.into_iter().map(id_of).collect()
}

/// The id of a resource; an integration is named by its `identifier` (what `NewAction::integration` takes),
/// a charge (purchase-credits' answer, a top-up's) by its `transaction_id`.
fn id_of(item: &Value) -> Option<String> {
    // A retried delivery's new log is its `log_id` (retry-webhook-log), beside the `original_log_id`.
    let named = ["id", "identifier", "transaction_id", "log_id"];
    match named.iter().find_map(|name| item.get(name))? {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// The resources of an answer, which `-o id` and `-o csv` print: a list's items (`data` or the answer
/// itself; an item without an id that holds one list of resources, such as a voice template group, stands
/// for them), or the one resource (`data`, or the answer) that has an `id`; else the one list of resources
/// it holds (list-agent-webhooks' `webhooks`, empty or not), or the one resource it holds
/// (`{"call": {"id": …}}`). Of several, those the operation id ends with (make-campaign-call's
/// `campaign_call`, not its `campaign`), else the one that is not an empty list. `None` when it holds
/// none, or several that the operation does not tell apart.
pub fn resources<'v>(value: &'v Value, operation: Option<&str>) -> Option<Vec<&'v Value>> {
    // A list item with no id of its own that holds one list of resources (a voice template group's
    // `voices`) stands for them.
    fn held(item: &Value) -> Option<Vec<&Value>> {
        let Value::Object(fields) = item else { return None };
        let mut lists = fields.values().filter_map(|v| v.as_array().filter(|items| items.iter().all(Value::is_object)));
        match (lists.next(), lists.next()) {
            (Some(items), None) if !items.is_empty() && items.iter().all(|i| id_of(i).is_some()) => {
                Some(items.iter().collect())
            }
            _ => None,
        }
    }
    fn all(items: &[Value]) -> Option<Vec<&Value>> {
        let each: Option<Vec<Vec<&Value>>> =
            items.iter().map(|item| if id_of(item).is_some() { Some(vec![item]) } else { held(item) }).collect();
        each.map(|each| each.concat())
    }
    let main = main_of(value);
    match main {
        Value::Array(items) => all(items),
        Value::Object(fields) => {
            if id_of(main).is_some() {
                return Some(vec![main]);
            }
            let named = |key: &str| {
                operation.is_some_and(|op| op.ends_with(&format!("-{}", key.replace('_', "-"))) || op == key)
            };
            // Each resource or list of resources the answer holds, by its key (`None`: one has no id). An
            // empty list beside lists of plain values is one of them (trigger-calendars-sync's `syncing` and
            // `up_to_date`, lists of ids), unless the operation names it (list-campaign-webhooks' `webhooks`
            // beside `available_events`).
            let plain_lists = fields.values().any(|v| v.as_array().is_some_and(|a| !a.iter().all(Value::is_object)));
            type Found<'a> = (&'a String, Option<Vec<&'a Value>>);
            let inner: Vec<Found> = fields
                .iter()
                .filter_map(|(key, v)| match v {
                    Value::Array(items)
                        if items.iter().all(Value::is_object) && !(items.is_empty() && plain_lists && !named(key)) =>
                    {
                        Some((key, all(items)))
                    }
                    Value::Object(_) => id_of(v).map(|_| (key, Some(vec![v]))),
                    _ => None,
                })
                .collect();
            let only = |keep: &dyn Fn(&Found) -> bool| match inner.iter().filter(|c| keep(c)).collect::<Vec<_>>()[..] {
                [(_, one)] => Some(one.clone()),
                _ => None,
            };
            // Of several, the one the operation names, else the one that is not an empty list.
            only(&|_| true)
                .or_else(|| only(&|(key, _)| named(key)))
                .or_else(|| only(&|(_, found)| found.as_ref().is_none_or(|found| !found.is_empty())))
                .flatten()
        }
        _ => None,
    }
}

/// What an answer is about: its `data` (the envelope's), or the answer itself when it has none.
fn main_of(value: &Value) -> &Value {
    match value.get("data") {
        Some(data) if !data.is_null() => data,
        _ => value,
    }
}

/// The line under a page of a list: where it stands among the pages, and how to read others when
/// there are others to read.
fn page_line(block: &Value) -> String {
    let number = |k: &str| block.get(k).and_then(Value::as_u64);
    let shown = |n: Option<u64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
    let (page, last, total) = (number("current_page"), number("last_page"), number("total"));
    match (page, last, total) {
        // The table says `(no items)`: there is no other page to read.
        (_, _, Some(0)) => String::new(),
        (Some(page), Some(last), _) if page > last => {
            format!("page {page} is past the last, {last} ({} in all; --page {last} reads the last)\n", shown(total))
        }
        (Some(1), Some(1), _) => format!("page 1 of 1 ({} in all)\n", shown(total)),
        _ => format!(
            "page {} of {} ({} in all; --page N for another, --all for every one)\n",
            shown(page),
            shown(last),
            shown(total)
        ),
    }
}

/// An answer for a person.
pub fn human(value: &Value) -> String {
    let main = main_of(value);
    match main {
        Value::Array(items) => {
            // Items with no id that each hold a list of resources (voice template groups) are shown as
            // those resources, as `-o id` and `-o csv` give them.
            let held = match items.iter().all(|i| id_of(i).is_none()) {
                true => resources(value, None).filter(|held| !held.is_empty()),
                false => None,
            };
            let held = held.map(|held| held.into_iter().cloned().collect::<Vec<_>>());
            let mut text = table(held.as_deref().unwrap_or(items));
            if let Some(p) = value.get("pagination").or_else(|| value.get("meta")).filter(|p| p.is_object()) {
                text.push_str(&page_line(p));
            }
            text
        }
        Value::Object(fields) => {
            // A list of resources inside the answer (list-agent-webhooks' `webhooks`) is a table of its
            // own, after the other fields.
            fn rows_of(v: &Value) -> Option<&Vec<Value>> {
                v.as_array().filter(|a| !a.is_empty() && a.iter().all(Value::is_object))
            }
            let lists: Vec<(&String, &Vec<Value>)> =
                fields.iter().filter_map(|(k, v)| rows_of(v).map(|rows| (k, rows))).collect();
            let rest: Map<String, Value> =
                fields.iter().filter(|(_, v)| rows_of(v).is_none()).map(|(k, v)| (k.clone(), v.clone())).collect();
            let mut lines = Vec::new();
            key_fields(&rest, "", &mut lines, 0);
            // What names the resource first (id, name, status, …), as a table's columns come; the others
            // after them in their order.
            let rank = |name: &str| {
                let top = name.split('.').next().unwrap_or(name);
                PREFERRED.iter().position(|p| *p == top).unwrap_or(PREFERRED.len())
            };
            lines.sort_by_key(|(name, _)| rank(name));
            if lines.is_empty() && lists.is_empty() {
                return "(empty)\n".into();
            }
            let width = lines.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
            let mut text: String = lines.iter().map(|(k, v)| format!("{}  {v}\n", padded(k, width))).collect();
            for (name, rows) in lists {
                text.push_str(&format!("\n{}:\n{}", printable(name), table(rows)));
            }
            text
        }
        other => format!("{}\n", scalar(other)),
    }
}

fn key_fields(fields: &Map<String, Value>, prefix: &str, lines: &mut Vec<(String, String)>, depth: usize) {
    for (key, value) in fields {
        if prefix.is_empty() && key == "success" {
            continue;
        }
        let name = format!("{prefix}{}", printable(key));
        match value {
            Value::Null => {}
            // A large object (list-agent-webhooks' `available_events`) is one line, not a screenful.
            Value::Object(inner) if depth < 2 && inner.len() <= MAX_OBJECT_LINES => {
                key_fields(inner, &format!("{name}."), lines, depth + 1)
            }
            Value::Object(inner) => lines.push((name, format!("{{{} fields}}", inner.len()))),
            Value::Array(items) if items.is_empty() => lines.push((name, "[]".into())),
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                lines.push((name, items.iter().map(scalar).collect::<Vec<_>>().join(", ")))
            }
            Value::Array(items) => lines.push((name, format!("[{} items]", items.len()))),
            scalar_value => lines.push((name, scalar(scalar_value))),
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => printable(s),
        Value::Null => String::new(),
        Value::Array(items) => format!("[{} items]", items.len()),
        Value::Object(fields) => format!("{{{} fields}}", fields.len()),
        other => other.to_string(),
    }
}

/// Text safe to write on a terminal: without the token ([`without_token`], before any width is measured),
/// and with control characters (escape sequences, line breaks) shown escaped (`\u{1b}`, `\n`) instead of
/// acting on the terminal or breaking a table's rows.
pub(crate) fn printable(text: &str) -> String {
    let text = without_token(text);
    let shown_escaped = |c: char| c.is_control() || crate::failure::reorders(c);
    if !text.chars().any(shown_escaped) {
        return text.into_owned();
    }
    text.chars().map(|c| if shown_escaped(c) { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// `text` followed by spaces up to `width` columns of a terminal (a CJK character or an emoji takes two).
fn padded(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

/// `text` cut to at most `max` columns of a terminal, ending in `…` when cut.
pub(crate) fn cut(text: String, max: usize) -> String {
    if text.width() <= max {
        return text;
    }
    let mut kept = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if width + w > max.saturating_sub(1) {
            break;
        }
        width += w;
        kept.push(c);
    }
    kept + "…"
}

const PREFERRED: &[&str] = &[
    "id",
    "name",
    "title",
    "label",
    "status",
    "current_status",
    "is_active",
    "type",
    "event",
    "direction",
    "to",
    "number",
    "phone_number",
    "start_at",
    "end_at",
    "created_at",
];
const MAX_COLUMNS: usize = 6;
/// The most fields of an object inside one resource shown a line each; a larger one is shown by its size.
const MAX_OBJECT_LINES: usize = 12;
const MAX_CELL: usize = 40;
/// Fields that say why something failed: shown last in a table, where they have the rest of the line.
const LAST: &[&str] = &["error", "error_message", "failure_reason"];
/// The widest the last column's cells are, before the terminal's width cuts them.
const MAX_LAST_CELL: usize = 120;
/// The narrowest a column is cut to fit the terminal; a narrower one is left out instead.
const MIN_CELL: usize = 12;

/// A list as a table: the usual identifying columns first, then the items' other plain fields (in the
/// order they first come), a failure's reason last; fitted to the terminal's width.
pub fn table(items: &[Value]) -> String {
    let width = console::Term::stdout().size_checked().map(|(_, columns)| usize::from(columns));
    table_within(items, width.filter(|w| *w >= 2 * MIN_CELL))
}

/// A table, its lines at most `width` columns where one is given: columns are left out from the end (a
/// failure's reason kept), and named under it, until the others fit, the last one cut to what is left
/// when that is enough.
fn table_within(items: &[Value], width: Option<usize>) -> String {
    if items.is_empty() {
        return "(no items)\n".into();
    }
    let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
    if objects.len() != items.len() {
        return items.iter().map(|i| format!("{}\n", scalar(i))).collect();
    }
    let plain = |v: &Value| !v.is_object() && !v.is_array();
    let present = |c: &str| objects.iter().any(|o| o.get(c).is_some_and(plain));
    let last =
        LAST.iter().copied().find(|c| objects.iter().any(|o| o.get(*c).is_some_and(|v| plain(v) && !v.is_null())));
    let room = MAX_COLUMNS - usize::from(last.is_some());
    let mut columns: Vec<&str> = PREFERRED.iter().copied().filter(|c| present(c)).take(room).collect();
    for object in &objects {
        for (key, value) in *object {
            if columns.len() < room && plain(value) && !columns.contains(&key.as_str()) && Some(key.as_str()) != last {
                columns.push(key);
            }
        }
    }
    columns.extend(last);
    // Each cell is as it will be shown (the token hidden, controls escaped, cut) before the columns are
    // measured, in the columns a terminal gives it.
    let cell = |o: &Map<String, Value>, c: &str, max| cut(o.get(c).map(scalar).unwrap_or_default(), max);
    let most = |i: usize| if i + 1 == columns.len() { MAX_LAST_CELL } else { MAX_CELL };
    let mut header: Vec<String> = columns.iter().map(|c| printable(&c.to_uppercase())).collect();
    let mut rows: Vec<Vec<String>> =
        objects.iter().map(|o| columns.iter().enumerate().map(|(i, c)| cell(o, c, most(i))).collect()).collect();
    let mut widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| rows.iter().map(|r| r[i].width()).max().unwrap_or(0).max(h.width()))
        .collect();
    let mut left_out = Vec::new();
    if let Some(width) = width {
        let total = |widths: &[usize]| widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        while total(&widths) > width {
            let n = widths.len();
            // The first column (the id) is never cut: alone and too wide, its line wraps whole.
            if n == 1 {
                break;
            }
            // A failure's reason keeps the rest of the line: the columns before it go first while two
            // others stand; the last column is cut to fit when that leaves it enough.
            let reason_first = last.is_some() && n > 3;
            let others = total(&widths[..n - 1]) + 2;
            if !reason_first && others + MIN_CELL <= width {
                let (fit, i) = (width - others, n - 1);
                for cells in rows.iter_mut().map(|r| &mut r[i]).chain([&mut header[i]]) {
                    *cells = cut(std::mem::take(cells), fit);
                }
                widths[i] = fit;
                break;
            }
            let gone = n - 1 - usize::from(reason_first);
            widths.remove(gone);
            header.remove(gone);
            rows.iter_mut().for_each(|r| drop(r.remove(gone)));
            left_out.push(columns.remove(gone));
        }
    }
    let line = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| padded(c, *w)).collect();
        cells.join("  ").trim_end().to_owned() + "\n"
    };
    let mut text = line(&header);
    for row in &rows {
        text.push_str(&line(row));
    }
    if !left_out.is_empty() {
        left_out.reverse();
        let names: Vec<String> = left_out.iter().map(|c| printable(c)).collect();
        text.push_str(&format!("(not shown at this width: {}; -o json shows every field)\n", names.join(", ")));
    }
    text
}

/// Writes `bytes` to standard output.
pub fn write_all(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    write_text(&mut out, &String::from_utf8_lossy(bytes))?;
    out.flush().map_err(write_failure)
}

/// Writes `text` to `out` (standard output) without the run's token; a write that fails is the command's
/// failure ([`write_failure`]).
pub fn write_text(out: &mut impl Write, text: &str) -> Result<(), Failure> {
    out.write_all(without_token(text).as_bytes()).map_err(write_failure)
}

/// What a failed write to standard output is.
pub fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader stopped reading (`| head`): the command ends quietly, as a filter does.
        return Failure::ClosedPipe;
    }
    Failure::local(format!("cannot write the output: {e}"))
}

/// Writes one JSON value on one line (NDJSON).
pub fn print_line(out: &mut impl Write, value: &Value) -> std::io::Result<()> {
    let line = crate::failure::json_safe(&serde_json::to_string(value).unwrap_or_default());
    out.write_all(without_token(&line).as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The line under a page says where it stands, and how to read others only when there are others.
    #[test]
    fn a_page_says_where_it_stands_among_the_pages() {
        let line = |page: u64, last: u64, total: u64| {
            page_line(&json!({"current_page": page, "last_page": last, "per_page": 20, "total": total}))
        };
        assert_eq!(line(2, 5, 90), "page 2 of 5 (90 in all; --page N for another, --all for every one)\n");
        assert_eq!(line(1, 1, 3), "page 1 of 1 (3 in all)\n");
        assert_eq!(line(9, 1, 3), "page 9 is past the last, 1 (3 in all; --page 1 reads the last)\n");
        assert_eq!(line(1, 1, 0), "", "an empty list's table says so alone");
        assert_eq!(
            page_line(&json!({"current_page": 2})),
            "page 2 of ? (? in all; --page N for another, --all for every one)\n"
        );
    }

    #[test]
    fn a_list_is_a_table_with_the_identifying_columns_first() {
        let text = human(&json!({"success": true, "data": [
            {"status": "draft", "name": "Support", "id": "a1", "voice": {"id": "v"}},
            {"status": "published", "name": "Sales", "id": "a2"}
        ], "pagination": {"current_page": 1, "last_page": 3, "total": 5}}));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["ID", "NAME", "STATUS"]);
        assert_eq!(lines[2].split_whitespace().collect::<Vec<_>>(), ["a2", "Sales", "published"]);
        assert!(lines[3].starts_with("page 1 of 3 (5 in all"), "{text}");
    }

    /// A webhook's logs, the newest a success: the failed ones' reason is still a column, the last.
    fn logs() -> Vec<Value> {
        let id = |n: u32| format!("9d2f6c1e-5b7a-4c3e-8f00-00000000000{n}");
        vec![
            json!({"id": id(5), "status": "success", "event": "event_phone_call_ended", "attempt": 5,
                   "delivered_at": "2026-12-07T14:17:06Z", "duration_ms": 6, "created_at": "2026-12-07T14:17:06Z"}),
            json!({"id": id(4), "status": "failed", "event": "event_phone_call_ended", "attempt": 4,
                   "error": "cannot connect to 127.0.0.1:18799: Connection refused", "duration_ms": 0,
                   "created_at": "2026-12-07T14:16:06Z"}),
        ]
    }

    #[test]
    fn lists_of_ids_hold_no_resources_even_when_one_is_empty() {
        // trigger-calendars-sync: which calendars sync, which were up to date, both lists of ids.
        for (syncing, up_to_date) in [(json!(["calendar-uuid-1"]), json!([])), (json!([]), json!(["c2"]))] {
            let answer = json!({"success": true, "data": {"syncing": syncing, "up_to_date": up_to_date}});
            assert_eq!(resources(&answer, Some("trigger-calendars-sync")), None, "{answer}");
        }
        // An empty list of resources the operation names is still one (list-campaign-webhooks with none).
        let answer = json!({"success": true, "data": {"webhooks": [], "available_events": ["call.ended"]}});
        assert_eq!(resources(&answer, Some("list-campaign-webhooks")), Some(vec![]));
    }

    #[test]
    fn a_retried_deliverys_id_is_its_new_log() {
        let answer = json!({"success": true, "data": {"log_id": "new-log", "original_log_id": "old-log"}});
        let ids: Vec<String> =
            resources(&answer, Some("retry-webhook-log")).unwrap().into_iter().filter_map(id_of).collect();
        assert_eq!(ids, ["new-log"]);
    }

    #[test]
    fn a_failures_reason_is_a_column_of_a_table_whichever_row_has_it() {
        let text = table_within(&logs(), None);
        let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(header[..3], ["ID", "STATUS", "EVENT"], "what each row is comes early: {text}");
        assert_eq!(header.last(), Some(&"ERROR"), "{text}");
        assert!(text.contains("cannot connect to 127.0.0.1:18799: Connection refused"), "{text}");
    }

    #[test]
    fn a_table_fits_the_terminals_width_and_names_what_it_left_out() {
        let text = table_within(&logs(), Some(80));
        assert!(text.lines().take(3).all(|line| line.width() <= 80), "{text}");
        let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
        assert_eq!((header[0], header[header.len() - 1]), ("ID", "ERROR"), "{text}");
        assert!(text.contains("cannot connect to"), "{text}");
        let note = text.lines().last().unwrap();
        assert!(note.starts_with("(not shown at this width: ") && note.contains("created_at"), "{text}");
        // Narrower still: the id and the reason, cut, rather than lines that wrap.
        let narrow = table_within(&logs(), Some(60));
        assert!(narrow.lines().take(3).all(|line| line.width() <= 60), "{narrow}");
        assert!(narrow.lines().next().unwrap().ends_with("ERROR"), "{narrow}");
        // Narrower than the id: the id whole, alone.
        let id = table_within(&logs(), Some(24));
        assert!(id.contains("9d2f6c1e-5b7a-4c3e-8f00-000000000004\n"), "{id}");
        // Room enough: as without a width.
        assert_eq!(table_within(&logs(), Some(400)), table_within(&logs(), None));
    }

    #[test]
    fn control_characters_are_shown_escaped_not_sent_to_the_terminal() {
        let label = "\u{1b}[31mRED\u{1b}]0;pwned\u{7}\nline2";
        let table = human(&json!({"data": [{"id": "a1", "label": label}]}));
        assert_eq!(table.lines().count(), 2, "{table}");
        assert!(!table.chars().any(|c| c.is_control() && c != '\n'), "{table:?}");
        assert!(table.contains("\\u{1b}[31mRED"), "{table}");
        let one = human(&json!({"data": {"id": "a1", "label": label}}));
        assert_eq!(one.lines().count(), 2, "{one}");
        assert!(!one.chars().any(|c| c.is_control() && c != '\n'), "{one:?}");
    }

    #[test]
    fn a_list_inside_an_answer_is_a_table_of_its_own() {
        let text = human(&json!({"data": {"available_events": {"event_a": "A"},
            "webhooks": [{"id": "w1", "name": "Hook", "status": "active"}, {"id": "w2", "name": "Other"}]}}));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("available_events.event_a") && lines[0].ends_with(" A"), "{text}");
        assert_eq!(lines[2], "webhooks:", "{text}");
        assert_eq!(lines[3].split_whitespace().collect::<Vec<_>>(), ["ID", "NAME", "STATUS"], "{text}");
        assert!(lines[4].starts_with("w1") && lines[5].starts_with("w2"), "{text}");

        // A large object is one line: the table is not pushed off the screen.
        let events: serde_json::Map<String, Value> = (0..22).map(|i| (format!("event_{i}"), json!("E"))).collect();
        let text = human(&json!({"data": {"available_events": events, "webhooks": [{"id": "w1"}]}}));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["available_events", "{22", "fields}"], "{text}");
        assert_eq!(lines[2], "webhooks:", "{text}");
    }

    #[test]
    fn groups_without_ids_are_shown_as_the_resources_they_hold() {
        let voice = |id: &str, tier: &str| json!({"id": id, "name": "Bianca", "quality_tier": tier});
        let text = human(&json!({"data": [
            {"display_name": "Bianca", "voices": [voice("v1", "basic"), voice("v2", "pro")]},
            {"display_name": "Isabela", "voices": [voice("v3", "basic")]},
        ]}));
        let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split_whitespace().collect()).collect();
        assert_eq!(rows[0], ["ID", "NAME", "QUALITY_TIER"], "{text}");
        assert_eq!(rows[1..].iter().map(|r| r[0]).collect::<Vec<_>>(), ["v1", "v2", "v3"], "{text}");
        // Items with ids of their own stay as they are.
        let text = human(&json!({"data": [{"id": "a1", "voices": [voice("v1", "basic")]}]}));
        assert!(text.lines().nth(1).is_some_and(|l| l.starts_with("a1")), "{text}");
    }

    #[test]
    fn wide_characters_take_two_columns_when_cut_and_padded() {
        assert_eq!(padded("東京", 6), "東京  ");
        assert_eq!(padded("ab", 6), "ab    ");
        let cut_text = cut("東京東京東京".into(), 7);
        assert_eq!(cut_text, "東京東…", "6 columns of text and the ellipsis");
        assert_eq!(cut("short".into(), 40), "short");
    }

    #[test]
    fn ids_are_those_of_a_list_or_of_the_one_resource() {
        let list = json!({"data": [{"id": "a1"}, {"id": 7}], "pagination": {"total": 2}});
        assert_eq!(ids(&list, None), Some(vec!["a1".into(), "7".into()]));
        assert_eq!(
            ids(&json!({"success": true, "data": {"id": "c1", "agent": {"id": "a"}}}), None),
            Some(vec!["c1".into()])
        );
        assert_eq!(ids(&json!({"id": "x"}), None), Some(vec!["x".into()]));
        assert_eq!(ids(&json!({"data": []}), None), Some(vec![]));
        let webhooks = json!({"data": {"available_events": {"e": "E"}, "webhooks": [{"id": "w1"}, {"id": "w2"}]}});
        assert_eq!(ids(&webhooks, None), Some(vec!["w1".into(), "w2".into()]));
        let none_yet = json!({"data": {"available_events": {"e": "E"}, "webhooks": []}});
        assert_eq!(ids(&none_yet, Some("list-agent-webhooks")), Some(vec![]));
        let beside = json!({"data": {"tags": [], "call": {"id": "c2"}}});
        assert_eq!(ids(&beside, None), Some(vec!["c2".into()]), "an empty list beside a resource");
        assert_eq!(ids(&json!({"data": {"call": {"id": "c9"}, "count": 1}}), None), Some(vec!["c9".into()]));
        let queued = json!({"campaign_call": {"id": "c"}, "campaign": {"id": "k"}});
        assert_eq!(ids(&queued, None), None, "two kinds");
        assert_eq!(ids(&queued, Some("make-campaign-call")), Some(vec!["c".into()]), "the one the operation names");
        assert_eq!(ids(&json!({"success": true, "message": "Deleted"}), None), None);
        assert_eq!(ids(&json!({"data": [{"id": "a"}, {"name": "no id"}]}), None), None);
        // Voice template groups stand for their voices; integrations go by their identifier.
        let groups =
            json!({"data": [{"name": "Ana", "voices": [{"id": "v1"}, {"id": "v2"}]}, {"voices": [{"id": "v3"}]}]});
        assert_eq!(ids(&groups, None), Some(vec!["v1".into(), "v2".into(), "v3".into()]));
        let integrations = json!({"data": [{"identifier": "calendar", "display_name": "Calendar Booking"}]});
        assert_eq!(ids(&integrations, None), Some(vec!["calendar".into()]));
        let failure = id_lines(&json!({"balance": 3}), None).unwrap_err();
        let Failure::NoId(message) = &failure else { panic!("{failure:?}") };
        assert!(message.contains("carried out") && message.contains("no id"), "{message}");
        assert_eq!(failure.exit_code(), 17, "not 2: the request was sent");
        assert!(!message.contains("not safe to repeat"), "{message}");
        // A request not safe to repeat is not to be run again to see its answer.
        let Failure::NoId(message) = id_lines(&json!({"balance": 3}), Some("create-agent")).unwrap_err() else {
            panic!("an answer without an id")
        };
        assert!(message.ends_with("do not run it again to see the answer"), "{message}");
        // A purchase is named by its transaction.
        let purchase = json!({"success": true, "data": {"amount_charged": "25.00", "transaction_id": "txn_1"}});
        assert_eq!(ids(&purchase, Some("purchase-credits")), Some(vec!["txn_1".into()]));
    }

    #[test]
    fn one_resource_shows_its_fields_by_path() {
        let text = human(&json!({"campaign_call": {"id": "c1", "to": "+15550100"}, "campaign": {"id": "k"}}));
        assert!(text.contains("campaign_call.id  c1\n"), "{text}");
        assert!(text.contains("campaign.id       k\n"), "{text}");
    }

    #[test]
    fn one_resource_shows_what_names_it_first() {
        let text = human(&json!({"data": {"ask_if_human_present_on_idle": false, "direction": "inbound",
            "current_status": "draft", "name": "SupportBot", "id": "a1", "voice": {"id": "v1"}}}));
        let names: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().next()).collect();
        assert_eq!(names, ["id", "name", "current_status", "direction", "ask_if_human_present_on_idle", "voice.id"]);
    }
}
