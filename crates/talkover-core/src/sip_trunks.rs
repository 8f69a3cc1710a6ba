//! Custom SIP trunks: register a carrier's trunk, verify it, watch its health, and attach numbers (DIDs).
//!
//! From the `talkover` crate, these operations run through `client.sip_trunks()` (`SipTrunks`): the methods
//! of `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! The trunk's password is a [`SecretString`]: sent when creating or updating, never returned, never
//! printed. No amounts of money appear in these operations.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-sip-trunks> and the pages beside it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::PhoneNumberId;
use crate::macros::{optional_fields, string_enum};
use crate::secret::SecretString;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::SipTrunkId;

string_enum! {
    /// The transport SIP signalling uses.
    pub enum SipTransport {
        /// UDP (port 5060 by default).
        Udp = "udp",
        /// TCP (port 5060 by default).
        Tcp = "tcp",
        /// TLS (port 5061 by default; the API's default transport).
        Tls = "tls",
    }
}

string_enum! {
    /// The outcome of a trunk's last health check.
    pub enum SipTrunkHealthStatus {
        /// The trunk answered.
        Healthy = "healthy",
        /// The trunk did not answer, or refused.
        Unhealthy = "unhealthy",
    }
}

/// Declares a struct with the trunk settings the bodies and [`SipTrunk`] share, each written once, after the
/// struct's own fields; `settable` gives the bodies their setters. `answer` adds, optional, the fields the
/// API's answers give beside them ([`SipTrunk`], [`UpdatedSipTrunk`]).
macro_rules! sip_trunk_settings {
    (answer; $($item:tt)*) => {
        sip_trunk_settings! {
            optional;
            $($item)*
            optional {
                /// The carrier or SIP provider.
                provider_name: String,
                /// SIP domain or proxy host.
                domain: String,
                /// SIP username.
                username: String,
                /// The outcome of the last health check.
                health_status: SipTrunkHealthStatus,
                /// When the last health check ran.
                last_health_check_at: Timestamp,
                /// When it was created.
                created_at: Timestamp,
                /// When it last changed.
                updated_at: Timestamp,
            }
        }
    };
    ($kind:ident; $($item:tt)*) => {
        optional_fields! {
            $($item)*
            $kind {
                /// SIP port, 1 to 65535 (the API picks 5060 or 5061 from the transport).
                port: u16,
                /// Signalling transport (the API's default is TLS).
                transport: SipTransport,
                /// Outbound proxy host, if any.
                #[null_when_unset]
                #[clear_with(clear_outbound_proxy)]
                outbound_proxy(host): impl Into<String>,
                /// SIP authentication realm, if the carrier needs one.
                #[null_when_unset]
                #[clear_with(clear_auth_realm)]
                auth_realm(realm): impl Into<String>,
            }
        }
    };
}

sip_trunk_settings! {
    answer;
    /// A SIP trunk. The list answer carries only part of it, hence the optional fields; the
    /// password is never returned.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SipTrunk {
        /// The trunk's id.
        pub id: SipTrunkId,
        /// Its name.
        pub name: String,
        /// Whether the trunk is in use.
        pub is_active: bool,
        /// Whether a verification succeeded.
        pub is_verified: bool,
    }
    pub fn new;
}

optional_fields! {
    /// A number (DID) attached to a SIP trunk. It is a phone number of the environment too.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SipTrunkDid {
        /// The number's id.
        pub id: PhoneNumberId,
        /// E.164 number.
        pub number: String,
    }
    pub fn new;
    optional {
        /// ISO country code.
        country_code: String,
        /// Nationally formatted, for display.
        formatted_number: String,
        /// The trunk it is attached to.
        trunk_id: SipTrunkId,
    }
}

// ---------------------------------------------------------------------------------------------------
// create-sip-trunk

