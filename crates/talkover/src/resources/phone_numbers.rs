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
    #[doc = talkover_core::errors_section!("list-phone-numbers")]
    pub fn list(&self) -> Pending<'c, C, ListPhoneNumbers> {
        Pending::new(self.client, ListPhoneNumbers::new())
    }

    /// [List the release requests](https://docs.talkover.ai/api-reference/endpoints/list-release-requests),
    /// pending and past.
    ///
    #[doc = talkover_core::errors_section!("list-release-requests")]
    pub fn release_requests(&self) -> C::Call<Page<ReleaseRequest>> {
        self.client.call(ListReleaseRequests::new())
    }

    /// [Ask to release a phone number](https://docs.talkover.ai/api-reference/endpoints/request-phone-release),
    /// giving why it is no longer needed (10 to 500 characters). Detach it from every agent first; once
    /// approved, the number cannot be recovered. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("request-phone-release")]
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
    #[doc = talkover_core::errors_section!("cancel-release-request")]
    pub fn cancel_release(&self, release_request_id: impl Into<ReleaseRequestId>) -> C::Call<Ack> {
        self.client.call(CancelReleaseRequest::new(release_request_id))
    }
}
