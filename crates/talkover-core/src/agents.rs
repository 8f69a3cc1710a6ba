//! Voice agents: create, list, read, configure, publish and unpublish, delete, and their pricing.
//!
//! From the `talkover` crate, these operations run through `client.agents()` (`Agents`): the methods of
//! `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-agents> and the pages beside it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actions::Action;
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::macros::{optional_fields, string_enum};
use crate::phone_numbers::PhoneNumberStatus;
use crate::trainings::Training;
use crate::validate::Problems;
use crate::voice_templates::{QualityTier, VoiceGender};
use crate::{Decimal, Timestamp};

pub use crate::ids::{AgentId, PhoneNumberId, VoiceId, VoiceTemplateId};
pub use crate::language::Language;

string_enum! {
    /// Whether an agent is live.
    pub enum AgentStatus {
        /// Not taking calls.
        Draft = "draft",
        /// Live: answers inbound calls or places outbound ones.
        Published = "published",
    }
}

string_enum! {
    /// Which way an agent's calls go.
    pub enum Direction {
        /// The agent answers calls.
        Inbound = "inbound",
        /// The agent places calls.
        Outbound = "outbound",
    }
}

string_enum! {
    /// How readily the agent lets the caller interrupt it.
    pub enum InterruptSensitivity {
        /// Rarely interrupted.
        Low = "low",
        /// The default.
        Medium = "medium",
        /// Easily interrupted.
        High = "high",
    }
}

string_enum! {
    /// Who speaks first when a call connects.
    pub enum WhoSpeaksFirst {
        /// The agent greets first.
        Agent = "agent",
        /// The agent waits for the other party.
        User = "user",
    }
}

optional_fields! {
    /// A voice agent, as the agent endpoints return it.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Agent {
        /// The agent's id.
        pub id: AgentId,
        /// Internal name.
        pub name: String,
    }
    pub fn new;
    optional {
        /// Display label.
        label: String,
        /// What the agent does.
        #[null_when_unset]
        description: String,
        /// Its language.
        language: Language,
        /// The voice, once one is set.
        #[null_when_unset]
        voice: Voice,
        /// What the agent says first.
        #[null_when_unset]
        initial_message: String,
        /// How readily the agent can be interrupted.
        interrupt_sensitivity: InterruptSensitivity,
        /// Speaking speed multiplier.
        conversation_speed: f64,
        /// Seconds before the initial message.
        initial_message_delay: u32,
        /// Whether the agent asks if someone is there when the line goes quiet.
        ask_if_human_present_on_idle: bool,
        /// Inbound or outbound.
        direction: Direction,
        /// Who speaks first.
        who_speaks_first: WhoSpeaksFirst,
        /// Draft or published.
        current_status: AgentStatus,
        /// Draft or published, as openapi.json's agent schema names it (the pages say `current_status`).
        status: AgentStatus,
        /// Whether this is a sandbox agent.
        is_sandbox: bool,
        /// Whether everything publishing needs is set.
        is_ready_to_publish: bool,
        /// Sampling temperature of the language model.
        llm_temperature: f64,
        /// How quickly the agent decides the caller has finished speaking (e.g. `auto`), up to 255 characters.
        endpointing_sensitivity: String,
        /// How the agent handles phone menus (e.g. `off`), up to 255 characters.
        ivr_navigation_mode: String,
        /// Seconds of silence before the idle check.
        idle_time_seconds: u32,
        /// Whether calls are recorded.
        enable_recording: bool,
        /// Whether calls go over the platform's telephony (`true`) or an external WebSocket transport
        /// (`false`).
        use_transport: bool,
        /// The voice template the agent speaks with, as openapi.json's agent schema gives it (the pages
        /// give it inside `voice`).
        voice_template: VoiceTemplateRef,
        /// When the agent was created.
        created_at: Timestamp,
        /// When the agent was last changed.
        updated_at: Timestamp,
        /// The agent's trainings.
        trainings: Vec<Training>,
        /// The agent's actions.
        actions: Vec<Action>,
        /// The phone numbers attached to the agent.
        phone_numbers: Vec<AgentPhoneNumber>,
    }
}

