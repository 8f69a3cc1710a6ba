//! Weight: the distinct crates in the facade's normal dependency tree, per feature set.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde::Serialize;

/// The feature sets measured: a name and `cargo tree` flags.
pub const FEATURE_SETS: [(&str, &[&str]); 4] = [
    ("reqwest only", &["--no-default-features", "--features", "reqwest"]),
    ("ureq only", &["--no-default-features", "--features", "ureq"]),
    ("no default features", &["--no-default-features"]),
    ("default", &[]),
];

/// Crates that must not be in the ureq-only tree.
const NOT_WITH_UREQ: [&str; 3] = ["tokio", "hyper", "reqwest"];

/// The tree of one feature set.
#[derive(Clone, Debug, Serialize)]
pub struct Tree {
    /// The feature set's name.
    pub features: &'static str,
    /// The `cargo tree` flags.
    pub flags: String,
    /// Distinct crates (name and version), the facade included.
    pub crates: usize,
    /// Crates whose name starts with `tokio` or `hyper`.
    pub tokio_or_hyper: Vec<String>,
    /// The crates, `name version`.
    pub list: Vec<String>,
}

/// The result of the weight check.
#[derive(Clone, Debug, Serialize)]
pub struct Weight {
    /// One tree per feature set.
    pub trees: Vec<Tree>,
    /// Whether the ureq-only tree holds none of tokio, hyper, reqwest.
    pub ureq_tree_is_clean: bool,
}

/// Runs `cargo tree -p talkover -e normal --prefix none` for each feature set, in the workspace at `root`.
pub fn weight(root: &Path) -> Result<Weight, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut trees = Vec::new();
    for (features, flags) in FEATURE_SETS {
        let output = Command::new(&cargo)
            .args(["tree", "--locked", "-p", "talkover", "-e", "normal", "--prefix", "none", "--format", "{p}"])
            .args(flags)
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run cargo tree: {e}"))?;
        if !output.status.success() {
            return Err(format!("cargo tree {}: {}", flags.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
        }
        let list = distinct_crates(&String::from_utf8_lossy(&output.stdout));
        let tokio_or_hyper = list
            .iter()
            .filter(|c| c.starts_with("tokio") || c.starts_with("hyper") || c.starts_with("reqwest"))
            .cloned()
            .collect();
        trees.push(Tree {
            features,
            flags: flags.join(" "),
            crates: list.len(),
            tokio_or_hyper,
            list: list.into_iter().collect(),
        });
    }
    let ureq_tree_is_clean = trees
        .iter()
        .find(|t| t.features == "ureq only")
        .is_some_and(|t| t.list.iter().all(|c| !NOT_WITH_UREQ.contains(&c.split(' ').next().unwrap_or_default())));
    Ok(Weight { trees, ureq_tree_is_clean })
}

/// `name version` of every line of `cargo tree --prefix none --format {p}`, once each.
fn distinct_crates(tree: &str) -> BTreeSet<String> {
    tree.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_crates_count_once() {
        let tree = "talkover v0.1.0 (/w/crates/talkover)\nhttp v1.3.1\nbytes v1.10.1\nhttp v1.3.1 (*)\n\n";
        let crates = distinct_crates(tree);
        assert_eq!(crates.len(), 3);
        assert!(crates.contains("talkover v0.1.0"));
    }
}
