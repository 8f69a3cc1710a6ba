//! `cargo xtask errors`: the documented failures of every operation, read from the reference pages into
//! the core's table (`talkover_core::documented_errors`), and the `# Errors` section of every handler
//! written from that table. `cargo xtask lint` checks that both are up to date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use talkover::documented_errors;

use crate::{reference_pages, root};

/// One documented failure as read from a page: status, code, the page's title for it.
type Row = (u16, Option<String>, Option<String>);

/// The generated table of the core.
fn table_path() -> PathBuf {
    root().join("crates/talkover-core/src/documented_errors/table.rs")
}

/// The handler modules of the facade.
fn handler_files() -> Result<Vec<PathBuf>, String> {
    let dir = root().join("crates/talkover/src/resources");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    Ok(files)
}

/// Regenerates the table from the pages (when they are beside the repository) and the handlers' sections
/// from the table as compiled into this program. Run it twice after the pages change: the second run
/// writes the sections from the new table.
pub fn generate() -> Result<(), String> {
    match reference_pages() {
        Some(pages) => {
            let table = read_pages(&pages)?;
            let text = render_table(&table);
            std::fs::write(table_path(), text).map_err(|e| format!("{}: {e}", table_path().display()))?;
            if !table_matches_core(&table) {
                eprintln!(
                    "errors: the table changed; run `cargo xtask errors` again to write the handlers' sections from it"
                );
            }
        }
        None => eprintln!("errors: the API reference was not found beside the repository; the table is kept"),
    }
    for file in handler_files()? {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let (updated, _) = with_sections(&text);
        if updated != text {
            std::fs::write(&file, updated).map_err(|e| format!("{}: {e}", file.display()))?;
            eprintln!("errors: wrote {}", file.display());
        }
    }
    Ok(())
}

/// Fails when the table differs from the pages, or a handler's `# Errors` section from the table.
pub fn check() -> Result<(), String> {
    let mut problems = Vec::new();
    match reference_pages() {
        Some(pages) if !table_matches_core(&read_pages(&pages)?) => {
            problems.push("the documented-errors table differs from the reference pages".to_owned())
        }
        Some(_) => {}
        None => eprintln!("lint: the API reference was not found beside the repository; the errors table not checked"),
    }
    let mut covered = 0;
    for file in handler_files()? {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let (updated, count) = with_sections(&text);
        covered += count;
        if updated != text {
            problems.push(format!("{}: an `# Errors` section is missing or stale", file.display()));
        }
    }
    if problems.is_empty() {
        eprintln!("errors: {covered} handler methods document their errors");
        Ok(())
    } else {
        Err(format!("{}\n  (run `cargo xtask errors`)", problems.join("\n  ")))
    }
}

/// Whether `table` is the table compiled into the core.
fn table_matches_core(table: &BTreeMap<String, Vec<Row>>) -> bool {
    let core: BTreeMap<String, Vec<Row>> = documented_errors::all()
        .map(|(id, errors)| {
            let rows =
                errors.iter().map(|e| (e.status, e.code.map(str::to_owned), e.title.map(str::to_owned))).collect();
            (id.to_owned(), rows)
        })
        .collect();
    &core == table
}

/// The documented failures of every page in `dir` that documents any.
fn read_pages(dir: &Path) -> Result<BTreeMap<String, Vec<Row>>, String> {
    let mut table = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(id) =
            path.file_stem().and_then(|s| s.to_str()).filter(|_| path.extension().is_some_and(|e| e == "mdx"))
        else {
            continue;
        };
        if talkover::registry::operation(id).is_none() {
            continue;
        }
        let page = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let rows = read_page(&page);
        if !rows.is_empty() {
            table.insert(id.to_owned(), rows);
        }
    }
    Ok(table)
}

