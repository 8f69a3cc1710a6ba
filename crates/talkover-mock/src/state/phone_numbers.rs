//! The environment's phone numbers: the recorded ones, and the numbers (DIDs) attached to SIP trunks, kept
//! in one list in which an id names one number and a number has one id.
//!
//! The reference says a DID added to a trunk also appears in the list of phone numbers, and that removing
//! it from the trunk removes it from the environment; the trunk's DIDs are the numbers of this list that
//! are attached to it. The list answers with every documented filter applied (`type`, `has_voice`,
//! `has_whatsapp`, and `search` on the id or the number, as written or formatted); a `type` it does not
//! document is refused (422), as the reference shows.
//!
//! The recorded examples give the ids `phone-uuid-1` and `phone-uuid-2` both to the two phone numbers
//! and to two other numbers on the recorded trunk; the trunk's numbers are seeded under the next free
//! ids of the same form (`phone-uuid-3`, `phone-uuid-4`), so that each id keeps the number the list of
//! phone numbers shows.

use talkover_core::agents::AgentPhoneNumber;
use talkover_core::decimal::Decimal;
use talkover_core::phone_numbers::{
    ListPhoneNumbers, PhoneNumber, PhoneNumberRequired, PhoneNumberStatus, PhoneNumberType,
};
use talkover_core::sip_trunks::{ListSipTrunkDids, SipTrunkDid, SipTrunkId};
use talkover_core::time::DateTime;
use talkover_core::Operation;

use super::{formatted, north_american, now, search_term, unix_now, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::Reply;

/// Days from a DID's creation to its (free) monthly renewal.
const RENEWAL_DAYS: i64 = 30;

/// One number of the environment, and the trunk it is attached to if it is a DID.
struct NumberEntry {
    number: PhoneNumber,
    trunk_id: Option<SipTrunkId>,
}

/// The phone numbers of the environment.
#[derive(Default)]
pub(crate) struct PhoneNumbers {
    entries: Vec<NumberEntry>,
}

impl PhoneNumbers {
    /// The recorded phone numbers, then the recorded trunk's DIDs. A DID whose recorded id already names
    /// another number gets the next free id of the same form; a DID whose number is already listed is
    /// that number, attached to the trunk.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let mut seeded = Self::default();
        let listed = catalog.documented_items::<ListPhoneNumbers, _>();
        for number in listed {
            if seeded.get(number.id.as_str()).is_none() && !seeded.has_number(&number.number) {
                seeded.entries.push(NumberEntry { number, trunk_id: None });
            }
        }
        let trunk: Option<SipTrunkId> = catalog
            .of(ListSipTrunkDids::ID)
            .iter()
            .find(|f| f.successful())
            .and_then(|f| f.params.path.get("trunk_id")?.as_str().map(Into::into));
        let dids = catalog.documented_items::<ListSipTrunkDids, _>();
        for mut did in dids {
            let Some(trunk_id) = did.trunk_id.clone().or_else(|| trunk.clone()) else { continue };
            if let Some(entry) = seeded.entries.iter_mut().find(|e| e.number.number == did.number) {
                entry.trunk_id.get_or_insert(trunk_id);
                continue;
            }
            if seeded.get(did.id.as_str()).is_some() {
                did.id = seeded.unused_id_like(did.id.as_str()).into();
            }
            // A clock outside the years 0000 to 9999 is the only failure: the DID is left out.
            let _ = seeded.add_did(&did, trunk_id);
        }
        seeded
    }

    /// An id of the same form as `taken` (its text up to its last digits, then a number) that no number
    /// has.
    fn unused_id_like(&self, taken: &str) -> String {
        let prefix = taken.trim_end_matches(|c: char| c.is_ascii_digit());
        (1..=self.entries.len() + 1)
            .map(|n| format!("{prefix}{n}"))
            .find(|id| self.get(id).is_none())
            .unwrap_or_else(|| format!("{taken}-{}", self.entries.len()))
    }

    /// The number with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&PhoneNumber> {
        self.entries.iter().map(|e| &e.number).find(|n| n.id.as_str() == id)
    }

    /// The number whose E.164 form is `number`.
    pub(crate) fn by_number(&self, number: &str) -> Option<&PhoneNumber> {
        self.entries.iter().map(|e| &e.number).find(|n| n.number == number)
    }

    /// Whether the environment has this (E.164) number.
    pub(crate) fn has_number(&self, number: &str) -> bool {
        self.entries.iter().any(|e| e.number.number == number)
    }

    /// The number with this id, as an agent shows it.
    pub(crate) fn for_agent(&self, id: &str) -> Option<AgentPhoneNumber> {
        let known = self.get(id)?;
        let mut number = AgentPhoneNumber::new(known.id.clone(), known.number.clone());
        number.country_code = Some(known.country_code.clone());
        number.formatted_number = Some(known.formatted_number.clone());
        number.international_number = Some(known.international_number.clone());
        number.current_status = Some(known.current_status.clone());
        Some(number)
    }

    /// The DIDs attached to a trunk.
    pub(crate) fn dids_of(&self, trunk: &SipTrunkId) -> Vec<SipTrunkDid> {
        self.entries.iter().filter(|e| e.trunk_id.as_ref() == Some(trunk)).map(did_of).collect()
    }

    /// Whether a trunk has DIDs.
    pub(crate) fn has_dids(&self, trunk: &SipTrunkId) -> bool {
        self.entries.iter().any(|e| e.trunk_id.as_ref() == Some(trunk))
    }

    /// Adds a DID to the environment's numbers, attached to `trunk`.
    pub(crate) fn add_did(&mut self, did: &SipTrunkDid, trunk: SipTrunkId) -> Result<(), Reply> {
        let number = number_of_did(did)?;
        self.entries.push(NumberEntry { number, trunk_id: Some(trunk) });
        Ok(())
    }

    /// Takes a trunk's DID out of the environment; whether it was there.
    pub(crate) fn remove_did(&mut self, trunk: &SipTrunkId, id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| !(e.number.id.as_str() == id && e.trunk_id.as_ref() == Some(trunk)));
        self.entries.len() != before
    }
}

