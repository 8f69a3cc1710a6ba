//! The uses between talkover-core's modules: no two of them may use each other.
//!
//! A module is a file of `crates/talkover-core/src`, or a folder there with its files (`calendars/…`,
//! `fixture/…`); `lib.rs` and `macros.rs` are the crate's frame, not modules of it. A module uses another
//! where its code names `crate::other` (in a path, a `use crate::{other::…}` group, or a serde attribute's
//! text). Comments and the code under `#[cfg(test)]` do not count: a doc link is no dependency, and a test
//! may reach the whole crate. `$crate::` in an exported macro is the expander's use, not the module's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::root;

/// One use of a module by another: where, for the message.
#[derive(Debug)]
struct Use {
    file: String,
    line: usize,
}

/// Fails when two modules of the core use each other, naming a line of each side.
pub fn check() -> Result<(), String> {
    let src = root().join("crates/talkover-core/src");
    let mut files = Vec::new();
    collect(&src, &mut files)?;
    files.sort();
    let mut sources = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).map_err(|e| e.to_string())?.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        sources.push((rel, text));
    }
    let edges = edges(&sources);
    let cycles = cycles(&edges);
    if cycles.is_empty() {
        eprintln!("lint: {} uses between talkover-core's modules, none both ways", edges.len());
        return Ok(());
    }
    let mut message =
        String::from("talkover-core: these modules use each other (move what both need into one of them, or a third):");
    for Cycle { pair: (a, b), there, back } in cycles {
        let (there, back) = (format!("{}:{}", there.file, there.line), format!("{}:{}", back.file, back.line));
        message.push_str(&format!("\n  {a} -> {b} ({there}) and {b} -> {a} ({back})"));
    }
    Err(message)
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// The module a file belongs to: its first path component without `.rs`; `None` for the crate's frame.
fn module_of(rel: &str) -> Option<&str> {
    let first = rel.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "macros")).then_some(name)
}

/// Every use of one module by another (the first place it is seen), from `(path under src, text)` pairs.
fn edges(sources: &[(String, String)]) -> BTreeMap<(String, String), Use> {
    let modules: BTreeSet<&str> = sources.iter().filter_map(|(rel, _)| module_of(rel)).collect();
    let mut edges = BTreeMap::new();
    for (rel, text) in sources {
        let Some(from) = module_of(rel) else { continue };
        for (line, target) in uses(text) {
            if target != from && modules.contains(target.as_str()) {
                edges.entry((from.to_owned(), target)).or_insert(Use { file: rel.clone(), line });
            }
        }
    }
    edges
}

/// Two modules that use each other (`pair.0 < pair.1`), with a place of each direction.
#[derive(Debug)]
struct Cycle<'a> {
    pair: &'a (String, String),
    there: &'a Use,
    back: &'a Use,
}

/// The pairs of modules that use each other.
fn cycles(edges: &BTreeMap<(String, String), Use>) -> Vec<Cycle<'_>> {
    edges
        .iter()
        .filter(|((a, b), _)| a < b)
        .filter_map(|(pair, there)| {
            edges.get(&(pair.1.clone(), pair.0.clone())).map(|back| Cycle { pair, there, back })
        })
        .collect()
}