optional_fields! {
    /// An agent's voice.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Voice {
        /// The voice's id.
        pub id: VoiceId,
        /// Name.
        pub name: String,
    }
    pub fn new;
    optional {
        /// Display label.
        label: String,
        /// Stability, 0.5 to 1.0.
        stability: f64,
        /// Similarity boost, 0.5 to 1.0.
        similarity_boost: f64,
        /// Background sound (`office`, `cafe`, `quiet`, …).
        ambient_background: String,
        /// The template the voice comes from.
        template: VoiceTemplateRef,
    }
}

optional_fields! {
    /// The voice template a voice is based on.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct VoiceTemplateRef {
        /// The template's id.
        pub id: VoiceTemplateId,
        /// Its name.
        pub name: String,
    }
    pub fn new;
    optional {
        /// Its name for display.
        display_name: String,
        /// Its language.
        language: Language,
        /// Its gender.
        gender: VoiceGender,
        /// Its quality tier.
        quality_tier: QualityTier,
    }
}

optional_fields! {
    /// A phone number as it appears on an agent.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentPhoneNumber {
        /// The number's id.
        pub id: PhoneNumberId,
        /// E.164 number.
        pub number: String,
    }
    pub fn new;
    optional {
        /// ISO country code.
        country_code: String,
        /// Nationally formatted.
        formatted_number: String,
        /// Internationally formatted.
        international_number: String,
        /// The number's status.
        current_status: PhoneNumberStatus,
    }
}

// ---------------------------------------------------------------------------------------------------
// create-agent

