//! The project's tasks: `cargo xtask test | lint | msrv | package | conformance | operations | bench`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use talkover::fixture;
use talkover_conformance::{fixtures_dir, run_and_report, Mode};

mod errors_doc;
mod module_edges;
mod page_fields;
mod publish;

const USAGE: &str = "usage: cargo xtask <command>

  test                              everything CI runs: lint, the tests of every crate in the feature
                                    matrix, conformance in memory and over loopback HTTP
  lint                              fmt, clippy (warnings denied), dependency and fixture checks
  conformance [--fixtures DIR] [--wire]
                                    run fixtures (default: tests/fixtures) through the SDK
  msrv                              install the declared rust-version with rustup and check the library
                                    crates on it, every feature set, with the locked dependencies
  package                           `cargo package` each published crate into target/package, unpack
                                    them and build each from its unpacked folder, siblings patched in
  operations                        list every operation: <id> <METHOD> <path template>
  errors                            read each operation's documented failures from the reference pages into
                                    the core's table, and write every handler's `# Errors` section from it
  bench [--quick]                   the benchmarks (release build); writes target/bench/report.json";

/// Crates no part of the core's dependency tree may contain, with any of its features, on any target, as a
/// dependency or a build-dependency: HTTP clients and servers, async runtimes and their I/O, TLS stacks.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "reqwest",
    "ureq",
    "hyper",
    "hyper-util",
    "h2",
    "curl",
    "isahc",
    "tokio",
    "mio",
    "async-std",
    "smol",
    "async-io",
    "rustls",
    "native-tls",
    "openssl",
    "ring",
    "aws-lc-rs",
];
/// Crates the blocking path's tree may not contain (the blocking transport, the facade with only blocking
/// features, the command line without the emulator): async runtimes and the async HTTP stack.
const FORBIDDEN_IN_UREQ: &[&str] =
    &["reqwest", "hyper", "hyper-util", "h2", "tokio", "mio", "async-std", "smol", "async-io"];
