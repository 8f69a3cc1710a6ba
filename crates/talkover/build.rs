//! Says once which features give each client its built-in transport, as two `cfg` names the crate's
//! code and tests use: `reqwest_transport` where the async client has one (feature `reqwest` or
//! `reqwest-native-tls`), `ureq_transport` where the blocking client has one (`ureq` or
//! `ureq-native-tls`). The public items these gate name the features themselves, for the docs.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for (cfg, features) in [
        ("reqwest_transport", ["CARGO_FEATURE_REQWEST", "CARGO_FEATURE_REQWEST_NATIVE_TLS"]),
        ("ureq_transport", ["CARGO_FEATURE_UREQ", "CARGO_FEATURE_UREQ_NATIVE_TLS"]),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if features.iter().any(|feature| std::env::var_os(feature).is_some()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