optional_fields! {
    /// The body of [`CreateAgent`]: build it with [`NewAgent::new`] from the
    /// [required fields](NewAgentRequired), then set the optional ones with the chaining methods.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::agents::{
    ///     NewAgent, NewAgentRequired, Direction, InterruptSensitivity, Language, WhoSpeaksFirst,
    /// };
    ///
    /// let body = NewAgent::new(NewAgentRequired {
    ///     label: "Appointment reminders".into(),
    ///     name: "reminders".into(),
    ///     language: Language::EnUs,
    ///     direction: Direction::Outbound,
    ///     who_speaks_first: WhoSpeaksFirst::Agent,
    ///     interrupt_sensitivity: InterruptSensitivity::Medium,
    ///     endpointing_sensitivity: "auto".into(),
    ///     ivr_navigation_mode: "off".into(),
    ///     conversation_speed: 1.0,
    ///     initial_message_delay: 0,
    ///     ask_if_human_present_on_idle: true,
    ///     idle_time_seconds: 5,
    ///     llm_temperature: 0.7,
    ///     enable_recording: false,
    /// })
    /// .description("Reminds customers of their appointments")
    /// .max_call_duration_seconds(600);
    /// assert_eq!(body.name, "reminders");
    /// ```
    ///
    /// Decoding one (a server reading a request) fails with `missing field` for any field the reference
    /// requires.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewAgent {
        /// Display label, up to 255 characters.
        pub label: String,
        /// Internal name, up to 255 characters.
        pub name: String,
        /// The agent's language (`en-US`, …).
        pub language: Language,
        /// Inbound or outbound.
        pub direction: Direction,
        /// Who speaks first.
        pub who_speaks_first: WhoSpeaksFirst,
        /// How readily the agent can be interrupted.
        pub interrupt_sensitivity: InterruptSensitivity,
        /// How quickly the agent decides the caller has finished speaking (e.g. `auto`), up to 255 characters.
        pub endpointing_sensitivity: String,
        /// How the agent handles phone menus (e.g. `off`), up to 255 characters.
        pub ivr_navigation_mode: String,
        /// Speaking speed multiplier, 0.1 to 3.0.
        pub conversation_speed: f64,
        /// Seconds before the initial message, 0 to 60.
        pub initial_message_delay: u32,
        /// Ask whether someone is there when the line goes quiet.
        pub ask_if_human_present_on_idle: bool,
        /// Seconds of silence before the idle check, 1 to 300: a value outside is refused before sending.
        /// The reference page's parameter list says 1 to 60, but the API's own refusal (the page's 422
        /// example: "between 1 and 300") and its OpenAPI schema say 1 to 300, so the SDK accepts up to
        /// 300 rather than refuse what the API takes.
        pub idle_time_seconds: u32,
        /// Sampling temperature of the language model, 0 to 2.
        pub llm_temperature: f64,
        /// Record calls.
        pub enable_recording: bool,
    }
    required {
        /// The fields create-agent requires, by name, for [`NewAgent::new`].
        ///
        /// Written as a struct literal, so that leaving one out is a compile error that names it (and a field the
        /// API comes to require is one too: this struct is deliberately not `#[non_exhaustive]`).
        ///
        /// ```compile_fail,E0063
        /// # use talkover_core as talkover;
        /// use talkover::agents::{
        ///     NewAgent, NewAgentRequired, Direction, InterruptSensitivity, Language, WhoSpeaksFirst,
        /// };
        ///
        /// // `llm_temperature` is missing: this does not compile.
        /// let body = NewAgent::new(NewAgentRequired {
        ///     label: "Reminders".into(),
        ///     name: "reminders".into(),
        ///     language: Language::EnUs,
        ///     direction: Direction::Outbound,
        ///     who_speaks_first: WhoSpeaksFirst::Agent,
        ///     interrupt_sensitivity: InterruptSensitivity::Medium,
        ///     endpointing_sensitivity: "auto".into(),
        ///     ivr_navigation_mode: "off".into(),
        ///     conversation_speed: 1.0,
        ///     initial_message_delay: 0,
        ///     ask_if_human_present_on_idle: true,
        ///     idle_time_seconds: 5,
        ///     enable_recording: false,
        /// });
        /// ```
        #[derive(Clone, Debug, PartialEq)]
        pub struct NewAgentRequired;
    }
    settable {
        /// What the agent does.
        description: impl Into<String>,
        /// What the agent says first.
        initial_message(message): impl Into<String>,
        /// Idle checks before hanging up, 1 to 10.
        max_idle_check_count(count): u32,
        /// Longest call in seconds, 1 to 3600.
        max_call_duration_seconds(seconds): u32,
        /// Say goodbye when the longest call duration is reached.
        say_goodbye_on_max_duration(say_goodbye): bool,
        /// Seconds of caller silence before the agent ends the call, 5 to 120.
        user_inactivity_timeout_seconds(seconds): u32,
        /// Seconds of silence at the start of a call before the first idle check, 1 to 60.
        initial_idle_time_seconds(seconds): u32,
        /// Idle checks at the start of a call, 0 to 10.
        initial_max_idle_check_count(count): u32,
    }
    settable {
        /// Phone numbers to attach.
        phone_number_ids(ids): impl IntoIterator<Item = impl Into<PhoneNumberId>>,
    }
}

/// The body of [`CreateAgent`], by its former name.
#[deprecated(since = "0.1.0", note = "renamed `NewAgent`, as the other bodies that create something are named")]
pub type CreateAgentBody = NewAgent;

/// The fields [`NewAgent::new`] requires, by their former name.
#[deprecated(since = "0.1.0", note = "renamed `NewAgentRequired`, after `NewAgent`")]
pub type CreateAgentRequired = NewAgentRequired;

