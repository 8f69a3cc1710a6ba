//! Voice templates: the voices an agent can use, grouped by display name, and demo audio of each.
//!
//! From the `talkover` crate, these operations run through `client.voice_templates()` (`VoiceTemplates`):
//! the methods of `talkover::resources`, on either client. The types here are what those methods take and
//! give.
//!
//! A template's `cost` is a price per minute in USD, so it is a [`Decimal`], never `f64` (the API sends it
//! as a string, `"0.10"`, and it is written back the same way).
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-voice-templates> and the page beside it.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::envelope::{ListEnvelope, MaybeEnveloped};
use crate::macros::{optional_fields, string_enum};

pub use crate::ids::VoiceTemplateId;
pub use crate::language::Language;

string_enum! {
    /// The gender of a voice.
    pub enum VoiceGender {
        /// A male voice.
        Male = "male",
        /// A female voice.
        Female = "female",
    }
}

string_enum! {
    /// The quality tier of a voice; higher tiers cost more per minute.
    pub enum QualityTier {
        /// The cheapest tier.
        Basic = "basic",
        /// Better quality.
        Pro = "pro",
        /// The best quality.
        Ultra = "ultra",
        /// Voices still in testing.
        Beta = "beta",
    }
}

optional_fields! {
    /// The templates of one voice, one per quality tier.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct VoiceTemplateGroup {
        /// The voice's display name.
        pub display_name: String,
        /// The voice in each tier it comes in. Required, as the page marks it: a group that holds its
        /// voices under another name (openapi.json's `templates`) is a `Decode` error, not a voice picker
        /// left empty without a word.
        pub voices: Vec<VoiceTemplate>,
    }
    pub fn new;
}

impl crate::Page<VoiceTemplateGroup> {
    /// Every template of the page, out of their display-name groups, in order: the list's items are the
    /// groups, each voice's tiers inside one.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::voice_templates::{VoiceTemplate, VoiceTemplateGroup};
    /// # fn first(page: talkover::Page<VoiceTemplateGroup>) -> Option<VoiceTemplate> {
    /// page.templates().next().cloned()
    /// # }
    /// ```
    pub fn templates(&self) -> impl Iterator<Item = &VoiceTemplate> {
        self.items.iter().flat_map(|group| group.voices.iter())
    }
}

optional_fields! {
    /// One voice in one quality tier.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct VoiceTemplate {
        /// The template's id.
        pub id: VoiceTemplateId,
        /// The voice's name.
        pub name: String,
        /// Its gender.
        pub gender: VoiceGender,
        /// Its language.
        pub language: Language,
        /// Its quality tier.
        pub quality_tier: QualityTier,
        /// Price per minute, in USD.
        pub cost: Decimal,
    }
    required {
        /// The fields every [`VoiceTemplate`] carries, by name, for [`VoiceTemplate::new`].
        #[derive(Clone, Debug, PartialEq)]
        pub struct VoiceTemplateRequired;
    }
}

// ---------------------------------------------------------------------------------------------------
// generate-voice-demo

optional_fields! {
    /// Demo audio of a voice template.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(try_from = "RawVoiceDemo")]
    #[non_exhaustive]
    pub struct VoiceDemo {
        /// A signed, temporary URL of the MP3 file. An answer that gives it only as `demo_url`
        /// (openapi.json's name) gives it from there.
        pub mp3_url: String,
    }
    pub fn new;
    optional {
        /// The same URL under openapi.json's name, when the answer has it.
        demo_url: String,
    }
}

/// A [`VoiceDemo`] as read, before the URL is taken from whichever of its names the answer used.
#[derive(Deserialize)]
struct RawVoiceDemo {
    mp3_url: Option<String>,
    demo_url: Option<String>,
}

impl TryFrom<RawVoiceDemo> for VoiceDemo {
    type Error = &'static str;

