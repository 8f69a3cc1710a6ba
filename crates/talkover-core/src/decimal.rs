//! Exact decimal amounts (money, credits).

use serde::de::{Error as _, MapAccess, Unexpected, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// An exact decimal number as the API wrote it (`50.00`, `0.10`), for money and credit amounts.
///
/// The API sends amounts as JSON numbers; decoding them into `f64` would lose their exact value
/// (`0.1 + 0.2 != 0.3`). `Decimal` keeps the digits verbatim and writes them back unchanged, whether the API
/// sent a number or a numeric string (a JSON number in exponent form, `1e3`, is read as its plain digits,
/// `1000`, exactly). Convert with [`Decimal::as_str`], [`Decimal::to_minor_units`] or your
/// own decimal crate; build one with [`Decimal::new`] (checked) or `From<u64>`.
///
/// The digits are those of the JSON text wherever a `Decimal` is read from text (the SDK reads every
/// answer so). Read from a `serde_json::Value`, or under `#[serde(flatten)]` or an untagged enum (where
/// serde buffers the value), a number has been an `f64`: the amount keeps the digits serde_json writes for
/// it (`250.0` for `250.00`), and a numeric string its own.
///
/// It writes itself as a JSON number through serde_json; for CSV, TOML or a database row, write and read
/// it as its text with [`as_text`] (`#[serde(with = "talkover::decimal::as_text")]`).
///
/// Two decimals are equal, and order, by the amount they write: `50`, `50.00` and `"50.00"` (a string in the
/// JSON) are one amount, though each is written back as it came.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::Decimal;
///
/// let amount = |text: &str| Decimal::new(text).unwrap();
/// assert_eq!(amount("50.00"), amount("50"));
/// assert!(amount("-0.5") < amount("0.05") && amount("0.05") < amount("0.4"));
/// assert_eq!(amount("50.00").as_str(), "50.00");
/// ```
#[derive(Clone)]
pub struct Decimal {
    text: String,
    quoted: bool,
}

impl Decimal {
    /// Parses a decimal such as `100`, `100.00` or `-0.5`. Leading zeros of the whole part are dropped
    /// (`007.50` is `7.50`), since a JSON number cannot be written with them. `None` for any other text;
    /// `text.parse::<Decimal>()` gives an error that says which text instead (an
    /// [`InvalidRequest`](crate::ErrorKind::InvalidRequest) naming it), for `?` in a function that returns
    /// `talkover::Error`.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::Decimal;
    ///
    /// assert_eq!(Decimal::new("100.00").unwrap().as_str(), "100.00");
    /// assert_eq!(Decimal::new("007.50").unwrap().as_str(), "7.50");
    /// assert_eq!(serde_json::to_string(&Decimal::new("-00").unwrap()).unwrap(), "-0");
    /// assert!(Decimal::new("1,5").is_none() && Decimal::new("1e3").is_none());
    /// ```
    pub fn new(text: &str) -> Option<Self> {
        if !is_decimal(text) {
            return None;
        }
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text),
        };
        let kept = digits.trim_start_matches('0');
        let text = if kept.len() == digits.len() {
            text.to_owned()
        } else if kept.is_empty() || kept.starts_with('.') {
            format!("{sign}0{kept}")
        } else {
            format!("{sign}{kept}")
        };
        Some(Self { text, quoted: false })
    }

    /// The same amount, written as a JSON string (`"0.10"`), as some of the API's answers write one
    /// (list-voice-templates' `cost`): for servers and test doubles that answer as the page does. A
    /// decimal read from a string is written back as one already.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::Decimal;
    ///
    /// let cost = Decimal::new("0.10").unwrap().quoted();
    /// assert_eq!(serde_json::to_string(&cost).unwrap(), r#""0.10""#);
    /// assert_eq!(cost, Decimal::new("0.1").unwrap()); // the same amount
    /// ```
    pub fn quoted(mut self) -> Self {
        self.quoted = true;
        self
    }

    /// The digits as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The amount in minor units for `scale` decimal places (cents for 2): `12.34` → `1234`. `None` when
    /// the amount has more decimal places than `scale` or does not fit.
    pub fn to_minor_units(&self, scale: u32) -> Option<i128> {
        let (negative, digits) = match self.text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, self.text.as_str()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > scale as usize || whole.contains(['e', 'E']) || fraction.contains(['e', 'E']) {
            return None;
        }
        // Zero at any scale is zero; any other value times 10 to more than 38 does not fit.
        let shifted = |value: i128, places: usize| match value {
            0 => Some(0),
            _ => value.checked_mul(10i128.checked_pow(u32::try_from(places).ok()?)?),
        };
        let mut value = shifted(whole.parse().ok()?, scale as usize)?;
        if !fraction.is_empty() {
            let frac = shifted(fraction.parse().ok()?, scale as usize - fraction.len())?;
            value = value.checked_add(frac)?;
        }
        Some(if negative { -value } else { value })
    }

    /// The amount of `units` minor units at `scale` decimal places, written with exactly `scale` of them
    /// (cents for 2): `1234` → `12.34`, `5` → `0.05`, `-250` → `-2.50`; the inverse of
    /// [`Decimal::to_minor_units`], for amounts kept as integers. The text holds `scale` decimal places
    /// whatever the amount, so a scale is what a currency or a price list uses (no more than 18 or so).
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::decimal::Decimal;
    ///
    /// assert_eq!(Decimal::from_minor_units(1234, 2).as_str(), "12.34");
    /// assert_eq!(Decimal::from_minor_units(5, 2).as_str(), "0.05");
    /// assert_eq!(Decimal::from_minor_units(-250, 2).as_str(), "-2.50");
    /// assert_eq!(Decimal::from_minor_units(7, 0).as_str(), "7");
    /// assert_eq!(Decimal::from_minor_units(1234, 2).to_minor_units(2), Some(1234));
    /// ```
    pub fn from_minor_units(units: i128, scale: u32) -> Self {
        let digits = units.unsigned_abs().to_string();
        let scale = scale as usize;
        // Zeros before the digits up to `scale + 1` of them (a format width would stop at 65 535).
        let padded = "0".repeat((scale + 1).saturating_sub(digits.len())) + &digits;
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        let sign = if units < 0 { "-" } else { "" };
        let text = if scale == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") };
        Self { text, quoted: false }
    }

    /// The amount as `f64`, for display or arithmetic that tolerates rounding.
    pub fn to_f64(&self) -> f64 {
        self.text.parse().unwrap_or(f64::NAN)
    }
}

