//! Embeds the recorded fixtures (this crate's `fixtures` folder, which the workspace's `tests/fixtures`
//! links to) in the emulator, so that the binary and the library answer every operation from any working
//! directory, and a packaged emulator carries its seed data. `TALKOVER_MOCK_FIXTURES` names another folder
//! at build time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=TALKOVER_MOCK_FIXTURES");
    let dir = match std::env::var_os("TALKOVER_MOCK_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("fixtures"),
    };
    let mut files = Vec::new();
    if dir.is_dir() {
        println!("cargo:rerun-if-changed={}", dir.display());
        collect(&dir, &dir, &mut files);
    } else {
        println!("cargo:warning=no fixture folder at {}: only the stateful operations will answer", dir.display());
    }
    files.sort();

    let mut out = String::from("/// The embedded fixtures: `(path relative to the fixture folder, JSON text)`.\n");
    out.push_str("pub(crate) static EMBEDDED: &[(&str, &str)] = &[\n");
    for (name, path) in &files {
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string()).expect("writing to a string");
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var_os("OUT_DIR").expect("set by cargo")).join("fixtures.rs");
    std::fs::write(target, out).expect("the build script can write OUT_DIR");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "json") {
            let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            files.push((name, path));
        }
    }
}
