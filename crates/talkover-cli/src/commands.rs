//! The command tree, generated from the core's registry: one `talkover <resource> <action>` per operation,
//! with its path parameters as positional arguments, `--query name=value`, `--data` for a body, and the
//! link to its reference page in its help.

use std::collections::BTreeMap;

use clap::{Arg, ArgAction, Command};
use talkover::auto_topup::TestAutoTopup;
use talkover::calls::{EndCall, GetActiveCall, GetAgentCalls, MakeCall, MakeCampaignCall};
use talkover::credits::PurchaseCredits;
use talkover::phone_numbers::RequestPhoneRelease;
use talkover::registry::{self, OperationInfo};
use talkover::Operation;

/// Where each operation's reference page lives.
pub const REFERENCE: &str = "https://docs.talkover.ai/api-reference/endpoints/";

/// Body fields that some operations also take as positional arguments after their path parameters, so
/// that the common calls read naturally (`talkover calls make <agent_id> <number>`).
const BODY_POSITIONALS: &[(&str, &[(&str, &str)])] = &[
    (MakeCall::ID, &[("to", "the number to call, in international form (+15550101234)")]),
    (MakeCampaignCall::ID, &[("to", "the number to call, E.164 (+15550101234)")]),
];

/// Extra names under another resource for common operations, beside their generated place.
const FRIENDLY: &[(&str, &str, &str)] = &[
    // (resource, action, operation id)
    ("calls", "make", MakeCall::ID),
    ("calls", "end", EndCall::ID),
    ("calls", "active", GetActiveCall::ID),
    ("calls", "list-for-agent", GetAgentCalls::ID),
];

/// The command of one operation: `resource` and `action` as a user types them.
#[derive(Clone, Debug)]
pub struct OperationCommand {
    pub resource: String,
    pub action: String,
    pub operation: &'static OperationInfo,
}

/// The resource an operation belongs to: the first segment of its path after the API version
/// (`agents`, `campaigns`, `sip-trunks`, …).
fn resource_of(op: &OperationInfo) -> String {
    let rest = op.path.strip_prefix("/api/v1/").or_else(|| op.path.strip_prefix("/api/")).unwrap_or(op.path);
    rest.split('/').next().unwrap_or("api").to_owned()
}

/// The words naming a resource, singular and plural (`sip-trunks` gives `sip`, `trunk`, `trunks`).
fn resource_words(resource: &str) -> Vec<String> {
    let mut words = Vec::new();
    for word in resource.split('-') {
        words.push(word.to_owned());
        if let Some(singular) = word.strip_suffix('s') {
            words.push(singular.to_owned());
        } else {
            words.push(format!("{word}s"));
        }
    }
    words
}

/// Every operation's command, in the registry's order: the action is the operation id without the words
/// of its resource (`list-agents` under `agents` is `list`); where that would be empty or taken, the whole
/// id.
pub fn operation_commands() -> Vec<OperationCommand> {
    // Each command also answers to its operation id, so an action never takes another one's id.
    let mut taken: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for op in registry::operations() {
        taken.entry(resource_of(op)).or_default().push(op.id.to_owned());
    }
    let mut commands = Vec::new();
    for op in registry::operations() {
        let resource = resource_of(op);
        let words = resource_words(&resource);
        let short: Vec<&str> = op.id.split('-').filter(|w| !words.iter().any(|r| r == w)).collect();
        let used = taken.entry(resource.clone()).or_default();
        let mut action = short.join("-");
        if action.is_empty() && op.method.as_str() == "GET" {
            action = "get".into();
        }
        if action.is_empty() || (action != op.id && used.contains(&action)) {
            action = op.id.to_owned();
        }
        used.push(action.clone());
        commands.push(OperationCommand { resource, action, operation: op });
    }
    for (resource, action, id) in FRIENDLY {
        if let Some(op) = registry::operation(id) {
            commands.push(OperationCommand { resource: (*resource).into(), action: (*action).into(), operation: op });
        }
    }
    commands
}

/// The path parameters of an operation, in the order of its path.
pub fn path_params(op: &OperationInfo) -> Vec<&'static str> {
    talkover::encode::path_placeholders(op.path).collect()
}

/// The body fields an operation also takes as positional arguments.
pub fn body_positionals(op: &OperationInfo) -> &'static [(&'static str, &'static str)] {
    BODY_POSITIONALS.iter().find(|(id, _)| *id == op.id).map(|(_, fields)| *fields).unwrap_or(&[])
}

