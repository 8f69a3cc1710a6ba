//! The voice template catalogue: the recorded voices, listed with the documented filters, and a demo for
//! a template that exists.

use talkover_core::voice_templates::{GenerateVoiceDemo, ListVoiceTemplates, VoiceTemplate, VoiceTemplateGroup};
use talkover_core::Operation as _;

use super::{Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::Reply;

/// The recorded catalogue (list-voice-templates' example).
pub(crate) fn seed(catalog: &Catalog) -> Vec<VoiceTemplateGroup> {
    catalog.documented_items::<ListVoiceTemplates, _>()
}

impl State {
    /// A voice template, if the catalogue has it.
    pub(super) fn voice_template(&self, id: &str) -> Option<&VoiceTemplate> {
        let mut voices = self.voice_templates.iter().flat_map(|group| &group.voices);
        voices.find(|voice| voice.id.as_str() == id)
    }

    pub(super) fn list_voice_templates(&mut self, req: &Request<'_>) -> Answer {
        let (list, invalid) = req.decode::<ListVoiceTemplates>()?;
        let query = list.query;
        // A code create-agent does not list is the page's "The selected language is invalid.", as an
        // unknown tier or gender is.
        invalid.check()?;
        let groups: Vec<VoiceTemplateGroup> = self
            .voice_templates
            .iter()
            .filter_map(|group| {
                let mut group = group.clone();
                group.voices.retain(|voice| {
                    query.language.as_ref().is_none_or(|l| voice.language.as_str().eq_ignore_ascii_case(l.as_str()))
                        && query.quality_tier.as_ref().is_none_or(|t| &voice.quality_tier == t)
                        && query.gender.as_ref().is_none_or(|g| &voice.gender == g)
                });
                (!group.voices.is_empty()).then_some(group)
            })
            .collect();
        Ok(Reply::list(groups))
    }

    pub(super) fn generate_voice_demo(&mut self, req: &Request<'_>) -> Answer {
        if self.voice_template(req.param("voice_template_id")).is_none() {
            return Err(Reply::fail(404, "Voice template not found"));
        }
        let demo = req.catalog.documented_success(GenerateVoiceDemo::ID).cloned();
        demo.map(|body| Reply::new(200, body)).ok_or_else(|| Reply::bug::<GenerateVoiceDemo>("no recorded demo"))
    }
}
