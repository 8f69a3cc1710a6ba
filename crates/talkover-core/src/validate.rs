//! Checks of the bounds the reference documents, run before a request is sent, and of the forms of values
//! the API refuses itself, run where a request is received.
//!
//! A client refuses before sending what the API's answer would only repeat: an empty path parameter, a
//! value outside a documented bound (a length, a range, a count), a field required only with some other
//! value. The form of a value (a URL, a phone number, an email address) and the order of two values (an
//! end after its start) are the API's to judge: it answers 400 or 422 naming the field, which
//! [`Error::field_errors`] reads, so a client sends what the API may take and hears its own words. A
//! server answering as the API does checks both ([`Problems::received`],
//! [`Operation::validate_received`](crate::Operation::validate_received)).
//!
//! Each check returns the problem it finds as an [`Error::InvalidRequest`]; an operation's check function
//! runs all of its checks through a [`Problems`] collector, so that the error lists every problem of the
//! request at once. Fields the reference marks required are not checked here: the body's type requires
//! them. A list the reference marks required must not be empty either (`days_of_week`, `file_data_ids`,
//! `call_time_ranges`): the API's validator, whose messages its 422s carry ("The … field is required."),
//! reads "required" as present and not empty, and refuses `[]` as missing.

use crate::decimal::Decimal;
use crate::error::{Error, FieldError};

/// Collects the problems of one request, so that the caller hears of all of them at once.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::validate::{self, Problems};
///
/// let mut problems = Problems::new("create-agent");
/// problems.length("name", "", 1, 255);
/// problems.range("llm_temperature", 2.5, 0.0, 2.0);
/// // An optional field is checked when it is set.
/// problems.range("max_idle_check_count", None::<u32>, 1, 10);
/// problems.check(validate::e164("create-agent", "phone", "555 1234"));
/// let error = problems.finish().unwrap_err();
/// let talkover::Error::InvalidRequest(invalid) = &error else { unreachable!() };
/// let fields: Vec<&str> = invalid.problems().iter().map(|p| p.field.as_str()).collect();
/// assert_eq!(fields, ["name", "llm_temperature", "phone"]);
/// ```
#[derive(Debug)]
#[must_use = "call `finish` to turn the problems into the request's result"]
pub struct Problems {
    operation: &'static str,
    /// Whether the forms of values and the order of two values are checked ([`Problems::received`]).
    forms: bool,
    found: Vec<FieldError>,
}

impl Problems {
    /// No problems yet, for `operation`, as a client checks a request before sending it: the forms of
    /// values ([`url`](Self::url), [`email`](Self::email), [`e164`](Self::e164),
    /// [`international`](Self::international)) and the order of two values are left to the API.
    pub fn new(operation: &'static str) -> Self {
        Self { operation, forms: false, found: Vec::new() }
    }

    /// No problems yet, for `operation`, as a server answering as the API does checks a request it received:
    /// the forms of values and the order of two values too.
    pub fn received(operation: &'static str) -> Self {
        Self { operation, forms: true, found: Vec::new() }
    }

    /// Whether the forms of values and the order of two values are checked: where a request is received
    /// ([`Problems::received`]), not before a client sends one.
    pub fn checks_forms(&self) -> bool {
        self.forms
    }

    /// Keeps the problems of one check, if it failed.
    pub fn check(&mut self, result: Result<(), Error>) -> &mut Self {
        match result {
            Ok(()) => {}
            Err(Error::InvalidRequest(invalid)) => self.found.extend(invalid.problems),
            Err(other) => self.found.push(FieldError::new("", other.to_string())),
        }
        self
    }

    /// The operation whose request is checked, for a check written as a function of its own.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Runs `check` (given the operation's id) on `value` when it is set, keeping the problem it finds:
    /// what every check of an optional field here does.
    fn when_set<V>(&mut self, value: Option<V>, check: impl FnOnce(&'static str, V) -> Result<(), Error>) -> &mut Self {
        match value {
            Some(value) => {
                let found = check(self.operation, value);
                self.check(found)
            }
            None => self,
        }
    }

    /// [`when_set`](Self::when_set) for a check of a value's form, which runs where the request is received
    /// only ([`Problems::received`]).
    fn when_form_set<V>(
        &mut self,
        value: Option<V>,
        check: impl FnOnce(&'static str, V) -> Result<(), Error>,
    ) -> &mut Self {
        let value = value.filter(|_| self.forms);
        self.when_set(value, check)
    }

    /// Checks the length of `value` in characters ([`length`]) when it is set: `value` is a `&str`, or an
    /// `Option<&str>` for an optional field.
    pub fn length<'a>(&mut self, field: &str, value: impl Into<Option<&'a str>>, min: usize, max: usize) -> &mut Self {
        self.when_set(value.into(), |operation, value| length(operation, field, value, min, max))
    }

    /// Checks that `value` is an absolute URL ([`url`]) when it is set, where the reference says "must be
    /// a valid URL" (a webhook's `webhook_url`, an action's `url` and `authorization_url`); a form, checked
    /// only where the request is received ([`Problems::checks_forms`]).
    pub fn url<'a>(&mut self, field: &str, value: impl Into<Option<&'a str>>) -> &mut Self {
        self.when_form_set(value.into(), |operation, value| url(operation, field, value))
    }