/// Whether a terminal user is asked before the operation is sent (`--yes` skips the question): what
/// charges money or places a call (`credits purchase`, `auto-topup test`, `calls make` unless a test
/// call, `campaigns make-call`), a number's release (once approved, request-phone-release says, the
/// number "cannot be recovered"), and every delete.
pub fn asks_first(op: &OperationInfo) -> bool {
    const ASKED: [&str; 5] =
        [PurchaseCredits::ID, TestAutoTopup::ID, MakeCall::ID, MakeCampaignCall::ID, RequestPhoneRelease::ID];
    op.method == talkover::http::Method::DELETE || ASKED.contains(&op.id)
}

/// Whether an operation answers a list of pages (it has a `page` parameter).
pub fn is_list(op: &OperationInfo) -> bool {
    op.query_names().contains(&"page")
}

/// Long flags every operation command has already: a query parameter of the same name is given with
/// `--query`.
const RESERVED: &[&str] = &[
    "query",
    "data",
    "field",
    "raw-field",
    "all",
    "dry-run",
    "yes",
    "output",
    "base-url",
    "token-file",
    "header",
    "verbose",
    "help",
    "version",
];

/// The argument id of `-F/--field`.
pub const FIELD: &str = "field";

/// The argument id of `-f/--raw-field`.
pub const RAW_FIELD: &str = "raw-field";

/// The argument id of a query parameter's flag.
pub fn query_arg_id(name: &str) -> String {
    format!("query:{name}")
}

const EXIT_CODES: &str = "\
Exit codes:
  0   success
  1   a local failure other than reading a file named with @ (a token, CSV, body or journal file that
      cannot be read or written, standard output that cannot be written, a listener that cannot bind)
  2   wrong arguments (a file named with @ that cannot be read, or is not JSON for a field that is not
      text; --output id or csv with --dry-run, campaigns import, webhooks listen or webhooks verify)
  3   refused before sending (a parameter does not fit the operation, no token)
  4   401: the API refused the token (none given at all is 3)
  5   404: not found (calls wait: the call is not among the agent's calls)
  6   409: conflict
  7   400 or 422: the API rejected the request's content; or another 4xx in the API's JSON (413 too
      large, 415, 405): refused as sent, not carried out
  8   429: rate limited, retries exhausted
  9   5xx: server error, retries exhausted
  10  transport: the API could not be reached, or its answer to a request safe to repeat did not come (a
      timeout, a lost connection; a request not safe to repeat exits 18 then)
  11  the answer was not the documented one (decode, a status other than those above, or a 4xx that is not
      JSON: another server's page, such as a wrong base URL's 404, or the API's 404 for a path it has no
      route for: a base URL whose path is not the API's); a success answer the types cannot
      read is written to standard output when it is JSON (its ids with -o id), and only its length and
      kind are shown otherwise
  12  campaigns import: some rows failed (run it again to retry them)
  13  webhooks verify: the signature does not verify
  14  campaigns import: every valid row is queued, some rows are invalid (fix them in the file)
  15  calls wait: the call had not ended when --max-wait passed
  16  calls wait: the call ended without completing (failed, busy, no-answer or voicemail); it is printed
  17  the request was carried out, but nothing was printed: with --output id, its answer holds no id (a
      delete, a trigger); or its answer could not be written to standard output (not a
      closed pipe, which ends quietly with 0); standard error says so
  18  a request that is not safe to repeat (make-call, create-…, purchase-credits, …) failed in a way
      that leaves open whether it took effect (a 5xx or 408 answer, a timeout, a lost connection after
      sending): check before running it again (one carried out for certain, its success answer cut
      off, exits 11)
  19  403: the request is not allowed, to this token or in the resource's present state (deleting an
      active campaign)
  20  402: the account cannot pay for it (make-call's insufficient credits, a declined card); nothing
      was done
  21  the API answered success: false in a success status: it took the request and says it did not
      succeed (a test delivery of test-webhook that failed); the answer, as received, is printed
A request not safe to repeat that was carried out but whose answer could not be read (exit 11) says so
too: check before running it again.
With --output json, an error is one line of JSON on standard error, argument errors included:
{\"error\": {\"kind\", \"exit_code\", \"message\", …}}, with \"outcome_unknown\": true for such a request.";

/// Where webhooks are listed, created and changed: under the agent or campaign they belong to.
const WEBHOOK_MANAGEMENT: &str = "\
Webhooks are managed under the agent or campaign they belong to:
  talkover agents list-webhooks AGENT_ID        (also create-webhook, update-webhook, delete-webhook, …)
  talkover campaigns list-webhooks CAMPAIGN_ID  (also create-webhook, update-webhook, delete-webhook, …)
`talkover operations` lists every webhook command.";

/// Points an unknown `webhooks` command (`webhooks list`) to where webhooks are managed, instead of
/// clap's suggestion of the similar name (`listen`, which starts a server).
pub fn hint_webhook_management(e: &mut clap::Error) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let in_webhooks =
        matches!(e.get(ContextKind::Usage), Some(usage) if usage.to_string().contains("talkover webhooks "));
    if e.kind() != ErrorKind::InvalidSubcommand || !in_webhooks {
        return;
    }
    e.remove(ContextKind::SuggestedSubcommand);
    let tip = "webhooks are managed under agents and campaigns: `talkover agents list-webhooks AGENT_ID`, \
               `talkover campaigns list-webhooks CAMPAIGN_ID` (`talkover webhooks --help` says more)";
    e.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![tip.into()]));
}

