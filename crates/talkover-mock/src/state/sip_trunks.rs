//! SIP trunks and the numbers (DIDs) attached to them: create, list, get, update, verify, health, delete.
//!
//! Verifying a trunk marks it verified and healthy, unless its domain is not a host name or lies under
//! `.invalid` (RFC 2606's name that never resolves): then the check fails, with the page's "Verification
//! Failed" answer, and the trunk is unverified, unhealthy and inactive. Its health check answers from that
//! last outcome. Only a verified trunk can be active (create-sip-trunk, verify-sip-trunk): asking for an
//! active trunk that is not verified is a 422 naming `is_active` (no page documents an answer of its
//! own), and changing how a trunk is reached takes its verification and its activation away. A trunk
//! that still has numbers cannot be deleted (409 `TRUNK_HAS_DIDS`); a number already in the
//! environment cannot be attached twice (409 `DID_ALREADY_EXISTS`); a number an agent still uses cannot
//! be removed (409 `DID_IN_USE`). The numbers themselves are kept with the environment's phone numbers
//! ([`super::phone_numbers`]): a trunk's DIDs are those attached to it.

use talkover_core::error::ErrorCode;
use talkover_core::sip_trunks::{
    CreateSipTrunk, CreateSipTrunkDid, GetSipTrunk, ListSipTrunks, NewSipTrunk, NewSipTrunkDid, SipTransport, SipTrunk,
    SipTrunkDid, SipTrunkHealth, SipTrunkHealthStatus, SipTrunkId, SipTrunkUpdate, SipTrunkVerification,
    UpdateSipTrunk,
};
use talkover_core::{Envelope, Operation};

use super::{
    coded, documented, formatted, has_id, is_host_name, never_resolves, now, position_by_id, timestamp, Answer,
    Request, State,
};
use crate::fixtures::Catalog;
use crate::reply::{merge, Reply};

has_id!(SipTrunk);

/// The trunks of the environment (their numbers are among the environment's phone numbers).
#[derive(Default)]
pub(crate) struct SipTrunks {
    trunks: Vec<SipTrunk>,
}

impl SipTrunks {
    /// The trunks of the recorded examples.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let mut seeded = Self::default();
        // The get example carries the whole trunk; the list example only part of it.
        if let Some(trunk) = catalog.documented::<GetSipTrunk>() {
            seeded.trunks.push(trunk);
        }
        let listed = catalog.documented_items::<ListSipTrunks, _>();
        for trunk in listed {
            if !seeded.trunks.iter().any(|t| t.id == trunk.id) {
                seeded.trunks.push(trunk);
            }
        }
        seeded
    }
}

/// What a 422 says of an `is_active: true` for a trunk that is not verified.
const VERIFY_FIRST: &str = "The trunk must be verified before it can be activated: verify it, then set is active.";

/// Why a verification of a trunk reached at `domain` fails, if it does: a domain that is no host name, or
/// one under `.invalid`, which never resolves.
fn verification_failure(domain: &str) -> Option<String> {
    if !is_host_name(domain) {
        Some(format!("Invalid SIP domain: {domain:?} is not a host name"))
    } else if never_resolves(domain) {
        Some(format!("Could not resolve the SIP domain {domain}"))
    } else {
        None
    }
}

/// The trunk a create request describes (its password is kept by no one: the API never returns it).
fn new_trunk(id: String, body: &NewSipTrunk) -> Result<SipTrunk, Reply> {
    let mut trunk = SipTrunk::new(id, "", false, false);
    merge(&mut trunk, body)?;
    // TLS unless another transport is asked for, on that transport's usual port unless one is given.
    let transport = trunk.transport.get_or_insert(SipTransport::Tls).clone();
    trunk.port.get_or_insert(if transport == SipTransport::Tls { 5061 } else { 5060 });
    trunk.created_at = Some(timestamp(now()));
    trunk.updated_at = trunk.created_at.clone();
    Ok(trunk)
}

/// Applies an update; changing how the trunk is reached takes its verification away.
fn apply_update(trunk: &mut SipTrunk, update: &SipTrunkUpdate) -> Result<(), Reply> {
    let reconnects = update.domain.is_some()
        || update.username.is_some()
        || update.password.is_some()
        || update.transport.is_some()
        || update.port.is_some();
    merge(trunk, update)?;
    if reconnects {
        trunk.is_verified = false;
        trunk.is_active = false;
        trunk.health_status = None;
    }
    trunk.updated_at = Some(timestamp(now()));
    Ok(())
}

fn new_did(id: String, trunk_id: &SipTrunkId, body: NewSipTrunkDid) -> SipTrunkDid {
    let formatted = formatted(&body.number);
    let mut did = SipTrunkDid::new(id, body.number);
    did.country_code = Some(body.country_code.to_uppercase());
    did.formatted_number = Some(formatted);
    did.trunk_id = Some(trunk_id.clone());
    did
}

impl State {
    fn trunk_index(&self, req: &Request<'_>) -> Result<usize, Reply> {
        position_by_id(&self.sip.trunks, req.param("trunk_id")).ok_or_else(|| trunk_not_found(req))
    }

    pub(super) fn list_sip_trunks(&mut self, _req: &Request<'_>) -> Answer {
        Ok(Reply::list(self.sip.trunks.clone()))
    }

