//! The machine-readable codes the API reference documents in its error answers, as one enum.

crate::macros::string_enum! {
    /// A documented error code, as [`crate::Error::error_code`] reads it from an error answer
    /// (`{"code": …}`, `{"error": {"code": …}}` or `{"error": "…", "message": …}`).
    ///
    /// A code this version of the SDK does not know is kept, text and all, in [`ErrorCode::Unknown`];
    /// [`crate::Error::code`] always gives the text as received.
    ///
    /// ```
    /// use talkover_core::error::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::from("AGENT_IS_PUBLISHED"), ErrorCode::AgentIsPublished);
    /// assert_eq!(ErrorCode::from("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
    /// ```
    pub enum ErrorCode {
        /// 404: no action with this id belongs to the agent.
        ActionNotFound = "ACTION_NOT_FOUND",
        /// 409: the agent is on a call right now, so it cannot be deleted yet.
        AgentHasActiveCalls = "AGENT_HAS_ACTIVE_CALLS",
        /// 400: the agent is not published, so it cannot place a call; publish it first.
        AgentInactive = "AGENT_INACTIVE",
        /// 409: a published agent cannot be deleted; unpublish it, then delete it.
        AgentIsPublished = "AGENT_IS_PUBLISHED",
        /// 404: no agent with this id in the account.
        AgentNotFound = "AGENT_NOT_FOUND",
        /// 422: auto top-up cannot be tested before it has been set up.
        AutoTopupNotConfigured = "AUTO_TOPUP_NOT_CONFIGURED",
        /// 409: the call has ended already, so there is nothing to end.
        CallNotActive = "CALL_NOT_ACTIVE",
        /// 409: the campaign has calls in progress, and this change must wait until they finish.
        CampaignHasActiveCalls = "CAMPAIGN_HAS_ACTIVE_CALLS",
        /// 403: the account's plan allows no more campaigns.
        CampaignLimitReached = "CAMPAIGN_LIMIT_REACHED",
        /// 400: the campaign is not running (draft, paused, completed); set its status to active before
        /// placing calls through it.
        CampaignNotActive = "CAMPAIGN_NOT_ACTIVE",
        /// 404: no campaign with this id in the account.
        CampaignNotFound = "CAMPAIGN_NOT_FOUND",
        /// 409: something still running on the resource prevents the change (a campaign being deleted).
        Conflict = "CONFLICT",
        /// 500: the server could not produce the voice sample; trying again later may work.
        DemoGenerationFailed = "DEMO_GENERATION_FAILED",
        /// 409: this number is in the SIP environment already.
        DidAlreadyExists = "DID_ALREADY_EXISTS",
        /// 409: the number is still attached to an agent; detach it before removing it.
        DidInUse = "DID_IN_USE",
        /// 409: the number already has a call queued or in progress in this campaign.
        DuplicateCall = "DUPLICATE_CALL",
        /// 403: the request is not allowed for this resource in its present state.
        Forbidden = "FORBIDDEN",
        /// 402: the balance cannot pay for what was asked; buy credits or turn on auto top-up.
        InsufficientCredits = "INSUFFICIENT_CREDITS",
        /// 422: the operation needs an agent of the other direction (inbound or outbound).
        InvalidAgentDirection = "INVALID_AGENT_DIRECTION",
        /// 401: the API key sent is not one the API knows.
        InvalidApiKey = "INVALID_API_KEY",
        /// 400 (or 422): a phone number is not in E.164 form (`+` and the country code).
        InvalidPhoneNumber = "INVALID_PHONE_NUMBER",
        /// 401: the bearer token is missing, malformed or revoked.
        InvalidToken = "INVALID_TOKEN",
        /// 400: the campaign cannot move from its present status to the one asked for.
        InvalidTransition = "INVALID_TRANSITION",
        /// 422: this webhook delivery cannot be sent again (it succeeded, or is not eligible).
        LogNotRetriable = "LOG_NOT_RETRIABLE",
        /// 422: a meeting link needs a connected meeting provider (Google, Microsoft, Zoom) first.
        MeetingProviderRequired = "MEETING_PROVIDER_REQUIRED",
        /// 400: the request names no phone number to call.
        MissingPhoneNumber = "MISSING_PHONE_NUMBER",
        /// 401: the request carried no bearer token.
        MissingToken = "MISSING_TOKEN",
        /// 422: the agent does not qualify for optimized costs.
        OptimizedCostsNotEligible = "OPTIMIZED_COSTS_NOT_ELIGIBLE",
        /// 402: the payment method on file was declined or the charge failed.
        PaymentFailed = "PAYMENT_FAILED",
        /// 422: the number is still used (by an agent or a campaign), so it cannot be released.
        PhoneNumberInUse = "PHONE_NUMBER_IN_USE",
        /// 429: too many requests in the rate-limit window; wait (`Retry-After`) and try again.
        RateLimitExceeded = "RATE_LIMIT_EXCEEDED",
        /// 409: a release request for this number is waiting already.
        ReleaseAlreadyPending = "RELEASE_ALREADY_PENDING",
        /// 409: the release request was approved or rejected already, so it cannot be cancelled.
        ReleaseAlreadyResolved = "RELEASE_ALREADY_RESOLVED",
        /// 500: the server failed; trying again later may work.
        ServerError = "SERVER_ERROR",
        /// 409: an export of this campaign is running; wait for it to finish.
        SftpExportInProgress = "SFTP_EXPORT_IN_PROGRESS",
        /// 409: an import into this campaign is running; wait for it to finish.
        SftpImportInProgress = "SFTP_IMPORT_IN_PROGRESS",
        /// 422: SFTP sync can be enabled only after a successful connection test.
        SftpTestRequired = "SFTP_TEST_REQUIRED",
        /// 401: the token was valid once and has expired; get a new one.
        TokenExpired = "TOKEN_EXPIRED",
        /// 404: no training with this id belongs to the agent.
        TrainingNotFound = "TRAINING_NOT_FOUND",
        /// 409: the trunk still has numbers (DIDs); remove them before deleting it.
        TrunkHasDids = "TRUNK_HAS_DIDS",
        /// 403 (or 401): the caller may not act on this resource.
        Unauthorized = "UNAUTHORIZED",
        /// 422: the body failed the API's checks; the field problems are in
        /// [`crate::Error::field_errors`].
        ValidationError = "VALIDATION_ERROR",
        /// 404: the voice asked for does not exist.
        VoiceNotFound = "VOICE_NOT_FOUND",
        /// 404: no voice template with this id.
        VoiceTemplateNotFound = "VOICE_TEMPLATE_NOT_FOUND",
    }
}

