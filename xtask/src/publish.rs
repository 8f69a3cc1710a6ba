//! What crates.io and docs.rs will see: `cargo xtask msrv` and `cargo xtask package`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{cargo, root};

/// The crates published to crates.io, each after the ones it depends on.
pub(crate) const PUBLISHED: &[&str] =
    &["talkover-core", "talkover-reqwest", "talkover-ureq", "talkover", "talkover-mock", "talkover-cli"];

/// The feature sets of each published crate that `msrv` checks on the declared `rust-version`.
const MSRV_MATRIX: &[(&str, &[&str])] = &[
    ("talkover-core", &[]),
    ("talkover-core", &["--no-default-features"]),
    ("talkover-core", &["--all-features"]),
    ("talkover-reqwest", &[]),
    ("talkover-reqwest", &["--no-default-features"]),
    ("talkover-reqwest", &["--all-features"]),
    ("talkover-ureq", &[]),
    ("talkover-ureq", &["--no-default-features"]),
    ("talkover-ureq", &["--all-features"]),
    ("talkover", &[]),
    ("talkover", &["--no-default-features"]),
    ("talkover", &["--features", "ureq"]),
    ("talkover", &["--no-default-features", "--features", "ureq"]),
    ("talkover", &["--all-features"]),
    ("talkover-mock", &[]),
    ("talkover-cli", &[]),
    ("talkover-cli", &["--no-default-features"]),
];

/// How long `rustup toolchain install` may take before the check gives up.
const RUSTUP_TIMEOUT: Duration = Duration::from_secs(600);

/// The `rust-version` of `[workspace.package]`.
fn declared_rust_version() -> Result<String, String> {
    let manifest = read(&root().join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "rust-version").then(|| value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| "the workspace's Cargo.toml declares no rust-version".to_owned())
}

/// Installs the declared `rust-version` with rustup and checks every published crate on it, in every feature
/// set, with the lock file's dependency versions (`--locked`). Fails when rustup cannot install it.
pub fn msrv() -> Result<(), String> {
    let version = declared_rust_version()?;
    eprintln!("== installing Rust {version} (the declared rust-version) with rustup");
    let install = ["toolchain", "install", &version, "--profile", "minimal", "--no-self-update"];
    eprintln!("$ rustup {}", install.join(" "));
    let mut child = Command::new("rustup").args(install).spawn().map_err(|e| {
        format!("cannot run rustup ({e}): the MSRV check needs rustup on PATH; Rust {version} was not checked")
    })?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("rustup: {e}"))? {
            break status;
        }
        if started.elapsed() > RUSTUP_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "rustup did not install Rust {version} within {} s (is https://static.rust-lang.org reachable?); \
                 the MSRV was NOT checked",
                RUSTUP_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if !status.success() {
        return Err(format!(
            "rustup could not install Rust {version} ({status}; is https://static.rust-lang.org reachable?); \
             the MSRV was NOT checked"
        ));
    }
    let target = root().join("target").join("msrv");
    run(Command::new("rustup").args(["run", &version, "rustc", "--version"]), &root())?;
    for (package, flags) in MSRV_MATRIX {
        let mut args = vec!["run", &version, "cargo", "check", "--locked", "-p", package];
        args.extend_from_slice(flags);
        let mut command = Command::new("rustup");
        // A check is built once: incremental caches would only take disk.
        command.args(&args).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0");
        run(&mut command, &root())?;
    }
    eprintln!("msrv: every published crate builds on Rust {version} in every feature set");
    Ok(())
}

/// Packages every published crate into `target/package`, unpacks each into `target/package/unpacked`, and
/// builds each from its unpacked folder alone (all features), with its unpacked siblings patched in for the
/// crates.io versions they name and the workspace's lock file, offline.
pub fn package() -> Result<(), String> {
    let target = root().join("target");
    let packages = target.join("package");
    let target_arg = target.to_str().ok_or("the target folder is not UTF-8")?;
    // `--allow-dirty`: what is checked is the working tree, committed or not.
    let mut args = vec!["package", "--locked", "--no-verify", "--allow-dirty", "--target-dir", target_arg];
    for name in PUBLISHED {
        args.extend_from_slice(&["-p", name]);
    }
    cargo(&args)?;

    let version = env!("CARGO_PKG_VERSION");
    let unpacked = packages.join("unpacked");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    }
    std::fs::create_dir_all(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    let folder = |name: &str| unpacked.join(format!("{name}-{version}"));
    for name in PUBLISHED {
        let file = packages.join(format!("{name}-{version}.crate"));
        // `m`: the files get the time of unpacking, so that cargo rebuilds what changed since the last run.
        run(Command::new("tar").arg("xzmf").arg(&file).arg("-C").arg(&unpacked), &root())?;
    }

    let build_dir = packages.join("build");
    for name in PUBLISHED {
        let dir = folder(name);
        std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command.args(["build", "--offline", "--all-features", "--target-dir"]).arg(&build_dir);
        // What is checked is that it builds: no debug information and no incremental caches, which would
        // take several gigabytes of disk for nothing (the unpacked crates have no profile of their own).
        command.args(["--config", "profile.dev.debug=false"]).env("CARGO_INCREMENTAL", "0");
        // Every sibling it may reach, directly or not (the command line reaches the core through the facade).
        for sibling in PUBLISHED.iter().filter(|s| **s != *name) {
            let path = folder(sibling);
            command.arg("--config").arg(format!("patch.crates-io.{sibling}.path={:?}", path.display().to_string()));
        }
        eprintln!("== {name}, from {}", dir.display());
        run(&mut command, &dir)?;
    }
    eprintln!("package: every published crate builds from its package");
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `command` in `dir`, printing it first; fails on a non-zero exit.
fn run(command: &mut Command, dir: &PathBuf) -> Result<(), String> {
    // The toolchain is chosen by the command itself, not by the one running xtask.
    command.current_dir(dir).env_remove("RUSTUP_TOOLCHAIN").env_remove("RUSTC").env_remove("RUSTDOC");
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command.get_args().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")
    );
    eprintln!("$ {shown}");
    let status = command.status().map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed"))
    }
}
