//! `talkover`: the Talkover API from the shell. See `talkover --help`.
#![forbid(unsafe_code)]
// Standard error and output are written through functions that cannot panic (`notices::to_stderr`,
// `output::write_all`): a failed write must not turn into exit 101.
#![deny(clippy::print_stderr, clippy::print_stdout)]

mod attempts;
mod commands;
mod failure;
mod import;
mod listen;
mod notices;
mod output;
mod run;
mod wait;

use std::io::{BufRead as _, IsTerminal as _, Read as _};
use std::process::ExitCode;

use clap::ArgMatches;
use serde_json::json;
use talkover::blocking::Client;
use talkover::registry::OperationInfo;

use crate::failure::Failure;
use crate::output::Format;

/// The command line with each long flag's underscores read as dashes, up to a `--`: a query parameter
/// written as the reference names it (`--per_page`) is its flag (`--per-page`), and the argument parser
/// has no second spelling to suggest for a mistyped one.
fn flags_with_dashes(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut after_separator = false;
    args.map(|arg| {
        let Some(text) = arg.to_str().filter(|_| !after_separator) else { return arg };
        if text == "--" {
            after_separator = true;
            return arg;
        }
        match text.strip_prefix("--") {
            Some(flag) => {
                let (name, value) = flag.split_once('=').map_or((flag, None), |(n, v)| (n, Some(v)));
                let name = name.replace('_', "-");
                value.map_or_else(|| format!("--{name}"), |value| format!("--{name}={value}")).into()
            }
            None => arg,
        }
    })
    .collect()
}

fn main() -> ExitCode {
    let matches = match commands::command().try_get_matches_from(flags_with_dashes(std::env::args_os())) {
        Ok(matches) => matches,
        Err(e) => return argument_error(e),
    };
    let verbose = matches.try_get_one::<bool>("verbose").ok().flatten().copied().unwrap_or(false);
    notices::install(verbose, asks_format(&matches, "json"));
    match dispatch(&matches) {
        Ok(code) => {
            if output::token_was_hidden() {
                notices::warning(output::TOKEN_HIDDEN, json!({ "token_hidden": true }));
            }
            if output::sent_secret_was_hidden() {
                notices::warning(output::SENT_SECRET_HIDDEN, json!({ "sent_secret_hidden": true }));
            }
            ExitCode::from(code)
        }
        Err(failure) => {
            failure.print(asks_format(&matches, "json"), asks_format(&matches, "id"), asks_format(&matches, "csv"));
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Shows an error clap found in the arguments (exit 2), or the help or version asked for (exit 0). With
/// `--output json` on the command line, an error is one line of JSON, as every other usage error.
fn argument_error(mut e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
        // Help and version go to standard output: one that cannot be written (a full disk) fails as any
        // other command's output does, a reader that stopped (`| head`) ends it quietly.
        return match e.print().map_err(output::write_failure) {
            Err(failure) => {
                failure.print(false, false, false);
                ExitCode::from(failure.exit_code())
            }
            Ok(()) => ExitCode::from(0),
        };
    }
    commands::hint_webhook_management(&mut e);
    if let Some(failure) = value_after_field_name(&e) {
        failure.print(argv_asks_json(std::env::args_os().skip(1)), false, false);
        return ExitCode::from(failure.exit_code());
    }
    if argv_asks_json(std::env::args_os().skip(1)) {
        let failure = Failure::usage(output::without_credentials(&commands::error_message(&e)));
        notices::stderr_line(&failure.to_json().to_string());
        return ExitCode::from(failure.exit_code());
    }
    // clap quotes the value it refused, which may be the token given in the wrong place
    // (`calls make AGENT "$TALKOVER_TOKEN"`): then the error is written without it, uncoloured.
    let plain = e.render().to_string();
    let shown = output::without_credentials(&plain);
    if shown == plain {
        let _ = e.print();
    } else {
        notices::to_stderr(&shown);
    }
    ExitCode::from(2)
}

/// The error of an argument clap found unexpected that follows `-F NAME` or `-f NAME` (a space where `=`
/// belongs): the value is not repeated, as it may be a secret (`-F password Sup3r…`).
fn value_after_field_name(e: &clap::Error) -> Option<Failure> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(unexpected)) = e.get(ContextKind::InvalidArg) else { return None };
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let name = args.windows(3).find_map(|w| {
        let field_flag = matches!(w[0].as_str(), "-F" | "-f" | "--field" | "--raw-field");
        (field_flag && !w[1].contains('=') && !w[1].ends_with("[]") && w[2] == *unexpected).then(|| w[1].clone())
    })?;
    // The name as given when it reads as one (a secret given as the name is not repeated either).
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.[]".contains(&b));
    let name = if plain { name } else { "NAME".to_owned() };
    Some(Failure::usage(format!(
        "`{name}` is followed by its value as an argument of its own (not shown: it may be a secret); write \
         `-F {name}=VALUE` (a secret as `-F {name}=@-`, read from standard input)"
    )))
}