    pub(super) fn create_sip_trunk(&mut self, req: &Request<'_>) -> Answer {
        let (create, mut invalid) = req.decode::<CreateSipTrunk>()?;
        // A new trunk is not verified yet.
        if create.body.is_active == Some(true) {
            invalid.add("is_active", VERIFY_FIRST);
        }
        invalid.check()?;
        let trunk = new_trunk(self.new_id(), &create.body)?;
        self.sip.trunks.push(trunk.clone());
        Ok(Reply::data(200, None, trunk))
    }

    pub(super) fn get_sip_trunk(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        Ok(Reply::data(200, None, &self.sip.trunks[index]))
    }

    pub(super) fn update_sip_trunk(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateSipTrunk>()?;
        req.refuse_blanks_create_requires(CreateSipTrunk::ID, &mut invalid)?;
        invalid.check()?;
        let mut trunk = self.sip.trunks[index].clone();
        apply_update(&mut trunk, &update.body)?;
        // Judged on the trunk the update leaves: new credentials take the verification away.
        if update.body.is_active == Some(true) && !trunk.is_verified {
            return Err(Reply::invalid("is_active", VERIFY_FIRST));
        }
        self.sip.trunks[index] = trunk.clone();
        Ok(Reply::data(200, None, trunk))
    }

    pub(super) fn delete_sip_trunk(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        let id = self.sip.trunks[index].id.clone();
        if self.phone_numbers.has_dids(&id) {
            return Err(coded(
                req,
                ErrorCode::TrunkHasDids,
                "Trunk still has DIDs attached. Delete DIDs before deleting the trunk.",
            ));
        }
        self.sip.trunks.remove(index);
        Ok(Reply::ack("SIP trunk deleted"))
    }

    pub(super) fn verify_sip_trunk(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        let now = now();
        let trunk = &mut self.sip.trunks[index];
        let failure = verification_failure(trunk.domain.as_deref().unwrap_or_default());
        trunk.is_verified = failure.is_none();
        trunk.health_status =
            Some(if failure.is_none() { SipTrunkHealthStatus::Healthy } else { SipTrunkHealthStatus::Unhealthy });
        trunk.last_health_check_at = Some(timestamp(now.clone()));
        trunk.updated_at = Some(timestamp(now.clone()));
        if let Some(error) = failure {
            // Only a verified trunk is active. The page's failed answer: `success: false`, and in `data`
            // the outcome and its reason.
            trunk.is_active = false;
            let mut verification = SipTrunkVerification::new(false);
            verification.health_status = trunk.health_status.clone();
            verification.error = Some(error);
            let mut envelope = Envelope::new(verification);
            envelope.success = Some(false);
            return Ok(Reply::typed(200, &envelope));
        }
        let mut verification = SipTrunkVerification::new(true);
        verification.health_status = trunk.health_status.clone();
        verification.last_health_check_at = trunk.last_health_check_at.clone();
        Ok(Reply::data(200, None, verification))
    }

    pub(super) fn sip_trunk_health(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        let trunk = &self.sip.trunks[index];
        let healthy = trunk.is_verified && trunk.health_status != Some(SipTrunkHealthStatus::Unhealthy);
        let error = (!healthy).then_some("The trunk has not passed a verification");
        let mut health = SipTrunkHealth::new(healthy);
        health.response_time_ms = Some(if healthy { 120.0 } else { 5000.0 });
        health.error = error.map(str::to_owned);
        health.checked_at = Some(timestamp(now()));
        Ok(Reply::data(200, None, health))
    }

    pub(super) fn list_sip_trunk_dids(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        Ok(Reply::list(self.phone_numbers.dids_of(&self.sip.trunks[index].id)))
    }

    pub(super) fn create_sip_trunk_did(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        let create = req.valid::<CreateSipTrunkDid>()?;
        if self.phone_numbers.has_number(&create.body.number) {
            return Err(coded(
                req,
                ErrorCode::DidAlreadyExists,
                "This number is already registered in your environment",
            ));
        }
        let trunk_id = self.sip.trunks[index].id.clone();
        let did = new_did(self.new_id(), &trunk_id, create.body);
        self.phone_numbers.add_did(&did, trunk_id)?;
        Ok(Reply::data(200, None, did))
    }

    pub(super) fn delete_sip_trunk_did(&mut self, req: &Request<'_>) -> Answer {
        let index = self.trunk_index(req)?;
        let trunk_id = self.sip.trunks[index].id.clone();
        let did_id = req.param("phone_number_id");
        if !self.phone_numbers.dids_of(&trunk_id).iter().any(|d| d.id.as_str() == did_id) {
            return Err(documented(req, 404, None, "DID not found"));
        }
        let in_use =
            self.agents.iter().any(|a| a.agent.phone_numbers.iter().flatten().any(|n| n.id.as_str() == did_id));
        if in_use {
            return Err(coded(req, ErrorCode::DidInUse, "DID is still assigned to active agents"));
        }
        // Removed from the trunk, the number leaves the environment's phone numbers too.
        self.phone_numbers.remove_did(&trunk_id, did_id);
        Ok(Reply::ack("DID removed"))
    }
}

fn trunk_not_found(req: &Request<'_>) -> Reply {
    documented(req, 404, Some("trunk"), "SIP trunk not found")
}
