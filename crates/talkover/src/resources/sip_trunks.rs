//! Handlers for custom SIP trunks and the numbers (DIDs) attached to them.

use talkover_core::phone_numbers::PhoneNumberId;
use talkover_core::sip_trunks::{
    CreateSipTrunk, CreateSipTrunkDid, DeleteSipTrunk, DeleteSipTrunkDid, GetSipTrunk, GetSipTrunkHealth,
    ListSipTrunkDids, ListSipTrunks, NewSipTrunk, NewSipTrunkDid, SipTrunk, SipTrunkDid, SipTrunkHealth, SipTrunkId,
    SipTrunkUpdate, SipTrunkVerification, UpdateSipTrunk, VerifySipTrunk,
};
use talkover_core::{Ack, Page};

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
    /// use talkover::sip_trunks::{NewSipTrunk, NewSipTrunkDid, SipTransport, SipTrunkUpdate};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let trunks = client.sip_trunks();
    /// let trunk = trunks
    ///     .create(
    ///         NewSipTrunk::new("Primary Carrier", "carrier-x", "sip.carrier-x.com", "user_42", "secret-password")
    ///             .transport(SipTransport::Tls),
    ///     )
    ///     .await?;
    /// if trunks.verify(&trunk.id).await?.is_verified {
    ///     trunks.update(&trunk.id, SipTrunkUpdate::new().is_active(true)).await?;
    ///     trunks.dids(&trunk.id).create(NewSipTrunkDid::new("US", "+15551234567")).await?;
    /// }
    /// # Ok(()) }
    /// ```
    SipTrunks
}

impl<'c, C: Execute> SipTrunks<'c, C> {
    /// [List the SIP trunks](https://docs.talkover.ai/api-reference/endpoints/list-sip-trunks) of the
    /// environment.
    ///
    #[doc = talkover_core::errors_section!("list-sip-trunks")]
    pub fn list(&self) -> C::Call<Page<SipTrunk>> {
        self.client.call(ListSipTrunks::new())
    }

    /// [Register a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/create-sip-trunk); verify it
    /// before activating it. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-sip-trunk")]
    pub fn create(&self, trunk: NewSipTrunk) -> C::Call<SipTrunk> {
        self.client.call(CreateSipTrunk::new(trunk))
    }

    /// [Get a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/get-sip-trunk).
    ///
    #[doc = talkover_core::errors_section!("get-sip-trunk")]
    pub fn get(&self, trunk_id: impl Into<SipTrunkId>) -> C::Call<SipTrunk> {
        self.client.call(GetSipTrunk::new(trunk_id))
    }

    /// [Update a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/update-sip-trunk); unset fields
    /// are left as they are.
    ///
    #[doc = talkover_core::errors_section!("update-sip-trunk")]
    pub fn update(&self, trunk_id: impl Into<SipTrunkId>, update: SipTrunkUpdate) -> C::Call<SipTrunk> {
        self.client.call(UpdateSipTrunk::new(trunk_id, update))
    }

    /// [Delete a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/delete-sip-trunk); remove its
    /// numbers first.
    ///
    #[doc = talkover_core::errors_section!("delete-sip-trunk")]
    pub fn delete(&self, trunk_id: impl Into<SipTrunkId>) -> C::Call<Ack> {
        self.client.call(DeleteSipTrunk::new(trunk_id))
    }

    /// [Verify a SIP trunk](https://docs.talkover.ai/api-reference/endpoints/verify-sip-trunk): a connectivity
    /// check whose outcome is stored on the trunk. A check that ran and failed is its outcome, not an error:
    /// `is_verified` false, with the reason in `error` (the page's "Verification Failed" answer, `"success":
    /// false` with its `data`; see [`failed_check_data`](crate::envelope::failed_check_data)).
    ///
    #[doc = talkover_core::errors_section!("verify-sip-trunk")]
    pub fn verify(&self, trunk_id: impl Into<SipTrunkId>) -> C::Call<SipTrunkVerification> {
        self.client.call_then(VerifySipTrunk::new(trunk_id), talkover_core::envelope::failed_check_data)
    }

    /// [Check a SIP trunk's health](https://docs.talkover.ai/api-reference/endpoints/get-sip-trunk-health)
    /// live; an unhealthy trunk is still a success.
    ///
    #[doc = talkover_core::errors_section!("get-sip-trunk-health")]
    pub fn health(&self, trunk_id: impl Into<SipTrunkId>) -> C::Call<SipTrunkHealth> {
        self.client.call(GetSipTrunkHealth::new(trunk_id))
    }

    /// The numbers (DIDs) attached to one trunk.
    pub fn dids(&self, trunk_id: impl Into<SipTrunkId>) -> SipTrunkDids<'c, C> {
        SipTrunkDids { client: self.client, trunk_id: trunk_id.into() }
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
}

impl<C: Execute> SipTrunkDids<'_, C> {
    /// [List the numbers attached to the trunk](https://docs.talkover.ai/api-reference/endpoints/list-sip-trunk-dids).
    ///
    #[doc = talkover_core::errors_section!("list-sip-trunk-dids")]
    pub fn list(&self) -> C::Call<Page<SipTrunkDid>> {
        self.client.call(ListSipTrunkDids::new(&self.trunk_id))
    }

    /// [Attach a number to the trunk](https://docs.talkover.ai/api-reference/endpoints/create-sip-trunk-did);
    /// a number already in the environment is refused. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-sip-trunk-did")]
    pub fn create(&self, did: NewSipTrunkDid) -> C::Call<SipTrunkDid> {
        self.client.call(CreateSipTrunkDid::new(&self.trunk_id, did))
    }

    /// [Remove a number from the trunk](https://docs.talkover.ai/api-reference/endpoints/delete-sip-trunk-did);
    /// a number still attached to an agent is refused.
    ///
    #[doc = talkover_core::errors_section!("delete-sip-trunk-did")]
    pub fn delete(&self, phone_number_id: impl Into<PhoneNumberId>) -> C::Call<Ack> {
        self.client.call(DeleteSipTrunkDid::new(&self.trunk_id, phone_number_id))
    }
}
