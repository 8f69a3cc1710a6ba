//! The machine-readable codes the API reference documents in its error answers, as one enum.

/// Declares [`ErrorCode`]: each code once, with the status it comes with and, in a few words, when.
macro_rules! error_codes {
    ($( $variant:ident = $text:literal, $status:literal, $when:literal; )+) => {
        crate::macros::string_enum! {
            /// A documented error code, as [`crate::Error::error_code`] reads it from an error answer
            /// (`{"code": …}`, `{"error": {"code": …}}` or `{"error": "…", "message": …}`).
            ///
            /// A code this version of the SDK does not know is kept, text and all, in [`ErrorCode::Unknown`];
            /// [`crate::Error::code`] always gives the text as received.
            ///
            /// ```
            /// # use talkover_core as talkover;
            /// use talkover::error::ErrorCode;
            ///
            /// assert_eq!(ErrorCode::from_text("AGENT_IS_PUBLISHED"), ErrorCode::AgentIsPublished);
            /// assert_eq!(ErrorCode::from_text("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
            /// ```
            pub enum ErrorCode {
                $( #[doc = concat!($status, ": ", $when, ".")] $variant = $text, )+
            }
        }

        impl ErrorCode {
            /// Every code the reference documents, in alphabetical order of their text.
            pub const DOCUMENTED: &'static [ErrorCode] = &[$( Self::$variant, )+];

            /// When the API answers with this code, in a few words (`None` for an unknown code).
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($when), )+
                    Self::Unknown(_) => None,
                }
            }

            /// The status the reference documents with this code, as text (`"409"`, `"403 (or 401)"`).
            pub fn documented_status(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($status), )+
                    Self::Unknown(_) => None,
                }
            }
        }
    };
}

error_codes! {
    ActionNotFound = "ACTION_NOT_FOUND", "404", "no action with this id belongs to the agent";
    AgentHasActiveCalls = "AGENT_HAS_ACTIVE_CALLS", "409", "the agent is on a call right now, so it cannot be deleted yet";
    AgentInactive = "AGENT_INACTIVE", "400", "the agent is not published, so it cannot place a call; publish it first";
    AgentIsPublished = "AGENT_IS_PUBLISHED", "409", "a published agent cannot be deleted; unpublish it, then delete it";
    AgentNotFound = "AGENT_NOT_FOUND", "404", "no agent with this id in the account";
    AutoTopupNotConfigured = "AUTO_TOPUP_NOT_CONFIGURED", "422", "auto top-up cannot be tested before it has been set up";
    CallNotActive = "CALL_NOT_ACTIVE", "409", "the call has ended already, so there is nothing to end";
    CampaignHasActiveCalls = "CAMPAIGN_HAS_ACTIVE_CALLS", "409", "the campaign has calls in progress, and this change must wait until they finish";
    CampaignLimitReached = "CAMPAIGN_LIMIT_REACHED", "403", "the account's plan allows no more campaigns";
    CampaignNotActive = "CAMPAIGN_NOT_ACTIVE", "400", "the campaign is not running (draft, paused, completed); set its status to active before placing calls through it";
    CampaignNotFound = "CAMPAIGN_NOT_FOUND", "404", "no campaign with this id in the account";
    Conflict = "CONFLICT", "409", "something still running on the resource prevents the change (a campaign being deleted)";
    DemoGenerationFailed = "DEMO_GENERATION_FAILED", "500", "the server could not produce the voice sample; trying again later may work";
    DidAlreadyExists = "DID_ALREADY_EXISTS", "409", "this number is in the SIP environment already";
    DidInUse = "DID_IN_USE", "409", "the number is still attached to an agent; detach it before removing it";
    DuplicateCall = "DUPLICATE_CALL", "409", "the number already has a call queued or in progress in this campaign";
    Forbidden = "FORBIDDEN", "403", "the request is not allowed for this resource in its present state";
    InsufficientCredits = "INSUFFICIENT_CREDITS", "402", "the balance cannot pay for what was asked; buy credits or turn on auto top-up";
    InvalidAgentDirection = "INVALID_AGENT_DIRECTION", "422", "the operation needs an agent of the other direction (inbound or outbound)";
    InvalidApiKey = "INVALID_API_KEY", "401", "the API key sent is not one the API knows";
    InvalidPhoneNumber = "INVALID_PHONE_NUMBER", "400 (or 422)", "a phone number is not in the form the operation asks: `+`, the country code and the number (`+1234567890`)";
    InvalidToken = "INVALID_TOKEN", "401", "the bearer token is missing, malformed or revoked";
    InvalidTransition = "INVALID_TRANSITION", "400", "the campaign cannot move from its present status to the one asked for";
    LogNotRetriable = "LOG_NOT_RETRIABLE", "422", "this webhook delivery cannot be sent again (it succeeded, or is not eligible)";
    MeetingProviderRequired = "MEETING_PROVIDER_REQUIRED", "422", "a meeting link needs a connected meeting provider first";
    MissingPhoneNumber = "MISSING_PHONE_NUMBER", "400", "the request names no phone number to call";
    MissingToken = "MISSING_TOKEN", "401", "the request carried no bearer token";
    OptimizedCostsNotEligible = "OPTIMIZED_COSTS_NOT_ELIGIBLE", "422", "the agent does not qualify for optimized costs";
    PaymentFailed = "PAYMENT_FAILED", "402", "the payment method on file was declined or the charge failed";
    PhoneNumberInUse = "PHONE_NUMBER_IN_USE", "422", "the number is assigned to active agents, so it cannot be released";
    RateLimitExceeded = "RATE_LIMIT_EXCEEDED", "429", "too many requests in the rate-limit window: retried after the wait it asks for within the retry policy; when it comes back, wait `Error::retry_after`";
    ReleaseAlreadyPending = "RELEASE_ALREADY_PENDING", "409", "a release request for this number is waiting already";
    ReleaseAlreadyResolved = "RELEASE_ALREADY_RESOLVED", "409", "the release request was approved, rejected or cancelled already, so it cannot be cancelled";
    ServerError = "SERVER_ERROR", "500", "the server failed; trying again later may work";
    SftpExportInProgress = "SFTP_EXPORT_IN_PROGRESS", "409", "an export of this campaign is running; wait for it to finish";
    SftpImportInProgress = "SFTP_IMPORT_IN_PROGRESS", "409", "an import into this campaign is running; wait for it to finish";
    SftpTestRequired = "SFTP_TEST_REQUIRED", "422", "SFTP sync can be enabled only after a successful connection test";
    TokenExpired = "TOKEN_EXPIRED", "401", "the token was valid once and has expired; get a new one";
    TrainingNotFound = "TRAINING_NOT_FOUND", "404", "no training with this id belongs to the agent";
    TrunkHasDids = "TRUNK_HAS_DIDS", "409", "the trunk still has numbers (DIDs); remove them before deleting it";
    Unauthorized = "UNAUTHORIZED", "403 (or 401)", "the caller may not act on this resource";
    ValidationError = "VALIDATION_ERROR", "422", "the body failed the API's checks; the field problems are in `Error::field_errors()`";
    VoiceNotFound = "VOICE_NOT_FOUND", "404", "the voice asked for does not exist";
    VoiceTemplateNotFound = "VOICE_TEMPLATE_NOT_FOUND", "404", "no voice template with this id";
}

impl ErrorCode {
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
            assert_eq!(&ErrorCode::from_text(code.as_str()), code);
        }
        let texts: Vec<&str> = ErrorCode::DOCUMENTED.iter().map(ErrorCode::as_str).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(texts, sorted);
    }
}