/// The failures one page documents: its headings and example titles that name a 4xx or 5xx status (with
/// the code of the example below them, if any), and the rows of its error-code table.
fn read_page(page: &str) -> Vec<Row> {
    let lines: Vec<&str> = page.lines().collect();
    let mut rows: Vec<Row> = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if let Some((code, status)) = code_table_row(trimmed) {
            rows.push((status, Some(code), None));
            continue;
        }
        if let Some(status) = note_failure(trimmed) {
            rows.push((status, None, None));
            continue;
        }
        let Some(title) = block_title(trimmed) else { continue };
        let Some(status) = error_status(title) else { continue };
        let code =
            lines[at + 1..].iter().map(|l| l.trim()).take_while(|l| block_title(l).is_none()).find_map(example_code);
        rows.push((status, code, title_words(title, status)));
    }
    // A heading without a code adds nothing where the page lists codes for its status.
    let coded: Vec<u16> = rows.iter().filter(|r| r.1.is_some()).map(|r| r.0).collect();
    rows.retain(|r| r.1.is_some() || !coded.contains(&r.0));
    // One row per status and code, keeping a title where any occurrence has one.
    let mut merged: BTreeMap<(u16, Option<String>), Option<String>> = BTreeMap::new();
    for (status, code, title) in rows {
        let slot = merged.entry((status, code)).or_default();
        if slot.is_none() {
            *slot = title;
        }
    }
    merged.into_iter().map(|((status, code), title)| (status, code, title)).collect()
}

/// The status of a note saying this operation fails with it (publish-agent: "the publish call will fail
/// with a `422` validation error"); not one about other requests ("new requests will fail with `401`").
fn note_failure(line: &str) -> Option<u16> {
    let note = line.strip_prefix("- ")?;
    if note.contains("requests") {
        return None;
    }
    let (_, after) = note.split_once("fail with a `").or_else(|| note.split_once("fails with `"))?;
    let status: u16 = after.split('`').next()?.parse().ok()?;
    (400..600).contains(&status).then_some(status)
}

/// The text of a heading (`### 404 Not Found`) or of an example's title (`<ResponseExample title="…">`).
fn block_title(line: &str) -> Option<&str> {
    if line.starts_with('#') {
        return Some(line.trim_start_matches('#').trim());
    }
    let rest = line.strip_prefix("<ResponseExample title=\"")?;
    rest.split('"').next()
}

/// The first 4xx or 5xx status a title names.
fn error_status(title: &str) -> Option<u16> {
    title
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| n.len() == 3 && (n.starts_with('4') || n.starts_with('5')))
        .find_map(|n| n.parse().ok())
}

/// The words of a title besides its status: `409 Conflict — Duplicate Call` gives `Duplicate Call`,
/// `Validation Error (422)` gives `Validation Error`.
fn title_words(title: &str, status: u16) -> Option<String> {
    let without = title.replace(&format!("({status})"), "").replace(&status.to_string(), "");
    let words = without.rsplit('—').next().unwrap_or_default().trim().trim_matches(['-', ':', ' ']).trim();
    (!words.is_empty()).then(|| words.to_owned())
}

/// `| \`CODE\` | description | 409 |`: the code and its status.
fn code_table_row(line: &str) -> Option<(String, u16)> {
    let cells: Vec<&str> = line.strip_prefix('|')?.strip_suffix('|')?.split('|').map(str::trim).collect();
    let code = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
    let status: u16 = cells.last()?.parse().ok()?;
    (is_code(code) && (400..600).contains(&status)).then(|| (code.to_owned(), status))
}

/// The code of an example line: `"code": "X"` or `"error": "X"` with `X` in capitals.
fn example_code(line: &str) -> Option<String> {
    for key in ["\"code\":", "\"error\":"] {
        if let Some(rest) = line.strip_prefix(key) {
            let value = rest.trim().trim_end_matches(',').trim().strip_prefix('"')?.strip_suffix('"')?;
            if is_code(value) {
                return Some(value.to_owned());
            }
        }
    }
    None
}