/// An error clap found in the arguments, on one line: what is wrong, its tips and the usage.
pub fn error_message(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let what = if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // The rendering is the whole help; its usage line says what is missing.
        "a command or argument is missing".to_owned()
    } else {
        // The first paragraph, its lines joined (a list of missing arguments comes on lines of its own).
        let first = rendered.split("\n\n").next().unwrap_or_default();
        let first = first.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        first.strip_prefix("error: ").unwrap_or(&first).to_owned()
    };
    let mut parts = vec![what];
    for line in rendered.lines().map(str::trim) {
        if line.starts_with("tip:") {
            parts.push(line.to_owned());
        } else if let Some(usage) = line.strip_prefix("Usage: ") {
            parts.push(format!("usage: {usage}"));
        }
    }
    parts.join("; ")
}

/// `--timeout`'s value: seconds, fractions too, from 0.1 to 3600.
fn seconds_of_timeout(text: &str) -> Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (0.1..=3600.0).contains(&seconds) => Ok(std::time::Duration::from_secs_f64(seconds)),
        _ => Err(format!("takes seconds from 0.1 to 3600 (such as 30 or 2.5), not {text:?}")),
    }
}

/// The whole command line.
pub fn command() -> Command {
    let mut root = Command::new("talkover")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Talkover API from the shell: every operation, a resumable campaign import, a webhook listener")
        .long_about(
            "The Talkover API from the shell.\n\n\
             The token is read from TALKOVER_TOKEN or from the file given with --token-file; it is never printed. \
             Output is a table or the key fields on a terminal, JSON when piped or with --output json.",
        )
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        // Every command has these: its help lists them last, after what is its own.
        .next_help_heading("Global options")
        .arg(
            // The variable is read by `base_url()`, not by clap: a value clap took from the environment
            // would show in every usage line, as if `--base-url` were required.
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .global(true)
                .help("The API's base URL (default https://app.talkover.ai/api/v1) [env: TALKOVER_BASE_URL]"),
        )
        .arg(
            Arg::new("token-file")
                .long("token-file")
                .value_name("PATH")
                .global(true)
                .help("Read the token from this file instead of TALKOVER_TOKEN (- reads the first line of stdin that is not blank)"),
        )
        .arg(
            Arg::new("header")
                .long("header")
                .short('H')
                .value_name("NAME:VALUE")
                .action(ArgAction::Append)
                .global(true)
                .help(
                    "Send this header with every request (a gateway's key, a correlation id); repeatable. \
                     NAME:@PATH reads the value from the file's first line not blank, out of the process list; \
                     such a value, or one of a header named as a credential (…-key, …-token, …-secret), is \
                     hidden in what is printed (echoed in an answer, from 8 characters)",
                ),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .value_name("FORMAT")
                .value_parser(["auto", "table", "json", "id", "csv"])
                .default_value("auto")
                .global(true)
                .help(
                    "table on a terminal, json when piped (auto), or as given; id: only the id of each \
                     resource of the answer, one a line (exit 17, the request carried out, for an answer that \
                     holds none); csv: the resources as CSV, a column for each field (nested ones as JSON)",
                ),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(seconds_of_timeout)
                .global(true)
                .help(
                    "Give up on one exchange after this many seconds, 0.1 to 3600 (default 60), and wait no longer \
                     than this before a retry (a timed-out exchange is retried as other failures are)",
                ),
        )
        .arg(
            Arg::new("max-retries")
                .long("max-retries")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(0..=10))
                .global(true)
                .help("Retries after a failed attempt, where retrying is safe (default 2, at most 10; 0 turns them off)"),
        )
        .arg(
            // Every command takes it, so that a wrapper can always pass it; only those that charge, place a
            // call or delete ask anything.
            Arg::new("yes")
                .long("yes")
                .short('y')
                .action(ArgAction::SetTrue)
                .global(true)
                .help(
                    "Send without asking first (on a terminal, a command that charges, places a call, releases a \
                     number or deletes asks first; elsewhere nothing asks)",
                ),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .action(ArgAction::SetTrue)
                .global(true)
                .help(
                    "Say each attempt on standard error: method, path template, status or failure, time, and \
                     the wait before a retry (without it, only waits of a second or more are said)",
                ),
        )
        .next_help_heading(None)
        .subcommand(
            Command::new("operations").about("List every operation and the command that runs it").arg(
                Arg::new("words")
                    .num_args(0..)
                    .value_name("WORD")
                    .help("Only the operations whose id, command, path or summary holds every word (webhook log)"),
            ),
        )
        .subcommand(
            Command::new("completion")
                .about("Print the shell completion script for bash, zsh, fish, elvish or powershell")
                .long_about(
                    "Print the shell completion script: every command, flag and query parameter.\n\n\
                     bash:  talkover completion bash > ~/.local/share/bash-completion/completions/talkover\n\
                     zsh:   talkover completion zsh > \"${fpath[1]}/_talkover\"\n\
                     fish:  talkover completion fish > ~/.config/fish/completions/talkover.fish",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_name("SHELL")
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        );

    let mut resources: BTreeMap<String, Command> = BTreeMap::new();
    for cmd in operation_commands() {
        let resource = resources.entry(cmd.resource.clone()).or_insert_with(|| {
            Command::new(cmd.resource.clone())
                .about(format!("Operations on {}", cmd.resource))
                .subcommand_required(true)
                .arg_required_else_help(true)
        });
        let sub = operation_command(&cmd);
        *resource = std::mem::replace(resource, Command::new("")).subcommand(sub);
    }
    for (name, resource) in resources {
        let resource = match name.as_str() {
            "campaigns" => resource.subcommand(crate::import::command()),
            "calls" => resource.subcommand(crate::wait::command()),
            "webhooks" => resource
                .after_help(WEBHOOK_MANAGEMENT)
                .subcommand(crate::listen::command())
                .subcommand(crate::listen::verify_command()),
            _ => resource,
        };
        root = root.subcommand(resource);
    }
    if !root.get_subcommands().any(|c| c.get_name() == "webhooks") {
        root = root.subcommand(
            Command::new("webhooks")
                .about("Receive and check webhook deliveries (webhooks are managed under agents and campaigns)")
                .after_help(WEBHOOK_MANAGEMENT)
                .subcommand_required(true)
                .subcommand(crate::listen::command())
                .subcommand(crate::listen::verify_command()),
        );
    }
    root.subcommand(
        Command::new("mock")
            .about("Run the API emulator on 127.0.0.1 (options as talkover-mock; `talkover mock --help` lists them)")
            .disable_help_flag(true)
            .arg(Arg::new("args").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true).value_name("OPTIONS")),
    )
}

