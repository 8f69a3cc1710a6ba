//! Handlers for phone numbers and their release requests.

use talkover_core::phone_numbers::{
    CancelReleaseRequest, ListPhoneNumbers, ListReleaseRequests, PhoneNumberId, ReleaseRequest, ReleaseRequestId,
    RequestPhoneRelease,
};
use talkover_core::{Ack, Page};

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::{Execute, Pending};

entry_point! {
    /// The environment's phone numbers, and requests to release them.
    phone_numbers -> PhoneNumbers
}

root_handler! {
    /// Phone numbers: `client.phone_numbers()`.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let numbers = client.phone_numbers().list().has_voice(true).search("+1234567890").send()?;
    /// for number in &numbers.items {
    ///     println!("{} {:?}", number.formatted_number, number.current_status);
    /// }
    /// let request = client
    ///     .phone_numbers()
    ///     .request_release("phone-uuid-1", "Outbound calling moved to a toll-free number.")?;
    /// client.phone_numbers().cancel_release(&request.id)?;
    /// # Ok(()) }
    /// ```
    PhoneNumbers
}

impl<'c, C: Execute> PhoneNumbers<'c, C> {
    /// [List the phone numbers](https://docs.talkover.ai/api-reference/endpoints/list-phone-numbers) of the
    /// environment, a page at a time (20 by default); set filters and the page size on the returned request,
    /// then `send()`, or take every number with `items()`.
    ///
    /// Its query parameters are the fields of [`ListPhoneNumbersQuery`](crate::phone_numbers::ListPhoneNumbersQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 422 | `VALIDATION_ERROR` | the body failed the API's checks; the field problems are in `Error::field_errors()` |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn list(&self) -> Pending<'c, C, ListPhoneNumbers> {
        Pending::new(self.client, ListPhoneNumbers::new())
    }

    /// [List the release requests](https://docs.talkover.ai/api-reference/endpoints/list-release-requests),
    /// pending and past.
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn release_requests(&self) -> C::Call<Page<ReleaseRequest>> {
        self.client.call(ListReleaseRequests::new())
    }

    /// [Ask to release a phone number](https://docs.talkover.ai/api-reference/endpoints/request-phone-release),
    /// giving why it is no longer needed (10 to 500 characters). Detach it from every agent first; once
    /// approved, the number cannot be recovered. Never retried once it may have reached the server.
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 409 | `RELEASE_ALREADY_PENDING` | a release request for this number is waiting already |
    /// | 422 | `PHONE_NUMBER_IN_USE` | the number is still used (by an agent or a campaign), so it cannot be released |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn request_release(
        &self,
        phone_number_id: impl Into<PhoneNumberId>,
        reason: impl Into<String>,
    ) -> C::Call<ReleaseRequest> {
        self.client.call(RequestPhoneRelease::new(phone_number_id, reason))
    }

    /// [Cancel a release request](https://docs.talkover.ai/api-reference/endpoints/cancel-release-request)
    /// that is still pending; it stays in the list, as cancelled.
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 404 | — | the resource (or one the request names) does not exist |
    /// | 409 | `RELEASE_ALREADY_RESOLVED` | the release request was approved or rejected already, so it cannot be cancelled |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn cancel_release(&self, release_request_id: impl Into<ReleaseRequestId>) -> C::Call<Ack> {
        self.client.call(CancelReleaseRequest::new(release_request_id))
    }
}
