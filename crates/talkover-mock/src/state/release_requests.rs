//! Requests to release phone numbers: request, list, cancel.
//!
//! A number can be released only when no agent holds it (422 `PHONE_NUMBER_IN_USE`) and no request for it
//! is pending (409 `RELEASE_ALREADY_PENDING`). The refusal speaks of "active agents", but the page's notes
//! say to detach the number from any agent (update-agent-calling) before requesting its release, as
//! delete-sip-trunk-did's page does for a DID, whose removal the emulator refuses while any agent holds it:
//! a draft agent holding the number keeps it too. A request stays
//! pending (the API's staff decide, not the emulator) until it is cancelled; a request no longer pending
//! cannot be cancelled (409 `RELEASE_ALREADY_RESOLVED`).

use talkover_core::error::ErrorCode;
use talkover_core::phone_numbers::{
    ListReleaseRequests, PhoneReleaseRequest, ReleaseRequest, ReleaseRequestStatus, RequestPhoneRelease,
};
use talkover_core::Operation;

use super::phone_numbers::PhoneNumbers;
use super::{coded, documented, now, timestamp, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::Reply;

/// The release requests of the environment, newest first.
#[derive(Default)]
pub(crate) struct ReleaseRequests {
    requests: Vec<ReleaseRequest>,
}

impl ReleaseRequests {
    /// The recorded requests, each naming the number of `numbers` it is for as that list does: the pages'
    /// examples give one id to different numbers (list-release-requests' `phone-uuid-1` is
    /// `+15551234567`, list-phone-numbers' is `+1234567890`). A request whose number the environment has
    /// takes that number's id; else one whose id it has takes that id's number; else it stays as recorded.
    pub(crate) fn seed(catalog: &Catalog, numbers: &PhoneNumbers) -> Self {
        let mut requests = catalog.documented_items::<ListReleaseRequests, _>();
        for request in &mut requests {
            if let Some(known) = numbers.by_number(&request.phone_number) {
                request.phone_number_id = known.id.clone();
            } else if let Some(known) = numbers.get(request.phone_number_id.as_str()) {
                request.phone_number = known.number.clone();
            }
        }
        Self { requests }
    }
}

fn release_reason(body: PhoneReleaseRequest) -> String {
    body.reason
}

impl State {
    /// The E.164 number of one of the environment's numbers (its own, or a SIP trunk's).
    fn environment_number(&self, id: &str) -> Option<String> {
        self.phone_numbers.get(id).map(|n| n.number.clone())
    }

    pub(super) fn list_release_requests(&mut self, _req: &Request<'_>) -> Answer {
        Ok(Reply::list(self.releases.requests.clone()))
    }

    pub(super) fn request_phone_release(&mut self, req: &Request<'_>) -> Answer {
        let id = req.param("phone_number_id").to_owned();
        let Some(number) = self.environment_number(&id) else {
            return Err(documented(req, 404, Some("not-found"), "Phone number not found"));
        };
        let request = req.valid::<RequestPhoneRelease>()?;
        let pending = self
            .releases
            .requests
            .iter()
            .any(|r| r.phone_number_id.as_str() == id && r.status == ReleaseRequestStatus::Pending);
        if pending {
            return Err(coded(
                req,
                ErrorCode::ReleaseAlreadyPending,
                "A release request for this phone number is already pending",
            ));
        }
        let in_use = self.agents.iter().any(|a| a.agent.phone_numbers.iter().flatten().any(|n| n.id.as_str() == id));
        if in_use {
            return Err(coded(
                req,
                ErrorCode::PhoneNumberInUse,
                "Phone number is currently assigned to active agents and cannot be released",
            ));
        }
        let reason = release_reason(request.body);
        let mut created = ReleaseRequest::new(self.new_id(), id, number, reason, ReleaseRequestStatus::Pending);
        created.requested_at = Some(timestamp(now()));
        self.releases.requests.insert(0, created.clone());
        Ok(Reply::data(RequestPhoneRelease::SUCCESS_STATUS, None, created))
    }

    pub(super) fn cancel_release_request(&mut self, req: &Request<'_>) -> Answer {
        let id = req.param("release_request_id");
        let Some(request) = self.releases.requests.iter_mut().find(|r| r.id.as_str() == id) else {
            return Err(documented(req, 404, Some("not-found"), "Release request not found"));
        };
        if request.status != ReleaseRequestStatus::Pending {
            return Err(coded(
                req,
                ErrorCode::ReleaseAlreadyResolved,
                "Release request already resolved and cannot be cancelled",
            ));
        }
        request.status = ReleaseRequestStatus::Cancelled;
        request.resolved_at = Some(timestamp(now()));
        Ok(Reply::ack("Release request cancelled"))
    }
}
