//! Handlers for voice templates.

use talkover_core::voice_templates::{GenerateVoiceDemo, ListVoiceTemplates, VoiceDemo, VoiceTemplateId};

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::{Execute, Pending};

entry_point! {
    /// Voice templates: the voices agents can use, and demo audio of each.
    voice_templates -> VoiceTemplates
}

root_handler! {
    /// Voice templates: `client.voice_templates()`.
    ///
    /// ```no_run
    /// use talkover::voice_templates::{QualityTier, VoiceGender};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let groups = client.voice_templates().list().gender(VoiceGender::Female).quality_tier(QualityTier::Pro).send().await?;
    /// for voice in groups.templates() {
    ///     let demo = client.voice_templates().demo(&voice.id).await?;
    ///     println!("{} ({}, {} USD/min): {}", voice.name, voice.language, voice.cost, demo.mp3_url);
    /// }
    /// # Ok(()) }
    /// ```
    VoiceTemplates
}

impl<'c, C: Execute> VoiceTemplates<'c, C> {
    /// [List the voice templates](https://docs.talkover.ai/api-reference/endpoints/list-voice-templates),
    /// grouped by display name; set filters on the returned request, then `send()`.
    ///
    /// The page's items are the groups, not the templates: each
    /// [`VoiceTemplateGroup`](crate::voice_templates::VoiceTemplateGroup) holds a display name and that
    /// voice in each quality tier. [`Page::templates`](crate::Page::templates) gives every template of the
    /// page out of their groups, each with the `id` that [`demo`](Self::demo) takes, and an agent's voice
    /// as [`AgentVoiceSettings::voice_id`](crate::agents::AgentVoiceSettings::voice_id).
    ///
    /// Returns the request unsent: each optional query parameter (a field of
    /// [`ListVoiceTemplatesQuery`](crate::voice_templates::ListVoiceTemplatesQuery)) is set by the method of its
    /// name, then `send()` sends it.
    ///
    #[doc = talkover_core::errors_section!("list-voice-templates")]
    pub fn list(&self) -> Pending<'c, C, ListVoiceTemplates> {
        Pending::new(self.client, ListVoiceTemplates::new())
    }
}

// The methods of the operations whose declaration names a handler here.
talkover_core::voice_templates_operations!(handlers VoiceTemplates $);