/// The heading of an operation's query parameter flags in its help, apart from the options every command has.
const QUERY_HEADING: &str = "Query parameters";
/// The heading of the flags that give an operation's body.
const BODY_HEADING: &str = "Body";

fn operation_command(cmd: &OperationCommand) -> Command {
    let op = cmd.operation;
    let params = path_params(op);
    let positionals = body_positionals(op);
    let fields = op.body_fields();
    let mut usage_hint = String::new();
    if op.has_body() {
        usage_hint.push_str(
            "The body is given with --data (JSON text, @file or - for stdin), field by field with -F/--field \
             and -f/--raw-field, or both: the fields are set over --data, in the order given",
        );
        if !positionals.is_empty() {
            usage_hint.push_str(", and the positional body fields last");
        }
        usage_hint.push_str(
            ".\nA field's NAME is a path: `schedule.timezone` sets a key of an object, `days_of_week[]` adds \
             to a list.\n",
        );
        usage_hint.push_str(if fields.is_empty() {
            "The body's fields depend on its kind (its reference page lists them): none is listed here.\n\
             -F NAME=@path takes the value from a text file (@- from stdin) as if written inline, one last \
             line break removed."
        } else {
            "-F NAME=@path takes the value from a text file (@- from stdin), read by the field's type below: \
             for a field of text (text, a secret string, an enumeration's string, a date or date-time, an \
             identifier) the file's text as it is, but for one last line break (\\n or \\r\\n), which editors \
             end a file with; for any other type the file's JSON (exit 2, naming the file and the field, when \
             it is not JSON). A name not listed below (a path into an object) takes the file as if written inline, one \
             last line break removed."
        });
        usage_hint.push_str(
            " --data sends its JSON exactly, a string's last line break included. -f never reads a file: \
             -f NAME=@text sends `@text`.\n",
        );
    }
    if !fields.is_empty() {
        let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        usage_hint.push_str("\nBody fields (* the types require it; the reference page says what each means):\n");
        for field in &fields {
            let mark = if field.required { '*' } else { ' ' };
            usage_hint.push_str(&format!("  {mark} {:width$}  {}\n", field.name, field.reads));
        }
    }
    // What it does, from the operation's declaration, then its request.
    let summary = op.summary();
    let about = if summary.is_empty() { format!("{} {}", op.method, op.path) } else { summary.clone() };
    // Said only of an operation that has query parameters: another has no such flags to point to.
    let query_hint = if op.query_names().is_empty() {
        ""
    } else {
        "Query parameters have their own flags (repeat one for a list), or are given with --query name=value.\n"
    };
    // The Account API's pages ask for another token than the rest: said where it applies.
    let token_hint = if crate::failure::ACCOUNT_API.contains(&op.id) {
        "Token: a user's session token (the Account API), not the environment's talq_ token the other \
         operations take.\n"
    } else {
        ""
    };
    let long_about = format!(
        "{summary}\n\n{} {}\n\nOperation: {}{}\nReference: {REFERENCE}{}\n\n{token_hint}{query_hint}{usage_hint}",
        op.method,
        op.path,
        op.id,
        if op.safe_to_repeat {
            ""
        } else {
            " (not safe to repeat: never retried unless the answer proves it was not processed)"
        },
        op.id,
    );
    let mut command = Command::new(cmd.action.clone())
        .about(about)
        .long_about(long_about.trim_end().to_owned())
        .after_long_help(format!("Example:\n  {}", shown_example(&example_args(cmd))));
    if cmd.action != op.id {
        command = command.alias(op.id);
    }
    for name in &params {
        command = command.arg(
            Arg::new(*name).required(true).value_name(name.to_uppercase()).help(format!("The {{{name}}} of the path")),
        );
    }
    for (field, help) in positionals {
        command = command
            .arg(Arg::new(*field).value_name(field.to_uppercase()).help(format!("Body field `{field}`: {help}")));
    }
    for field in op.query_fields() {
        let name = field.name;
        let flag = name.replace('_', "-");
        if RESERVED.contains(&flag.as_str()) {
            continue; // still reachable as --query NAME=VALUE
        }
        let required = if field.required { ", required" } else { "" };
        let mut arg = Arg::new(query_arg_id(name))
            .long(flag.clone())
            .value_name("VALUE")
            .action(ArgAction::Append)
            // `--page -1` reaches the check of the value, which says what it takes, rather than reading as an
            // unknown flag `-1`.
            .allow_negative_numbers(true)
            .help(format!("Query parameter `{name}`: {}{required}", field.reads))
            .help_heading(QUERY_HEADING);
        if let ValueKind::Enum(values) = reading(&field.reads).kind {
            arg = arg.value_parser(Documented::of(values)).hide_possible_values(true);
        }
        command = command.arg(arg);
    }
    command = command.arg(
        Arg::new("query")
            .long("query")
            .short('q')
            .value_name("NAME=VALUE")
            .action(ArgAction::Append)
            .help("A query parameter (repeat the name for a list)")
            .help_heading(QUERY_HEADING),
    );
    if op.has_body() {
        command = command
            .arg(
                Arg::new("data")
                    .long("data")
                    .short('d')
                    .value_name("JSON|@FILE|-")
                    .help("The JSON body: inline, @path to read a file, - (or @-) to read stdin")
                    .help_heading(BODY_HEADING),
            )
            .arg(
                Arg::new(FIELD)
                    .long("field")
                    .short('F')
                    .value_name("NAME=VALUE")
                    .action(ArgAction::Append)
                    .help(
                        "A body field, typed: true, false, null, a number, or JSON text ([…], {…}, \"…\") as such, \
                     anything else as a string; @path reads the value from a file, @- from stdin, by the \
                     field's type (the text of a text field, but its last line break; JSON otherwise)",
                    )
                    .help_heading(BODY_HEADING),
            )
            .arg(
                Arg::new(RAW_FIELD)
                    .long("raw-field")
                    .short('f')
                    .value_name("NAME=VALUE")
                    .action(ArgAction::Append)
                    .help(
                        "A body field, always the string given: for digits meant as text (15550101234), or a \
                         value starting with @",
                    )
                    .help_heading(BODY_HEADING),
            );
    }
    command = command.arg(
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .help("Print the request that would be sent (method, URL, body with its secrets redacted; never the token) and send nothing"),
    );
    if is_list(op) {
        command = command.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help(
            "Fetch every page of a list, from --page (1 by default): its items as NDJSON (one JSON object \
                     a line), or one table of them all with --output table; an item read again on a later page \
                     (the list changed meanwhile) is written once",
        ));
    }
    command
}