impl CreateAgent {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        problems.length("label", b.label.as_str(), 1, 255);
        problems.length("name", b.name.as_str(), 1, 255);
        problems.length("endpointing_sensitivity", b.endpointing_sensitivity.as_str(), 1, 255);
        problems.length("ivr_navigation_mode", b.ivr_navigation_mode.as_str(), 1, 255);
        problems.range("conversation_speed", b.conversation_speed, 0.1, 3.0);
        problems.range("initial_message_delay", b.initial_message_delay, 0, 60);
        // The page's table says 1–60, its own 422 and the OpenAPI schema 1–300: the wider bound is sent.
        problems.range("idle_time_seconds", b.idle_time_seconds, 1, 300);
        let optional_ranges = [
            ("max_idle_check_count", b.max_idle_check_count, 1, 10),
            ("max_call_duration_seconds", b.max_call_duration_seconds, 1, 3600),
            ("user_inactivity_timeout_seconds", b.user_inactivity_timeout_seconds, 5, 120),
            ("initial_idle_time_seconds", b.initial_idle_time_seconds, 1, 60),
            ("initial_max_idle_check_count", b.initial_max_idle_check_count, 0, 10),
        ];
        for (field, value, min, max) in optional_ranges {
            problems.range(field, value, min, max);
        }
        problems.range("llm_temperature", b.llm_temperature, 0.0, 2.0);
    }
}

// ---------------------------------------------------------------------------------------------------
// Operations on one agent with no body.

optional_fields! {
    /// An agent's state after publishing or unpublishing.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentStatusChange {
        /// The agent's id.
        pub id: AgentId,
        /// Its status now.
        pub current_status: AgentStatus,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
        /// Whether everything publishing needs is set.
        is_ready_to_publish: bool,
        /// When it changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// update-agent-knowledge

optional_fields! {
    /// The body of [`UpdateAgentKnowledge`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentKnowledge {
        /// What the agent does (at least 5 characters).
        pub description: String,
        /// How readily the agent can be interrupted.
        pub interrupt_sensitivity: InterruptSensitivity,
        /// Ask whether someone is there when the line goes quiet.
        pub ask_if_human_present_on_idle: bool,
        /// Sampling temperature of the language model, 0 to 2.
        pub llm_temperature: f64,
        /// Seconds before the initial message, 0 to 60.
        pub initial_message_delay: u32,
    }
    required {
        /// The knowledge settings update-agent-knowledge requires (all but the initial message), by name,
        /// for [`AgentKnowledge::new`]: a flag, a temperature and a delay in a row of arguments would say
        /// nothing of which is which.
        ///
        /// ```
        /// # use talkover_core as talkover;
        /// use talkover::agents::{AgentKnowledge, AgentKnowledgeRequired, InterruptSensitivity};
        ///
        /// let knowledge = AgentKnowledge::new(AgentKnowledgeRequired {
        ///     description: "Confirms appointments for the clinic.".into(),
        ///     interrupt_sensitivity: InterruptSensitivity::Medium,
        ///     ask_if_human_present_on_idle: true,
        ///     llm_temperature: 0.7,
        ///     initial_message_delay: 1,
        /// })
        /// .initial_message("Hello, this is the clinic.");
        /// assert_eq!(knowledge.initial_message.as_deref(), Some("Hello, this is the clinic."));
        /// ```
        #[derive(Clone, Debug, PartialEq)]
        pub struct AgentKnowledgeRequired;
    }
    settable {
        /// What the agent says first (5 to 255 characters).
        initial_message(message): impl Into<String>,
    }
}

