//! Compile time: the clean build of talkover-core alone, release and debug, its dependencies already built:
//! with its default features (what a program on the `talkover` facade builds, judged against the goals),
//! and with the `registry` feature as well (what tools built on the registry pay, reported without a goal).
//!
//! The judged builds are built as a program's dependency is, without incremental compilation (cargo builds
//! crates from a registry that way, in any profile); the debug build as a member of this workspace, where
//! cargo's default is incremental, is reported beside them without a goal: it does more work (it saves
//! what the next build could reuse) and is what this repository's own `cargo build` pays.
//!
//! Each build runs in a target directory of its own (`<target>/bench/compile-time`), so measuring does not
//! throw away the workspace's build; the first run there builds the dependencies once. Before each timed
//! build, `cargo clean -p talkover-core` removes the crate's own artifacts only, so what is timed is the
//! crate's own compile (and cargo's small fixed cost of starting). The builds run on every CPU the process
//! was allowed before the benchmark pinned itself to one.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde::Serialize;

/// Goal of the release build of talkover-core alone, seconds (on a 2-core machine).
pub const RELEASE_GOAL_S: f64 = 40.0;
/// Goal of the debug build of talkover-core alone, seconds (on a 2-core machine).
pub const DEBUG_GOAL_S: f64 = 14.0;

/// The timed builds of one profile and feature set.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileTimes {
    /// `release` or `debug`.
    pub profile: &'static str,
    /// The features beside the default ones (`registry`), or empty.
    pub features: &'static str,
    /// Whether the build was incremental (as a workspace member's debug build is by default).
    pub incremental: bool,
    /// Seconds of each clean build of the crate, in the order they ran.
    pub seconds: Vec<f64>,
    /// The goal, seconds, for the default features.
    pub goal_s: Option<f64>,
}

impl ProfileTimes {
    /// The fastest build: the one least disturbed by whatever else ran on the machine.
    pub fn min(&self) -> f64 {
        self.seconds.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// The slowest build.
    pub fn max(&self) -> f64 {
        self.seconds.iter().copied().fold(0.0, f64::max)
    }

    /// What was built: `release`, `debug, registry`, `debug, incremental`, ….
    pub fn label(&self) -> String {
        let mut label = self.profile.to_owned();
        if !self.features.is_empty() {
            label = format!("{label}, {}", self.features);
        }
        if self.incremental {
            label.push_str(", incremental");
        }
        label
    }
}

/// The compile-time figures.
#[derive(Clone, Debug, Serialize)]
pub struct CompileTime {
    /// Release, then debug.
    pub profiles: Vec<ProfileTimes>,
    /// The target directory the builds ran in.
    pub target_dir: String,
}

/// One build to time: profile, the features beside the default ones, whether it is incremental, and its
/// goal.
type Build = (&'static str, &'static str, bool, Option<f64>);

/// Times `runs` clean builds of talkover-core per profile and feature set, in the workspace at `root`.
pub fn compile_time(root: &Path, target: &Path, runs: usize) -> Result<CompileTime, String> {
    let target_dir = target.join("bench").join("compile-time");
    let mut profiles = Vec::new();
    let sets: [Build; 5] = [
        ("release", "", false, Some(RELEASE_GOAL_S)),
        ("debug", "", false, Some(DEBUG_GOAL_S)),
        ("debug", "", true, None),
        ("release", "registry", false, None),
        ("debug", "registry", false, None),
    ];
    for (profile, features, incremental, goal_s) in sets {
        // `cargo clean` takes the profile; `cargo build` the profile and the features.
        let profile_flags: &[&str] = if profile == "release" { &["--release"] } else { &[] };
        let mut build_flags = profile_flags.to_vec();
        if !features.is_empty() {
            build_flags.extend(["--features", features]);
        }
        let cargo = |args: &[&str], flags: &[&str]| cargo(root, &target_dir, incremental, args, flags);
        // The dependencies, built once (and after any change to them), not timed.
        cargo(&["build", "--locked", "-p", "talkover-core"], &build_flags)?;
        let mut seconds = Vec::new();
        for _ in 0..runs {
            cargo(&["clean", "-p", "talkover-core"], profile_flags)?;
            let started = Instant::now();
            cargo(&["build", "--locked", "-p", "talkover-core"], &build_flags)?;
            seconds.push(started.elapsed().as_secs_f64());
        }
        profiles.push(ProfileTimes { profile, features, incremental, seconds, goal_s });
    }
    Ok(CompileTime { profiles, target_dir: target_dir.display().to_string() })
}

fn cargo(root: &Path, target_dir: &Path, incremental: bool, args: &[&str], flags: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(args)
        .args(flags)
        .arg("--quiet")
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo {} {}: {}",
            args.join(" "),
            flags.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(())
}