/// The arguments of one example invocation of `cmd` (`talkover` first), from what the registry says of its
/// operation: a placeholder for each path parameter and positional body field, each required query
/// parameter and body field with a value of the type it reads. An operation whose body needs no field shows
/// its first one, and one whose body the types read whole shows `--data @body.json`. Upper case is for the
/// user to fill in; an enumeration shows its first value, a boolean `true`, a date its format, and a secret
/// string `@-`: read from standard input, not left in the shell's history.
pub fn example_args(cmd: &OperationCommand) -> Vec<String> {
    let op = cmd.operation;
    let mut args = vec!["talkover".to_owned(), cmd.resource.clone(), cmd.action.clone()];
    args.extend(path_params(op).iter().map(|name| name.to_uppercase()));
    let positionals = body_positionals(op);
    args.extend(positionals.iter().map(|(field, _)| field.to_uppercase()));
    for field in op.query_fields().iter().filter(|f| f.required) {
        let flag = field.name.replace('_', "-");
        let (_, value) = example_value(field.name, &field.reads);
        if RESERVED.contains(&flag.as_str()) {
            args.extend(["--query".to_owned(), format!("{}={value}", field.name)]);
        } else {
            args.extend([format!("--{flag}"), value]);
        }
    }
    if op.has_body() {
        let fields: Vec<_> =
            op.body_fields().into_iter().filter(|f| !positionals.iter().any(|(p, _)| *p == f.name)).collect();
        let required: Vec<_> = fields.iter().filter(|f| f.required).collect();
        // Without a field to give, the example shows how one is given: the first.
        let shown =
            if required.is_empty() && positionals.is_empty() { fields.first().into_iter().collect() } else { required };
        // A choice that names another field of the body needs it (`auth_type=password`, then `password`).
        let chosen: Vec<String> = shown.iter().map(|f| example_value(f.name, &f.reads).1).collect();
        let named = fields.iter().filter(|f| !f.required && chosen.iter().any(|value| value == f.name));
        let shown: Vec<_> = shown.into_iter().chain(named).collect();
        let mut stdin_taken = false;
        for field in shown {
            let (typed, mut value) = example_value(field.name, &field.reads);
            // Standard input is read once: a second secret comes from a file.
            if value == "@-" && std::mem::replace(&mut stdin_taken, true) {
                value = format!("@{}.txt", field.name);
            }
            let list = if reading(&field.reads).list && !value.starts_with('@') { "[]" } else { "" };
            args.extend([if typed { "-F" } else { "-f" }.to_owned(), format!("{}{list}={value}", field.name)]);
        }
        if fields.is_empty() && positionals.is_empty() {
            args.extend(["--data".to_owned(), "@body.json".to_owned()]);
        }
    }
    args
}

