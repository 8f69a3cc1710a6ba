//! Compile time: the clean build of talkover-core alone, release and debug, its dependencies already built:
//! with its default features (what a program on the `talkover` facade builds, judged against the goals),
//! and with the `registry` feature as well (what tools built on the registry pay, reported without a goal).
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

    /// What was built: `release`, `debug, registry`, ….
    pub fn label(&self) -> String {
        match self.features {
            "" => self.profile.to_owned(),
            features => format!("{}, {features}", self.profile),
        }
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

/// Times `runs` clean builds of talkover-core per profile and feature set, in the workspace at `root`.
pub fn compile_time(root: &Path, target: &Path, runs: usize) -> Result<CompileTime, String> {
    let target_dir = target.join("bench").join("compile-time");
    let mut profiles = Vec::new();
    let sets: [(&str, &str, &[&str], Option<f64>); 4] = [
        ("release", "", &["--release"], Some(RELEASE_GOAL_S)),
        ("debug", "", &[], Some(DEBUG_GOAL_S)),
        ("release", "registry", &["--release", "--features", "registry"], None),
        ("debug", "registry", &["--features", "registry"], None),
    ];
    for (profile, features, flags, goal_s) in sets {
        // The dependencies, built once (and after any change to them), not timed.
        cargo(root, &target_dir, &["build", "--locked", "-p", "talkover-core"], flags)?;
        let mut seconds = Vec::new();
        for _ in 0..runs {
            cargo(root, &target_dir, &["clean", "-p", "talkover-core"], flags)?;
            let started = Instant::now();
            cargo(root, &target_dir, &["build", "--locked", "-p", "talkover-core"], flags)?;
            seconds.push(started.elapsed().as_secs_f64());
        }
        profiles.push(ProfileTimes { profile, features, seconds, goal_s });
    }
    Ok(CompileTime { profiles, target_dir: target_dir.display().to_string() })
}

fn cargo(root: &Path, target_dir: &Path, args: &[&str], flags: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(args)
        .args(flags)
        .arg("--quiet")
        .env("CARGO_TARGET_DIR", target_dir)
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