/// The command line's own dependencies: the library's tree, whatever its features, stays without them.
const CLI_ONLY: &[&str] = &["talkover-cli", "clap", "clap_builder", "indicatif", "console", "csv", "csv-core"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("lint") => lint(),
        Some("conformance") => conformance(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("msrv") => publish::msrv(),
        Some("package") => publish::package(),
        Some("errors") => errors_doc::generate(),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("operations") => {
            for op in talkover::registry::operations() {
                println!("{} {} {}", op.id, op.method, op.path);
            }
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("xtask: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn conformance(args: &[String]) -> Result<(), String> {
    let mut dir = fixtures_dir();
    let mut mode = Mode::InMemory;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--wire" => mode = Mode::Wire,
            "--fixtures" => dir = PathBuf::from(rest.next().ok_or("--fixtures needs a folder")?),
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if run_and_report(&dir, mode) {
        Ok(())
    } else {
        Err("conformance failed".into())
    }
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("$ cargo {}", args.join(" "));
    let status =
        Command::new(cargo).args(args).current_dir(root()).status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed", args.join(" ")))
    }
}

fn cargo_output(args: &[&str]) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output =
        Command::new(cargo).args(args).current_dir(root()).output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo {}` failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The feature sets of the facade that CI builds and tests.
const FEATURE_MATRIX: &[(&str, &[&str])] = &[
    ("no default features", &["--no-default-features"]),
    ("reqwest", &["--no-default-features", "--features", "reqwest"]),
    ("ureq", &["--no-default-features", "--features", "ureq"]),
    // Both transports together, with the registry (the rows above build without it).
    ("reqwest, ureq and the registry", &["--no-default-features", "--features", "reqwest,ureq,registry"]),
];

/// `cargo <subcommand> --locked -p talkover` with each feature set of [`FEATURE_MATRIX`], `tail` last.
fn on_each_feature_set(subcommand: &str, tail: &[&str]) -> Result<(), String> {
    for (name, flags) in FEATURE_MATRIX {
        eprintln!("== {subcommand}, talkover with {name}");
        let mut args = vec![subcommand, "--locked", "-p", "talkover"];
        args.extend_from_slice(flags);
        args.extend_from_slice(tail);
        cargo(&args)?;
    }
    Ok(())
}

fn bench(args: &[String]) -> Result<(), String> {
    let mut command = vec!["run", "--locked", "--release", "-p", "talkover-bench", "--"];
    command.extend(args.iter().map(String::as_str));
    cargo(&command)
}

fn test() -> Result<(), String> {
    lint()?;
    // The crates whose behaviour does not depend on the facade's features, once (the core with its
    // optional date-time conversions and its registry, which have tests of their own).
    cargo(&[
        "test",
        "--locked",
        "-p",
        "talkover-core",
        "-p",
        "talkover-reqwest",
        "-p",
        "talkover-ureq",
        "--features",
        "talkover-core/chrono,talkover-core/registry",
    ])?;
    cargo(&[
        "test",
        "--locked",
        "-p",
        "talkover-conformance",
        "-p",
        "talkover-mock",
        "-p",
        "talkover-examples",
        "-p",
        "xtask",
    ])?;
    // The command line alone: it reads JSON with serde_json's `arbitrary_precision`, which a build shared
    // with the crates above would give them too, testing them as their users never build them.
    cargo(&["test", "--locked", "-p", "talkover-cli"])?;
    on_each_feature_set("test", &[])?;
    eprintln!("== conformance, in memory");
    conformance(&[])?;
    eprintln!("== conformance, over loopback HTTP through reqwest and ureq");
    conformance(&["--wire".to_owned()])?;
    eprintln!("== benchmarks, smoke run (debug build; figures are not meaningful here)");
    cargo(&["run", "--locked", "-p", "talkover-bench", "--", "--quick"])
}

fn lint() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&["clippy", "--locked", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    // The core as a program on the facade builds it (no registry), and with its optional features.
    cargo(&["clippy", "--locked", "-p", "talkover-core", "--all-targets", "--", "-D", "warnings"])?;
    cargo(&[
        "clippy",
        "--locked",
        "-p",
        "talkover-core",
        "--all-targets",
        "--features",
        "chrono,registry",
        "--",
        "-D",
        "warnings",
    ])?;
    on_each_feature_set("clippy", &["--", "-D", "warnings"])?;
    // What docs.rs builds: every feature, and no broken or private link in the published crates' docs.
    let mut args = vec!["doc", "--locked", "--no-deps", "--all-features"];
    for name in publish::PUBLISHED {
        args.extend_from_slice(&["-p", name]);
    }
    args.extend_from_slice(&["--config", r#"build.rustdocflags=["-D", "warnings"]"#]);
    cargo(&args)?;
    // Every feature a path can turn on, so that a crate behind an optional feature is found too: the
    // facade's every feature but the async transport's, the command line's every one but its emulator's,
    // read from the manifests, so that a feature added later is checked too.
    check_tree("talkover-core", &["--all-features"], FORBIDDEN_IN_CORE)?;
    check_tree("talkover-ureq", &["--all-features"], FORBIDDEN_IN_UREQ)?;
    let metadata = cargo_output(&["metadata", "--format-version", "1", "--no-deps", "--locked"])?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata).map_err(|e| format!("cargo metadata: {e}"))?;
    let blocking = features_but(&metadata, "talkover", |name| name.starts_with("reqwest"))?;
    check_tree("talkover", &["--no-default-features", "--features", &blocking], FORBIDDEN_IN_UREQ)?;
    let command_line = features_but(&metadata, "talkover-cli", |name| name == "mock")?;
    check_tree("talkover-cli", &["--no-default-features", "--features", &command_line], FORBIDDEN_IN_UREQ)?;
    check_tree("talkover", &["--all-features"], CLI_ONLY)?;
    let ok_params = check_fixtures()?;
    module_edges::check()?;
    match reference_pages() {
        Some(pages) => page_fields::check(&pages, |id| ok_params.get(id).cloned())?,
        None => eprintln!("lint: the API reference was not found beside the repository; request fields not checked"),
    }
    check_readme_counts()?;
    errors_doc::check()?;
    eprintln!("lint: ok");
    Ok(())
}

/// The features of the workspace's `package` (its manifest's, `default` left out) but those `left_out`
/// names, comma-separated for `--features`, from `cargo metadata --no-deps`.
fn features_but(
    metadata: &serde_json::Value,
    package: &str,
    left_out: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let packages = metadata["packages"].as_array().ok_or("cargo metadata lists no packages")?;
    let found = packages.iter().find(|p| p["name"] == package).ok_or(format!("no package {package}"))?;
    let features = found["features"].as_object().ok_or(format!("{package} has no features map"))?;
    let wanted: Vec<&str> =
        features.keys().map(String::as_str).filter(|name| *name != "default" && !left_out(name)).collect();
    Ok(wanted.join(","))
}

/// Fails when the dependency tree of `package` (with `flags`), its dependencies and build-dependencies on
/// every target, contains a forbidden crate.
fn check_tree(package: &str, flags: &[&str], forbidden: &[&str]) -> Result<(), String> {
    let mut args = vec!["tree", "--locked", "-p", package, "-e", "normal,build", "--target", "all"];
    args.extend_from_slice(&["--prefix", "none", "--format", "{p}"]);
    args.extend_from_slice(flags);
    let tree = cargo_output(&args)?;
    let found: BTreeSet<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| forbidden.contains(name))
        .collect();
    if found.is_empty() {
        eprintln!("tree of {package} {}: none of {forbidden:?}", flags.join(" "));
        Ok(())
    } else {
        Err(format!("the dependency tree of {package} {} contains {found:?}", flags.join(" ")))
    }
}

/// Every registered operation has an `ok` fixture and, where its page documents errors, an `error`
/// fixture; every fixture names a registered operation; every reference page is a registered operation.
/// Gives, for each operation, the parameters of its first `ok` fixture (in the order of the files' paths):
/// a request it takes.
fn check_fixtures() -> Result<BTreeMap<String, talkover::registry::Params>, String> {
    let dir = fixtures_dir();
    let mut ok = BTreeMap::new();
    let mut errors = BTreeSet::new();
    let mut problems = Vec::new();
    let mut files = fixture::find_files(&dir)?;
    files.sort();
    for file in files {
        match fixture::load_file(&file) {
            Ok(f) => {
                if talkover::registry::operation(&f.operation).is_none() {
                    problems.push(format!("{}: names no registered operation", file.display()));
                }
                match f.expect {
                    fixture::Expect::Error(_) => {
                        errors.insert(f.operation);
                    }
                    _ => {
                        ok.entry(f.operation).or_insert(f.params);
                    }
                }
            }
            Err(problem) => problems.push(format!("{}: {problem}", file.display())),
        }
    }
    let pages = reference_pages();
    for op in talkover::registry::operations() {
        if !ok.contains_key(op.id) {
            problems.push(format!("{}: no `ok` fixture", op.id));
        }
        if let Some(pages) = &pages {
            match std::fs::read_to_string(pages.join(format!("{}.mdx", op.id))) {
                Ok(page) if documents_errors(&page) && !errors.contains(op.id) => {
                    problems.push(format!("{}: the page documents errors but no `error` fixture exists", op.id))
                }
                Ok(_) => {}
                Err(_) => problems.push(format!("{}: no reference page {}.mdx", op.id, op.id)),
            }
        }
    }
    match &pages {
        // Every page of the reference is an operation of the registry: an operation left out is found here.
        Some(pages) => {
            let mut ids: Vec<String> = std::fs::read_dir(pages)
                .map_err(|e| format!("{}: {e}", pages.display()))?
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".mdx").map(str::to_owned))
                .collect();
            ids.sort();
            for id in ids {
                if talkover::registry::operation(&id).is_none() {
                    problems.push(format!("{id}: the reference page {id}.mdx has no operation in the registry"));
                }
            }
        }
        None => {
            eprintln!("lint: the API reference was not found beside the repository; error-fixture coverage not checked")
        }
    }
    if problems.is_empty() {
        Ok(ok)
    } else {
        Err(format!("fixture checks failed:\n  {}", problems.join("\n  ")))
    }
}

/// The README's count of operations is the registry's: an operation added or removed is found here rather
/// than by a reader. A README that gives no count at all fails too, so rewording it cannot turn the check
/// off unnoticed.
fn check_readme_counts() -> Result<(), String> {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let count = talkover::registry::operations().count();
    let counts = operation_counts(&text);
    if counts.is_empty() {
        return Err("README.md gives no count of operations (`127 operations`) to check".into());
    }
    let wrong: Vec<String> =
        counts.iter().filter(|(_, n, _)| *n != count).map(|(line, _, text)| format!("line {line}: {text}")).collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("README.md counts the operations wrongly (the registry has {count}):\n  {}", wrong.join("\n  ")))
    }
}

/// The counts of operations `text` gives, with their line numbers and lines: a number followed by
/// `operations` (`127 operations`, `all **127** operations`), or a number in parentheses followed by
/// `listed` on a line that names `cargo xtask operations` (`(127, listed by `cargo xtask operations`)`).
fn operation_counts(text: &str) -> Vec<(usize, usize, &str)> {
    let mut counts = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.windows(2) {
            let digits = pair[0].trim_matches(|c| matches!(c, '(' | ')' | ',' | '*' | '_' | '`'));
            let counts_operations = pair[1].trim_start_matches(['*', '_']).starts_with("operations")
                || (pair[0].starts_with('(') && pair[1] == "listed" && line.contains("xtask operations"));
            let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            if let (true, true, Ok(n)) = (counts_operations, is_number, digits.parse::<usize>()) {
                counts.push((number + 1, n, line.trim()));
            }
        }
    }
    counts
}

