//! The voice template catalogue: the recorded voices, listed with the documented filters, and a demo for
//! a template that exists.

use serde_json::Value;
use talkover_core::agents::UpdateAgentVoice;
use talkover_core::language::Language;
use talkover_core::voice_templates::{
    GenerateVoiceDemo, ListVoiceTemplates, QualityTier, VoiceTemplate, VoiceTemplateGroup,
};
use talkover_core::Operation as _;

use super::{Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::Reply;

/// The recorded catalogue (list-voice-templates' example), and the templates update-agent-voice's own
/// examples set, which that list lacks (`voice-template-uuid`, the example agent's, and
/// `basic-voice-uuid`, both in `en-US`, where the list's voices are all `pt-BR`): each example's voice,
/// in its language, of a tier that takes what it sends (similarity and stability: `pro`; neither:
/// `basic`), priced as the list prices that tier, in the group of its name (the list groups voices by their
/// display name, so one named as a listed group joins it), else in a new group after the listed ones.
pub(crate) fn seed(catalog: &Catalog) -> Vec<VoiceTemplateGroup> {
    let mut groups = catalog.documented_items::<ListVoiceTemplates, _>();
    let listed: Vec<VoiceTemplate> = groups.iter().flat_map(|g| g.voices.iter().cloned()).collect();
    for example in catalog.of(UpdateAgentVoice::ID).iter().filter(|f| f.successful()) {
        let Some(body) = example.params.body.as_ref() else { continue };
        let Some(id) = body.get("voice_id").and_then(Value::as_str) else { continue };
        if groups.iter().flat_map(|g| &g.voices).any(|v| v.id.as_str() == id) {
            continue;
        }
        let tuned = body.get("similarity").is_some() || body.get("stability").is_some();
        let tier = if tuned { QualityTier::Pro } else { QualityTier::Basic };
        let Some(like) = listed.iter().find(|v| v.quality_tier == tier).or(listed.first()) else { continue };
        // The name the example's answer gives its template, else the listed voice's.
        let answered = example.response.as_ref().and_then(|r| r.body.json());
        let named = answered.and_then(|b| b.pointer("/data/voice/template/name")?.as_str().map(str::to_owned));
        let mut voice = like.clone();
        voice.id = id.into();
        voice.name = named.unwrap_or_else(|| like.name.clone());
        voice.quality_tier = tier;
        if let Some(language) = body.get("language").and_then(Value::as_str) {
            voice.language = Language::from_text(language);
        }
        // One group a name, as the list groups a voice's tiers.
        match groups.iter_mut().find(|g| g.display_name == voice.name) {
            Some(group) => group.voices.push(voice),
            None => groups.push(VoiceTemplateGroup::new(voice.name.clone(), vec![voice])),
        }
    }
    groups
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
