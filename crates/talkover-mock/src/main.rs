//! `talkover-mock`: the Talkover API emulator on 127.0.0.1, for trying the SDK or any HTTP client with no
//! token and no network. The options are in [`talkover_mock::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    match talkover_mock::cli::run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("talkover-mock: {message}");
            ExitCode::from(2)
        }
    }
}