/// What a field reads, from the words of `FieldInfo::reads` (`null or list of integer`, `secret string`,
/// `CallStatus string (initiated, …)`): whether it is a list, and what one value of it is. Examples and
/// `-F NAME=@path` both go by it.
#[derive(Debug, PartialEq, Eq)]
pub struct Reading<'a> {
    /// Whether the field is a list (`list of …`).
    pub list: bool,
    /// The words of one value, `null or` and `list of` taken off.
    pub item: &'a str,
    /// What one value is.
    pub kind: ValueKind<'a>,
}

/// The kinds of value the command line gives and reads differently.
#[derive(Debug, PartialEq, Eq)]
pub enum ValueKind<'a> {
    /// A secret string.
    Secret,
    /// An enumeration's string, with its values as listed (`draft, active, …)`).
    Enum(&'a str),
    /// A date, with its format (`YYYY-MM-DD`).
    Date(&'a str),
    /// Text of another kind: text, an identifier, a date-time.
    Text,
    /// A boolean.
    Boolean,
    /// A number: an integer, a number, a decimal.
    Number,
    /// An object, or any JSON value.
    Json,
}

impl ValueKind<'_> {
    /// Whether a value of this kind is a JSON string.
    pub fn is_string(&self) -> bool {
        matches!(self, Self::Secret | Self::Enum(_) | Self::Date(_) | Self::Text)
    }
}

