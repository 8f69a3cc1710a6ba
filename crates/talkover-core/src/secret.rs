//! Secret strings: API tokens, webhook secrets, passwords.
//!
//! A [`SecretString`] does not implement `Serialize`: a field that must send its secret says so with
//! `#[serde(serialize_with = "talkover::secret::expose")]`, so no secret reaches serialized output by
//! accident (a log line of a whole struct). The fields that say so are those of request bodies that send
//! a secret, and of the few answers that carry one for their receiver to use, so that a server built on
//! the types answers with it: a new API token ([`CreatedApiToken::token`](crate::account::CreatedApiToken::token))
//! and an external call's WebSocket URL ([`PlacedCall`](crate::calls::PlacedCall)'s `websocket_url`,
//! [`ExternalTransport::websocket_call_url`](crate::calls::ExternalTransport::websocket_call_url)).
//! Serializing one of those answers writes its secret; `Debug` never does.

use serde::Serializer;
use serde_json::Value;
use std::fmt;
use zeroize::Zeroize;

/// A secret string (an API token, a webhook secret, a password).
///
/// `Debug` prints `[redacted]`; the memory is zeroized on drop. The value is read only through
/// [`SecretString::expose_secret`], or serialized by a field that names [`expose`] as its serializer.
/// Deserializing accepts only a JSON string, and its error for any other value does not repeat the value.
///
/// It has no `Display`, so that `to_string()` or `format!("{}", ..)` of one is a compile error rather than
/// the text `[redacted]` where the value was meant (a new API token saved, a URL to connect to):
///
/// ```compile_fail,E0599
/// # use talkover_core as talkover;
/// let token = talkover::SecretString::new("talq_live_abcdef");
/// let saved = token.to_string(); // no `Display`: say `expose_secret()` where the value must leave
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Call this only where the value must leave the program.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<&String> for SecretString {
    fn from(value: &String) -> Self {
        Self(value.clone())
    }
}

/// Serializes a secret's value: for the fields of request bodies that must send it, as
/// `#[serde(serialize_with = "talkover::secret::expose")]` on a [`SecretString`] or an
/// `Option<SecretString>` field.
pub fn expose<T, S>(secret: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: ExposeSecret + ?Sized,
    S: Serializer,
{
    secret.serialize_exposed(serializer)
}

/// The body fields whose text values are secrets wherever they stand, beside every value of a
/// `custom_headers`: what `secrets_in_json` finds and the recorder never writes.
pub const SECRET_FIELDS: &[&str] = &[
    "password",
    "secret",
    "webhook_secret",
    "token",
    "private_key",
    "private_key_passphrase",
    "websocket_url",
    "websocketCallUrl",
    "api_key",
];

/// Whether a JSON field of this name holds a secret wherever it stands: one of [`SECRET_FIELDS`], or a
/// name whose words (split at separators and case changes, `clientSecret` as `client secret`) say so:
/// one of `password(s)`, `passwd`, `pwd`, `passcode`, `secret(s)`, `passphrase`, `credential(s)`, `bearer`,
/// `jwt` anywhere (`password_confirmation`, `secretKey`, `db_pwd`); a key or keys of a kind credentials are
/// (`api_key`, `private_key_pem`, `signing_key`, `client_key`, `access_key`, `apiKey`, `api_keys`); or
/// `token`, `authorization`, `auth`, `pin`, `cookie` or `otp` last (`refresh_token`,
/// `X-Amz-Security-Token`, `basic_auth`, `voicemail_pin`, `session_cookie`; not `cookie_consent`). The
/// free-form maps of a body (an action's `config`, an integration's settings) name their credentials as
/// their own services do. No field the reference documents is named so but for the secrets of
/// [`SECRET_FIELDS`]. A name written in one run of letters (`clientsecret`, `APIToken`) is read by its
/// ending. Where a recording hides such a field, it hides any value but `null` and a flag
/// (`requires_authorization: true` is kept); only a text is searched for in what an answer echoes.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::secret::is_secret_field;
/// assert!(is_secret_field("webhook_secret") && is_secret_field("refresh_token") && is_secret_field("apiKey"));
/// assert!(is_secret_field("secret_key") && is_secret_field("private_key_pem") && is_secret_field("X-Api-Key"));
/// assert!(is_secret_field("clientsecret") && is_secret_field("APIToken") && is_secret_field("DBPassword"));
/// assert!(is_secret_field("auth") && is_secret_field("bearer") && is_secret_field("db_pwd") && is_secret_field("pin"));
/// assert!(!is_secret_field("max_tokens") && !is_secret_field("key") && !is_secret_field("token_count"));
/// assert!(!is_secret_field("auth_type") && !is_secret_field("authorization_url") && !is_secret_field("pinned"));
/// assert!(is_secret_field("api_keys") && is_secret_field("passwords") && !is_secret_field("cookie_consent"));
/// ```
pub fn is_secret_field(name: &str) -> bool {
    const ANYWHERE: [&str; 15] = [
        "password",
        "passwords",
        "passwd",
        "pwd",
        "passcode",
        "bearer",
        "jwt",
        "secret",
        "secrets",
        "passphrase",
        "credential",
        "credentials",
        "apikey",
        "privatekey",
        "accesskey",
    ];
    const KEYS: [&str; 7] = ["api", "private", "secret", "signing", "client", "access", "encryption"];
    const LAST: [&str; 6] = ["token", "authorization", "auth", "pin", "cookie", "otp"];
    if SECRET_FIELDS.contains(&name) {
        return true;
    }
    // The name's words, lower-cased: split at anything but a letter or digit, and where a lower-case
    // letter or digit is followed by an upper-case one.
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            previous = None;
            continue;
        }
        let starts = match previous {
            None => true,
            Some(p) => c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()),
        };
        match words.last_mut() {
            Some(word) if !starts => word.push(c.to_ascii_lowercase()),
            _ => words.push(c.to_ascii_lowercase().to_string()),
        }
        previous = Some(c);
    }
    // A name written in one run of letters (`clientsecret`, `APIToken`, `DBPassword`) is one word: its
    // letters and digits, folded, ending in one of the words is a secret's name too.
    const ENDINGS: [&str; 11] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "passphrase",
        "credential",
        "credentials",
        "authorization",
        "accesskey",
    ];
    let folded: String = words.concat();
    words.iter().any(|word| ANYWHERE.contains(&word.as_str()))
        || words.windows(2).any(|pair| matches!(pair[1].as_str(), "key" | "keys") && KEYS.contains(&pair[0].as_str()))
        || words.last().is_some_and(|word| LAST.contains(&word.as_str()))
        || ENDINGS.iter().any(|ending| folded.ends_with(ending))
}

