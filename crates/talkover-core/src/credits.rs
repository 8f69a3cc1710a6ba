//! Credits: the account's balance, and buying more of it.
//!
//! From the `talkover` crate, these operations run through `client.credits()` (`Credits`): the methods of
//! `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Every money or credit amount here (the balance, the purchase amount, what was charged, the new balance)
//! is a [`Decimal`], never `f64`, so that `100.10` stays `100.10`.
//!
//! These two operations are the **Account API**'s: their pages ask for a user's session token, not the
//! environment's `talq_` token the other operations take (auto top-up, in `auto_topup`, takes the
//! environment's). A service holding both runs them on a client of the user's token,
//! `client.with_token(user_token)` (a derived client on the same connections). The emulator takes either
//! token here unless it is given a user token of its own (`Server::builder().user_token(..)`,
//! `talkover-mock --user-token`), so that a test shows the mix-up.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/get-credits-balance> and the pages beside it.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::envelope::Envelope;
use crate::ids::PaymentMethodId;
use crate::macros::optional_fields;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::TransactionId;

optional_fields! {
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
    pub fn new;
}

// ---------------------------------------------------------------------------------------------------
// get-credits-balance

optional_fields! {
    /// The account's credit balance.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CreditsBalance {
        /// The balance, in `currency`.
        pub balance: Decimal,
        /// Currency code (`USD`).
        pub currency: String,
    }
    pub fn new;
    optional {
        /// Whether auto top-up is on.
        auto_topup_enabled: bool,
        /// When the balance was read.
        as_of: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// purchase-credits

optional_fields! {
    /// The body of [`PurchaseCredits`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CreditPurchase {
        /// How much to buy, in the account's currency (more than 0).
        pub amount: Decimal,
    }
    /// A purchase of `amount`, charged to the default payment method unless
    /// [`CreditPurchase::payment_method_id`] says otherwise.
    pub fn new;
    settable {
        /// The saved payment method to charge; the default one when unset.
        payment_method_id(id): impl Into<PaymentMethodId>,
    }
}

impl PurchaseCredits {
    fn check(&self, problems: &mut Problems) {
        problems.positive("amount", &self.body.amount);
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! credits_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [Get the credit balance](https://docs.talkover.ai/api-reference/endpoints/get-credits-balance) of the
        /// account. Takes a user's session token, not the environment's (see [the module](self)).
        GetCreditsBalance {
            id: "get-credits-balance",
            method: GET,
            path: "/api/v1/credits/balance",
            response: Envelope<CreditsBalance>,
            safe_to_repeat: true,
            handler: Credits::balance,
        }

        /// [Buy credits](https://docs.talkover.ai/api-reference/endpoints/purchase-credits): charges a payment
        /// method and adds the amount to the balance. A declined payment is a 402
        /// (`ErrorKind::PaymentRequired`, code `PAYMENT_FAILED`). Takes a user's session token, not the
        /// environment's (see [the module](self)).
        PurchaseCredits {
            id: "purchase-credits",
            method: POST,
            path: "/api/v1/credits/purchase",
            body: CreditPurchase,
            response: Envelope<CreditCharge>,
            safe_to_repeat: false,
            validate: PurchaseCredits::check,
            handler: Credits::purchase(purchase),
        }
        }
    };
}
credits_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use crate::operation::testing::{config, dec, field_of};

    #[test]
    fn purchase_amount_must_be_positive() {
        let config = config();
        for bad in ["0", "0.00", "-0", "-5", "-0.01"] {
            let err = build_request(&PurchaseCredits::new(CreditPurchase::new(dec(bad))), &config).unwrap_err();
            assert_eq!(field_of(err).as_deref(), Some("amount"), "{bad}");
        }
        let request =
            build_request(&PurchaseCredits::new(CreditPurchase::new(dec("0.01")).payment_method_id("pm_1")), &config)
                .unwrap();
        assert_eq!(request.body().as_slice(), br#"{"amount":0.01,"payment_method_id":"pm_1"}"#);
    }

    #[test]
    fn amounts_keep_their_digits() {
        let balance: Envelope<CreditsBalance> =
            serde_json::from_str(r#"{"success":true,"data":{"balance":250.10,"currency":"USD"}}"#).unwrap();
        assert_eq!(balance.data.balance.as_str(), "250.10");
    }
}