/// Whether the arguments ask for JSON output (`-o json`, `-ojson`, `--output json`, `--output=json`; the
/// last one given counts), for arguments clap could not read as a whole. Nothing after `--` is an option.
fn argv_asks_json(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).take_while(|a| a != "--").collect();
    let mut format = None;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.as_str() {
            "-o" | "--output" => args.get(i + 1).map(String::as_str),
            other => other.strip_prefix("--output=").or_else(|| other.strip_prefix("-o")),
        };
        if let Some(value) = value {
            format = Some(value.trim_start_matches('=').to_owned());
        }
    }
    format.as_deref() == Some("json")
}

/// Whether `--output json` was given (at any level of the command): errors are then written as JSON too.
/// A pipe alone does not make them JSON: whoever reads standard error is more often a person.
fn asks_format(matches: &ArgMatches, wanted: &str) -> bool {
    let mut level = Some(matches);
    for _ in 0..4 {
        let Some(args) = level else { break };
        if args.try_get_one::<String>("output").ok().flatten().is_some_and(|format| format == wanted) {
            return true;
        }
        level = args.subcommand().map(|(_, sub)| sub);
    }
    false
}

fn dispatch(matches: &ArgMatches) -> Result<u8, Failure> {
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    match name {
        "operations" => {
            let words: Vec<String> = sub.get_many::<String>("words").into_iter().flatten().cloned().collect();
            run::list_operations(Format::of(sub), &words)?;
            Ok(0)
        }
        "completion" => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("the shell is required");
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut commands::command(), "talkover", &mut script);
            output::write_all(&script)?;
            Ok(0)
        }
        "mock" => mock(sub),
        resource => {
            let (action, args) = sub.subcommand().expect("an action is required");
            match (resource, action) {
                ("campaigns", "import") => {
                    refuse_resource_output(args, "campaigns import", "it prints a summary of the rows")?;
                    import::run(&Context::new(args)?, args)
                }
                ("calls", "wait") => wait::run(&Context::new(args)?, args),
                ("webhooks", "listen") => {
                    refuse_resource_output(args, "webhooks listen", "it prints each delivery it receives")?;
                    listen::run(args)
                }
                ("webhooks", "verify") => {
                    refuse_resource_output(args, "webhooks verify", "it prints the delivery's body as received")?;
                    listen::verify(args)
                }
                _ => {
                    if args.try_get_one::<bool>("dry-run").ok().flatten().copied().unwrap_or(false) {
                        refuse_resource_output(args, "--dry-run", "it prints the request")?;
                    }
                    let command = commands::operation_commands()
                        .into_iter()
                        .find(|c| c.resource == resource && (c.action == action || c.operation.id == action))
                        .ok_or_else(|| Failure::usage(format!("unknown command {resource} {action}")))?;
                    refuse_losing_a_new_token(args, command.operation)?;
                    run::run_operation(&Context::for_operation(args, command.operation)?, command.operation, args)?;
                    Ok(0)
                }
            }
        }
    }
}

/// Refuses `--output id` and `--output csv` (exit 2) for a command whose output is not the resources of
/// an answer, before it reads, binds or sends anything: it would otherwise print something else than ids
/// or rows to a script that reads them. `why`: what the command prints instead.
fn refuse_resource_output(args: &ArgMatches, command: &str, why: &str) -> Result<(), Failure> {
    let (format, what) = match Format::of(args) {
        Format::Id => ("id", "ids"),
        Format::Csv => ("csv", "rows of resources"),
        Format::Json | Format::Table => return Ok(()),
    };
    Err(Failure::usage(format!(
        "--output {format} does not apply to {command}: {why}, not {what}; nothing was done (--output json prints \
         it as JSON)"
    )))
}