/// [`Reading`] of a field that reads `reads`.
pub fn reading(reads: &str) -> Reading<'_> {
    let reads = reads.trim_start_matches("null or ");
    let (list, item) = match reads.strip_prefix("list of ") {
        Some(item) => (true, item.trim_start_matches("null or ")),
        None => (false, reads),
    };
    let kind = if item.starts_with("secret string") {
        ValueKind::Secret
    } else if let Some((_, values)) = item.split_once(" string (") {
        ValueKind::Enum(values)
    } else if let Some(format) = item.strip_prefix("date written ") {
        ValueKind::Date(format)
    } else if item.starts_with("ISO 8601 date") {
        // A date or a date-time (the calendar pages' times): a date is one, and the shortest to show.
        ValueKind::Date("YYYY-MM-DD")
    } else {
        match item.split([' ', '(']).next().unwrap_or_default() {
            "text" | "identifier" | "date-time" => ValueKind::Text,
            "boolean" => ValueKind::Boolean,
            "integer" | "number" | "decimal" => ValueKind::Number,
            _ => ValueKind::Json,
        }
    };
    Reading { list, item, kind }
}

/// Any text, offering an enumeration's documented values to shell completion (`talkover completion`): a
/// value the API adds later is still sent, as the SDK's types keep it, and the API judges it.
#[derive(Clone, Debug)]
struct Documented(Vec<String>);

impl Documented {
    fn of(listed: &str) -> Self {
        Self(enum_values(listed))
    }
}

/// The values of an enumeration as `FieldInfo::reads` lists them (`draft, active, …)`).
pub fn enum_values(listed: &str) -> Vec<String> {
    let values = listed.trim_end_matches(')').split(',').map(str::trim);
    values.filter(|v| !v.is_empty() && *v != "…").map(str::to_owned).collect()
}

impl clap::builder::TypedValueParser for Documented {
    type Value = String;

    fn parse_ref(&self, command: &Command, arg: Option<&Arg>, value: &std::ffi::OsStr) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(command, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|value| clap::builder::PossibleValue::new(value.clone()))))
    }
}

/// The flag that gives a body field its value as the examples write it: `-F` for a value read as JSON (a
/// number, a boolean, an object, a secret from a file), `-f` for text (an enumeration's value and a date
/// among them).
pub fn value_flag(name: &str, reads: &str) -> &'static str {
    if example_value(name, reads).0 {
        "-F"
    } else {
        "-f"
    }
}

/// An example value of a field reading `reads` (as `FieldInfo::reads` words it), and whether it is given
/// typed (`-F`) rather than as text (`-f`). A list gives one item's value (added with `name[]`), an object
/// a JSON file to read it from, a secret `@-`: standard input, so that it is not left in the shell's
/// history.
fn example_value(name: &str, reads: &str) -> (bool, String) {
    let placeholder = name.to_uppercase();
    match reading(reads).kind {
        ValueKind::Json => (true, format!("@{name}.json")),
        ValueKind::Secret => (true, "@-".to_owned()),
        ValueKind::Enum(values) => {
            let first = values.split([',', ')']).next().unwrap_or_default().trim();
            (false, if first.is_empty() { placeholder } else { first.to_owned() })
        }
        ValueKind::Date(format) => (false, format.to_owned()),
        ValueKind::Boolean => (true, "true".to_owned()),
        ValueKind::Number => (true, placeholder),
        ValueKind::Text => (false, placeholder),
    }
}

/// The text that ends a hand-written command's `--help`: its example (`args`, `talkover` first) as
/// [`shown_example`] writes it, as every generated command's ends, then `note` on a line of its own.
pub fn example_help(args: &[&str], note: Option<&str>) -> String {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let mut text = format!("Example:\n  {}", shown_example(&args));
    if let Some(note) = note {
        text.push_str(&format!("\n{note}"));
    }
    text
}

