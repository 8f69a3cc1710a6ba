//! Auto top-up: recharge the balance when it runs low or on a day of the month, test it, turn it off,
//! read its history and the payment methods it can charge.
//!
//! From the `talkover` crate, these operations run through `client.auto_topup()` (`AutoTopup`): the methods
//! of `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Every money amount here (thresholds, recharge and scheduled amounts, the daily limit, charges and
//! balances) is a [`Decimal`], never `f64`, so amounts keep their exact digits.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/get-auto-topup-settings> and the pages
//! beside it.

use serde::{Deserialize, Serialize};

use crate::credits::CreditCharge;
use crate::decimal::Decimal;
use crate::envelope::{Envelope, ListEnvelope};
use crate::ids::TransactionId;
use crate::macros::{optional_fields, string_enum};
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{AutoTopupEventId, PaymentMethodId};

/// The auto top-up settings [`AutoTopupSettingsUpdate`] changes and [`AutoTopupSettings`] reports, each
/// written once, after the struct's own fields; `settable` gives the body its setters.
macro_rules! auto_topup_settings {
    ($kind:ident; $($item:tt)*) => {
        optional_fields! {
            $($item)*
            $kind {
                /// The balance below which a recharge fires, in the account's currency (1 to 1000).
                threshold_amount(amount): impl Into<Decimal>,
                /// What each threshold recharge charges, in the account's currency (1 to 1000).
                recharge_amount(amount): impl Into<Decimal>,
                /// Whether the monthly scheduled recharge is on.
                scheduled_payment_enabled(enabled): bool,
                /// What the scheduled recharge charges, in the account's currency (1 to 1000; required when
                /// turning the scheduled recharge on).
                #[null_when_unset]
                scheduled_amount(amount): impl Into<Decimal>,
                /// The day of the month of the scheduled recharge (1 to 28).
                #[null_when_unset]
                day_of_month(day): u32,
                /// The payment method charged: one already saved on the account (see
                /// [`ListAutoTopupPaymentMethods`]).
                payment_method_id(id): impl Into<PaymentMethodId>,
            }
        }
    };
}

