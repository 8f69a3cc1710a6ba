//! Request bodies with every required field filled in, for tests and demos that need a resource to exist
//! and do not care about its settings.

use talkover_core::agents::{Direction, InterruptSensitivity, NewAgent, NewAgentRequired, WhoSpeaksFirst};
use talkover_core::language::Language;

/// A create-agent body with every field the reference requires: the given name, label and direction, and
/// ordinary values for the rest (`en-US`, the agent speaks first, medium interrupt sensitivity, `auto`
/// endpointing, IVR navigation `off`, normal speed, no initial delay, a 5-second idle check without asking
/// whether someone is there, temperature 0.7, no recording). No optional field is set; add them with the
/// body's setters.
///
/// ```
/// use talkover::agents::Direction;
///
/// let body = talkover_mock::sample_agent("SupportBot", "Support", Direction::Inbound)
///     .description("Answers questions about orders");
/// assert_eq!(body.language.as_str(), "en-US");
/// ```
pub fn sample_agent(name: &str, label: &str, direction: Direction) -> NewAgent {
    NewAgent::new(NewAgentRequired {
        label: label.into(),
        name: name.into(),
        language: Language::EnUs,
        direction,
        who_speaks_first: WhoSpeaksFirst::Agent,
        interrupt_sensitivity: InterruptSensitivity::Medium,
        endpointing_sensitivity: "auto".into(),
        ivr_navigation_mode: "off".into(),
        conversation_speed: 1.0,
        initial_message_delay: 0,
        ask_if_human_present_on_idle: false,
        idle_time_seconds: 5,
        llm_temperature: 0.7,
        enable_recording: false,
    })
}
