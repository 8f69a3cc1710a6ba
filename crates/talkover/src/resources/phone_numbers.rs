//! Handlers for phone numbers and their release requests.

use talkover_core::phone_numbers::{
    CancelReleaseRequest, ListPhoneNumbers, ListReleaseRequests, PhoneNumberId, ReleaseRequest, ReleaseRequestId,
    RequestPhoneRelease,
};

use crate::resources::{entry_point, root_handler};

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
    ///     .request_release("phone-uuid-2", "Outbound calling moved to a toll-free number.")?;
    /// client.phone_numbers().cancel_release(&request.id)?;
    /// # Ok(()) }
    /// ```
    PhoneNumbers
}

// The methods of the operations whose declaration names a handler here.
talkover_core::phone_numbers_operations!(handlers PhoneNumbers $);