    /// Checks that `value` is an email address ([`is_email`]) when it is set (an event's attendees); a form,
    /// checked only where the request is received.
    pub fn email<'a>(&mut self, field: &str, value: impl Into<Option<&'a str>>) -> &mut Self {
        self.when_form_set(value.into(), |operation, value| email(operation, field, value))
    }

    /// Checks that `value` lies in `min..=max` ([`range`]) when it is set: `value` is a `T`, or an
    /// `Option<T>` for an optional field.
    pub fn range<T: Bound>(&mut self, field: &str, value: impl Into<Option<T>>, min: T, max: T) -> &mut Self {
        self.when_set(value.into(), |operation, value| range(operation, field, value, min, max))
    }

    /// Checks that a decimal amount lies in `min..=max` ([`amount_range`]) when it is set.
    pub fn amount_range<'a>(
        &mut self,
        field: &str,
        value: impl Into<Option<&'a Decimal>>,
        min: u64,
        max: u64,
    ) -> &mut Self {
        self.when_set(value.into(), |operation, value| amount_range(operation, field, value, min, max))
    }

    /// Checks that a decimal is more than 0 ([`positive`]) when it is set.
    pub fn positive<'a>(&mut self, field: &str, value: impl Into<Option<&'a Decimal>>) -> &mut Self {
        self.when_set(value.into(), |operation, value| positive(operation, field, value))
    }

    /// Checks that `value` is a phone number in E.164 form ([`e164`]) when it is set; a form, checked only
    /// where the request is received.
    pub fn e164<'a>(&mut self, field: &str, value: impl Into<Option<&'a str>>) -> &mut Self {
        self.when_form_set(value.into(), |operation, value| e164(operation, field, value))
    }

    /// Records a problem unless `value`, when set, is a phone number in international form
    /// ([`is_international`]); a form, checked only where the request is received, but for a national
    /// trunk prefix ([`has_trunk_prefix`]), refused before sending too.
    pub fn international<'a>(&mut self, field: &str, value: impl Into<Option<&'a str>>) -> &mut Self {
        match value.into() {
            // A trunk prefix is refused before sending too: the API could take it for the number's digits and
            // ring another number.
            Some(value) if has_trunk_prefix(value) => self.add(field, format!("{TRUNK_PREFIX}, got {value:?}")),
            Some(value) if self.forms && !is_international(value) => {
                let problem = if value.is_empty() {
                    "is required: a phone number in international form such as +15551234567".to_owned()
                } else {
                    format!("must be a phone number in international form such as +15551234567 (a +, then 7 to 15 digits, spaces, dashes, dots or brackets between them), got {value:?}")
                };
                self.add(field, problem)
            }
            _ => self,
        }
    }

    /// Records that `field` is unset ([`require`]), for a field required only in some cases.
    pub fn require<T>(&mut self, field: &str, value: &Option<T>) -> &mut Self {
        self.check(require(self.operation, field, value))
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) -> &mut Self {
        self.found.push(FieldError::new(field, message));
        self
    }

    /// Records a problem of a value's form or of the order of two values, a rule of the operation's own:
    /// where the request is received ([`Problems::received`]), not before a client sends it, which leaves
    /// such a rule to the API.
    pub fn add_form(&mut self, field: impl Into<String>, message: impl Into<String>) -> &mut Self {
        if self.forms {
            self.add(field, message);
        }
        self
    }

    /// Whether no problem was found so far.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// `Ok` when no check failed; otherwise one [`Error::InvalidRequest`] listing every problem.
    pub fn finish(self) -> Result<(), Error> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid_fields(self.operation, self.found))
        }
    }
}