/// Refuses `--output id` for create-user-api-token before anything is sent: its answer holds the new
/// token, which the API shows this once, and an id alone would throw it away with the token made.
fn refuse_losing_a_new_token(args: &ArgMatches, op: &OperationInfo) -> Result<(), Failure> {
    use talkover::operation::Operation as _;
    if op.id != talkover::account::CreateUserApiToken::ID || Format::of(args) != Format::Id {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--output id does not apply to {}: its answer holds the new token, shown only this once, which an id \
         alone would lose; nothing was done (--output json keeps it)",
        op.id
    )))
}

#[cfg(feature = "mock")]
fn mock(args: &ArgMatches) -> Result<u8, Failure> {
    let args: Vec<String> = args.get_many::<String>("args").map(|a| a.cloned().collect()).unwrap_or_default();
    talkover_mock::cli::run(args).map_err(Failure::usage)?;
    Ok(0)
}

#[cfg(not(feature = "mock"))]
fn mock(_: &ArgMatches) -> Result<u8, Failure> {
    Err(Failure::usage("this build of talkover has no emulator (the `mock` feature is off)".into()))
}

/// What every API command needs: the client and the output format.
pub struct Context {
    pub client: Client,
    pub format: Format,
    settings: Settings,
}

/// The time each exchange has when `--timeout` is not given.
const DEFAULT_TIMEOUT: std::time::Duration = talkover::DEFAULT_TIMEOUT;

/// The command's retry policy: the SDK's default, with each wait before a retry at most `timeout` (`--timeout`)
/// where one is given.
pub fn retry_policy(timeout: Option<std::time::Duration>) -> talkover::RetryPolicy {
    let policy = talkover::RetryPolicy::default();
    match timeout {
        Some(timeout) => {
            let longest = policy.max_retry_after.min(timeout);
            let backoff = (policy.initial_backoff.min(timeout), policy.max_backoff.min(timeout));
            policy.max_retry_after(longest).backoff(backoff.0, backoff.1)
        }
        None => policy,
    }
}

/// The `--header NAME:VALUE` (or `NAME:@PATH`) options; a secret's value (read from a file, or of a header
/// named as a credential) is kept out of what is printed.
fn headers(args: &ArgMatches) -> Result<Vec<(String, talkover::SecretString)>, Failure> {
    let given = args.get_many::<String>("header").into_iter().flatten();
    let headers = given
        .map(|header| {
            let Some((name, value)) = header.split_once(':') else {
                return Err(Failure::usage("--header takes NAME:VALUE (or NAME:@PATH)".into()));
            };
            let name = name.trim();
            let from_file = value.trim().strip_prefix('@');
            let value = match from_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| Failure::local(format!("cannot read the header file {path}: {e}")))?;
                    let text = text.trim_start_matches('\u{feff}');
                    text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("").to_owned()
                }
                None => value.trim().to_owned(),
            };
            if value.is_empty() {
                return Err(Failure::usage(format!("--header {name}: the value is empty")));
            }
            // A value read from a file, or of a header named as a credential (`x-api-key`, `x-auth-token`),
            // is a secret: never printed, and warned of when given on the command line.
            let secret = from_file.is_some() || is_secret_header(name);
            if secret && from_file.is_none() {
                crate::notices::secret_on_command_line(
                    &format!("the value of the header `{name}` is"),
                    &format!("give it as `-H {name}:@FILE`"),
                    name,
                );
            }
            Ok((name.to_owned(), talkover::SecretString::new(value), secret))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let secrets: Vec<_> = headers.iter().filter(|(.., secret)| *secret).map(|(_, value, _)| value.clone()).collect();
    output::never_print_sent(&secrets);
    Ok(headers.into_iter().map(|(name, value, _)| (name, value)).collect())
}