impl Decimal {
    /// The amount as a sign and its digits without leading zeros before the point or trailing zeros after
    /// it: one form for each amount (zero is never negative).
    fn canonical(&self) -> (bool, &str, &str) {
        let (negative, digits) = match self.text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, self.text.as_str()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let (whole, fraction) = (whole.trim_start_matches('0'), fraction.trim_end_matches('0'));
        (negative && !(whole.is_empty() && fraction.is_empty()), whole, fraction)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for Decimal {}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let ((a_negative, a_whole, a_fraction), (b_negative, b_whole, b_fraction)) =
            (self.canonical(), other.canonical());
        // Digits without leading zeros: a longer whole part is larger; then digit by digit. Fractions without
        // trailing zeros order as their texts do.
        let magnitude = (a_whole.len(), a_whole, a_fraction).cmp(&(b_whole.len(), b_whole, b_fraction));
        match (a_negative, b_negative) {
            (false, false) => magnitude,
            (true, true) => magnitude.reverse(),
            (false, true) => std::cmp::Ordering::Greater,
            (true, false) => std::cmp::Ordering::Less,
        }
    }
}

pub(crate) fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// `text`, a number in exponent form (`-1.25e3`), as plain decimal digits (`-1250`), exactly; `None` when
/// it is not one, or its exponent lies beyond ±64 (no amount has so many zeros).
fn without_exponent(text: &str) -> Option<String> {
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let exponent: i64 = exponent.strip_prefix('+').unwrap_or(exponent).parse().ok().filter(|e: &i64| e.abs() <= 64)?;
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    if !is_decimal(mantissa) {
        return None;
    }
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    // Where the point stands in `digits` once the exponent has moved it.
    let point = i64::try_from(whole.len()).ok()? + exponent;
    let (whole, fraction) = if point <= 0 {
        ("0".to_owned(), format!("{}{digits}", "0".repeat(usize::try_from(-point).ok()?)))
    } else {
        let at = usize::try_from(point).ok()?;
        if at >= digits.len() {
            (format!("{digits}{}", "0".repeat(at - digits.len())), String::new())
        } else {
            (digits[..at].to_owned(), digits[at..].to_owned())
        }
    };
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    let sign = if negative { "-" } else { "" };
    Some(if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") })
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.text)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<u64> for Decimal {
    fn from(value: u64) -> Self {
        Self { text: value.to_string(), quoted: false }
    }
}

impl std::str::FromStr for Decimal {
    type Err = crate::error::Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text).ok_or_else(|| {
            // The text is an amount the caller wrote, shown (cut) so that the error says which one.
            let shown: String = text.chars().take(40).flat_map(char::escape_default).collect();
            let message = format!("`{shown}` is not a decimal number (digits, an optional `-` and `.`: `12.50`)");
            crate::error::Error::invalid_request("decimal", None, message)
        })
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.quoted {
            return serializer.serialize_str(&self.text);
        }
        // Written back as the same JSON number, digit for digit.
        match RawValue::from_string(self.text.clone()) {
            Ok(raw) => raw.serialize(serializer),
            Err(_) => serializer.serialize_str(&self.text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Asked as `Box<RawValue>` asks: serde_json's reader then hands over the value's text, digit for
        // digit. Any other deserializer (serde's buffer under `#[serde(flatten)]` or an untagged enum, a
        // `serde_json::Value`) gives the value itself, read by the same visitor.
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
    }
}

/// The name under which serde_json hands a value's text to `Box<RawValue>`.
pub(crate) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";
/// The name under which serde_json with `arbitrary_precision` hands a number's digits.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount")
    }

    /// serde_json's own reader: one member, the token, whose value is the JSON text of the amount.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        let key: Option<String> = map.next_key()?;
        match key.as_deref() {
            Some(RAW_VALUE_TOKEN | NUMBER_TOKEN) => {
                let text: String = map.next_value()?;
                from_json_text(&text)
            }
            _ => Err(A::Error::invalid_type(Unexpected::Map, &self)),
        }
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal { text: value.to_string(), quoted: false })
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal { text: value.to_string(), quoted: false })
    }

    /// A number that reached here as `f64` has the digits serde_json writes for it (`250.0` for `250.00`).
    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Decimal, E> {
        match serde_json::Number::from_f64(value) {
            Some(number) => from_json_text(&number.to_string()),
            None => Err(E::invalid_value(Unexpected::Float(value), &self)),
        }
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Decimal, E> {
        if is_decimal(value) {
            Ok(Decimal { text: value.to_owned(), quoted: true })
        } else {
            Err(E::invalid_value(Unexpected::Str(value), &self))
        }
    }
}