/// Fails when `value` has fewer than `min` or more than `max` characters. A `max` of `usize::MAX` means no
/// upper bound, and the message says only the lower one.
pub fn length(operation: &'static str, field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let count = value.chars().count();
    if count < min || count > max {
        let bounds = if max == usize::MAX {
            let unit = if min == 1 { "character" } else { "characters" };
            format!("at least {min} {unit}")
        } else {
            format!("{min} to {max} characters")
        };
        return Err(Error::invalid_request(operation, Some(field), format!("must be {bounds} long, got {count}")));
    }
    Ok(())
}

/// Fails when `value` is no absolute URL: a scheme (`https`, `http`, or any other), `://`, and a host,
/// with no white space. It asks no more than that (no scheme is preferred, the host is not resolved), so
/// that no URL the API takes is refused where a request is received ([`Problems::received`]; a client
/// leaves a URL's form to the API).
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::validate::url;
///
/// assert!(url("create-webhook", "webhook_url", "https://example.com/hooks?x=1").is_ok());
/// for bad in ["not a url", "example.com/hooks", "https://", "https:///path", "https://exa mple.com"] {
///     assert!(url("create-webhook", "webhook_url", bad).is_err(), "{bad}");
/// }
/// ```
pub fn url(operation: &'static str, field: &str, value: &str) -> Result<(), Error> {
    let absolute = value.split_once("://").is_some_and(|(scheme, rest)| {
        let mut letters = scheme.chars();
        let scheme_ok = letters.next().is_some_and(|c| c.is_ascii_alphabetic())
            && letters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        scheme_ok && !host.is_empty()
    });
    if absolute && !value.contains(char::is_whitespace) {
        Ok(())
    } else {
        Err(Error::invalid_request(operation, Some(field), "must be a valid URL"))
    }
}

/// Whether `text` is an email address as far as its form tells: text, `@`, and a domain that neither
/// starts nor ends with a dot, with no white space but in a quoted local part (`"jane doe"@acme.com`). It
/// asks no more (a quoted local part may hold an `@`; the domain is not resolved), so that no address the
/// API takes is refused before it is sent; the emulator refuses the same.
///
/// ```
/// use talkover_core::validate::is_email;
/// assert!(is_email("jane@acme.com") && is_email("a.b+tag@sub.example.co.uk") && is_email("\"a@b\"@example.com"));
/// assert!(is_email("\"jane doe\"@acme.com"));
/// for bad in ["", "jane", "jane@", "@acme.com", "jane@.com", "jane@acme.", "jane doe@acme.com", "jane@acme.com\n"] {
///     assert!(!is_email(bad), "{bad:?}");
/// }
/// ```
pub fn is_email(text: &str) -> bool {
    text.rsplit_once('@').is_some_and(|(local, domain)| {
        let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
        !local.is_empty()
            && (quoted || !local.contains(char::is_whitespace))
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains(char::is_whitespace)
    })
}

/// Refuses a `value` that is not an email address ([`is_email`]) with the message the emulator gives ("must
/// be a valid email address"; the pages document no refusal of one).
pub fn email(operation: &'static str, field: &str, value: &str) -> Result<(), Error> {
    if is_email(value) {
        Ok(())
    } else {
        Err(Error::invalid_request(operation, Some(field), "must be a valid email address"))
    }
}

/// A number [`range`] can check. Its type's largest value as the upper bound means no upper bound: the
/// message then says only the lower one.
pub trait Bound: PartialOrd + std::fmt::Display {
    /// Whether this is the largest value of its type (infinity, for a float).
    fn is_greatest(&self) -> bool;
}

macro_rules! integer_bounds {
    ($($t:ty),*) => {
        $(impl Bound for $t {
            fn is_greatest(&self) -> bool {
                *self == <$t>::MAX
            }
        })*
    };
}
integer_bounds!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

macro_rules! float_bounds {
    ($($t:ty),*) => {
        $(impl Bound for $t {
            fn is_greatest(&self) -> bool {
                *self == <$t>::MAX || *self == <$t>::INFINITY
            }
        })*
    };
}
float_bounds!(f32, f64);

/// Fails when `value` lies outside `min..=max` (a `max` that is its type's largest value: below `min`).
pub fn range<T: Bound>(operation: &'static str, field: &str, value: T, min: T, max: T) -> Result<(), Error> {
    // Written so that NaN fails too.
    if !(value >= min && value <= max) {
        let bounds = if max.is_greatest() { format!("at least {min}") } else { format!("between {min} and {max}") };
        return Err(Error::invalid_request(operation, Some(field), format!("must be {bounds}, got {value}")));
    }
    Ok(())
}