fn is_code(text: &str) -> bool {
    text.len() > 3
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn render_table(table: &BTreeMap<String, Vec<Row>>) -> String {
    let quote = |text: &Option<String>| match text {
        Some(text) => format!("Some({text:?})"),
        None => "None".to_owned(),
    };
    let mut out = String::from(
        "//! Generated by `cargo xtask errors` from the API reference pages (their error headings, example\n\
         //! titles and error-code tables). Do not edit: change the generator or the pages.\n\n\
         use super::DocumentedError as E;\n\n\
         /// Every operation whose page documents failures, by id, with them.\n\
         #[rustfmt::skip]\n\
         pub(super) const TABLE: &[(&str, &[E])] = &[\n",
    );
    for (id, rows) in table {
        out.push_str(&format!("    ({id:?}, &[\n"));
        for (status, code, title) in rows {
            out.push_str(&format!("        E::new({status}, {}, {}),\n", quote(code), quote(title)));
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    out
}

/// `text` (a handler module) with the `# Errors` section of every documented handler method written from
/// the table, and the number of methods that have one.
fn with_sections(text: &str) -> (String, usize) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + 4096);
    let mut count = 0;
    let mut at = 0;
    while at < lines.len() {
        let doc_start = at;
        while at < lines.len() && lines[at].trim_start().starts_with("///") {
            at += 1;
        }
        if at == doc_start {
            out.push_str(lines[at]);
            at += 1;
            continue;
        }
        let block = &lines[doc_start..at];
        let mut item = at;
        while item < lines.len() && lines[item].trim_start().starts_with("#[") {
            item += 1;
        }
        // A method, or a `direct_call!` line (`current_user -> User = GetCurrentUser::new()`).
        let is_method = lines.get(item).is_some_and(|l| {
            let l = l.trim_start();
            l.starts_with("pub fn ") || l.split_once(" -> ").is_some_and(|(name, _)| is_identifier(name))
        });
        match (is_method, operation_of(block[0])) {
            (true, Some(id)) => {
                count += 1;
                let indent = &block[0][..block[0].len() - block[0].trim_start().len()];
                let kept = without_section(block);
                for line in &kept {
                    out.push_str(line);
                }
                out.push_str(&format!("{indent}///\n"));
                for line in documented_errors::errors_section(&id) {
                    if line.is_empty() {
                        out.push_str(&format!("{indent}///\n"));
                    } else {
                        out.push_str(&format!("{indent}/// {line}\n"));
                    }
                }
            }
            _ => block.iter().for_each(|line| out.push_str(line)),
        }
    }
    (out, count)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// The operation id of the reference link on a doc line.
fn operation_of(line: &str) -> Option<String> {
    let marker = "api-reference/endpoints/";
    let rest = &line[line.find(marker)? + marker.len()..];
    let id: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
    talkover::registry::operation(&id).map(|_| id)
}

/// A doc block without its `# Errors` section (which runs to the next heading or the end), and without
/// the blank doc lines before it.
fn without_section<'a>(block: &[&'a str]) -> Vec<&'a str> {
    let doc = |line: &str| line.trim_start().trim_start_matches("///").trim().to_owned();
    let Some(start) = block.iter().position(|line| doc(line) == "# Errors") else {
        return block.to_vec();
    };
    let end =
        block[start + 1..].iter().position(|line| doc(line).starts_with("# ")).map_or(block.len(), |i| start + 1 + i);
    let mut kept: Vec<&str> = block[..start].to_vec();
    while kept.last().is_some_and(|line| doc(line).is_empty()) {
        kept.pop();
    }
    if end < block.len() {
        kept.push(block[start - 1]);
        kept.extend_from_slice(&block[end..]);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gives_its_headings_codes_and_table() {
        let page = "## Error responses\n\n### 404 Not Found\n\n```json\n{\n  \"success\": false,\n  \"message\": \"Agent not found\"\n}\n```\n\n### 409 Conflict\n\n```json\n{\"message\": \"busy\"}\n```\n\n### 409 — Call Already Ended\n\n```json\n{\n  \"code\": \"CALL_NOT_ACTIVE\",\n}\n```\n\n<ResponseExample title=\"422 Validation Error\">\n\n## Error codes\n\n| Code | Description | HTTP Status |\n|------|-------------|-------------|\n| `AGENT_NOT_FOUND` | gone | 404 |\n";
        assert_eq!(
            read_page(page),
            [
                (404, Some("AGENT_NOT_FOUND".to_owned()), None),
                (409, Some("CALL_NOT_ACTIVE".to_owned()), Some("Call Already Ended".to_owned())),
                (422, None, Some("Validation Error".to_owned())),
            ]
        );
    }

    #[test]
    fn sections_are_written_once_and_replaced_in_place() {
        let source = "    /// [Delete an agent](https://docs.talkover.ai/api-reference/endpoints/delete-agent).\n    pub fn delete(&self) {}\n";
        let (once, count) = with_sections(source);
        assert_eq!(count, 1);
        assert!(once.contains("    /// # Errors\n") && once.contains("`AGENT_IS_PUBLISHED`"), "{once}");
        assert_eq!(with_sections(&once).0, once, "a second run changes nothing");
        let before_example =
            once.replace("    pub fn", "    ///\n    /// # Examples\n    ///\n    /// Text.\n    pub fn");
        let again = with_sections(&before_example).0;
        assert_eq!(again.matches("# Errors").count(), 1, "{again}");
    }
}