/// The amount a JSON value's text writes: a number, or a numeric string (kept quoted).
fn from_json_text<E: serde::de::Error>(text: &str) -> Result<Decimal, E> {
    let text = text.trim();
    let (text, quoted) = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => (inner, true),
        None => (text, false),
    };
    if !quoted && !is_decimal(text) {
        // A JSON number in exponent form (`1e3`, `1.5E-2`; PHP writes small floats so) is the amount its
        // plain digits write, exactly: kept as those digits.
        if let Some(plain) = without_exponent(text) {
            return Ok(Decimal { text: plain, quoted });
        }
    }
    if !is_decimal(text) {
        // Not the value itself, which may be anything (a secret a server put in the wrong field): a text
        // in the form a decoding error hides, anything else by its kind.
        let unexpected = if quoted { Unexpected::Str(text) } else { Unexpected::Other("another JSON value") };
        return Err(E::invalid_value(unexpected, &"a decimal amount"));
    }
    Ok(Decimal { text: text.to_owned(), quoted })
}

/// A [`Decimal`] written as its text (`"10.00"`) and read from text, for formats other than JSON: a
/// `Decimal` writes itself as serde_json's raw number, which a CSV writer, TOML or a database row cannot
/// take, and their numbers would be read through `f64`. On a field of your own type,
/// `#[serde(with = "talkover::decimal::as_text")]` (`as_text::option` for an `Option<Decimal>`).
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::Decimal;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Entry {
///     #[serde(with = "talkover::decimal::as_text")]
///     amount: Decimal,
///     #[serde(with = "talkover::decimal::as_text::option")]
///     fee: Option<Decimal>,
/// }
///
/// let entry = Entry { amount: Decimal::new("12345678901234567.89").unwrap(), fee: None };
/// let text = serde_json::to_string(&entry).unwrap();
/// assert_eq!(text, r#"{"amount":"12345678901234567.89","fee":null}"#);
/// let back: Entry = serde_json::from_str(&text).unwrap();
/// assert_eq!(back.amount.as_str(), "12345678901234567.89");
/// assert!(serde_json::from_str::<Entry>(r#"{"amount": "12,50", "fee": null}"#).is_err());
/// ```
pub mod as_text {
    use super::Decimal;

    /// Writes the amount's text.
    pub fn serialize<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.as_str())
    }

    /// Reads an amount from its text (`10.00`, `-0.5`), refusing any other text.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Decimal::new(text.trim()).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"a decimal amount such as 12.50")
        })
    }

    /// The same for an `Option<Decimal>`: `None` is written as a unit (`null`, an empty CSV field) and
    /// read from one.
    pub mod option {
        use super::Decimal;

        /// Writes the amount's text, or nothing.
        pub fn serialize<S: serde::Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => serializer.serialize_some(value.as_str()),
                None => serializer.serialize_none(),
            }
        }

        /// Reads an amount from its text, or nothing.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
            #[derive(serde::Deserialize)]
            struct Text(#[serde(with = "super")] Decimal);
            let text = <Option<Text> as serde::Deserialize>::deserialize(deserializer)?;
            Ok(text.map(|Text(value)| value))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_or_sign_without_digits_is_no_amount() {
        // A typo in an amount is refused before sending, not written as the text `"1."` where a number goes.
        for text in ["1.", ".5", "-", "", "-.5", "1.2.3", "+1", " 1"] {
            assert_eq!(Decimal::new(text), None, "{text:?}");
            assert!(text.parse::<Decimal>().is_err(), "{text:?}");
        }
        for text in ["0", "-0.5", "1.50", "12345678901234567.89"] {
            assert_eq!(Decimal::new(text).map(|d| d.as_str().to_owned()).as_deref(), Some(text));
        }
    }

    #[test]
    fn an_amount_as_text_goes_through_csv_digit_for_digit() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Entry {
            id: u32,
            #[serde(with = "as_text")]
            amount: Decimal,
            #[serde(with = "as_text::option")]
            fee: Option<Decimal>,
        }
        let entries = [("12345678901234567.89", Some("0.10")), ("250.00", None)].map(|(amount, fee)| Entry {
            id: 1,
            amount: Decimal::new(amount).unwrap(),
            fee: fee.and_then(Decimal::new),
        });
        let mut writer = csv::Writer::from_writer(Vec::new());
        for entry in &entries {
            writer.serialize(entry).unwrap();
        }
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(text, "id,amount,fee\n1,12345678901234567.89,0.10\n1,250.00,\n");
        let read: Vec<Entry> = csv::Reader::from_reader(text.as_bytes()).deserialize().map(Result::unwrap).collect();
        let digits: Vec<(&str, Option<&str>)> =
            read.iter().map(|e| (e.amount.as_str(), e.fee.as_ref().map(Decimal::as_str))).collect();
        assert_eq!(digits, [("12345678901234567.89", Some("0.10")), ("250.00", None)]);
    }

    #[test]
    fn a_text_that_is_no_decimal_is_named_in_the_error() {
        let e = "1,5".parse::<Decimal>().unwrap_err();
        assert!(e.to_string().contains("`1,5` is not a decimal number"), "{e}");
        assert_eq!(Decimal::from_minor_units(0, 2).as_str(), "0.00");
        assert_eq!(Decimal::from_minor_units(-5, 3).as_str(), "-0.005");
    }

    #[test]
    fn amounts_keep_their_digits() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct T {
            a: Decimal,
            b: Decimal,
        }
        let t: T = serde_json::from_str(r#"{"a": 50.00, "b": "0.10"}"#).unwrap();
        assert_eq!(t.a.as_str(), "50.00");
        assert_eq!(t.a.to_minor_units(2), Some(5000));
        assert_eq!(t.b.to_minor_units(2), Some(10));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"a":50.00,"b":"0.10"}"#);
        assert!(serde_json::from_str::<T>(r#"{"a": true, "b": 1}"#).is_err());
        assert_eq!(Decimal::new("-1.5").unwrap().to_minor_units(2), Some(-150));
        assert_eq!(Decimal::new("1.005").unwrap().to_minor_units(2), None);
        assert!(Decimal::new("1e5").is_none());
    }

    /// A scale past what `i128` holds gives `None` at once (zero stays zero), and a large one is written
    /// out, not refused by a format's width.
    #[test]
    fn scales_past_what_fits_are_answered_not_looped_or_panicked_over() {
        let zero = Decimal::new("0.00").unwrap();
        assert_eq!(zero.to_minor_units(u32::MAX), Some(0));
        assert_eq!(Decimal::new("1").unwrap().to_minor_units(38), Some(10i128.pow(38)));
        assert_eq!(Decimal::new("1").unwrap().to_minor_units(39), None);
        assert_eq!(Decimal::new("0.5").unwrap().to_minor_units(u32::MAX), None);
        assert_eq!(Decimal::new("12.5").unwrap().to_minor_units(3), Some(12_500));
        let wide = Decimal::from_minor_units(1, 70_000);
        assert_eq!(wide.as_str().len(), "0.".len() + 70_000);
        assert!(wide.as_str().starts_with("0.000") && wide.as_str().ends_with("01"));
    }

    #[test]
    fn amounts_are_read_under_flatten_and_untagged_enums() {
        #[derive(serde::Deserialize)]
        struct Inner {
            amount: Decimal,
        }
        #[derive(serde::Deserialize)]
        struct Outer {
            #[serde(flatten)]
            inner: Inner,
            tenant: String,
        }
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Answer {
            Amount { amount: Decimal },
            Refused { message: String },
        }
        // serde buffers the value there, so a number has the digits of an f64; a string keeps its own.
        let outer: Outer = serde_json::from_str(r#"{"amount": 250.00, "tenant": "t1"}"#).unwrap();
        assert_eq!((outer.inner.amount.as_str(), outer.tenant.as_str()), ("250.0", "t1"));
        let outer: Outer = serde_json::from_str(r#"{"amount": "0.10", "tenant": "t1"}"#).unwrap();
        assert_eq!(serde_json::to_string(&outer.inner.amount).unwrap(), r#""0.10""#);
        let answer: Answer = serde_json::from_str(r#"{"amount": 12}"#).unwrap();
        assert!(matches!(answer, Answer::Amount { amount } if amount.as_str() == "12"));
        let answer: Answer = serde_json::from_str(r#"{"amount": "twelve", "message": "no"}"#).unwrap();
        assert!(matches!(answer, Answer::Refused { message } if message == "no"));
        for refused in [r#"{"amount": {"x": "1"}, "tenant": "t"}"#, r#"{"amount": true, "tenant": "t"}"#] {
            assert!(serde_json::from_str::<Outer>(refused).is_err(), "{refused}");
        }
        // Through a `serde_json::Value`, the same.
        let value = serde_json::json!({"amount": 1.5});
        assert_eq!(serde_json::from_value::<Inner>(value).unwrap().amount.as_str(), "1.5");
    }

    #[test]
    fn a_json_number_in_exponent_form_is_read_as_its_plain_digits() {
        let read = |json: &str| serde_json::from_str::<Decimal>(json).map(|d| d.as_str().to_owned());
        assert_eq!(read("1e3").unwrap(), "1000");
        assert_eq!(read("1.5E-2").unwrap(), "0.015");
        assert_eq!(read("-1.25e+3").unwrap(), "-1250");
        assert_eq!(read("12.5e1").unwrap(), "125");
        assert_eq!(read("1.0e-5").unwrap(), "0.000010");
        assert_eq!(read("0e0").unwrap(), "0");
        assert_eq!(serde_json::from_str::<Decimal>("1e3").unwrap(), Decimal::from(1000));
        // Not numbers, or too far from any amount: refused, as a quoted exponent form is.
        for refused in ["1e", "e3", "1e3.5", "1e999", "\"1e3\"", "1ee3"] {
            assert!(read(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn amounts_compare_by_value_whatever_their_writing() {
        let quoted: Decimal = serde_json::from_str(r#""50.00""#).unwrap();
        let amount = |text: &str| Decimal::new(text).unwrap();
        assert_eq!(quoted, amount("50"));
        assert_eq!(amount("007.50"), amount("7.5"));
        assert_eq!(amount("-0.00"), amount("0"));
        let state = std::hash::RandomState::new();
        let hash_with = |d: &Decimal| std::hash::BuildHasher::hash_one(&state, d);
        assert_eq!(hash_with(&amount("1.10")), hash_with(&amount("01.1")));
        let mut amounts: Vec<Decimal> =
            ["10", "9.99", "-1", "0.001", "-0.5", "0", "100.0", "-10"].iter().map(|t| amount(t)).collect();
        amounts.sort();
        let sorted: Vec<&str> = amounts.iter().map(Decimal::as_str).collect();
        assert_eq!(sorted, ["-10", "-1", "-0.5", "0", "0.001", "9.99", "10", "100.0"]);
        assert!(amount("0.5") > amount("0.45") && amount("0.5") < amount("0.51"));
    }
}