/// The names that follow `crate::` in a file's code, with their line numbers (from 1): comments and the
/// items under `#[cfg(test)]` (to the end of their braces, or of a one-line item; a brace in their
/// strings, characters and comments does not count) left out.
fn uses(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Inside `crate::{…}`: the depth, and whether a name comes next.
    let mut group: Option<(u32, bool)> = None;
    // Inside a `#[cfg(test)]` item: its brace depth, whether it has opened, and whether a line ends in a
    // string that goes on.
    let mut test_item: Option<(i64, bool, Open)> = None;
    for (index, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if let Some((depth, opened, open)) = test_item.as_mut() {
            for b in structure(line, open) {
                match b {
                    b'{' => (*depth, *opened) = (*depth + 1, true),
                    b'}' => *depth -= 1,
                    b';' if !*opened => *opened = true,
                    _ => {}
                }
            }
            if *opened && *depth <= 0 {
                test_item = None;
            }
            continue;
        }
        if code.starts_with("//") {
            continue;
        }
        if code.starts_with("#[cfg(test)]") {
            test_item = Some((0, false, Open::Code));
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        let bytes = code.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if let Some((depth, expecting)) = group.as_mut() {
                match bytes[i] {
                    b'{' => *depth += 1,
                    b'}' if *depth == 1 => group = None,
                    b'}' => *depth -= 1,
                    b',' if *depth == 1 => *expecting = true,
                    c if c.is_ascii_alphabetic() && *expecting => {
                        let name = ident(&code[i..]);
                        found.push((index + 1, name.to_owned()));
                        *expecting = false;
                        i += name.len();
                        continue;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            if bytes[i..].starts_with(b"crate::") && (i == 0 || !is_ident_byte(bytes[i - 1]) && bytes[i - 1] != b'$') {
                i += "crate::".len();
                if bytes.get(i) == Some(&b'{') {
                    group = Some((1, true));
                    i += 1;
                    continue;
                }
                let name = ident(&code[i..]);
                if !name.is_empty() {
                    found.push((index + 1, name.to_owned()));
                }
                i += name.len();
                continue;
            }
            i += 1;
        }
    }
    found
}

/// Where a line of a test item ends: in code, or inside a string or raw string (with its number of `#`)
/// that goes on to the next line.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Open {
    Code,
    Str,
    Raw(usize),
}

/// The braces and semicolons of `line` that are code, not inside a string, a character or a comment;
/// `open` says where the line starts and is left where it ends.
fn structure(line: &str, open: &mut Open) -> Vec<u8> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match *open {
            Open::Str => {
                match b[i] {
                    b'\\' => i += 1,
                    b'"' => *open = Open::Code,
                    _ => {}
                }
                i += 1;
            }
            Open::Raw(hashes) => {
                let closes = b[i] == b'"' && b.len() > i + hashes && b[i + 1..=i + hashes].iter().all(|&c| c == b'#');
                if closes {
                    *open = Open::Code;
                    i += 1 + hashes;
                } else {
                    i += 1;
                }
            }
            Open::Code => match b[i] {
                b'/' if b.get(i + 1) == Some(&b'/') => break,
                b'"' => {
                    *open = Open::Str;
                    i += 1;
                }
                // `r"…"`, `r#"…"#`, `br"…"`: a raw string, unless the `r` ends a name.
                b'r' if i == 0
                    || !is_ident_byte(b[i - 1])
                    || (b[i - 1] == b'b' && (i == 1 || !is_ident_byte(b[i - 2]))) =>
                {
                    let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                    if b.get(i + 1 + hashes) == Some(&b'"') {
                        *open = Open::Raw(hashes);
                        i += 2 + hashes;
                    } else {
                        i += 1;
                    }
                }
                // A character (`'{'`, `'\''`, `'é'`), or a lifetime (`'a`), which has no closing quote.
                b'\'' => {
                    if b.get(i + 1) == Some(&b'\\') {
                        i += 3;
                        while i < b.len() && b[i] != b'\'' {
                            i += 1;
                        }
                        i += 1;
                    } else {
                        let width = line[i + 1..].chars().next().map_or(0, char::len_utf8);
                        i += if b.get(i + 1 + width) == Some(&b'\'') { 2 + width } else { 1 };
                    }
                }
                c @ (b'{' | b'}' | b';') => {
                    out.push(c);
                    i += 1;
                }
                _ => i += 1,
            },
        }
    }
    out
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn ident(text: &str) -> &str {
    let end = text.bytes().position(|b| !is_ident_byte(b)).unwrap_or(text.len());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> Vec<(String, String)> {
        files.iter().map(|(rel, text)| (rel.to_string(), text.to_string())).collect()
    }

    #[test]
    fn names_after_crate_are_read_in_paths_groups_and_attributes() {
        let text = "use crate::page::{Page, Pagination};\n\
                    use crate::{error::Error, ids::{AgentId, CallId}, validate};\n\
                    #[serde(deserialize_with = \"crate::time::lenient\")]\n\
                    let x = crate::json_body::answer_json(b);\n";
        let names: Vec<(usize, String)> = uses(text);
        let names: Vec<(usize, &str)> = names.iter().map(|(line, name)| (*line, name.as_str())).collect();
        assert_eq!(names, [(1, "page"), (2, "error"), (2, "ids"), (2, "validate"), (3, "time"), (4, "json_body")]);
    }

    #[test]
    fn comments_tests_and_macro_paths_are_not_uses() {
        let text = "/// See [`Call`](crate::calls::Call).\n\
                    // crate::agents is mentioned here\n\
                    let a = $crate::agents::Agent::new();\n\
                    let b = 1; // crate::flows\n\
                    #[cfg(test)]\n\
                    mod tests {\n\
                        use crate::registry;\n\
                        fn f() { let _ = \"{}\"; }\n\
                    }\n\
                    #[cfg(test)]\n\
                    use crate::fixture;\n\
                    pub(crate) fn after() -> crate::page::Page { todo!() }\n";
        assert_eq!(uses(text), [(12, "page".to_owned())]);
    }

    #[test]
    fn braces_in_a_test_items_literals_and_comments_do_not_end_it() {
        let text = [
            "#[cfg(test)]",
            "mod tests {",
            "    fn f<'a>(x: &'a str) -> char { let _ = '{'; let _ = '\\''; '}' }",
            "    const OPEN: &str = \"{\"; // and a comment's {",
            "    const RAW: &str = r#\"}\"#;",
            "    const LONG: &str = \"one line {",
            "        and the next } }\";",
            "    const BYTES: &[u8] = br\"{\";",
            "    use crate::registry;",
            "}",
            "use crate::page;",
        ]
        .join("\n");
        assert_eq!(uses(&text), [(11, "page".to_owned())]);
    }

    #[test]
    fn a_line_is_read_for_its_code_alone() {
        let mut open = Open::Code;
        assert_eq!(structure("fn f() { \"}\" } // {", &mut open), b"{}");
        assert_eq!(structure("let s = \"a {", &mut open), b"");
        assert_eq!(open, Open::Str);
        assert_eq!(structure("b \\\" } c\"; {", &mut open), b";{");
        assert_eq!(structure("let r = r##\"\"# }\"##;", &mut open), b";");
        assert_eq!(open, Open::Code);
        assert_eq!(structure("let c = 'é'; let d = '\\u{7b}'; {", &mut open), b";;{");
    }

    #[test]
    fn two_modules_that_use_each_other_are_a_cycle_and_one_way_is_not() {
        let files = sources(&[
            ("lib.rs", "pub mod envelope; pub mod page; pub mod error;\nuse crate::page::Page;\n"),
            ("envelope.rs", "use crate::page::Page;\nuse crate::error::Error;\n"),
            ("page.rs", "use crate::error::Error;\n\nuse crate::envelope::ListEnvelope;\n"),
            ("error.rs", "use crate::macros::x;\n"),
            ("calendars/mod.rs", "pub mod events;\n"),
            ("calendars/events.rs", "use crate::calendars::CalendarId;\nuse crate::error::Error;\n"),
        ]);
        let edges = edges(&files);
        let found = cycles(&edges);
        assert_eq!(found.len(), 1, "{found:?}");
        let Cycle { pair: (a, b), there, back } = &found[0];
        assert_eq!((a.as_str(), b.as_str()), ("envelope", "page"));
        assert_eq!((there.file.as_str(), there.line), ("envelope.rs", 1));
        assert_eq!((back.file.as_str(), back.line), ("page.rs", 3));
        assert!(edges.contains_key(&("calendars".to_owned(), "error".to_owned())));
        assert!(!edges.keys().any(|(from, to)| from == to || from == "lib" || to == "macros"));
    }
}
