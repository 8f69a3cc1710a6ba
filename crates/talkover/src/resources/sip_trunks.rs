//! Handlers for custom SIP trunks and the numbers (DIDs) attached to them.

use talkover_core::phone_numbers::PhoneNumberId;
use talkover_core::sip_trunks::{
    CreateSipTrunk, CreateSipTrunkDid, DeleteSipTrunk, DeleteSipTrunkDid, GetSipTrunk, GetSipTrunkHealth,
    ListSipTrunkDids, ListSipTrunks, NewSipTrunk, NewSipTrunkDid, SipTrunk, SipTrunkDid, SipTrunkHealth, SipTrunkId,
    SipTrunkUpdate, SipTrunkVerification, UpdateSipTrunk, UpdatedSipTrunk, VerifySipTrunk,
};

use crate::resources::{entry_point, handler, root_handler};
use talkover_core::execute::Execute;

entry_point! {
    /// Custom SIP trunks, and through them the numbers (DIDs) attached to each.
    sip_trunks -> SipTrunks
}

root_handler! {
    /// Custom SIP trunks: `client.sip_trunks()`.
    ///
    /// ```no_run
    /// use talkover::sip_trunks::{NewSipTrunk, NewSipTrunkDid, NewSipTrunkRequired, SipTransport, SipTrunkUpdate};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let trunks = client.sip_trunks();
    /// let body = NewSipTrunk::new(NewSipTrunkRequired {
    ///     name: "Primary Carrier".into(),
    ///     provider_name: "carrier-x".into(),
    ///     domain: "sip.carrier-x.com".into(),
    ///     username: "user_42".into(),
    ///     password: "secret-password".into(),
    /// });
    /// let trunk = trunks.create(body.transport(SipTransport::Tls)).await?;
    /// if trunks.verify(&trunk.id).await?.is_verified {
    ///     trunks.update(&trunk.id, SipTrunkUpdate::new().is_active(true)).await?;
    ///     trunks.dids(&trunk.id).create(NewSipTrunkDid::new("US", "+15551234567")).await?;
    /// }
    /// # Ok(()) }
    /// ```
    SipTrunks
}

impl<'c, C: Execute> SipTrunks<'c, C> {
    /// [Verify a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/verify-sip-trunk): a connectivity
    /// check whose outcome is stored on the trunk. A check that ran and failed is its outcome, not an error:
    /// `is_verified` false, with the reason in `error` (the page's "Verification Failed" answer, `"success":
    /// false` with its `data`; see [`failed_check_data`](crate::envelope::failed_check_data)).
    ///
    #[doc = talkover_core::errors_section!("verify-sip-trunk")]
    pub fn verify(&self, trunk_id: impl Into<SipTrunkId>) -> C::Call<SipTrunkVerification> {
        self.client.call_then(VerifySipTrunk::new(trunk_id), talkover_core::envelope::failed_check_data)
    }
}

handler! {
    /// The numbers (DIDs) attached to a SIP trunk: `client.sip_trunks().dids(&trunk_id)`.
    ///
    /// ```no_run
    /// use talkover::sip_trunks::NewSipTrunkDid;
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let dids = client.sip_trunks().dids("trunk-uuid-1");
    /// let did = dids.create(NewSipTrunkDid::new("US", "+15551234567"))?;
    /// for did in dids.list()?.items {
    ///     println!("{}", did.number);
    /// }
    /// dids.delete(&did.id)?;
    /// # Ok(()) }
    /// ```
    SipTrunkDids { trunk_id: SipTrunkId }
    /// The numbers (DIDs) attached to one trunk.
    from SipTrunks::dids
}

// The methods of the operations whose declaration names a handler here.
talkover_core::sip_trunks_operations!(handlers SipTrunks $);
talkover_core::sip_trunks_operations!(handlers SipTrunkDids $);