sip_trunk_settings! {
    settable;
    /// The body of [`CreateSipTrunk`]: build it with [`NewSipTrunk::new`] from the
    /// [required fields](NewSipTrunkRequired), then set the optional ones with the chaining methods.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::sip_trunks::{NewSipTrunk, NewSipTrunkRequired, SipTransport};
    ///
    /// let trunk = NewSipTrunk::new(NewSipTrunkRequired {
    ///     name: "Primary carrier".into(),
    ///     provider_name: "carrier-x".into(),
    ///     domain: "sip.carrier-x.com".into(),
    ///     username: "user_42".into(),
    ///     password: "s3cret".into(),
    /// })
    /// .transport(SipTransport::Tls);
    /// assert!(!format!("{trunk:?}").contains("s3cret"));
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewSipTrunk {
        /// Name (up to 255 characters).
        pub name: String,
        /// The carrier or SIP provider.
        pub provider_name: String,
        /// SIP domain or proxy host (`sip.carrier-x.com`).
        pub domain: String,
        /// SIP username.
        pub username: String,
        /// SIP password (stored encrypted, never returned).
        #[serde(serialize_with = "crate::secret::expose")]
        pub password: SecretString,
    }
    required {
        /// The fields create-sip-trunk requires, by name, for [`NewSipTrunk::new`]: five texts, the
        /// credentials among them, which a list of arguments would let a reordering swap (a password sent,
        /// and shown, as the username). A struct literal, so that leaving one out is a compile error that
        /// names it.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct NewSipTrunkRequired;
    }
    settable {
        /// Whether the trunk is in use (the API's default is `false`: verify it first).
        is_active(active): bool,
    }
}

impl CreateSipTrunk {
    fn check(&self, problems: &mut Problems) {
        check_trunk(problems, self.body.name.as_str(), self.body.port);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-sip-trunk

sip_trunk_settings! {
    changes;
    /// The body of [`UpdateSipTrunk`]: the fields of [`NewSipTrunk`], each optional; unset ones are left as
    /// they are. The outbound proxy and the auth realm can be removed too
    /// ([`SipTrunkUpdate::clear_outbound_proxy`], [`SipTrunkUpdate::clear_auth_realm`]: sent as `null`,
    /// as a trunk without them carries them; the update's page does not speak of a `null`, so the API
    /// decides what it does with one).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SipTrunkUpdate {}
    changes {
        /// New name (up to 255 characters).
        name: impl Into<String>,
        /// The carrier or SIP provider.
        provider_name: impl Into<String>,
        /// SIP domain or proxy host.
        domain: impl Into<String>,
        /// SIP username.
        username: impl Into<String>,
        /// SIP password.
        #[serde(serialize_with = "crate::secret::expose")]
        password: impl Into<SecretString>,
        /// Whether the trunk is in use.
        is_active(active): bool,
    }
}

sip_trunk_settings! {
    answer;
    /// What the API gives back after [`UpdateSipTrunk`]: the trunk's id and part of it, every other field
    /// optional (the page's example answers the name, whether it is active and verified, and `updated_at`,
    /// not the whole trunk that get-sip-trunk gives; an answer holding the fields that changed is read too).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct UpdatedSipTrunk {
        /// The trunk's id.
        pub id: SipTrunkId,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
        /// Whether the trunk is in use.
        is_active: bool,
        /// Whether a verification succeeded (changing its credentials, domain or transport undoes it).
        is_verified: bool,
    }
}

impl UpdateSipTrunk {
    fn check(&self, problems: &mut Problems) {
        check_trunk(problems, self.body.name.as_deref(), self.body.port);
    }
}

/// The bounds a new trunk and a trunk update share, each checked when set.
fn check_trunk<'a>(problems: &mut Problems, name: impl Into<Option<&'a str>>, port: Option<u16>) {
    problems.length("name", name, 1, 255).range("port", port, 1, 65535);
}

// ---------------------------------------------------------------------------------------------------
// verify-sip-trunk

// Repeating a verification only probes the carrier again and stores the newer outcome.
optional_fields! {
    /// The outcome of a trunk verification.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SipTrunkVerification {
        /// Whether the trunk is now verified.
        pub is_verified: bool,
    }
    pub fn new;
    optional {
        /// The outcome of the check.
        health_status: SipTrunkHealthStatus,
        /// When the check ran.
        last_health_check_at: Timestamp,
        /// Why the check failed.
        error: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// get-sip-trunk-health

optional_fields! {
    /// A live health check of a trunk.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SipTrunkHealth {
        /// Whether the trunk answered.
        pub is_healthy: bool,
    }
    pub fn new;
    optional {
        /// How long it took to answer (or to give up), in milliseconds (the reference's examples are
        /// whole numbers; a measured time may carry a fraction, kept as it came). A whole number is
        /// written as one (`142`, not `142.0`), as the API writes it.
        #[serde(serialize_with = "whole_as_integer")]
        response_time_ms: f64,
        /// What went wrong, when unhealthy.
        error: String,
        /// When the check ran.
        checked_at: Timestamp,
    }
}