impl ErrorCode {
    /// Every code the reference documents, in alphabetical order of their text.
    pub const DOCUMENTED: &'static [ErrorCode] = &[
        Self::ActionNotFound,
        Self::AgentHasActiveCalls,
        Self::AgentInactive,
        Self::AgentIsPublished,
        Self::AgentNotFound,
        Self::AutoTopupNotConfigured,
        Self::CallNotActive,
        Self::CampaignHasActiveCalls,
        Self::CampaignLimitReached,
        Self::CampaignNotActive,
        Self::CampaignNotFound,
        Self::Conflict,
        Self::DemoGenerationFailed,
        Self::DidAlreadyExists,
        Self::DidInUse,
        Self::DuplicateCall,
        Self::Forbidden,
        Self::InsufficientCredits,
        Self::InvalidAgentDirection,
        Self::InvalidApiKey,
        Self::InvalidPhoneNumber,
        Self::InvalidToken,
        Self::InvalidTransition,
        Self::LogNotRetriable,
        Self::MeetingProviderRequired,
        Self::MissingPhoneNumber,
        Self::MissingToken,
        Self::OptimizedCostsNotEligible,
        Self::PaymentFailed,
        Self::PhoneNumberInUse,
        Self::RateLimitExceeded,
        Self::ReleaseAlreadyPending,
        Self::ReleaseAlreadyResolved,
        Self::ServerError,
        Self::SftpExportInProgress,
        Self::SftpImportInProgress,
        Self::SftpTestRequired,
        Self::TokenExpired,
        Self::TrainingNotFound,
        Self::TrunkHasDids,
        Self::Unauthorized,
        Self::ValidationError,
        Self::VoiceNotFound,
        Self::VoiceTemplateNotFound,
    ];

    /// Whether this code is the API's considered answer about the request or the account (a conflict, a
    /// missing resource, a refused payment), which asking again cannot change: every documented code but
    /// the rate limit and the server's own failures. The clients never retry such an answer.
    pub fn is_business_answer(&self) -> bool {
        !matches!(self, Self::RateLimitExceeded | Self::ServerError | Self::DemoGenerationFailed | Self::Unknown(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_reads_back_as_itself() {
        assert_eq!(ErrorCode::DOCUMENTED.len(), 44);
        for code in ErrorCode::DOCUMENTED {
            assert!(!matches!(code, ErrorCode::Unknown(_)));
            assert_eq!(&ErrorCode::from(code.as_str()), code);
        }
        let texts: Vec<&str> = ErrorCode::DOCUMENTED.iter().map(ErrorCode::as_str).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(texts, sorted);
    }
}