impl UpdateAgentKnowledge {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        problems.length("description", b.description.as_str(), 5, usize::MAX);
        problems.length("initial_message", b.initial_message.as_deref(), 5, 255);
        problems.range("llm_temperature", b.llm_temperature, 0.0, 2.0);
        problems.range("initial_message_delay", b.initial_message_delay, 0, 60);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-agent-voice

optional_fields! {
    /// The body of [`UpdateAgentVoice`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentVoiceSettings {
        /// The voice template to use (an id from list-voice-templates; not an agent's `voice.id`, which
        /// names the agent's own voice: its template is `voice.template.id`).
        pub voice_id: VoiceTemplateId,
        /// Speaking speed multiplier, 0.1 to 3.0, as create-agent gives it (this page's prose says above 1
        /// and below 2, against its own examples; the wider range is the one checked before sending).
        pub conversation_speed: f64,
        /// Who speaks first.
        pub who_speaks_first: WhoSpeaksFirst,
    }
    /// The required voice settings; set the others with the chaining methods.
    pub fn new;
    settable {
        /// Background sound (`office`, `cafe`, `quiet`, …).
        ambient_background(background): impl Into<String>,
        /// Background volume, 0 to 2 (the API's default is 1).
        ambient_volume(volume): f64,
        /// The agent's spoken language, sent only to change it: the page says the voice template must
        /// support it. Left out, the agent keeps its language, and nothing here checks that the new
        /// voice speaks it (compare the template's `language` with the agent's before choosing).
        language: impl Into<Language>,
        /// Similarity to the original voice, 0.5 to 1.0 (returned as the voice's `similarity_boost`).
        /// Required "only for high-fidelity voice templates", the page says, the template's tier deciding
        /// whether it is accepted; which tiers those are it does not say (the emulator takes pro and
        /// ultra).
        similarity: f64,
        /// Stability, 0.5 to 1.0: higher is more even, lower more expressive. Required, and accepted, as
        /// [`similarity`](Self::similarity) is.
        stability: f64,
    }
}

impl UpdateAgentVoice {
    fn check(&self, problems: &mut Problems) {
        // The page's prose bounds for conversation_speed contradict its own examples; the documented
        // create-agent range (0.1 to 3.0) is the one enforced here.
        let b = &self.body;
        problems.range("conversation_speed", b.conversation_speed, 0.1, 3.0);
        problems.range("ambient_volume", b.ambient_volume, 0.0, 2.0);
        problems.range("similarity", b.similarity, 0.5, 1.0);
        problems.range("stability", b.stability, 0.5, 1.0);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-agent-calling

optional_fields! {
    /// The body of [`UpdateAgentCalling`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentCallingSettings {
        /// Inbound or outbound.
        pub direction: Direction,
    }
    /// Calling settings with a direction.
    pub fn new;
    settable {
        /// The phone numbers the agent uses. The page does not say whether the list replaces those the
        /// agent has or adds to them, nor what leaving it out does: the emulator replaces them with the
        /// list (an empty one takes them all away) and keeps them when it is left out.
        phone_number_ids(ids): impl IntoIterator<Item = impl Into<PhoneNumberId>>,
    }
}

optional_fields! {
    /// An agent's calling settings as the API returns them.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentCalling {
        /// The agent's id.
        pub id: AgentId,
        /// Inbound or outbound.
        pub direction: Direction,
        /// The attached phone numbers.
        #[serde(default)]
        pub phone_numbers: Vec<AgentPhoneNumber>,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
        /// Its status.
        current_status: AgentStatus,
        /// When it changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// update-advanced-settings

optional_fields! {
    /// The body of [`UpdateAdvancedSettings`] and the settings the API returns.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AdvancedSettings {}
    settable {
        /// Cache the synthesized initial message (needs the call volume of
        /// [`CheckOptimizedCostsEligibility`]).
        enable_initial_message_cache(enable): bool,
    }
}

impl AdvancedSettings {}

optional_fields! {
    /// An agent's advanced settings as the API returns them.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentAdvancedSettings {
        /// The agent's id.
        pub id: AgentId,
        /// The settings now in force.
        pub advanced_settings: AdvancedSettings,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
        /// When they changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// Pricing

optional_fields! {
    /// Whether an agent has the call volume optimized costs need.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct OptimizedCostsEligibility {
        /// Whether the agent is eligible.
        pub eligible: bool,
        /// Calls in the window.
        pub current_calls: u64,
        /// Calls needed.
        pub required_calls: u64,
        /// The window, in days.
        pub threshold_days: u32,
    }
    pub fn new;
    optional {
        /// Calls still missing, when not eligible.
        calls_remaining: u64,
    }
}

optional_fields! {
    /// What an agent costs to run, component by component.
    ///
    /// Prices are [`Decimal`]s, as every amount of the SDK is: the digits the API sends (`0.0855`), kept
    /// exact and written back as they came.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentPricing {
        /// The agent's id.
        pub agent_id: AgentId,
        /// Currency code (`USD`).
        pub currency: String,
        /// Voice, transcription and language-model prices.
        pub components: PricingComponents,
        /// The estimated total per minute, in `currency`.
        pub estimated_cost_per_minute: Decimal,
    }
    pub fn new;
    optional {
        /// Telephony prices.
        transport: TransportPricing,
        /// When the estimate was made.
        calculated_at: Timestamp,
    }
}

optional_fields! {
    /// The priced components of an agent.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct PricingComponents {}
    optional {
        /// Speech synthesis.
        voice_synthesis: ComponentPrice,
        /// Speech recognition.
        transcription: ComponentPrice,
        /// The language model.
        language_model: ComponentPrice,
    }
}

optional_fields! {
    /// The price of one component.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ComponentPrice {
        /// What the price is per (`per_minute`, `per_1k_tokens`).
        pub unit: String,
    }
    pub fn new;
    optional {
        /// Price per unit.
        price: Decimal,
        /// Price per unit of input (language models).
        input_price: Decimal,
        /// Price per unit of output (language models).
        output_price: Decimal,
        /// Quality tier (`high_fidelity`, …).
        tier: String,
    }
}

