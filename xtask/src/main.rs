use std::path::PathBuf;
use std::process::ExitCode;

use talkover_conformance::{fixtures_dir, run_and_report, Mode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("conformance") => {
            let mut dir = fixtures_dir();
            let mut mode = Mode::InMemory;
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--wire" => mode = Mode::Wire,
                    "--fixtures" => match rest.next() {
                        Some(d) => dir = PathBuf::from(d),
                        None => return usage(),
                    },
                    _ => return usage(),
                }
            }
            if run_and_report(&dir, mode) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Some("operations") => {
            for op in talkover::registry::operations() {
                println!("{} {} {}", op.id, op.method, op.path);
            }
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask <test|lint|conformance [--fixtures DIR] [--wire]|operations>");
    ExitCode::from(2)
}