auto_topup_settings! {
    optional;
    /// The auto top-up configuration, as the settings, update and disable operations return it.
    ///
    /// The update and disable answers carry only part of it, so everything but `is_enabled` is optional.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AutoTopupSettings {
        /// Whether auto top-up is on at all.
        pub is_enabled: bool,
    }
    pub fn new;
    optional {
        /// The most auto top-up may charge in one day (set by the plan).
        daily_limit: Decimal,
        /// Recharges made today.
        recharge_count_today: u32,
        /// When the last recharge happened.
        last_recharge_at: Timestamp,
        /// Currency code of the amounts (`USD`).
        currency: String,
        /// When the settings last changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// update-auto-topup-settings

auto_topup_settings! {
    settable;
    /// The body of [`UpdateAutoTopupSettings`]: the settings to change; unset ones are left as they are.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AutoTopupSettingsUpdate {}
    settable {
        /// Turns auto top-up on or off as a whole.
        is_enabled(enabled): bool,
    }
}

impl UpdateAutoTopupSettings {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        problems.amount_range("threshold_amount", b.threshold_amount.as_ref(), 1, 1000);
        problems.amount_range("recharge_amount", b.recharge_amount.as_ref(), 1, 1000);
        problems.amount_range("scheduled_amount", b.scheduled_amount.as_ref(), 1, 1000);
        problems.range("day_of_month", b.day_of_month, 1, 28);
        if b.scheduled_payment_enabled == Some(true) {
            problems.require("scheduled_amount", &b.scheduled_amount);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// get-auto-topup-history

string_enum! {
    /// What made an auto top-up fire.
    pub enum AutoTopupTrigger {
        /// The balance fell below the threshold.
        Threshold = "threshold",
        /// The scheduled day of the month came.
        Scheduled = "scheduled",
        /// A [`TestAutoTopup`] call.
        Test = "test",
    }
}

string_enum! {
    /// Where an auto top-up payment stands.
    pub enum AutoTopupStatus {
        /// The payment is in flight.
        Pending = "pending",
        /// The payment went through and the balance was credited.
        Succeeded = "succeeded",
        /// The payment was declined or failed.
        Failed = "failed",
    }
}

optional_fields! {
    /// One recharge in the auto top-up history.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AutoTopupEvent {
        /// The event's id.
        pub id: AutoTopupEventId,
        /// The amount charged (or attempted).
        pub amount: Decimal,
        /// Currency code (`USD`).
        pub currency: String,
        /// What made it fire.
        pub trigger: AutoTopupTrigger,
        /// Where the payment stands.
        pub status: AutoTopupStatus,
    }
    pub fn new;
    optional {
        /// The balance before the recharge (successful recharges).
        balance_before: Decimal,
        /// The balance after the recharge (successful recharges).
        balance_after: Decimal,
        /// Why the payment failed (`card_declined`, …).
        failure_reason: String,
        /// The payment method charged.
        payment_method_id: PaymentMethodId,
        /// The payment transaction (successful recharges).
        transaction_id: TransactionId,
        /// When it fired.
        created_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// list-auto-topup-payment-methods

string_enum! {
    /// The kind of a payment method.
    pub enum PaymentMethodType {
        /// A card (the only kind today).
        Card = "card",
    }
}

optional_fields! {
    /// A payment method saved on the account. Cards are tokenized: only their brand, last digits and expiry
    /// are shown.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct PaymentMethod {
        /// The id to give as `payment_method_id`.
        pub id: PaymentMethodId,
        /// Its kind.
        #[serde(rename = "type")]
        pub method_type: PaymentMethodType,
    }
    pub fn new;
    optional {
        /// The card's details, for cards.
        card: Card,
        /// Whether it is the default payment method.
        is_default: bool,
        /// When it was saved.
        created_at: Timestamp,
    }
}

optional_fields! {
    /// What the API shows of a saved card.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Card {}
    optional {
        /// Brand (`visa`, `mastercard`, `amex`, …).
        brand: String,
        /// The last four digits.
        last4: String,
        /// Expiry month, 1 to 12.
        exp_month: u32,
        /// Expiry year (four digits).
        exp_year: u32,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! auto_topup_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [Get the auto top-up settings](https://docs.talkover.ai/api-reference/endpoints/get-auto-topup-settings).
        GetAutoTopupSettings {
            id: "get-auto-topup-settings",
            method: GET,
            path: "/api/v1/auto-topup/settings",
            response: Envelope<AutoTopupSettings>,
            safe_to_repeat: true,
            handler: AutoTopup::settings,
        }

        /// [Update the auto top-up settings](https://docs.talkover.ai/api-reference/endpoints/update-auto-topup-settings):
        /// threshold recharges, monthly scheduled recharges, or both; settings left unset keep their value.
        UpdateAutoTopupSettings {
            id: "update-auto-topup-settings",
            method: PUT,
            path: "/api/v1/auto-topup/settings",
            body: AutoTopupSettingsUpdate,
            response: Envelope<AutoTopupSettings>,
            safe_to_repeat: true,
            validate: UpdateAutoTopupSettings::check,
            handler: AutoTopup::update(settings),
        }

        /// [Test auto top-up](https://docs.talkover.ai/api-reference/endpoints/test-auto-topup) with a real,
        /// one-off recharge. It charges the payment method and counts toward the daily limit. A declined
        /// payment is a 402 (`ErrorKind::PaymentRequired`, code `PAYMENT_FAILED`).
        TestAutoTopup {
            id: "test-auto-topup",
            method: POST,
            path: "/api/v1/auto-topup/test",
            response: Envelope<CreditCharge>,
            safe_to_repeat: false,
            handler: AutoTopup::test,
        }

        /// [Turn auto top-up off](https://docs.talkover.ai/api-reference/endpoints/disable-auto-topup), keeping
        /// its configuration. Recharges already queued may still go through.
        DisableAutoTopup {
            id: "disable-auto-topup",
            method: POST,
            path: "/api/v1/auto-topup/disable",
            response: Envelope<AutoTopupSettings>,
            safe_to_repeat: true,
            handler: AutoTopup::disable,
        }

        /// [Get the auto top-up history](https://docs.talkover.ai/api-reference/endpoints/get-auto-topup-history),
        /// newest first, one page at a time.
        GetAutoTopupHistory {
            id: "get-auto-topup-history",
            method: GET,
            path: "/api/v1/auto-topup/history",
            query: AutoTopupHistoryQuery {},
            response: ListEnvelope<AutoTopupEvent>,
            items: AutoTopupEvent,
            default_per_page: 25,
            page_block: Pagination,
            safe_to_repeat: true,
            handler: AutoTopup::history,
        }

        /// [List the payment methods](https://docs.talkover.ai/api-reference/endpoints/list-auto-topup-payment-methods)
        /// auto top-up can charge. Cards are added in the dashboard, not through the API.
        ListAutoTopupPaymentMethods {
            id: "list-auto-topup-payment-methods",
            method: GET,
            path: "/api/v1/auto-topup/payment-methods",
            response: ListEnvelope<PaymentMethod>,
            safe_to_repeat: true,
            handler: AutoTopup::payment_methods,
        }
        }
    };
}
auto_topup_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use crate::operation::testing::{config, dec, invalid_field, pairs, query_pairs};
    use crate::page::PagedOperation;

    #[test]
    fn amounts_and_days_are_checked_before_sending() {
        let update = |b: AutoTopupSettingsUpdate| UpdateAutoTopupSettings::new(b);
        let field = |b| invalid_field(&update(b));
        assert_eq!(field(AutoTopupSettingsUpdate::new().threshold_amount(dec("0.99"))), "threshold_amount");
        assert_eq!(field(AutoTopupSettingsUpdate::new().recharge_amount(dec("1000.01"))), "recharge_amount");
        assert_eq!(field(AutoTopupSettingsUpdate::new().scheduled_amount(dec("-1"))), "scheduled_amount");
        assert_eq!(field(AutoTopupSettingsUpdate::new().day_of_month(29)), "day_of_month");
        assert_eq!(field(AutoTopupSettingsUpdate::new().day_of_month(0)), "day_of_month");
        assert_eq!(
            field(AutoTopupSettingsUpdate::new().scheduled_payment_enabled(true).day_of_month(1)),
            "scheduled_amount"
        );

        let config = config();
        let ok = AutoTopupSettingsUpdate::new()
            .is_enabled(true)
            // A whole amount as a number, as `CreditPurchase::new(100)` takes one; cents as a `Decimal`.
            .threshold_amount(1)
            .recharge_amount(dec("1000.00"))
            .scheduled_payment_enabled(true)
            .scheduled_amount(200)
            .day_of_month(28);
        let request = build_request(&update(ok), &config).unwrap();
        assert_eq!(
            std::str::from_utf8(request.body()).unwrap(),
            r#"{"is_enabled":true,"threshold_amount":1,"recharge_amount":1000.00,"scheduled_payment_enabled":true,"scheduled_amount":200,"day_of_month":28}"#
        );
        // Nothing set: nothing sent but an empty object.
        let request = build_request(&update(AutoTopupSettingsUpdate::new()), &config).unwrap();
        assert_eq!(request.body().as_slice(), b"{}");
    }

    #[test]
    fn history_pages_are_bounded_and_settable() {
        assert_eq!(invalid_field(&GetAutoTopupHistory::new().per_page(0)), "per_page");
        assert_eq!(invalid_field(&GetAutoTopupHistory::new().per_page(101)), "per_page");
        let mut history = GetAutoTopupHistory::new().per_page(100);
        history.set_page(3);
        let request = build_request(&history, &config()).unwrap();
        assert_eq!(request.uri().path(), "/api/v1/auto-topup/history");
        assert_eq!(query_pairs(&request), pairs(&[("page", "3"), ("per_page", "100")]));
    }
}