/// The secrets a JSON request body carries by the name of their field rather than by their type: the text
/// values of its fields that [name a secret](is_secret_field) and of its `custom_headers`, at any depth.
/// The free-form maps of a body (an action's `config`, an integration's settings) hold their credentials
/// so (`"api_key": "…"`), where `exposed_during` does not see them; an error, a dry run or a recording hides these as it hides those.
/// A body that is no JSON has none.
///
/// ```
/// # use talkover_core as talkover;
/// let body = br#"{"type":"external","integration":{"identifier":"crm","api_key":"crm-key-123"},"config":{"password":"pw-456789"}}"#;
/// let found = talkover::secret::secrets_in_json(body);
/// let mut shown: Vec<&str> = found.iter().map(|s| s.expose_secret()).collect();
/// shown.sort_unstable();
/// assert_eq!(shown, ["crm-key-123", "pw-456789"]);
/// ```
#[doc(hidden)]
pub fn secrets_in_json(body: &[u8]) -> Vec<SecretString> {
    fn walk(value: &serde_json::Value, found: &mut Vec<SecretString>) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (key, field) in map {
                    if is_secret_field(key) && field.is_string() {
                        found.extend(field.as_str().map(SecretString::new));
                    } else if key == "custom_headers" {
                        let values: Vec<&Value> = match field {
                            Value::Array(items) => items.iter().filter_map(|item| item.get("value")).collect(),
                            Value::Object(headers) => headers.values().collect(),
                            _ => Vec::new(),
                        };
                        found.extend(values.into_iter().filter_map(Value::as_str).map(SecretString::new));
                    } else {
                        walk(field, found);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        walk(&value, &mut found);
    }
    found
}

/// Builds a request (`build`) and gives back, beside it, every secret it carries: those serialized through
/// [`expose`] (`exposed_during`) and those its JSON body holds by field name (`secrets_in_json`), for
/// an error about it, or a dry run showing it, to keep them out.
#[doc(hidden)]
pub fn carried_by<E>(
    build: impl FnOnce() -> Result<crate::transport::HttpRequest, E>,
) -> (Result<crate::transport::HttpRequest, E>, Vec<SecretString>) {
    let (built, mut secrets) = exposed_during(build);
    if let Ok(request) = &built {
        secrets.extend(secrets_in_json(request.body()));
    }
    (built, secrets)
}

/// The secret-holding field types [`expose`] serializes: [`SecretString`] and `Option<SecretString>`.
pub trait ExposeSecret: sealed::Sealed {
    /// Serializes the secret's value (`None` as the serializer's none).
    fn serialize_exposed<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::SecretString {}
    impl Sealed for Option<super::SecretString> {}
}

impl ExposeSecret for SecretString {
    fn serialize_exposed<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        note_exposed(self);
        serializer.serialize_str(&self.0)
    }
}