    fn try_from(raw: RawVoiceDemo) -> Result<Self, Self::Error> {
        let mp3_url = raw.mp3_url.or_else(|| raw.demo_url.clone()).ok_or("missing field `mp3_url`")?;
        let mut demo = VoiceDemo::new(mp3_url);
        demo.demo_url = raw.demo_url;
        Ok(demo)
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! voice_templates_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the voice templates](https://docs.talkover.ai/api-reference/endpoints/list-voice-templates),
        /// grouped by display name, with filters.
        ListVoiceTemplates {
            id: "list-voice-templates",
            method: GET,
            path: "/api/v1/voice-templates",
            query: ListVoiceTemplatesQuery {
                /// Only voices in this language.
                language: Language,
                /// Only voices of this tier.
                quality_tier: QualityTier,
                /// Only voices of this gender.
                gender: VoiceGender,
            },
            response: ListEnvelope<VoiceTemplateGroup>,
            safe_to_repeat: true,
        }

        /// [Generate demo audio](https://docs.talkover.ai/api-reference/endpoints/generate-voice-demo) of a voice
        /// template: a signed, temporary MP3 URL. Generation can take a few seconds.
        // The API answers with the bare object (no `success`/`data` envelope): `MaybeEnveloped`.
        GenerateVoiceDemo {
            id: "generate-voice-demo",
            method: GET,
            path: "/api/v1/voice-templates/{voice_template_id}/demo",
            params: { voice_template_id: VoiceTemplateId },
            response: MaybeEnveloped<VoiceDemo>,
            safe_to_repeat: true,
            handler: VoiceTemplates::demo,
        }
        }
    };
}
voice_templates_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::testing::{config, pairs, query_pairs};
    use crate::{build_request, decode_response};

    #[test]
    fn filters_are_sent_by_their_documented_names() {
        let list = ListVoiceTemplates::new()
            .gender(VoiceGender::Female)
            .quality_tier(QualityTier::Pro)
            .language(crate::language::Language::PtBr);
        let request = build_request(&list, &config()).unwrap();
        let expected = [("gender", "female"), ("language", "pt-BR"), ("quality_tier", "pro")];
        assert_eq!(query_pairs(&request), pairs(&expected));
    }

    #[test]
    fn demos_decode_from_a_bare_object_and_costs_keep_their_digits() {
        let response =
            http::Response::builder().status(200).body(br#"{"mp3_url":"https://x/a.mp3"}"#.to_vec()).unwrap();
        let demo = decode_response::<GenerateVoiceDemo>(response).unwrap();
        assert_eq!(demo.mp3_url, "https://x/a.mp3");
        // openapi.json names the URL `demo_url`: read from there, and kept under that name too.
        let openapi: VoiceDemo = serde_json::from_str(r#"{"demo_url":"https://x/b.mp3"}"#).unwrap();
        assert_eq!(
            (openapi.mp3_url.as_str(), openapi.demo_url.as_deref()),
            ("https://x/b.mp3", Some("https://x/b.mp3"))
        );
        let both: VoiceDemo =
            serde_json::from_str(r#"{"mp3_url":"https://x/a.mp3","demo_url":"https://x/b.mp3"}"#).unwrap();
        assert_eq!(both.mp3_url, "https://x/a.mp3");
        let neither = serde_json::from_str::<VoiceDemo>("{}").unwrap_err();
        assert!(neither.to_string().contains("mp3_url"), "{neither}");

        let template: VoiceTemplate = serde_json::from_str(
            r#"{"id":"v","name":"B","gender":"female","language":"pt-BR","quality_tier":"ultra","cost":"0.10"}"#,
        )
        .unwrap();
        assert_eq!(template.cost.to_minor_units(2), Some(10));
        assert_eq!(serde_json::to_value(&template).unwrap()["cost"], "0.10");
    }

    /// openapi.json gives the list as a bare array, the page in the envelope: either reads, the bare one
    /// as a single page; a bad item is named where it stands in either.
    #[test]
    fn the_list_reads_bare_or_enveloped() {
        let group = r#"{"display_name":"Bianca","voices":[{"id":"v1","name":"Bianca","gender":"female",
            "language":"pt-BR","quality_tier":"basic","cost":"0.10"}]}"#;
        let read = |body: String| {
            let response = http::Response::builder().status(200).body(body.into_bytes()).unwrap();
            decode_response::<ListVoiceTemplates>(response)
        };
        let bare = read(format!(" [{group}, {group}]")).unwrap();
        let wrapped = read(format!(r#"{{"success":true,"data":[{group},{group}]}}"#)).unwrap();
        assert_eq!(bare.items, wrapped.items);
        assert_eq!((bare.items.len(), bare.items[1].voices[0].cost.to_minor_units(2)), (2, Some(10)));
        assert_eq!(bare.next_page(), None, "one page: nothing to follow");
        assert!(read("[]".to_owned()).unwrap().items.is_empty());

        // openapi.json's groups hold `templates`: refused, where they read as groups without voices.
        let other = r#"{"display_name":"Bianca","templates":[{"id":"v1","name":"Bianca"}]}"#;
        let error = read(format!("[{other}]")).unwrap_err();
        assert!(matches!(&error, crate::Error::Decode(d) if d.path.starts_with("[0]")), "{error}");
        let error = read(format!(r#"[{group}, {{"display_name": 7}}]"#)).unwrap_err();
        let crate::Error::Decode(decode) = &error else { panic!("{error}") };
        assert_eq!(decode.path, "[1].display_name", "{error}");
        // Another operation's answer still may not be a list.
        let response = http::Response::builder().status(200).body(format!("[{group}]").into_bytes()).unwrap();
        let error = decode_response::<GenerateVoiceDemo>(response).unwrap_err();
        assert!(error.to_string().contains("a JSON list where the API answers an object"), "{error}");
    }
}