/// `../shared/talkover-api/api-reference/endpoints`, beside the repository, when present.
fn reference_pages() -> Option<PathBuf> {
    let dir = root().parent()?.join("shared/talkover-api/api-reference/endpoints");
    dir.is_dir().then_some(dir)
}

/// Whether a reference page shows an error answer: a JSON example under a heading that names a 4xx/5xx
/// status or an error.
fn documents_errors(page: &str) -> bool {
    let mut in_error_section = false;
    for line in page.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            let lower = trimmed.to_ascii_lowercase();
            in_error_section = lower.contains("error")
                || lower.contains("fail")
                || lower
                    .split(|c: char| !c.is_ascii_digit())
                    .any(|n| n.len() == 3 && (n.starts_with('4') || n.starts_with('5')));
            if lower.contains("error codes") {
                in_error_section = false;
            }
        } else if in_error_section && trimmed.starts_with("```json") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_sections_are_recognized() {
        assert!(documents_errors("## Error responses\n\n### 404 Not Found\n\n```json\n{}\n```"));
        assert!(documents_errors("### Validation Error (422)\n```json\n{}\n```"));
        assert!(!documents_errors("## Response\n```json\n{}\n```\n## Error codes\n| a |"));
    }

    #[test]
    fn readme_counts_of_operations_are_found() {
        let text = "- 127 operations, typed\nEvery operation (127, listed by `cargo xtask operations`)\n\
                    for all **126** operations, decoding\nlisten on 127.0.0.1; 3 agents; (5, listed below)";
        let counts: Vec<(usize, usize)> = operation_counts(text).iter().map(|(line, n, _)| (*line, *n)).collect();
        assert_eq!(counts, [(1, 127), (2, 127), (3, 126)]);
        assert!(operation_counts("Every documented operation, typed; 40 agents").is_empty());
    }
}
