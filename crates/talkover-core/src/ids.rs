//! Every typed identifier of the API, in one place: each resource module re-exports its own.

use crate::macros::id_type;

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
    /// The id of a call (also the `call_sid` that [`EndCall`](crate::calls::EndCall) takes).
    CallId
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
    /// The id of a webhook (of an agent or of a campaign).
    WebhookId
}

id_type! {
    /// The id of one logged delivery attempt of a webhook.
    WebhookLogId
}

id_type! {
    /// The id of a calendar.
    CalendarId
}
