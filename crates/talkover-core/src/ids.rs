//! Every typed identifier of the API, in one place: each resource module re-exports its own.
//!
//! An id converts from text (`"agent-1".into()`, a `String`, a `&String`) and into none of the other
//! ids, nor into text where a parameter takes text (a phone number, a name): its text is `as_str()` or
//! `into_string()`.
//!
//! ```compile_fail,E0277
//! # use talkover_core::{agents::AgentId, calls::NewCall};
//! let agent = AgentId::from("agent-1");
//! let call = NewCall::new(&agent); // an agent's id where the number to call goes
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::macros::id_type;

/// The text of an identifier, and whether the API wrote it as a JSON number. Two ids are equal, ordered
/// and hashed by their text alone: `"42"` and `42` are the same id.
#[derive(Clone)]
pub(crate) struct IdText {
    text: String,
    number: bool,
}

impl IdText {
    pub(crate) fn new(text: String) -> Self {
        Self { text, number: false }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn into_string(self) -> String {
        self.text
    }
}

impl PartialEq for IdText {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for IdText {}

impl Hash for IdText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for IdText {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdText {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl serde::Serialize for IdText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.number {
            if let Ok(n) = self.text.parse::<u64>() {
                return serializer.serialize_u64(n);
            }
            if let Ok(n) = self.text.parse::<i64>() {
                return serializer.serialize_i64(n);
            }
        }
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for IdText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IdText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an identifier (a string or an integer)")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<IdText, E> {
                Ok(IdText::new(text.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<IdText, E> {
                Ok(IdText::new(text))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<IdText, E> {
                Ok(IdText { text: n.to_string(), number: true })
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<IdText, E> {
                Ok(IdText { text: n.to_string(), number: true })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

id_type! {
    /// The id of a personal access token.
    ApiTokenId
}

id_type! {
    /// The id of a user.
    UserId
}

id_type! {
    /// The id of an environment.
    EnvironmentId
}

id_type! {
    /// The id of an action.
    ActionId
}

id_type! {
    /// The id of a voice agent.
    AgentId
}

id_type! {
    /// The id of a voice.
    VoiceId
}

id_type! {
    /// The id of a phone number.
    PhoneNumberId
}

id_type! {
    /// The id of a saved payment method.
    PaymentMethodId
}

id_type! {
    /// The id of one auto top-up event in the history.
    AutoTopupEventId
}

id_type! {
    /// The id of an availability rule.
    AvailabilityRuleId
}

id_type! {
    /// The id of a calendar event.
    EventId
}

id_type! {
    /// The id of an attendee of an event.
    AttendeeId
}

id_type! {
    /// The id of a calendar membership (not the member's user id).
    CalendarMemberId
}

id_type! {
    /// The id of a provider connection (the `provider_id` of the paths).
    ProviderConnectionId
}

id_type! {
    /// The identifier of an action integration: what
    /// [`ListActionIntegrations`](crate::actions::ListActionIntegrations) lists and an action names in
    /// [`NewAction::integration`](crate::actions::NewAction::integration).
    IntegrationId
}

id_type! {
    /// The id of a call (also the `call_sid` that [`EndCall`](crate::calls::EndCall) takes).
    CallId
}

id_type! {
    /// The id of a call of a campaign ([`CampaignCall::id`](crate::calls::CampaignCall::id)): what
    /// make-campaign-call queued, which the campaign places as a call of its own, with a [`CallId`], once
    /// its time comes. Not a [`CallId`], and it does not convert into one: end-call and the call lookups
    /// take the placed call's id.
    ///
    /// ```compile_fail,E0277
    /// # use talkover_core::ids::{CallId, CampaignCallId};
    /// fn end_call(call: impl Into<CallId>) {}
    /// end_call(CampaignCallId::from("campaign-call-1"));
    /// ```
    CampaignCallId
}

id_type! {
    /// The telephony provider's id of a call: a history call's [`sid`](crate::calls::Call::sid), an external
    /// call's [`NewCall::sid`](crate::calls::NewCall::sid). Not a [`CallId`], and it does not convert into
    /// one: end-call's `call_sid` and the call lookups take the call's `id`, as their pages say.
    ///
    /// ```compile_fail,E0277
    /// # use talkover_core::ids::{CallId, CallSid};
    /// fn end_call(call: impl Into<CallId>) {}
    /// end_call(CallSid::from("CA0123456789abcdef"));
    /// ```
    CallSid
}

id_type! {
    /// The id of a campaign's SFTP configuration.
    SftpConfigId
}

id_type! {
    /// The id of a queued SFTP import or export job.
    SftpJobId
}

id_type! {
    /// The id of an SFTP job log entry.
    SftpLogId
}

id_type! {
    /// The id of a campaign.
    CampaignId
}

id_type! {
    /// The id of a file uploaded to a campaign (what
    /// [`TriggerCampaignSftpExport`](crate::campaign_sftp::TriggerCampaignSftpExport) exports).
    CampaignFileId
}

id_type! {
    /// The id of a payment transaction (a purchase or a recharge).
    TransactionId
}

id_type! {
    /// The id of a node, unique within its flow. `next`, branches and `initial_node_id` refer to nodes by it.
    FlowNodeId
}

id_type! {
    /// The id of a saved version of an agent's flow.
    FlowVersionId
}

id_type! {
    /// The id of a phone number release request.
    ReleaseRequestId
}

id_type! {
    /// The id of a SIP trunk.
    SipTrunkId
}

id_type! {
    /// The id of a training.
    TrainingId
}

id_type! {
    /// The id of a voice template.
    VoiceTemplateId
}

id_type! {
    /// The id of an agent's webhook ([`AgentWebhook::id`](crate::webhooks::AgentWebhook::id)), what the
    /// agent webhook operations take. A campaign's webhook has a [`CampaignWebhookId`], and neither converts
    /// into the other: the two kinds live under different paths, and one's id names nothing under the
    /// other's.
    WebhookId
}

id_type! {
    /// The id of a campaign's webhook ([`CampaignWebhook::id`](crate::webhooks::CampaignWebhook::id)), what
    /// the campaign webhook operations take; not an agent webhook's [`WebhookId`].
    ///
    /// ```compile_fail,E0277
    /// # use talkover_core::ids::{CampaignWebhookId, WebhookId};
    /// fn get_agent_webhook(webhook: impl Into<WebhookId>) {}
    /// get_agent_webhook(CampaignWebhookId::from("cw-1"));
    /// ```
    CampaignWebhookId
}

id_type! {
    /// The id of one logged delivery attempt of a webhook.
    WebhookLogId
}

id_type! {
    /// The id of a calendar.
    CalendarId
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::ApiToken;
    use crate::agents::AgentVoiceSettings;
    use crate::build_request;
    use crate::operation::testing::config;
    use crate::voice_templates::GenerateVoiceDemo;

    #[test]
    fn a_number_id_decodes_as_its_decimal_text_and_goes_back_a_number() {
        let json = r#"{"id":42,"name":"ci","abilities":["*"],"last_used_at":null}"#;
        let token: ApiToken = serde_json::from_str(json).unwrap();
        assert_eq!(token.id.as_str(), "42");
        assert_eq!(token.id, ApiTokenId::from("42"));
        assert_eq!(token.id.to_string(), "42");
        assert_eq!(serde_json::to_string(&token).unwrap(), json);

        let negative: UserId = serde_json::from_str("-7").unwrap();
        assert_eq!((negative.as_str(), serde_json::to_string(&negative).unwrap().as_str()), ("-7", "-7"));
        let text: UserId = serde_json::from_str(r#""42""#).unwrap();
        assert_eq!(text, UserId::from("42"));
        assert_eq!(serde_json::to_string(&text).unwrap(), r#""42""#);
        assert_eq!(serde_json::to_string(&UserId::from("42")).unwrap(), r#""42""#);

        for bad in ["4.2", "true", "null", "[1]", "{}"] {
            let err = serde_json::from_str::<UserId>(bad).unwrap_err();
            assert!(err.to_string().contains("a string or an integer"), "{bad}: {err}");
        }
    }

    /// A voice is set from a template: update-agent-voice and generate-voice-demo take the template's id
    /// (`voice.template.id`), which is not the agent's own `voice.id`.
    #[test]
    fn a_voice_is_set_from_its_template_id() {
        let agent: crate::agents::Agent = serde_json::from_value(serde_json::json!({
            "id": "a", "name": "n",
            "voice": {"id": "voice-uuid", "name": "Sarah", "template": {"id": "voice-template-uuid", "name": "Sarah"}}
        }))
        .unwrap();
        let template = &agent.voice.as_ref().unwrap().template.as_ref().unwrap().id;
        let settings = AgentVoiceSettings::new(template, 1.2, crate::agents::WhoSpeaksFirst::Agent);
        assert_eq!(settings.voice_id, VoiceTemplateId::from("voice-template-uuid"));
        let request = build_request(&GenerateVoiceDemo::new(template), &config()).unwrap();
        assert_eq!(request.uri().path(), "/api/v1/voice-templates/voice-template-uuid/demo");
    }

    /// Ids key maps looked up by text, parse from any text; string enums key ordered maps and read a
    /// setting strictly.
    #[test]
    fn ids_and_enums_work_as_map_keys_and_parse() {
        use crate::calls::CallStatus;
        use std::collections::{BTreeMap, HashMap};
        let id: AgentId = "550e8400".parse().unwrap();
        let by_hash = HashMap::from([(id.clone(), 1)]);
        let by_order = BTreeMap::from([(id, 2)]);
        assert_eq!((by_hash.get("550e8400"), by_order.get("550e8400")), (Some(&1), Some(&2)));
        // A number the API wrote is the same key as its text.
        let numbered: AgentId = serde_json::from_str("42").unwrap();
        assert_eq!(HashMap::from([(numbered, "x")]).get("42"), Some(&"x"));

        let mut counts = BTreeMap::new();
        for status in [CallStatus::from_text("mystery"), CallStatus::Completed, CallStatus::Initiated] {
            *counts.entry(status).or_insert(0) += 1;
        }
        let order: Vec<&str> = counts.keys().map(CallStatus::as_str).collect();
        assert_eq!(order, ["initiated", "completed", "mystery"], "the reference's order, unknown values last");
        assert_eq!(CallStatus::documented("no-answer"), Some(CallStatus::NoAnswer));
        assert_eq!(CallStatus::documented("sideways"), None);
        assert_eq!("sideways".parse::<CallStatus>().map(|s| s.is_documented()), Ok(false));
    }
}