/// Whether a header's name says it holds a credential: as a body field's would (`talkover::secret`), or
/// ending in `key` (`x-gateway-key`, `x-api-key`) or `signature`.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    talkover::secret::is_secret_field(&name) || name.ends_with("key") || name.ends_with("signature")
}

/// The client settings of the command line: token, base URL, timeout, retries and headers.
struct Settings {
    token: talkover::SecretString,
    base_url: Option<String>,
    timeout: Option<std::time::Duration>,
    max_retries: Option<u32>,
    /// `--header`s, by name and value.
    headers: Vec<(String, talkover::SecretString)>,
}

impl Settings {
    fn builder(&self) -> talkover::blocking::ClientBuilder {
        let user_agent = concat!("talkover-cli/", env!("CARGO_PKG_VERSION"));
        // The built-in transport with the same settings, noting how each attempt ends (see `attempts`).
        let mut transport = talkover_ureq::UreqConfig::default();
        transport.timeout = Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        // As the built-in transport the builder makes: the emulator on loopback is reached straight.
        transport.proxy_from_env = !self.base_url.as_deref().is_some_and(talkover::config::is_loopback_url);
        let transport = attempts::Recording(talkover_ureq::UreqTransport::with_config(&transport));
        let mut builder = Client::builder().token(self.token.clone()).user_agent(user_agent).transport(transport);
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.expose_secret());
        }
        if let Some(timeout) = self.timeout {
            // Each exchange has it on the transport above, and so does each wait before a retry: a `Retry-After`
            // longer than it is not waited for (60 s would otherwise outlast `--timeout 2`), and the backoff is
            // no longer. An exchange that timed out is retried as any other failure is, where that is safe.
            builder = builder.retry_policy(retry_policy(Some(timeout)));
        }
        if let Some(retries) = self.max_retries {
            builder = builder.max_retries(retries);
        }
        builder
    }
}

impl Context {
    fn new(args: &ArgMatches) -> Result<Self, Failure> {
        Self::with_token_needed(args, true)
    }

    /// A context for `op`: the health check needs no token (its page: no authentication), so a readiness
    /// probe runs without one.
    fn for_operation(args: &ArgMatches, op: &OperationInfo) -> Result<Self, Failure> {
        Self::with_token_needed(args, op.id != <talkover::account::HealthCheck as talkover::Operation>::ID)
    }

    fn with_token_needed(args: &ArgMatches, needed: bool) -> Result<Self, Failure> {
        // Before the token: a command given the wrong server is told so before anything else.
        let base_url = base_url(args)?;
        let token = match read_token(args) {
            Ok(token) => token,
            // A dry run sends nothing, so it needs no token.
            Err(_) if args.try_get_one::<bool>("dry-run").ok().flatten().copied().unwrap_or(false) => {
                talkover::SecretString::new("talq_dry_run")
            }
            // None given at all: sent all the same (the client always sends one), and ignored there. A
            // token file that cannot be read is still an error.
            Err(_) if !needed && args.get_one::<String>("token-file").is_none() => {
                talkover::SecretString::new("talq_none")
            }
            Err(failure) => return Err(failure),
        };
        output::never_print(&token);
        let settings = Settings {
            token,
            base_url,
            timeout: args.get_one::<std::time::Duration>("timeout").copied(),
            max_retries: args.get_one::<u32>("max-retries").copied(),
            headers: headers(args)?,
        };
        let client = settings.builder().build().map_err(|e| match e.to_string() {
            // The SDK's words name a builder method a command line has no way to reach.
            m if m.contains("plain http is accepted only") => Failure::refused(
                "--base-url: plain http is sent only to this machine (127.0.0.1, localhost, [::1]); use https".into(),
            ),
            _ => Failure::from(e),
        })?;
        Ok(Self { client, format: Format::of(args), settings })
    }

    /// A builder with this context's settings, for a client with another retry policy.
    pub fn client_builder(&self) -> talkover::blocking::ClientBuilder {
        self.settings.builder()
    }

    /// Runs one call of the client; its error says how each attempt ended and how long an exchange had.
    pub fn call<T>(&self, call: impl FnOnce(&Client) -> Result<T, talkover::Error>) -> Result<T, Failure> {
        self.call_with(&self.client, self.settings.timeout.map(|t| (t, failure::TIMEOUT_FLAG)), call)
    }