/// Checks a list's pagination: `per_page` 1 to 100, the bound eight of the nine pages that document
/// `per_page` give (list-agents and openapi.json's lists give none, and are held to it too). `page` has no
/// documented lower bound (a page below 1 is the first page to a Laravel-style paginator), so it is sent
/// as given.
pub fn pagination(operation: &'static str, per_page: Option<u32>, _page: Option<u64>) -> Result<(), Error> {
    let mut problems = Problems::new(operation);
    problems.range("per_page", per_page, 1, 100);
    problems.finish()
}

/// Applies `check` to an optional value.
pub fn optional<T>(value: Option<T>, check: impl FnOnce(T) -> Result<(), Error>) -> Result<(), Error> {
    value.map_or(Ok(()), check)
}

/// Fails when a field that is required only in some cases (for one value of another field, say) is unset.
/// Fields the reference always requires are required by the body's type instead.
pub fn require<T>(operation: &'static str, field: &str, value: &Option<T>) -> Result<(), Error> {
    match value {
        Some(_) => Ok(()),
        None => Err(Error::invalid_request(operation, Some(field), "is required")),
    }
}

/// Whether `text` is a phone number in E.164 form: a `+`, then 7 to 15 digits (`+15551234567`). No
/// spaces, dashes or brackets: the API takes the number exactly so. A first digit `0`, which no country
/// code has, is taken: the reference's own examples write `+0987654321` (openapi.json's external call,
/// list-calls' answers), and a number the API gives back is one it takes.
pub fn is_e164(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or("");
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` is a phone number in international form: E.164 ([`is_e164`]) with spaces, dashes, dots
/// or brackets allowed between the digits (`+1 555 123 4567`, `+1 (555) 123-4567`), as a page that asks
/// for "international format" rather than E.164 allows.
pub fn is_international(text: &str) -> bool {
    e164_of_international(text).is_some()
}

/// The E.164 form of a number in international form ([`is_international`]): its separators taken out
/// (`+1 (555) 123-4567` is `+15551234567`); `None` when it is not in that form, or holds a national trunk
/// prefix ([`has_trunk_prefix`]: `+49 (0)151 …` without its brackets would be another number).
pub fn e164_of_international(text: &str) -> Option<String> {
    if has_trunk_prefix(text) {
        return None;
    }
    let rest = text.strip_prefix('+')?;
    let separators = |c: char| matches!(c, ' ' | '-' | '.' | '(' | ')');
    let digits_and_separators = rest.chars().all(|c| c.is_ascii_digit() || separators(c));
    let compact = text.replace(separators, "");
    (rest.starts_with(|c: char| c.is_ascii_digit()) && digits_and_separators && is_e164(&compact)).then_some(compact)
}

/// Whether a number written for people holds a national trunk prefix in brackets, `(0)` (`+49 (0)151
/// 12345678`, `+44 (0)20 7946 0958`): dialled only from inside the country, it is no part of the number
/// in international form, and kept it makes another one. A bracketed area code that starts with 0
/// (`+39 (06) …`, where the 0 is dialled from abroad too) is not one.
pub fn has_trunk_prefix(text: &str) -> bool {
    text.split('(').skip(1).any(|group| group.split_once(')').is_some_and(|(inside, _)| inside.trim() == "0"))
}

/// What to say of a number written with a trunk prefix ([`has_trunk_prefix`]).
pub const TRUNK_PREFIX: &str = "holds `(0)`, a national trunk prefix, which is no part of the number as dialled \
    from abroad: leave it out (+49 (0)151 … is +49 151 …), or keep the 0 without the brackets where the \
    country dials it from abroad too (Italy: +39 (0)6 … is +39 06 …)";

/// Fails unless `value` is a phone number in E.164 form (see [`is_e164`]).
pub fn e164(operation: &'static str, field: &str, value: &str) -> Result<(), Error> {
    if is_e164(value) {
        return Ok(());
    }
    let problem = if value.is_empty() {
        "is required: a phone number in E.164 form such as +15551234567".to_owned()
    } else if has_trunk_prefix(value) {
        format!("{TRUNK_PREFIX}, got {value:?}")
    } else if let Some(compact) = e164_of_international(value) {
        // Written for people (`+1 (555) 010-1234`): this page takes it without the separators.
        format!("must be a phone number in E.164 form, without spaces, dashes or brackets: {compact}, not {value:?}")
    } else {
        format!("must be a phone number in E.164 form such as +15551234567 (a +, then 7 to 15 digits), got {value:?}")
    };
    Err(Error::invalid_request(operation, Some(field), problem))
}

/// The parts of a decimal that bounds need: its sign, its whole part (saturating) and whether it has a
/// non-zero fraction. Compared on the digits, so no rounding can let `1000.001` through as `1000`.
struct Parts {
    negative: bool,
    whole: u128,
    fraction: bool,
}

fn parts(value: &Decimal) -> Parts {
    let text = value.as_str();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.bytes().any(|b| b != b'0');
    let whole = if whole.is_empty() { 0 } else { whole.parse().unwrap_or(u128::MAX) };
    let negative = negative && (whole != 0 || fraction);
    Parts { negative, whole, fraction }
}

/// Fails unless `min <= value <= max`.
pub fn amount_range(operation: &'static str, field: &str, value: &Decimal, min: u64, max: u64) -> Result<(), Error> {
    let p = parts(value);
    let (min, max) = (u128::from(min), u128::from(max));
    let inside = !p.negative && p.whole >= min && (p.whole < max || (p.whole == max && !p.fraction));
    if !inside {
        return Err(Error::invalid_request(
            operation,
            Some(field),
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(())
}

/// Fails unless `value > 0`.
pub fn positive(operation: &'static str, field: &str, value: &Decimal) -> Result<(), Error> {
    let p = parts(value);
    if p.negative || (p.whole == 0 && !p.fraction) {
        return Err(Error::invalid_request(operation, Some(field), format!("must be more than 0, got {value}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::testing::dec;

    #[test]
    fn the_collector_checks_a_value_or_a_set_option_and_names_its_operation() {
        let mut problems = Problems::received("update-sip-trunk");
        assert_eq!(problems.operation(), "update-sip-trunk");
        // Unset optional values are not checked; set ones are, like plain values.
        problems.length("name", None, 1, 255).range("port", None::<u16>, 1, 65535);
        problems.e164("number", None).amount_range("amount", None, 1, 1000).positive("total", None);
        assert!(problems.is_empty());
        problems.length("name", Some(""), 1, 255).range("port", Some(0u16), 1, 65535);
        problems.range("timeout", 121, 5, 120).e164("number", "555 1234");
        problems.amount_range("amount", &dec("1000.5"), 1, 1000).positive("total", Some(&dec("0")));
        problems.require("password", &None::<String>).require("username", &Some("u"));
        let error = problems.finish().unwrap_err();
        assert!(error.to_string().contains("update-sip-trunk"), "{error}");
        let Error::InvalidRequest(invalid) = &error else { panic!("{error}") };
        let fields: Vec<&str> = invalid.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "port", "timeout", "number", "amount", "total", "password"]);
    }

    /// Before sending, a client checks bounds and leaves the forms of values to the API; a server answering
    /// as the API does checks both.
    #[test]
    fn forms_are_checked_where_a_request_is_received() {
        let forms = |problems: &mut Problems| {
            problems.e164("to", "555 1234").international("from", "555").email("email", "jane").url("url", "x");
            problems.add_form("end", "must be after `start`").length("name", "", 1, 255);
        };
        let mut sending = Problems::new("make-call");
        forms(&mut sending);
        assert!(!sending.checks_forms());
        let error = sending.finish().unwrap_err();
        assert_eq!(error.field_errors().iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["name"]);
        let mut received = Problems::received("make-call");
        forms(&mut received);
        let error = received.finish().unwrap_err();
        let fields: Vec<String> = error.field_errors().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["to", "from", "email", "url", "end", "name"]);
    }

    /// A number written for people is refused where E.164 is asked, saying how it is written there.
    #[test]
    fn an_e164_refusal_gives_the_number_without_its_separators() {
        let problem = |value: &str| match e164("make-campaign-call", "to", value).unwrap_err() {
            Error::InvalidRequest(invalid) => invalid.problems()[0].message.clone(),
            other => panic!("{other}"),
        };
        assert!(problem("+1 (555) 010-1234").contains("+15550101234, not \"+1 (555) 010-1234\""));
        assert!(problem("555 1234").contains("such as +15551234567"), "no + to go by");
        assert!(e164("make-campaign-call", "to", "+15550101234").is_ok());
    }

    #[test]
    fn amount_ranges_compare_the_exact_digits() {
        let check = |v: &str| amount_range("x", "a", &dec(v), 1, 1000).is_ok();
        assert!(check("1") && check("1.00") && check("1000") && check("1000.000") && check("999.99"));
        assert!(!check("0.99") && !check("1000.001") && !check("1001") && !check("-5") && !check("0"));
        assert!(!check("99999999999999999999999999999999999999999999"));
    }

    #[test]
    fn bounds_name_the_field() {
        assert!(length("x", "name", "abc", 1, 3).is_ok());
        let err = length("x", "name", "abcd", 1, 3).unwrap_err();
        assert!(err.to_string().contains("`name`"), "{err}");
        assert!(range("x", "delay_seconds", 3600, 0, 3600).is_ok());
        assert!(range("x", "delay_seconds", 3601, 0, 3600).is_err());
        assert!(range("x", "speed", f64::NAN, 0.1, 3.0).is_err());
        assert!(optional(None::<u32>, |v| range("x", "y", v, 0, 1)).is_ok());
        assert!(pagination("x", Some(100), Some(1)).is_ok());
        assert!(pagination("x", Some(101), None).unwrap_err().to_string().contains("`per_page`"));
        assert!(pagination("x", None, Some(0)).is_ok());
        assert_eq!(e164_of_international("+1 (555) 123-4567").as_deref(), Some("+15551234567"));
        assert_eq!(e164_of_international("+44.7911.123456").as_deref(), Some("+447911123456"));
        for not in ["1 555 123 4567", "+ 1555123456", "+1 555 CALL NOW", "+1"] {
            assert_eq!(e164_of_international(not), None, "{not}");
        }
    }

    #[test]
    fn a_trunk_prefix_in_brackets_is_refused_not_folded_into_the_number() {
        for with in ["+49 (0)151 12345674", "+44 (0)20 7946 0958", "+41 ( 0 ) 44 668 18 00", "+49(0)15112345674"] {
            assert!(has_trunk_prefix(with), "{with}");
            assert_eq!(e164_of_international(with), None, "{with}");
            let error = e164("x", "to", with).unwrap_err().to_string();
            assert!(error.contains("trunk prefix"), "{error}");
        }
        // An area code in brackets is kept, its 0 too where the country dials it from abroad (Italy).
        assert_eq!(e164_of_international("+39 (06) 6988 1234").as_deref(), Some("+390669881234"));
        assert_eq!(e164_of_international("+1 (555) 010-0002").as_deref(), Some("+15550100002"));
        assert!(!has_trunk_prefix("+44 (0"));
    }

    #[test]
    fn an_open_upper_bound_is_not_written_out() {
        let message = |result: Result<(), Error>| match result {
            Err(Error::InvalidRequest(invalid)) => invalid.problems()[0].message.clone(),
            other => panic!("{other:?}"),
        };
        let text = message(length("x", "description", "abc", 5, usize::MAX));
        assert_eq!(text, "must be at least 5 characters long, got 3");
        assert_eq!(message(length("x", "host", "", 1, usize::MAX)), "must be at least 1 character long, got 0");
        assert_eq!(message(length("x", "name", "", 1, 255)), "must be 1 to 255 characters long, got 0");
        assert_eq!(message(range("x", "minutes", 0, 1, u32::MAX)), "must be at least 1, got 0");
        assert_eq!(message(range("x", "speed", 0.0, 0.1, f64::INFINITY)), "must be at least 0.1, got 0");
        assert_eq!(message(range("x", "day", 29, 1, 28)), "must be between 1 and 28, got 29");
        for text in [message(range("x", "page", 0, 1, u64::MAX)), message(length("x", "d", "", 5, usize::MAX))] {
            assert!(!text.contains(&u64::MAX.to_string()), "{text}");
        }
    }

    #[test]
    fn problems_are_all_kept_with_their_fields() {
        let mut problems = Problems::new("list-agents");
        problems.range("per_page", Some(0), 1, 100).range("minutes", Some(0), 1, u32::MAX);
        let Err(Error::InvalidRequest(both)) = problems.finish() else { panic!() };
        assert_eq!(both.operation, "list-agents");
        let found: Vec<(&str, &str)> = both.problems().iter().map(|p| (p.field.as_str(), p.message.as_str())).collect();
        assert_eq!(found, [("per_page", "must be between 1 and 100, got 0"), ("minutes", "must be at least 1, got 0")]);
        let text = both.to_string();
        assert!(text.contains("`per_page`") && text.contains("`minutes`"), "{text}");
        assert!(pagination("list-agents", Some(20), Some(0)).is_ok(), "no documented lower bound on page");
        assert!(Problems::new("x").finish().is_ok());
    }
}
