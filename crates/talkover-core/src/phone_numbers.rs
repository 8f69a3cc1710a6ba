//! Phone numbers: list the environment's numbers, and ask for (or cancel) the release of one.
//!
//! From the `talkover` crate, these operations run through `client.phone_numbers()` (`PhoneNumbers`): the
//! methods of `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Prices (`current_price`, `monthly_renewal_cost`) are money, so they are [`Decimal`], never `f64`.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-phone-numbers> and the pages beside it.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::macros::{optional_fields, string_enum};
use crate::time::Date;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{PhoneNumberId, ReleaseRequestId};

string_enum! {
    /// What a phone number is for.
    pub enum PhoneNumberType {
        /// Voice calls.
        Voice = "voice",
        /// Text messages.
        Sms = "sms",
        /// WhatsApp.
        Whatsapp = "whatsapp",
        /// Picture messages.
        Mms = "mms",
        /// Fax.
        Fax = "fax",
    }
}

string_enum! {
    /// Whether a phone number is in service.
    pub enum PhoneNumberStatus {
        /// In service.
        Active = "active",
        /// Out of service.
        Inactive = "inactive",
        /// Being set up.
        Pending = "pending",
        /// Suspended.
        Suspended = "suspended",
    }
}

optional_fields! {
    /// A phone number of the environment.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct PhoneNumber {
        /// The number's id.
        pub id: PhoneNumberId,
        /// E.164 number.
        pub number: String,
        /// ISO country code.
        pub country_code: String,
        /// Nationally formatted, for display.
        pub formatted_number: String,
        /// Internationally formatted.
        pub international_number: String,
        /// What it is for.
        #[serde(rename = "type")]
        pub number_type: PhoneNumberType,
        /// Whether it takes voice calls.
        pub has_voice: bool,
        /// Whether it takes text messages.
        pub has_sms: bool,
        /// Whether it takes picture messages.
        pub has_mms: bool,
        /// Whether it takes faxes.
        pub has_fax: bool,
        /// Whether it works with WhatsApp.
        pub has_whatsapp: bool,
        /// Whether it is in service.
        pub current_status: PhoneNumberStatus,
        /// Whether it is a sandbox number.
        pub is_sandbox: bool,
        /// Its current price, in `currency`.
        pub current_price: Decimal,
        /// Currency code (`USD`).
        pub currency: String,
        /// The next renewal date.
        pub renewal_date: Date,
        /// Whether it renews by itself.
        pub auto_renewal: bool,
        /// When it was added.
        pub created_at: Timestamp,
        /// When it last changed.
        pub updated_at: Timestamp,
        /// What the monthly renewal costs.
        pub monthly_renewal_cost: Decimal,
        /// Days until the monthly renewal.
        pub days_until_monthly_renewal: i64,
        /// Whether the monthly renewal is due.
        pub is_due_for_monthly_renewal: bool,
    }
    required {
        /// The fields every [`PhoneNumber`] carries, by name, for [`PhoneNumber::new`].
        #[derive(Clone, Debug, PartialEq)]
        pub struct PhoneNumberRequired;
    }
    optional {
        /// The country (`US`), as openapi.json's phone-number schema names it; the pages say
        /// `country_code`.
        country: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// Release requests

string_enum! {
    /// Where a release request stands.
    pub enum ReleaseRequestStatus {
        /// Waiting for review.
        Pending = "pending",
        /// Approved: the number is (or will be) released.
        Approved = "approved",
        /// Refused (see `rejection_reason`).
        Rejected = "rejected",
        /// Cancelled before it was resolved.
        Cancelled = "cancelled",
    }
}

optional_fields! {
    /// A request to release a phone number.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ReleaseRequest {
        /// The request's id.
        pub id: ReleaseRequestId,
        /// The number to release.
        pub phone_number_id: PhoneNumberId,
        /// The number, E.164.
        pub phone_number: String,
        /// Why it is released.
        pub reason: String,
        /// Where the request stands.
        pub status: ReleaseRequestStatus,
    }
    pub fn new;
    optional {
        /// Why it was refused (rejected requests).
        rejection_reason: String,
        /// When it was made.
        requested_at: Timestamp,
        /// When it was resolved (approved, rejected or cancelled).
        resolved_at: Timestamp,
    }
}

/// The body of [`RequestPhoneRelease`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhoneReleaseRequest {
    /// Why the number is no longer needed (10 to 500 characters).
    pub reason: String,
}

impl PhoneReleaseRequest {
    /// A release request with its reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into() }
    }
}

