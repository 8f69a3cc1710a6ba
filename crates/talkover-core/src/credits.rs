//! Credits: the account's balance, and buying more of it.
//!
//! Every money or credit amount here (the balance, the purchase amount, what was charged, the new balance)
//! is a [`Decimal`], never `f64`, so that `100.10` stays `100.10`.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/get-credits-balance> and the pages beside it.

use serde::{Deserialize, Serialize};

use crate::auto_topup::PaymentMethodId;
use crate::decimal::Decimal;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::macros::{id_type, operation};
use crate::operation::Operation as _;
use crate::registry::OperationInfo;
use crate::Timestamp;

id_type! {
    /// The id of a payment transaction (a purchase or a recharge).
    TransactionId
}

/// What a charge did to the balance: the answer of [`PurchaseCredits`] and of
/// [`TestAutoTopup`](crate::auto_topup::TestAutoTopup).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditCharge {
    /// The amount taken from the payment method.
    pub amount_charged: Decimal,
    /// Currency code (`USD`).
    pub currency: String,
    /// The balance after the charge.
    pub new_balance: Decimal,
    /// The payment transaction.
    pub transaction_id: TransactionId,
}

// ---------------------------------------------------------------------------------------------------
// get-credits-balance

/// [Get the credit balance](https://docs.talkover.ai/api-reference/endpoints/get-credits-balance) of the
/// account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetCreditsBalance {}

impl GetCreditsBalance {
    /// The current balance.
    pub fn new() -> Self {
        Self {}
    }
}

operation!(GetCreditsBalance {
    id: "get-credits-balance",
    method: GET,
    path: "/api/v1/credits/balance",
    safe_to_repeat: true,
    path_params: [],
    response: Envelope<CreditsBalance>,
});

/// The account's credit balance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditsBalance {
    /// The balance, in `currency`.
    pub balance: Decimal,
    /// Currency code (`USD`).
    pub currency: String,
    /// Whether auto top-up is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_topup_enabled: Option<bool>,
    /// When the balance was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Timestamp>,
}

// ---------------------------------------------------------------------------------------------------
// purchase-credits

/// The body of [`PurchaseCredits`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditPurchase {
    /// How much to buy, in the account's currency (more than 0).
    pub amount: Decimal,
    /// The saved payment method to charge; the default one when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<PaymentMethodId>,
}

impl CreditPurchase {
    /// A purchase of `amount`, charged to the default payment method unless
    /// [`CreditPurchase::payment_method_id`] says otherwise.
    pub fn new(amount: Decimal) -> Self {
        Self { amount, payment_method_id: None }
    }

    /// The saved payment method to charge.
    pub fn payment_method_id(mut self, id: impl Into<PaymentMethodId>) -> Self {
        self.payment_method_id = Some(id.into());
        self
    }
}

/// [Buy credits](https://docs.talkover.ai/api-reference/endpoints/purchase-credits): charges a payment
/// method and adds the amount to the balance. A declined payment is a 402 (kind `http`, code
/// `PAYMENT_FAILED`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PurchaseCredits {
    /// What to buy.
    pub body: CreditPurchase,
}

impl PurchaseCredits {
    /// Buys credits.
    pub fn new(body: CreditPurchase) -> Self {
        Self { body }
    }

    fn check(&self) -> Result<(), Error> {
        positive(Self::ID, "amount", &self.body.amount)
    }
}

operation!(PurchaseCredits {
    id: "purchase-credits",
    method: POST,
    path: "/api/v1/credits/purchase",
    safe_to_repeat: false,
    path_params: [],
    body: CreditPurchase,
    response: Envelope<CreditCharge>,
    validate: PurchaseCredits::check,
});

// ---------------------------------------------------------------------------------------------------
// Exact bounds on amounts, shared with auto top-up.

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
pub(crate) fn amount_range(
    operation: &'static str,
    field: &str,
    value: &Decimal,
    min: u64,
    max: u64,
) -> Result<(), Error> {
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
pub(crate) fn positive(operation: &'static str, field: &str, value: &Decimal) -> Result<(), Error> {
    let p = parts(value);
    if p.negative || (p.whole == 0 && !p.fraction) {
        return Err(Error::invalid_request(operation, Some(field), format!("must be more than 0, got {value}")));
    }
    Ok(())
}

pub(crate) const OPERATIONS: &[OperationInfo] =
    &[OperationInfo::of::<GetCreditsBalance>(), OperationInfo::of::<PurchaseCredits>()];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_request, ClientConfig, ErrorKind};

    fn dec(text: &str) -> Decimal {
        Decimal::new(text).unwrap()
    }

    fn refused_field(error: Error) -> Option<String> {
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
        match error {
            Error::InvalidRequest(e) => e.field,
            _ => None,
        }
    }

    #[test]
    fn purchase_amount_must_be_positive() {
        let config = ClientConfig::new("talq_test").unwrap();
        for bad in ["0", "0.00", "-0", "-5", "-0.01"] {
            let err = build_request(&PurchaseCredits::new(CreditPurchase::new(dec(bad))), &config).unwrap_err();
            assert_eq!(refused_field(err).as_deref(), Some("amount"), "{bad}");
        }
        let request =
            build_request(&PurchaseCredits::new(CreditPurchase::new(dec("0.01")).payment_method_id("pm_1")), &config)
                .unwrap();
        assert_eq!(request.body().as_slice(), br#"{"amount":0.01,"payment_method_id":"pm_1"}"#);
    }

    #[test]
    fn amount_ranges_compare_the_exact_digits() {
        let check = |v: &str| amount_range("x", "a", &dec(v), 1, 1000).is_ok();
        assert!(check("1") && check("1.00") && check("1000") && check("1000.000") && check("999.99"));
        assert!(!check("0.99") && !check("1000.001") && !check("1001") && !check("-5") && !check("0"));
        assert!(!check("99999999999999999999999999999999999999999999"));
    }

    #[test]
    fn amounts_keep_their_digits() {
        let balance: Envelope<CreditsBalance> =
            serde_json::from_str(r#"{"success":true,"data":{"balance":250.10,"currency":"USD"}}"#).unwrap();
        assert_eq!(balance.data.balance.as_str(), "250.10");
    }
}