    /// The time each exchange has: `--timeout`, or the default.
    pub fn timeout(&self) -> std::time::Duration {
        self.settings.timeout.unwrap_or(DEFAULT_TIMEOUT)
    }

    /// Runs one call of `client`, this context's or one made from it with each exchange bounded by
    /// `timeout` (and maybe another retry policy); its error says how each attempt ended and, when known,
    /// how long an exchange had.
    pub fn call_with<T>(
        &self,
        client: &Client,
        timeout: Option<failure::Bound>,
        call: impl FnOnce(&Client) -> Result<T, talkover::Error>,
    ) -> Result<T, Failure> {
        let (result, outcomes) = attempts::recorded(|| call(client));
        result.map_err(|e| Failure::api(e, outcomes, timeout))
    }
}

/// The most read of standard input for a token (`--token-file -`): a token is a line of text.
const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

fn read_token(args: &ArgMatches) -> Result<talkover::SecretString, Failure> {
    if let Some(path) = args.get_one::<String>("token-file") {
        // `-`: the first line of standard input that is not blank (as a file's blank lines are passed
        // over), leaving the rest to `--data -`, `-F name=@-` or a CSV.
        let text = if path == "-" {
            let mut input = std::io::stdin().lock().take(MAX_TOKEN_FILE_BYTES);
            let mut line = String::new();
            while line.trim().is_empty() {
                line.clear();
                let read = input
                    .read_line(&mut line)
                    .map_err(|e| Failure::local(format!("cannot read the token from standard input: {e}")))?;
                if read == 0 {
                    break;
                }
            }
            line
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| Failure::local(format!("cannot read the token file {path}: {e}")))?
        };
        // A byte-order mark, as some editors write a UTF-8 file, is no part of the token.
        let token = text.trim_start_matches('\u{feff}').trim();
        if token.is_empty() {
            let empty = if path == "-" {
                "no token on standard input".to_owned()
            } else {
                format!("the token file {path} is empty")
            };
            return Err(Failure::refused(empty));
        }
        // `cat body.json | talkover … --data - --token-file -`: the body's first line is no token.
        if path == "-" && token.starts_with(['{', '[', '"']) {
            return Err(Failure::usage(
                "the first line of standard input is JSON, not a token: with --token-file -, standard input \
                 gives the token on its first line, then the body or file read with -"
                    .into(),
            ));
        }
        return Ok(talkover::SecretString::new(token));
    }
    match std::env::var(talkover::TOKEN_ENV) {
        Ok(token) if !token.trim().is_empty() => Ok(talkover::SecretString::new(token.trim())),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::refused(format!(
            "{} is set but is not UTF-8 text, so it holds no token (the value is not shown)",
            talkover::TOKEN_ENV
        ))),
        _ => Err(Failure::refused("no token: set TALKOVER_TOKEN or pass --token-file PATH".into())),
    }
}

/// Whether standard error is a terminal (progress bars go there only then).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// The base URL given with `--base-url` or `TALKOVER_BASE_URL`, if any. One given empty is refused, as the
/// SDK's `from_env` refuses it, rather than taken as the default: `--base-url "$STAGING_URL"` with no
/// `STAGING_URL` would otherwise send to the API itself what was meant for a test server.
fn base_url(args: &ArgMatches) -> Result<Option<String>, Failure> {
    let given = match args.get_one::<String>("base-url") {
        Some(url) => Some(url.clone()),
        None => match std::env::var(talkover::BASE_URL_ENV) {
            Ok(url) => Some(url),
            Err(std::env::VarError::NotPresent) => None,
            // Not shown: a URL may carry a password, which the SDK refuses to print.
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::refused(format!(
                    "{} is set but is not UTF-8 text (the value is not shown)",
                    talkover::BASE_URL_ENV
                )))
            }
        },
    };
    match given {
        Some(url) if url.trim().is_empty() => Err(Failure::refused(format!(
            "the base URL is empty (--base-url or {}): leave both out to use {}",
            talkover::BASE_URL_ENV,
            talkover::DEFAULT_BASE_URL
        ))),
        given => Ok(given),
    }
}