/// Example arguments as a shell line: quoted where the shell would read a character itself (`[]`, `{`),
/// and broken with ` \` before it passes 100 columns.
pub fn shown_example(args: &[String]) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.=/@:+,%".contains(c);
    let mut text = String::new();
    let mut column = 2;
    for (i, arg) in args.iter().enumerate() {
        let word = if arg.chars().all(plain) { arg.clone() } else { format!("'{}'", arg.replace('\'', r"'\''")) };
        // A flag stays on the line of its value.
        let joined_to_flag = i > 0 && args[i - 1].starts_with('-') && !arg.starts_with('-');
        let next = args.get(i + 1).filter(|next| arg.starts_with('-') && !next.starts_with('-'));
        let width = word.len() + next.map_or(0, |n| n.len() + 3);
        if i > 0 && !joined_to_flag && column + 1 + width > 98 {
            text.push_str(" \\\n     ");
            column = 5;
        } else if i > 0 {
            text.push(' ');
            column += 1;
        }
        text.push_str(&word);
        column += word.len();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command's example is one the command line takes, and it gives each path parameter, required
    /// query parameter and required body field of the operation.
    #[test]
    fn every_example_parses_and_gives_what_the_operation_requires() {
        let root = command();
        for cmd in operation_commands() {
            let args = example_args(&cmd);
            let matches = root.clone().try_get_matches_from(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let (_, resource) = matches.subcommand().unwrap();
            let (_, given) = resource.subcommand().unwrap();
            let op = cmd.operation;
            for name in path_params(op) {
                assert!(given.get_one::<String>(name).is_some(), "{args:?} gives {name}");
            }
            let body = |name: &str| {
                let mut values =
                    [FIELD, RAW_FIELD].iter().flat_map(|id| given.get_many::<String>(id).into_iter().flatten());
                body_positionals(op).iter().any(|(p, _)| *p == name)
                    || values.any(|v| v.split_once('=').is_some_and(|(n, _)| n.trim_end_matches("[]") == name))
            };
            for field in op.body_fields().iter().filter(|f| f.required) {
                assert!(body(field.name), "{args:?} gives the body field {}", field.name);
            }
            for field in op.query_fields().iter().filter(|f| f.required) {
                let flag = given.try_get_many::<String>(&query_arg_id(field.name)).ok().flatten();
                let query = given.get_many::<String>("query").into_iter().flatten();
                let mut query = query.filter(|q| q.starts_with(&format!("{}=", field.name)));
                assert!(flag.is_some() || query.next().is_some(), "{args:?} gives the query parameter {}", field.name);
                // A query flag takes its value as written: it reads no file.
                let values = flag.into_iter().flatten();
                assert!(values.clone().all(|v| !v.starts_with('@')), "{args:?}: {:?}", values.collect::<Vec<_>>());
            }
        }
    }

    /// The examples of the hand-written commands are ones the command line takes (the webhook commands' with
    /// the secret their note says comes from the environment).
    #[test]
    fn every_hand_written_example_parses() {
        let root = command();
        for (example, secret) in [
            (crate::wait::EXAMPLE, false),
            (crate::import::EXAMPLE, false),
            (crate::listen::VERIFY_EXAMPLE, true),
            (crate::listen::LISTEN_EXAMPLE, true),
        ] {
            let mut args = example.to_vec();
            if secret {
                args.extend(["--secret", "whsec_example"]);
            }
            root.clone().try_get_matches_from(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let (resource, action) = (example[1], example[2]);
            let mut root = root.clone();
            let sub = root.find_subcommand_mut(resource).and_then(|r| r.find_subcommand_mut(action)).expect("there");
            let help = sub.get_after_long_help().map(ToString::to_string).unwrap_or_default();
            assert!(help.starts_with("Example:\n  talkover "), "{example:?}: {help}");
        }
    }

    #[test]
    fn an_example_fills_in_what_the_types_read_and_is_quoted_for_the_shell() {
        assert_eq!(example_value("status", "CampaignStatus string (draft, active, paused)"), (false, "draft".into()));
        assert_eq!(example_value("days", "list of integer (weekday number)"), (true, "DAYS".into()));
        assert_eq!(example_value("ranges", "list of object (start, end)"), (true, "@ranges.json".into()));
        assert_eq!(example_value("flag", "null or boolean"), (true, "true".into()));
        assert_eq!(example_value("start_date", "date written YYYY-MM-DD"), (false, "YYYY-MM-DD".into()));
        let calendar_time = "ISO 8601 date or date-time (2024-01-15, 2024-01-15T09:00:00, 2024-01-15T09:00:00Z)";
        assert_eq!(example_value("from", calendar_time), (false, "YYYY-MM-DD".into()));
        assert!(reading(calendar_time).kind.is_string(), "a file given for it is read as text");
        assert_eq!(example_value("name", "text"), (false, "NAME".into()));
        assert_eq!(example_value("password", "secret string"), (true, "@-".into()), "not in the history");
        assert_eq!(example_value("passphrase", "null or secret string"), (true, "@-".into()));
        let args: Vec<String> = ["talkover", "x", "y", "-F", "a[]=1", "-f", "b=it's"].map(String::from).into();
        assert_eq!(shown_example(&args), r"talkover x y -F 'a[]=1' -f 'b=it'\''s'");
    }
}