optional_fields! {
    /// Telephony prices by direction.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct TransportPricing {}
    optional {
        /// Outbound calls.
        outbound: TelephonyPrice,
        /// Inbound calls.
        inbound: TelephonyPrice,
    }
}

optional_fields! {
    /// The telephony price for one country and direction.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct TelephonyPrice {
        /// ISO country code.
        pub country_code: String,
        /// What the price is per.
        pub unit: String,
        /// Price per unit.
        pub price: Decimal,
    }
    pub fn new;
}

optional_fields! {
    /// The short form of [`AgentPricing`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentPricingSummary {
        /// The agent's id.
        pub agent_id: AgentId,
        /// Currency code.
        pub currency: String,
        /// The estimated total per minute, in `currency`.
        pub estimated_cost_per_minute: Decimal,
    }
    pub fn new;
    optional {
        /// The voice quality tier.
        voice_quality_tier: String,
        /// Whether optimized costs are on.
        optimized_costs_enabled: bool,
    }
}

/// Extra data some agent errors carry (for example update-advanced-settings' eligibility details, which
/// [`eligibility_shortfall`] reads as a type).
pub type ErrorDetails = Value;

optional_fields! {
    /// How far an agent is from optimized costs: the `details` of update-advanced-settings' 422
    /// `OPTIMIZED_COSTS_NOT_ELIGIBLE`, read from the error with [`eligibility_shortfall`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct EligibilityShortfall {
        /// The agent's calls in the window.
        pub current_calls: u64,
        /// The calls the window must hold.
        pub required_calls: u64,
        /// The window, in days.
        pub threshold_days: u32,
    }
    pub fn new;
}