impl RequestPhoneRelease {
    /// Asks to release the number, giving a reason (10 to 500 characters).
    pub fn new(phone_number_id: impl Into<PhoneNumberId>, reason: impl Into<String>) -> Self {
        Self { phone_number_id: phone_number_id.into(), body: PhoneReleaseRequest::new(reason) }
    }

    fn check(&self, problems: &mut Problems) {
        problems.length("reason", self.body.reason.as_str(), 10, 500);
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! phone_numbers_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the phone numbers](https://docs.talkover.ai/api-reference/endpoints/list-phone-numbers) of the
        /// environment, with filters, a page at a time (20 by default).
        ListPhoneNumbers {
            id: "list-phone-numbers",
            method: GET,
            path: "/api/v1/phone-numbers",
            query: ListPhoneNumbersQuery {
                /// Only numbers of this type.
                #[serde(rename = "type")]
                number_type: PhoneNumberType,
                /// Only numbers that take (or do not take) voice calls.
                has_voice: bool,
                /// Only numbers that work (or do not work) with WhatsApp.
                has_whatsapp: bool,
                /// Search by number or id.
                search: String,
            },
            response: ListEnvelope<PhoneNumber>,
            items: PhoneNumber,
            default_per_page: 20,
            page_block: WholeUnlessPaged,
            safe_to_repeat: true,
            handler: PhoneNumbers::list,
        }

        /// [List the release requests](https://docs.talkover.ai/api-reference/endpoints/list-release-requests),
        /// pending and past.
        ListReleaseRequests {
            id: "list-release-requests",
            method: GET,
            path: "/api/v1/phone-numbers/release-requests",
            response: ListEnvelope<ReleaseRequest>,
            safe_to_repeat: true,
            handler: PhoneNumbers::release_requests,
        }

        /// [Ask to release a phone number](https://docs.talkover.ai/api-reference/endpoints/request-phone-release)
        /// from the environment, giving why it is no longer needed (10 to 500 characters). Detach it from every
        /// agent first; once approved, the number cannot be recovered.
        RequestPhoneRelease {
            id: "request-phone-release",
            method: POST,
            path: "/api/v1/phone-numbers/{phone_number_id}/request-release",
            params: { phone_number_id: PhoneNumberId },
            body: PhoneReleaseRequest,
            response: Envelope<ReleaseRequest>,
            success_status: 201,
            safe_to_repeat: false,
            validate: RequestPhoneRelease::check,
            constructor: manual,
            handler: PhoneNumbers::request_release(reason: impl Into<String>),
        }

        /// [Cancel a release request](https://docs.talkover.ai/api-reference/endpoints/cancel-release-request)
        /// that is still pending. It stays in the list, as cancelled.
        CancelReleaseRequest {
            id: "cancel-release-request",
            method: DELETE,
            path: "/api/v1/phone-numbers/release-requests/{release_request_id}",
            params: { release_request_id: ReleaseRequestId },
            response: Ack,
            safe_to_repeat: true,
            handler: PhoneNumbers::cancel_release,
        }
        }
    };
}
phone_numbers_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::operation::testing::config;
    use crate::{build_request, ErrorKind};

    #[test]
    fn release_reasons_must_be_10_to_500_characters() {
        for reason in ["too short".to_owned(), "x".repeat(501)] {
            let error = build_request(&RequestPhoneRelease::new("phone-1", reason), &config()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            assert!(matches!(&error, Error::InvalidRequest(e) if e.field() == Some("reason")), "{error}");
        }
        // Counted in characters, not bytes.
        assert!(build_request(&RequestPhoneRelease::new("phone-1", "é".repeat(500)), &config()).is_ok());
        let request = build_request(&RequestPhoneRelease::new("phone 1", "ten chars!"), &config()).unwrap();
        assert_eq!(request.uri(), "https://app.talkover.ai/api/v1/phone-numbers/phone%201/request-release");
        assert_eq!(request.body().as_slice(), br#"{"reason":"ten chars!"}"#);
    }

    #[test]
    fn filters_encode_plus_signs_and_booleans() {
        let list = ListPhoneNumbers::new().search("+1234567890").has_voice(true).number_type(PhoneNumberType::Voice);
        let request = build_request(&list, &config()).unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.contains("search=%2B1234567890"), "{query}");
        assert!(query.contains("has_voice=true"), "{query}");
        assert!(query.contains("type=voice"), "{query}");
        assert!(!query.contains("has_whatsapp"), "{query}");
    }
}