/// Writes a number of milliseconds without a fraction as an integer (`142`), as the API does, and any
/// other as it is: a server built on these types answers in the API's shape.
fn whole_as_integer<S: serde::Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: past it, a float is not an exact integer.
    match *value {
        #[allow(clippy::cast_possible_truncation)] // whole and within ±2^53: exact
        Some(ms) if ms.fract() == 0.0 && ms.abs() <= EXACT => serializer.serialize_i64(ms as i64),
        Some(ms) => serializer.serialize_f64(ms),
        None => serializer.serialize_none(),
    }
}

// ---------------------------------------------------------------------------------------------------
// DIDs

/// The body of [`CreateSipTrunkDid`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewSipTrunkDid {
    /// ISO 3166-1 alpha-2 country code (`US`, `BR`, …).
    pub country_code: String,
    /// The number, E.164 (`+15551234567`).
    pub number: String,
}

impl NewSipTrunkDid {
    /// A number with its country.
    pub fn new(country_code: impl Into<String>, number: impl Into<String>) -> Self {
        Self { country_code: country_code.into(), number: number.into() }
    }
}

impl CreateSipTrunkDid {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        // A form (ISO 3166-1 alpha-2, the page says; it gives no bound): checked where the request is
        // received, left to the API by a client.
        if !(b.country_code.len() == 2 && b.country_code.bytes().all(|c| c.is_ascii_alphabetic())) {
            problems.add_form("country_code", "must be a two-letter ISO 3166-1 code");
        }
        problems.e164("number", b.number.as_str());
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! sip_trunks_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the SIP trunks](https://docs.talkover.ai/api-reference/endpoints/list-sip-trunks) of the
        /// environment.
        ListSipTrunks {
            id: "list-sip-trunks",
            method: GET,
            path: "/api/v1/sip-trunks",
            response: ListEnvelope<SipTrunk>,
            safe_to_repeat: true,
            handler: SipTrunks::list,
        }

        /// [Register a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/create-sip-trunk) for the
        /// environment. Verify it ([`VerifySipTrunk`], `client.sip_trunks().verify(id)`) before activating it.
        CreateSipTrunk {
            id: "create-sip-trunk",
            method: POST,
            path: "/api/v1/sip-trunks",
            body: NewSipTrunk,
            response: Envelope<SipTrunk>,
            safe_to_repeat: false,
            validate: CreateSipTrunk::check,
            handler: SipTrunks::create(trunk),
        }

        /// [Get a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/get-sip-trunk) and its whole
        /// configuration (but not its password).
        GetSipTrunk {
            id: "get-sip-trunk",
            method: GET,
            path: "/api/v1/sip-trunks/{trunk_id}",
            params: { trunk_id: SipTrunkId },
            response: Envelope<SipTrunk>,
            safe_to_repeat: true,
            handler: SipTrunks::get,
        }

        /// [Update a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/update-sip-trunk): fields left
        /// unset keep their value. After changing credentials, domain or transport, verify it again before
        /// reactivating it.
        UpdateSipTrunk {
            id: "update-sip-trunk",
            method: PUT,
            path: "/api/v1/sip-trunks/{trunk_id}",
            params: { trunk_id: SipTrunkId },
            body: SipTrunkUpdate,
            response: Envelope<UpdatedSipTrunk>,
            safe_to_repeat: true,
            validate: UpdateSipTrunk::check,
            handler: SipTrunks::update(update),
        }

        /// [Delete a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/delete-sip-trunk), for good. Its
        /// DIDs must be removed first (otherwise 409, code `TRUNK_HAS_DIDS`).
        DeleteSipTrunk {
            id: "delete-sip-trunk",
            method: DELETE,
            path: "/api/v1/sip-trunks/{trunk_id}",
            params: { trunk_id: SipTrunkId },
            response: Ack,
            safe_to_repeat: true,
            handler: SipTrunks::delete,
        }

        /// [Verify a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/verify-sip-trunk): a connectivity
        /// check whose outcome is stored on the trunk.
        ///
        /// A failed check comes back as `"success": false`, which is an error of kind
        /// [`Unsuccessful`](crate::ErrorKind::Unsuccessful); its body still holds a [`SipTrunkVerification`] with
        /// the reason (`ApiError::body_field::<SipTrunkVerification>("data")`).
        VerifySipTrunk {
            id: "verify-sip-trunk",
            method: POST,
            path: "/api/v1/sip-trunks/{trunk_id}/verify",
            params: { trunk_id: SipTrunkId },
            response: Envelope<SipTrunkVerification>,
            safe_to_repeat: true,
        }

        /// [Check a SIP trunk's health](https://docs.talkover.ai/api-reference/endpoints/get-sip-trunk-health) live
        /// (the API caches results briefly, so polling is fine). An unhealthy trunk is still a success.
        GetSipTrunkHealth {
            id: "get-sip-trunk-health",
            method: GET,
            path: "/api/v1/sip-trunks/{trunk_id}/health",
            params: { trunk_id: SipTrunkId },
            response: Envelope<SipTrunkHealth>,
            safe_to_repeat: true,
            handler: SipTrunks::health,
        }

        /// [List the numbers attached to a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/list-sip-trunk-dids).
        ListSipTrunkDids {
            id: "list-sip-trunk-dids",
            method: GET,
            path: "/api/v1/sip-trunks/{trunk_id}/dids",
            params: { trunk_id: SipTrunkId },
            response: ListEnvelope<SipTrunkDid>,
            safe_to_repeat: true,
            handler: SipTrunkDids[trunk_id]::list,
        }

        /// [Attach a number to a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/create-sip-trunk-did).
        /// A number already in the environment is refused (409, code `DID_ALREADY_EXISTS`).
        CreateSipTrunkDid {
            id: "create-sip-trunk-did",
            method: POST,
            path: "/api/v1/sip-trunks/{trunk_id}/dids",
            params: { trunk_id: SipTrunkId },
            body: NewSipTrunkDid,
            response: Envelope<SipTrunkDid>,
            safe_to_repeat: false,
            validate: CreateSipTrunkDid::check,
            handler: SipTrunkDids[trunk_id]::create(did),
        }

        /// [Remove a number from a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/delete-sip-trunk-did).
        /// A number still attached to an agent is refused (409, code `DID_IN_USE`).
        DeleteSipTrunkDid {
            id: "delete-sip-trunk-did",
            method: DELETE,
            path: "/api/v1/sip-trunks/{trunk_id}/dids/{phone_number_id}",
            params: { trunk_id: SipTrunkId, phone_number_id: PhoneNumberId },
            response: Ack,
            safe_to_repeat: true,
            handler: SipTrunkDids[trunk_id]::delete,
        }
        }
    };
}
sip_trunks_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use crate::operation::testing::{config, invalid_field, refused_on_receipt};

    fn trunk() -> NewSipTrunk {
        NewSipTrunk::new(NewSipTrunkRequired {
            name: "Primary".into(),
            provider_name: "carrier-x".into(),
            domain: "sip.carrier-x.com".into(),
            username: "user_42".into(),
            password: "hunter2-secret".into(),
        })
    }

    /// The answer writes the keys the API writes as `null`; a body built from the same list leaves an
    /// unset field out, so an update never clears what it was not asked to.
    #[test]
    fn unset_answer_fields_are_null_and_unset_body_fields_are_absent() {
        let answer = serde_json::to_value(SipTrunk::new("trunk-1", "Primary", true, false)).unwrap();
        assert_eq!(answer["outbound_proxy"], serde_json::Value::Null);
        assert!(answer.as_object().unwrap().contains_key("auth_realm"), "{answer}");
        assert!(!answer.as_object().unwrap().contains_key("port"), "not marked: left out, {answer}");
        let body = serde_json::to_value(SipTrunkUpdate::new().name("Backup")).unwrap();
        assert_eq!(body, serde_json::json!({"name": "Backup"}));
        let created = serde_json::to_value(trunk()).unwrap();
        assert!(!created.as_object().unwrap().contains_key("outbound_proxy"), "{created}");
    }

    /// The outbound proxy and the auth realm can be removed: `null` is sent only when asked for, and a
    /// body read from JSON (a server's, a fixture's) keeps a `null` apart from an absent key.
    #[test]
    fn an_update_clears_the_proxy_and_realm_only_when_asked() {
        let clear = SipTrunkUpdate::new().clear_outbound_proxy().auth_realm("carrier.example");
        let body = serde_json::to_value(&clear).unwrap();
        assert_eq!(body, serde_json::json!({"outbound_proxy": null, "auth_realm": "carrier.example"}));
        let set = SipTrunkUpdate::new().outbound_proxy("proxy.example").clear_auth_realm();
        assert_eq!(set.outbound_proxy, Some(Some("proxy.example".to_owned())));
        assert_eq!(serde_json::to_value(&set).unwrap()["auth_realm"], serde_json::Value::Null);
        let read: SipTrunkUpdate = serde_json::from_str(r#"{"outbound_proxy": null, "name": "B"}"#).unwrap();
        assert_eq!((read.outbound_proxy, read.auth_realm), (Some(None), None));
        let request = build_request(&UpdateSipTrunk::new("trunk-1", clear), &config()).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(sent, body);
    }

    #[test]
    fn passwords_are_sent_but_never_printed() {
        let create = CreateSipTrunk::new(trunk().port(5061).transport(SipTransport::Tls));
        assert!(!format!("{create:?}").contains("hunter2-secret"));
        let update = UpdateSipTrunk::new("trunk-1", SipTrunkUpdate::new().password("hunter2-secret"));
        assert!(!format!("{update:?}").contains("hunter2-secret"));
        let request = build_request(&create, &config()).unwrap();
        let body = std::str::from_utf8(request.body()).unwrap();
        assert!(body.contains(r#""password":"hunter2-secret""#), "{body}");
        assert!(!body.contains("is_active") && !body.contains("null"), "{body}");
    }

    #[test]
    fn names_ports_and_numbers_are_checked_before_sending() {
        assert_eq!(invalid_field(&CreateSipTrunk::new(trunk().port(0))), "port");
        let mut long = trunk();
        long.name = "n".repeat(256);
        assert_eq!(invalid_field(&CreateSipTrunk::new(long)), "name");
        let rename = |name: String| UpdateSipTrunk::new("trunk-1", SipTrunkUpdate::new().name(name));
        assert_eq!(invalid_field(&rename("n".repeat(256))), "name");
        assert_eq!(invalid_field(&rename(String::new())), "name");
        assert_eq!(invalid_field(&UpdateSipTrunk::new("trunk-1", SipTrunkUpdate::new().port(0))), "port");

        let did = |country: &str, number: &str| CreateSipTrunkDid::new("trunk-1", NewSipTrunkDid::new(country, number));
        assert_eq!(refused_on_receipt(&did("USA", "+15551234567")), "country_code");
        // A number's form is the API's to judge: sent, and refused on receipt.
        assert_eq!(refused_on_receipt(&did("US", "5551234567")), "number");
        assert_eq!(refused_on_receipt(&did("US", "+1555123456789012")), "number");
        let config = config();
        assert!(build_request(&did("US", "+15551234567"), &config).is_ok());
        assert!(build_request(&UpdateSipTrunk::new("trunk-1", SipTrunkUpdate::new().port(65535)), &config).is_ok());
    }

    #[test]
    fn an_answer_built_from_its_constructor_is_the_one_the_api_sends() {
        // The reference's example answer of get-sip-trunk-health (a healthy trunk).
        let sent: SipTrunkHealth = serde_json::from_str(
            r#"{"is_healthy": true, "response_time_ms": 142, "checked_at": "2024-01-15T14:35:00Z"}"#,
        )
        .unwrap();
        let mut built = SipTrunkHealth::new(true);
        built.response_time_ms = Some(142.0);
        built.checked_at = Some("2024-01-15T14:35:00Z".into());
        assert_eq!(built, sent);
        // Written back in the API's shape: a whole number of milliseconds without a fraction.
        let written = serde_json::to_string(&built).unwrap();
        assert!(written.contains(r#""response_time_ms":142,"#), "{written}");
        let fraction = SipTrunkHealth { response_time_ms: Some(142.37), ..built };
        assert!(serde_json::to_string(&fraction).unwrap().contains(r#""response_time_ms":142.37"#));
        // Own fields in their declared order, each taking what converts into it.
        let trunk = SipTrunk::new("trunk-uuid-1", "Primary", true, false);
        assert_eq!(
            (trunk.id.as_str(), trunk.name.as_str(), trunk.is_active, trunk.is_verified),
            ("trunk-uuid-1", "Primary", true, false)
        );
        assert_eq!(trunk.domain, None);
        // A measured time may carry a fraction: kept as it came.
        let measured: SipTrunkHealth =
            serde_json::from_str(r#"{"is_healthy": true, "response_time_ms": 142.37}"#).unwrap();
        assert_eq!(measured.response_time_ms, Some(142.37));
    }

    #[test]
    fn did_paths_escape_both_ids() {
        let request = build_request(&DeleteSipTrunkDid::new("trunk/1", "+15551234567"), &config()).unwrap();
        assert_eq!(request.uri(), "https://app.talkover.ai/api/v1/sip-trunks/trunk%2F1/dids/%2B15551234567");
    }
}