/// A number attached to a trunk, as the trunk lists it.
fn did_of(entry: &NumberEntry) -> SipTrunkDid {
    let n = &entry.number;
    let mut did = SipTrunkDid::new(n.id.clone(), n.number.clone());
    did.country_code = Some(n.country_code.clone());
    did.formatted_number = Some(n.formatted_number.clone());
    did.trunk_id = entry.trunk_id.clone();
    did
}

/// A DID as the list of phone numbers shows it: a voice number, active, brought by its trunk at no price,
/// renewed monthly at no cost.
fn number_of_did(did: &SipTrunkDid) -> Result<PhoneNumber, Reply> {
    let now = now();
    // Never past the last second the API writes, where a clock started near it would put it.
    let renewal = (unix_now() + RENEWAL_DAYS * 86_400).min(crate::clock::LATEST_MS / 1000);
    let renewal = DateTime::from_unix_timestamp(renewal);
    let renewal_date = renewal.map_err(|e| Reply::bug::<PhoneNumber>(&e.to_string()))?.date();
    Ok(PhoneNumber::new(PhoneNumberRequired {
        id: did.id.clone(),
        number: did.number.clone(),
        country_code: did.country_code.clone().unwrap_or_default(),
        formatted_number: did.formatted_number.clone().unwrap_or_else(|| formatted(&did.number)),
        international_number: international(&did.number),
        number_type: PhoneNumberType::Voice,
        has_voice: true,
        has_sms: false,
        has_mms: false,
        has_fax: false,
        has_whatsapp: false,
        current_status: PhoneNumberStatus::Active,
        is_sandbox: false,
        current_price: Decimal::from(0u64),
        currency: "USD".to_owned(),
        renewal_date,
        auto_renewal: false,
        created_at: now.clone(),
        updated_at: now,
        monthly_renewal_cost: Decimal::from(0u64),
        days_until_monthly_renewal: RENEWAL_DAYS,
        is_due_for_monthly_renewal: false,
    }))
}

/// A North American number written internationally (`+1 555 123 4567`); any other as it is.
pub(super) fn international(number: &str) -> String {
    match north_american(number) {
        Some((area, exchange, line)) => format!("+1 {area} {exchange} {line}"),
        None => number.to_owned(),
    }
}

/// Whether a number matches a search text (lowercased): its id, its number, or its number as formatted.
fn matches_search(number: &PhoneNumber, search: &str) -> bool {
    [number.id.as_str(), &number.number, &number.formatted_number, &number.international_number]
        .iter()
        .any(|field| field.to_lowercase().contains(search))
}

impl State {
    pub(super) fn list_phone_numbers(&mut self, req: &Request<'_>) -> Answer {
        let list = req.valid::<ListPhoneNumbers>()?;
        let q = &list.query;
        let search = search_term(q.search.as_deref());
        let numbers: Vec<&PhoneNumber> = self
            .phone_numbers
            .entries
            .iter()
            .map(|e| &e.number)
            .filter(|n| q.number_type.as_ref().is_none_or(|t| &n.number_type == t))
            .filter(|n| q.has_voice.is_none_or(|v| n.has_voice == v))
            .filter(|n| q.has_whatsapp.is_none_or(|w| n.has_whatsapp == w))
            .filter(|n| search.as_deref().is_none_or(|s| matches_search(n, s)))
            .collect();
        Ok(Reply::paged(&list, &numbers))
    }
}