impl ExposeSecret for Option<SecretString> {
    fn serialize_exposed<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(secret) => {
                note_exposed(secret);
                serializer.serialize_some(secret.expose_secret())
            }
            None => serializer.serialize_none(),
        }
    }
}

std::thread_local! {
    /// The secrets [`expose`] serialized on this thread while `exposed_during` runs (`None` otherwise).
    static EXPOSED: std::cell::RefCell<Option<Vec<SecretString>>> = const { std::cell::RefCell::new(None) };
}

fn note_exposed(secret: &SecretString) {
    // `try_with`: nothing is noted while the thread's locals are being torn down.
    let _ = EXPOSED.try_with(|exposed| {
        if let Some(found) = exposed.borrow_mut().as_mut() {
            found.push(secret.clone());
        }
    });
}

/// Runs `f` (building a request, say) and gives back, beside its result, every secret value serialized
/// through [`expose`] on this thread meanwhile: the secrets a request carries, so that an error about it
/// can be kept from repeating them ([`Error::redact_secret`](crate::Error::redact_secret)) even when the
/// server echoes one in its answer.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::secret::{self, SecretString};
///
/// #[derive(serde::Serialize)]
/// struct Body {
///     #[serde(serialize_with = "secret::expose")]
///     password: SecretString,
/// }
///
/// let body = Body { password: SecretString::new("hunter2-but-longer") };
/// let (json, secrets) = secret::exposed_during(|| serde_json::to_string(&body));
/// assert!(json.unwrap().contains("hunter2-but-longer"));
/// assert_eq!(secrets, [SecretString::new("hunter2-but-longer")]);
/// ```
///
/// Calls may nest: what an inner call finds is the outer call's too. If `f` panics, the thread stops
/// collecting as it did before the call.
#[doc(hidden)]
pub fn exposed_during<R>(f: impl FnOnce() -> R) -> (R, Vec<SecretString>) {
    /// Puts the outer collection back however `f` ends, with what this call found added to it.
    struct Restore(Option<Option<Vec<SecretString>>>);

    impl Restore {
        fn finish(mut self) -> Vec<SecretString> {
            let outer = self.0.take().flatten();
            let found = EXPOSED.with(|exposed| exposed.replace(None)).unwrap_or_default();
            let outer = outer.map(|mut outer| {
                outer.extend(found.iter().cloned());
                outer
            });
            EXPOSED.with(|exposed| *exposed.borrow_mut() = outer);
            found
        }
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                let _ = EXPOSED.try_with(|exposed| *exposed.borrow_mut() = outer);
            }
        }
    }

    let restore = Restore(Some(EXPOSED.with(|exposed| exposed.replace(Some(Vec::new())))));
    let result = f();
    (result, restore.finish())
}

/// `text` with every secret of `secrets` of at least 8 characters, as is or percent-encoded, replaced by
/// `[redacted]`, the longest first: what the SDK's errors do with the token and a request's secrets when an
/// answer echoes them, for a tool that shows an answer itself (a command line keeping its own token out of
/// what it prints). Shorter secrets are not searched for, so that a test token such as `t`, or a header
/// value such as `true`, does not mangle every text (and a command line's JSON). Unlike the errors, other credential-shaped text stays: an answer may rightly hold a
/// new token (create-user-api-token's).
///
/// ```
/// # use talkover_core as talkover;
/// let shown = talkover::secret::redacted("ok, key s3cr3t-value-42", &["s3cr3t-value-42"]);
/// assert_eq!(shown, "ok, key [redacted]");
/// ```
pub fn redacted(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    hide_in(&mut text, secrets);
    text
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through `deserialize_any`, so that a value of the wrong type reaches the visitor, whose error
        // does not repeat it (serde's default message would quote a number or a boolean).
        deserializer.deserialize_any(SecretVisitor)
    }
}

