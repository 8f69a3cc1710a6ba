//! Handlers for phone numbers and their release requests.

use talkover_core::phone_numbers::{
    CancelReleaseRequest, ListPhoneNumbers, ListReleaseRequests, PhoneNumberId, ReleaseRequest, ReleaseRequestId,
    RequestPhoneRelease,
};

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::Execute;

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
    /// [Ask to release a phone number](https://docs.talkover.ai/api-reference/endpoints/request-phone-release),
    /// giving why it is no longer needed (10 to 500 characters). Detach it from every agent first; once
    /// approved, the number cannot be recovered.
    ///
    /// Not safe to repeat, so never retried once it may have reached the server: after a failure,
    /// [`Error::may_have_taken_effect`](crate::Error::may_have_taken_effect) says whether it may have been
    /// carried out all the same.
    ///
    #[doc = talkover_core::errors_section!("request-phone-release")]
    pub fn request_release(
        &self,
        phone_number_id: impl Into<PhoneNumberId>,
        reason: impl Into<String>,
    ) -> C::Call<ReleaseRequest> {
        self.client.call(RequestPhoneRelease::new(phone_number_id, reason))
    }
}

// The methods of the operations whose declaration names a handler here.
talkover_core::phone_numbers_operations!(handlers PhoneNumbers $);