/// Why turning optimized costs on was refused, when `err` is update-advanced-settings' 422
/// `OPTIMIZED_COSTS_NOT_ELIGIBLE`: the agent's calls in the window and the calls it needs. `None` for any
/// other error.
///
/// ```
/// # use talkover_core as talkover;
/// # fn handle(err: talkover::Error) {
/// if let Some(shortfall) = talkover::agents::eligibility_shortfall(&err) {
///     let missing = shortfall.required_calls.saturating_sub(shortfall.current_calls);
///     println!("{missing} more calls within {} days", shortfall.threshold_days);
/// }
/// # }
/// ```
pub fn eligibility_shortfall(err: &crate::Error) -> Option<EligibilityShortfall> {
    let api = err.as_api()?;
    if api.code.as_deref() != Some("OPTIMIZED_COSTS_NOT_ELIGIBLE") {
        return None;
    }
    api.body_field("details")
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! agents_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List agents](https://docs.talkover.ai/api-reference/endpoints/list-agents), with filters.
        ListAgents {
            id: "list-agents",
            method: GET,
            path: "/api/v1/agents",
            query: ListAgentsQuery {
                /// Only agents with this status.
                status: AgentStatus,
                /// Only agents with this direction.
                direction: Direction,
                /// Search in names and labels.
                search: String,
            },
            response: ListEnvelope<Agent>,
            items: Agent,
            default_per_page: 20,
            page_block: Meta,
            safe_to_repeat: true,
            handler: Agents::list,
        }

        /// [Create an agent](https://docs.talkover.ai/api-reference/endpoints/create-agent), as a draft.
        CreateAgent {
            id: "create-agent",
            method: POST,
            path: "/api/v1/agents",
            body: NewAgent,
            response: Envelope<Agent>,
            success_status: 201,
            safe_to_repeat: false,
            validate: CreateAgent::check,
            handler: Agents::create(agent),
        }

        /// [Get an agent](https://docs.talkover.ai/api-reference/endpoints/get-agent) with its voice, trainings,
        /// actions and phone numbers.
        GetAgent {
            id: "get-agent",
            method: GET,
            path: "/api/v1/agents/{agent_id}",
            params: { agent_id: AgentId },
            response: Envelope<Agent>,
            safe_to_repeat: true,
            handler: Agents::get,
        }

        /// [Publish an agent](https://docs.talkover.ai/api-reference/endpoints/publish-agent), so it takes calls.
        PublishAgent {
            id: "publish-agent",
            method: POST,
            path: "/api/v1/agents/{agent_id}/publish",
            params: { agent_id: AgentId },
            response: Envelope<AgentStatusChange>,
            safe_to_repeat: true,
            handler: Agents::publish,
        }

        /// [Unpublish an agent](https://docs.talkover.ai/api-reference/endpoints/unpublish-agent): back to draft,
        /// keeping its knowledge, voice, trainings, actions and phone numbers. Calls in progress go on.
        UnpublishAgent {
            id: "unpublish-agent",
            method: POST,
            path: "/api/v1/agents/{agent_id}/unpublish",
            params: { agent_id: AgentId },
            response: Envelope<AgentStatusChange>,
            safe_to_repeat: true,
            handler: Agents::unpublish,
        }

        /// [Delete an agent](https://docs.talkover.ai/api-reference/endpoints/delete-agent), for good.
        DeleteAgent {
            id: "delete-agent",
            method: DELETE,
            path: "/api/v1/agents/{agent_id}",
            params: { agent_id: AgentId },
            response: Ack,
            safe_to_repeat: true,
            handler: Agents::delete,
        }

        /// [Update an agent's knowledge](https://docs.talkover.ai/api-reference/endpoints/update-agent-knowledge):
        /// its description, greeting and conversational behaviour.
        UpdateAgentKnowledge {
            id: "update-agent-knowledge",
            method: PUT,
            path: "/api/v1/agents/{agent_id}/knowledge",
            params: { agent_id: AgentId },
            body: AgentKnowledge,
            response: Envelope<Agent>,
            safe_to_repeat: true,
            unpublishes_agent: true,
            validate: UpdateAgentKnowledge::check,
            handler: Agents::update_knowledge(knowledge),
        }

        /// [Update an agent's voice](https://docs.talkover.ai/api-reference/endpoints/update-agent-voice).
        UpdateAgentVoice {
            id: "update-agent-voice",
            method: PUT,
            path: "/api/v1/agents/{agent_id}/voice",
            params: { agent_id: AgentId },
            body: AgentVoiceSettings,
            response: Envelope<Agent>,
            safe_to_repeat: true,
            unpublishes_agent: true,
            validate: UpdateAgentVoice::check,
            handler: Agents::update_voice(voice),
        }

        /// [Update an agent's calling settings](https://docs.talkover.ai/api-reference/endpoints/update-agent-calling):
        /// direction and phone numbers.
        UpdateAgentCalling {
            id: "update-agent-calling",
            method: PUT,
            path: "/api/v1/agents/{agent_id}/calling",
            params: { agent_id: AgentId },
            body: AgentCallingSettings,
            response: Envelope<AgentCalling>,
            safe_to_repeat: true,
            handler: Agents::update_calling(calling),
        }

        /// [Update an agent's advanced settings](https://docs.talkover.ai/api-reference/endpoints/update-advanced-settings).
        UpdateAdvancedSettings {
            id: "update-advanced-settings",
            method: PATCH,
            path: "/api/v1/agents/{agent_id}/advanced-settings",
            params: { agent_id: AgentId },
            body: AdvancedSettings,
            response: Envelope<AgentAdvancedSettings>,
            safe_to_repeat: true,
            handler: Agents::update_advanced_settings(settings),
        }

        /// [Check whether an agent can use optimized costs](https://docs.talkover.ai/api-reference/endpoints/check-optimized-costs-eligibility)
        /// (enough calls in the recent window).
        CheckOptimizedCostsEligibility {
            id: "check-optimized-costs-eligibility",
            method: GET,
            path: "/api/v1/agents/{agent_id}/optimized-costs-eligibility",
            params: { agent_id: AgentId },
            response: Envelope<OptimizedCostsEligibility>,
            safe_to_repeat: true,
            handler: Agents::optimized_costs_eligibility,
        }

        /// [Get an agent's price breakdown](https://docs.talkover.ai/api-reference/endpoints/get-agent-pricing)
        /// per component.
        GetAgentPricing {
            id: "get-agent-pricing",
            method: GET,
            path: "/api/v1/agents/{agent_id}/pricing",
            params: { agent_id: AgentId },
            response: Envelope<AgentPricing>,
            safe_to_repeat: true,
            handler: Agents::pricing,
        }

        /// [Get a summary of an agent's price](https://docs.talkover.ai/api-reference/endpoints/get-agent-pricing-summary).
        GetAgentPricingSummary {
            id: "get-agent-pricing-summary",
            method: GET,
            path: "/api/v1/agents/{agent_id}/pricing/summary",
            params: { agent_id: AgentId },
            response: Envelope<AgentPricingSummary>,
            safe_to_repeat: true,
            handler: Agents::pricing_summary,
        }
        }
    };
}
agents_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;

    /// A price keeps the digits the API sends, read and written again (`0.0100` is not `0.01`), and is
    /// compared as the amount it is.
    #[test]
    fn prices_keep_their_digits() {
        let text =
            r#"{"agent_id":"a-1","currency":"USD","estimated_cost_per_minute":0.0100,"voice_quality_tier":"pro"}"#;
        let summary: AgentPricingSummary = serde_json::from_str(text).unwrap();
        assert_eq!(summary.estimated_cost_per_minute, Decimal::new("0.01").unwrap());
        assert_eq!(serde_json::to_string(&summary).unwrap(), text);
        let price: ComponentPrice =
            serde_json::from_str(r#"{"unit":"per_1k_tokens","input_price":0.000150,"output_price":"0.0006"}"#).unwrap();
        assert_eq!(price.input_price.as_ref().map(Decimal::as_str), Some("0.000150"));
        assert_eq!(price.output_price.as_ref().map(Decimal::as_str), Some("0.0006"));
    }
}