struct SecretVisitor;

impl SecretVisitor {
    fn wrong_type<E: serde::de::Error>(found: &str) -> E {
        E::custom(format_args!("invalid type: {found} (value not shown), expected a secret string"))
    }
}

/// The visits of a value serde's default would quote in its error (the smaller integer and float types
/// arrive through these), each refused with the name of its type alone.
macro_rules! refuse_without_the_value {
    ($($visit:ident($ty:ty) => $found:literal,)*) => {
        $(
            fn $visit<E: serde::de::Error>(self, _: $ty) -> Result<SecretString, E> {
                Err(Self::wrong_type($found))
            }
        )*
    };
}

impl<'de> serde::de::Visitor<'de> for SecretVisitor {
    type Value = SecretString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a secret string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<SecretString, E> {
        Ok(SecretString::new(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<SecretString, E> {
        Ok(SecretString(value))
    }

    refuse_without_the_value! {
        visit_bool(bool) => "boolean",
        visit_i64(i64) => "integer",
        visit_u64(u64) => "integer",
        visit_i128(i128) => "integer",
        visit_u128(u128) => "integer",
        visit_f64(f64) => "number",
        visit_bytes(&[u8]) => "bytes",
    }
}

/// What replaces a secret in text.
pub(crate) const REDACTED: &str = "[redacted]";

/// Replaces what looks like a Talkover credential with `[redacted]`: an environment token (`talq_` and the
/// characters that follow it) or a personal access token (`<id>|<at least 8 letters or digits>`), as is or
/// with any of its characters escaped as a URL or a JSON string may carry them (`42%7C…`, `%74alq_a%2Bb`,
/// `\u0074alq_…`, either case of hex), as a server echoes it in a URL or a body. For text that comes from an
/// answer (an error message echoing the token it was sent), where the exact token is not known, or for
/// your own logs.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::secret::redact_credentials;
///
/// assert_eq!(redact_credentials("got \"talq_live_1234abcd\""), "got \"[redacted]\"");
/// assert_eq!(redact_credentials("token 42|AbCdEfGh1234 refused"), "token [redacted] refused");
/// assert_eq!(redact_credentials("?t=%74alq_live_1234abcd"), "?t=[redacted]");
/// assert_eq!(redact_credentials("nothing here"), "nothing here");
/// ```
pub fn redact_credentials(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b"_-.~+/=".contains(&b);
    // The length of one token character at the start of `rest`, as is or escaped (0 if there is none).
    let token_len = |rest: &[u8]| match unit(rest) {
        Some((b, len)) if token_char(b) => len,
        _ => 0,
    };
    let found = replaced(text, |i| {
        if let Some(prefix) = matched_at(bytes, i, b"talq_") {
            let mut end = prefix;
            loop {
                match token_len(&bytes[end..]) {
                    0 => break,
                    n => end += n,
                }
            }
            (end > prefix).then_some(end)
        } else if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            let bar = i + digits;
            let after = matched_at(bytes, bar, b"|").unwrap_or(bar);
            let tail = bytes[after..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
            (after > bar && tail >= 8).then_some(after + tail)
        } else {
            None
        }
    });
    found.map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned)
}

/// `text` with each match `at` finds replaced by `[redacted]`, scanning from the start and going on after
/// each match (`at(i)`: where a match that begins at byte `i` ends); `None` if there is none. A match that
/// would cut a character is not taken.
fn replaced(text: &str, mut at: impl FnMut(usize) -> Option<usize>) -> Option<String> {
    let mut out = String::new();
    let (mut copied, mut i) = (0, 0);
    while i < text.len() {
        match at(i).filter(|&end| end > i && text.is_char_boundary(i) && text.is_char_boundary(end)) {
            Some(end) => {
                out.push_str(&text[copied..i]);
                out.push_str(REDACTED);
                copied = end;
                i = end;
            }
            None => i += 1,
        }
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
}

/// The byte one unit of text at the start of `rest` stands for, and the unit's length: a byte as is, a
/// percent-escape (`%2B`, `%2b`), a JSON string's `\u` escape of an ASCII character (`\u0074`) or one of
/// its short escapes (`\n`, `\/`, …): what a server that echoes a secret may have turned each of its
/// characters into.
fn unit(rest: &[u8]) -> Option<(u8, usize)> {
    let hex = |b: &u8| char::from(*b).to_digit(16).and_then(|d| u8::try_from(d).ok());
    match rest {
        [b'%', a, b, ..] => match (hex(a), hex(b)) {
            (Some(a), Some(b)) => Some((a * 16 + b, 3)),
            _ => Some((b'%', 1)),
        },
        [b'\\', b'u', a, b, c, d, ..] => match (hex(a), hex(b), hex(c), hex(d)) {
            (Some(0), Some(0), Some(c), Some(d)) if c < 8 => Some((c * 16 + d, 6)),
            _ => Some((b'\\', 1)),
        },
        [b'\\', e, ..] => {
            let byte = match e {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'"' | b'\\' | b'/' => *e,
                _ => return Some((b'\\', 1)),
            };
            Some((byte, 2))
        }
        [b, ..] => Some((*b, 1)),
        [] => None,
    }
}

/// Where `wanted` ends in `text` when it begins at `at`, each of its bytes as is or escaped ([`unit`]), and
/// each of its characters beyond ASCII as is or as a JSON string's `\u` escape of it ([`escaped_char_at`]:
/// `\u00e9` for `é`, as PHP's `json_encode` writes it by default).
fn matched_at(text: &[u8], at: usize, wanted: &[u8]) -> Option<usize> {
    let mut i = at;
    let mut w = 0;
    while let Some(&byte) = wanted.get(w) {
        // A byte as is first: a `%` or `\` of the secret itself is matched before an escape it may begin.
        if text.get(i) == Some(&byte) {
            i += 1;
            w += 1;
            continue;
        }
        // A character beyond ASCII that begins here in the secret, escaped whole in the text.
        let whole = (utf8_len(byte) > 1)
            .then(|| std::str::from_utf8(wanted.get(w..w + utf8_len(byte))?).ok()?.chars().next())
            .flatten();
        if let Some((len, ch)) = whole.and_then(|ch| Some((escaped_char_at(text.get(i..)?, ch)?, ch))) {
            i += len;
            w += ch.len_utf8();
            continue;
        }
        match unit(text.get(i..)?) {
            Some((b, len)) if b == byte && len > 1 => i += len,
            _ => return None,
        }
        w += 1;
    }
    Some(i)
}

/// The length of the UTF-8 sequence a leading byte begins (1 for ASCII and for a byte that begins none).
fn utf8_len(byte: u8) -> usize {
    match byte {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

/// The length of the JSON `\u` escape of `ch` (beyond ASCII: one escape, or a surrogate pair's two) that
/// `text` begins with, in either case of hex digit; `None` if it begins with none.
fn escaped_char_at(text: &[u8], ch: char) -> Option<usize> {
    if ch.is_ascii() {
        return None;
    }
    let mut units = [0u16; 2];
    let mut at = 0;
    for &expected in ch.encode_utf16(&mut units).iter() {
        let escape = text.get(at..at + 6)?;
        let hex = escape.strip_prefix(b"\\u")?;
        let value = u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        if value != expected {
            return None;
        }
        at += 6;
    }
    Some(at)
}

/// `text` with each occurrence of `secret`, any of its bytes as is or escaped ([`unit`]), replaced by
/// `[redacted]`; `None` if there is none.
fn without_escaped(text: &str, secret: &str) -> Option<String> {
    replaced(text, |i| matched_at(text.as_bytes(), i, secret.as_bytes()))
}

/// Replaces every occurrence of `secret` in `text`, as is or percent-encoded, with `[redacted]`, and
/// credential-like text too (see [`redact_credentials`]). Secrets shorter than 8 characters are not
/// searched for, so that a test token such as `t` does not mangle every message.
pub(crate) fn redact_in(text: &mut String, secret: Option<&str>) {
    redact_all_in(text, secret.as_slice());
}

/// [`redact_in`] for several secrets at once, the longest first (so that a secret that begins another
/// does not leave the other's end behind).
pub(crate) fn redact_all_in(text: &mut String, secrets: &[&str]) {
    hide_in(text, secrets);
    if let std::borrow::Cow::Owned(redacted) = redact_credentials(text) {
        *text = redacted;
    }
}

/// What is hidden of `secrets`: each of at least 8 characters, and the secret part of a personal access
/// token (`42|AbCd…` is its id and its secret: the secret alone is hidden too), the longest first (so that
/// a secret that begins another does not leave the other's end behind).
pub(crate) fn hidden<'s>(secrets: &[&'s str]) -> Vec<&'s str> {
    let secret_parts = secrets.iter().filter_map(|s| {
        let (id, part) = s.split_once('|')?;
        (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(part)
    });
    let mut secrets: Vec<&str> = secrets.iter().copied().chain(secret_parts).filter(|s| s.len() >= 8).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// Replaces each of `secrets` ([`hidden`]) in `text`, as is or with any of its characters percent-encoded
/// or escaped as a JSON string writes them ([`unit`]: a private key's line breaks as `\n`, a token's `t` as
/// `%74`), with `[redacted]`.
pub(crate) fn hide_in(text: &mut String, secrets: &[&str]) {
    for secret in hidden(secrets) {
        if text.contains(secret) {
            *text = text.replace(secret, REDACTED);
        }
        if text.contains(['%', '\\']) {
            if let Some(hidden) = without_escaped(text, secret) {
                *text = hidden;
            }
        }
    }
}

/// `Debug` of a type holding free-form JSON whose keys name credentials as their own services do (an
/// action's `config`): the fields of its JSON form, as the API names them, with the values
/// [`hide_secret_fields`] hides shown as `[redacted]`, and every value but `id` of the objects under the
/// fields `settings` names (an integration's settings, which [`crate::actions::IntegrationRef`]'s `Debug`
/// hides whatever their names).
pub(crate) fn debug_hiding_secrets<T: serde::Serialize>(
    name: &str,
    value: &T,
    settings: &[&str],
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let mut json = match serde_json::to_value(value) {
        Ok(json @ Value::Object(_)) => json,
        _ => return f.debug_struct(name).finish_non_exhaustive(),
    };
    hide_secret_fields(&mut json, &[]);
    for field in settings {
        if let Some(Value::Object(held)) = json.get_mut(*field) {
            held.iter_mut().filter(|(key, _)| *key != "id").for_each(|(_, v)| *v = Value::from(REDACTED));
        }
    }
    let mut shown = f.debug_struct(name);
    for (key, field) in json.as_object().into_iter().flatten() {
        shown.field(key, field);
    }
    shown.finish()
}

/// Replaces the values of [secret-named fields](is_secret_field) and of `custom_headers` at any depth of a
/// JSON value with [`REDACTED`] (`null` and flags kept), and every occurrence of `secrets` in its strings
/// and keys: what a recording keeps of a body, what `Debug` shows of free-form JSON, and what the command
/// line's dry run shows.
#[doc(hidden)]
pub fn hide_secret_fields(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (mut key, mut field) in entries {
                if is_secret_field(&key) && !field.is_null() && !field.is_boolean() {
                    field = Value::String(REDACTED.to_owned());
                } else if key == "custom_headers" {
                    redact_header_values(&mut field);
                } else {
                    hide_secret_fields(&mut field, secrets);
                }
                hide_in(&mut key, secrets);
                map.insert(key, field);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| hide_secret_fields(item, secrets)),
        Value::String(text) => hide_in(text, secrets),
        _ => {}
    }
}

/// `custom_headers` as `[{"key", "value"}]` (the API's form) or as an object of names to values.
fn redact_header_values(headers: &mut Value) {
    match headers {
        Value::Array(items) => {
            for item in items {
                match item.get_mut("value") {
                    Some(value) if !value.is_null() => *value = Value::String(REDACTED.to_owned()),
                    _ => {}
                }
            }
        }
        Value::Object(map) => {
            for value in map.values_mut().filter(|v| !v.is_null()) {
                *value = Value::String(REDACTED.to_owned());
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Carrying {
        #[serde(serialize_with = "expose")]
        password: SecretString,
    }

    fn carrying(password: &str) -> String {
        serde_json::to_string(&Carrying { password: SecretString::new(password) }).unwrap()
    }

    #[test]
    fn exposed_secrets_are_collected_when_nested_and_after_a_panic() {
        let ((inner, inner_found), outer_found) = exposed_during(|| {
            carrying("outer-secret-1");
            exposed_during(|| carrying("inner-secret-2"))
        });
        assert!(inner.contains("inner-secret-2"));
        assert_eq!(inner_found, [SecretString::new("inner-secret-2")]);
        assert_eq!(outer_found, [SecretString::new("outer-secret-1"), SecretString::new("inner-secret-2")]);
        // Nothing is collected outside a call, nor after one that panicked.
        let _ = std::panic::catch_unwind(|| exposed_during(|| panic!("while building")));
        carrying("after-the-panic-3");
        assert!(EXPOSED.with(|exposed| exposed.borrow().is_none()));
    }

    #[test]
    fn a_secret_escaped_as_json_writes_it_is_hidden_too() {
        let key = "-----BEGIN KEY-----\nabc\"def\n-----END KEY-----";
        let quoted = serde_json::to_string(&["boom", key]).unwrap();
        assert_eq!(redacted(&quoted, &[key]), r#"["boom","[redacted]"]"#);
    }

    #[test]
    fn a_secret_whose_characters_beyond_ascii_are_escaped_is_hidden() {
        let secret = "sécret_TOPSECRET_4🔑";
        for escaped in [r#"s\u00e9cret_TOPSECRET_4\ud83d\udd11"#, r#"s\u00E9cret_TOPSECRET_4\uD83D\uDD11"#] {
            let body = format!(r#"{{"webhook_secret":"{escaped}","n":1}}"#);
            assert_eq!(redacted(&body, &[secret]), r#"{"webhook_secret":"[redacted]","n":1}"#, "{escaped}");
        }
        // Partly escaped, partly as is; an escape of another character is not it.
        assert_eq!(redacted("x s\\u00e9cret_TOPSECRET_4🔑 y", &[secret]), "x [redacted] y");
        let other = r#"s\u00e8cret_TOPSECRET_4\ud83d\udd11"#;
        assert_eq!(redacted(other, &[secret]), other);
    }

    #[test]
    fn several_secrets_are_hidden_the_longest_first() {
        let text = "password abcdefgh12 and passphrase abcdefgh12-extra";
        assert_eq!(
            redacted(text, &["abcdefgh12", "abcdefgh12-extra"]),
            "password [redacted] and passphrase [redacted]"
        );
        assert_eq!(redacted("short pw7", &["pw7"]), "short pw7", "shorter than 8: not searched for");
    }

    #[test]
    fn never_prints_the_value() {
        let secret = SecretString::new("talq_live_abcdef");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.expose_secret(), "talq_live_abcdef");
    }

    #[test]
    fn serializing_is_explicit_and_decoding_errors_do_not_repeat_the_value() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Body {
            #[serde(serialize_with = "expose")]
            token: SecretString,
            #[serde(default, serialize_with = "expose", skip_serializing_if = "Option::is_none")]
            password: Option<SecretString>,
            #[serde(serialize_with = "expose")]
            passphrase: Option<SecretString>,
        }
        let body = Body { token: "t0k".into(), password: Some("pw".into()), passphrase: None };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"token":"t0k","password":"pw","passphrase":null}"#);
        let back: Body = serde_json::from_str(&json).unwrap();
        assert_eq!(back.token.expose_secret(), "t0k");
        assert_eq!(back.password.map(|p| p.expose_secret().to_owned()).as_deref(), Some("pw"));

        for wrong in [r#"{"token":918273645}"#, r#"{"token":-918273645}"#, r#"{"token":9182.73645}"#] {
            let err = serde_json::from_str::<Body>(wrong).err().unwrap().to_string();
            assert!(!err.contains("918273645") && !err.contains("9182.7"), "{err}");
        }
        let err = serde_json::from_str::<Body>(r#"{"token":true}"#).err().unwrap().to_string();
        assert!(err.contains("boolean") && !err.contains("true"), "{err}");
        assert!(serde_json::from_str::<Body>(r#"{"token":["x"]}"#).is_err());
    }

    /// A secret shorter than 8 characters is not searched for: a header value such as `true` or a test
    /// token such as `test` would be cut out of every text holding it (`must be true or false`, JSON's
    /// `"success": true`), and a short secret is no secret worth the damage.
    #[test]
    fn a_short_secret_leaves_the_text_as_it_is() {
        for (text, secret) in
            [("must be true or false", "true"), (r#"{"success":true}"#, "true"), ("a test hook", "test")]
        {
            assert_eq!(redacted(text, &[secret]), text);
        }
    }

    #[test]
    fn credential_like_text_is_redacted() {
        let cases = [
            ("Invalid token talq_live_AbC-123.x given", "Invalid token [redacted] given"),
            ("talq_a talq_ talq_b", "[redacted] talq_ [redacted]"),
            (r#"{"token":"1|abc123def456."}"#, r#"{"token":"[redacted]."}"#),
            ("Bearer 42|abcdefgh", "Bearer [redacted]"),
            ("page 1|2 of 3|abcdefg", "page 1|2 of 3|abcdefg"),
            ("x9|abcdefghij and ab12|abcdefghij", "x9|abcdefghij and ab12|abcdefghij"),
            ("nothing here, é talq", "nothing here, é talq"),
            ("Location: /cb?token=42%7CAbCdEfGh12&x=1", "Location: /cb?token=[redacted]&x=1"),
            ("token=42%7cAbCdEfGh12", "token=[redacted]"),
            ("talq_a%2Bb%2fc%3D&next", "[redacted]&next"),
            ("50%7Coff and 1%7Cabc", "50%7Coff and 1%7Cabc"),
            ("?t=%74alq_live%5F1234abcd&x", "?t=[redacted]&x"),
            ("%74%61%6c%71%5f%6c%69%76%65 and \\u0074alq_abc", "[redacted] and [redacted]"),
            ("42%7cAbCdEfGh12 and 42\\u007cAbCdEfGh12", "[redacted] and [redacted]"),
            ("100% talq 50%_off \\ talq\\_x", "100% talq 50%_off \\ talq\\_x"),
        ];
        for (text, expected) in cases {
            assert_eq!(redact_credentials(text), expected, "{text}");
        }
        let mut text = "echo: s3cr3t-value and s3cr3t-value".to_owned();
        redact_in(&mut text, Some("s3cr3t-value"));
        assert_eq!(text, "echo: [redacted] and [redacted]");
        // The exact secret percent-encoded, in either case of hex, where the pattern alone would leave a part.
        let mut text = "to https://x.example/?t=talq_p%2Bq%2Fsecret%3D and talq_p%2bq%2fsecret%3d".to_owned();
        redact_in(&mut text, Some("talq_p+q/secret="));
        assert_eq!(text, "to https://x.example/?t=[redacted] and [redacted]");
        let mut text = "echo: my%20pass%7Cword".to_owned();
        redact_in(&mut text, Some("my pass|word"));
        assert_eq!(text, "echo: [redacted]");
        let mut text = "short t stays".to_owned();
        redact_in(&mut text, Some("t"));
        assert_eq!(text, "short t stays");
        // The secret part of a personal access token, echoed alone; a token whose `_` an encoder escaped.
        assert_eq!(
            redacted("echo: AbCdEfGh12345 (for user 42)", &["42|AbCdEfGh12345"]),
            "echo: [redacted] (for user 42)"
        );
        assert_eq!(redacted("t=talq%5Flive%5Fsecret1&x", &["talq_live_secret1"]), "t=[redacted]&x");
        assert_eq!(redacted("t=talq%5flive%5fsecret1", &["talq_live_secret1"]), "t=[redacted]");
        // Any of its characters escaped, as a server's own encoder or a JSON writer may have left it.
        assert_eq!(redacted("t=%74alq_live_secret1&x", &["talq_live_secret1"]), "t=[redacted]&x");
        let every: String = "talq_live_secret1".bytes().map(|b| format!("%{b:02X}")).collect();
        assert_eq!(redacted(&format!("t={every}&x"), &["talq_live_secret1"]), "t=[redacted]&x");
        assert_eq!(redacted(r#"{"t":"\u0074alq_live_secret1"}"#, &["talq_live_secret1"]), r#"{"t":"[redacted]"}"#);
        assert_eq!(redacted(r"key:\nline2-of-key", &["key:\nline2-of-key"]), "[redacted]");
        assert_eq!(redacted("50%25 of my%pass%word", &["my%pass%word"]), "50%25 of [redacted]");
        assert_eq!(redacted("é%C3%A9 é-secret-é", &["é-secret-é"]), "é%C3%A9 [redacted]");
        // Not a secret part that is too short to search for, nor one of a text that is no token.
        assert_eq!(redacted("echo: abc, 7|abc", &["7|abc"]), "echo: abc, 7|abc");
        assert_eq!(redacted("echo: middle-part", &["x|middle-part"]), "echo: middle-part");
    }
}
