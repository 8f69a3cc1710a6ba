//! The language of an agent and of a voice.

use crate::macros::string_enum;

string_enum! {
    /// A language and region code, as create-agent lists the supported ones; a code the API adds later is
    /// kept as [`Language::Unknown`].
    pub enum Language {
        /// Portuguese (Brazil).
        PtBr = "pt-BR",
        /// Portuguese (Portugal).
        PtPt = "pt-PT",
        /// English (United States).
        EnUs = "en-US",
        /// English (Canada).
        EnCa = "en-CA",
        /// Spanish (Spain).
        EsEs = "es-ES",
        /// French (France).
        FrFr = "fr-FR",
        /// German (Germany).
        DeDe = "de-DE",
        /// Italian (Italy).
        ItIt = "it-IT",
        /// Dutch (Netherlands).
        NlNl = "nl-NL",
        /// Japanese (Japan).
        JaJp = "ja-JP",
        /// Korean (Korea).
        KoKr = "ko-KR",
        /// Chinese (Taiwan).
        ZhTw = "zh-TW",
    }
}
