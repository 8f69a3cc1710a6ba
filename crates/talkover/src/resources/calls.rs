//! Handlers for calls: the call history, active calls, hanging up, and placing calls from an agent or a
//! campaign.

use talkover_core::agents::AgentId;
use talkover_core::calls::*;
use talkover_core::campaigns::CampaignId;

use crate::resources::{entry_point, root_handler, Agents, Campaigns};
use talkover_core::execute::Execute;
use talkover_core::{Error, RetryPolicy};

entry_point! {
    /// Calls: the call history, active calls, and hanging up.
    calls -> Calls
}

root_handler! {
    /// Calls: `client.calls()`. Place a call with [`Agents::call`] or [`Campaigns::call`].
    ///
    /// ```no_run
    /// use talkover::calls::CallFilterStatus;
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// for call in client.calls().list().status(CallFilterStatus::Completed).search("+1234567890").items() {
    ///     let call = call?;
    ///     println!("{} {} {}s", call.id, call.to, call.duration);
    /// }
    /// let agent_id = "550e8400-e29b-41d4-a716-446655440000";
    /// // The number's call in progress, if any: a 404 is the answer when there is none.
    /// match client.calls().active(agent_id, "+15551234567") {
    ///     Ok(active) => {
    ///         for call in &active.items {
    ///             client.calls().end(agent_id, &call.id)?;
    ///         }
    ///     }
    ///     Err(e) if e.kind() == talkover::ErrorKind::NotFound => println!("no call in progress"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// Following a call: the API has no "get call". The agent's webhooks say when a call ends; without
    /// one, [`wait_for_end`](Calls::wait_for_end) reads the agent's calls to that number until the call's
    /// status [`is_terminal`](CallStatus::is_terminal), within [`WaitLimits`] (every 5 s, up to 10 minutes,
    /// by default). On the async client it is `.await`ed the same way.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use talkover::calls::{CallWaitOutcome, CallWatch, NewCall, WaitLimits};
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let agent_id = "550e8400-e29b-41d4-a716-446655440000";
    /// let placed = client.agents().call(agent_id, NewCall::new("+15551234567"))?;
    /// let limits = WaitLimits::default().max_wait(Duration::from_secs(900));
    /// match client.calls().wait_for_end(CallWatch::of_placed(agent_id, &placed), limits)? {
    ///     CallWaitOutcome::Ended(call) => println!("{} ended: {}", call.id, call.status),
    ///     CallWaitOutcome::NotEnded { last_status, .. } => println!("still going: {last_status:?}"),
    ///     _ => println!("not among the agent's calls"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// [`CallWatch`] itself does no I/O: [`CallWatch::next_move`] says what to do after each page, for a
    /// loop of your own on any client.
    Calls
}

impl<'c, C: Execute> Agents<'c, C> {
    /// [Make a call](https://docs.talkover.ai/api-reference/endpoints/make-call) with an agent. It rings a
    /// phone and may be billed: never retried once it may have reached the server. A 429 says it did not,
    /// so it is retried after the wait the answer asks for (make-call's documented 429 asks for 60 s), up
    /// to the policy's retries: with the defaults this call can take about two minutes before a 429 is
    /// returned. Bound it with [`ClientBuilder::max_elapsed`](crate::ClientBuilder::max_elapsed), or leave
    /// 429s to your own queue with [`RetryPolicy::none`](crate::RetryPolicy::none).
    ///
    /// After a failure, [`Error::may_have_taken_effect`](crate::Error::may_have_taken_effect) says whether
    /// the call may have been placed all the same (a timeout, a reset, a 5xx): if it may, look for it in
    /// the agent's calls to that number before placing it again; if not (a refusal such as 400, 402 or
    /// 429, or a connection that never opened), placing it again cannot ring the phone twice. The API
    /// takes no idempotency key, and a listed call does not carry the `context` it was placed with, so the
    /// look is by number and time: walk every page of
    /// [`calls`](Agents::calls)`(..).search(to).date_from(today)` (with `.items()`: the reference gives
    /// the list no order, and the call may be on any page), and take a call whose `created_at` (to the
    /// second, on the API's clock) is not before the moment the attempt was sent, less a margin for your
    /// clock's drift, as this attempt's.
    ///
    /// Bound the call with the client's timeouts rather than by dropping its future
    /// (`tokio::time::timeout`, `select!`, a cancelled handler): a future dropped with its request in
    /// flight returns no error to ask, and the call may have been placed (the async client says so in a
    /// WARN event, with the operation's id).
    ///
    /// For an agent whose `use_transport` is `false`, a call your own telephony carries is made with
    /// [`NewCall::external`](crate::calls::NewCall::external); the answer's
    /// [`external_url`](crate::calls::PlacedCall::external_url) is where the agent joins it.
    ///
    /// ```no_run
    /// use talkover::calls::NewCall;
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let call = NewCall::new("+1234567890").payload_value("customer_name", "Ada").context_value("ticket", 42);
    /// let placed = client.agents().call("550e8400-e29b-41d4-a716-446655440000", call).await?;
    /// println!("{} is {}", placed.id, placed.status);
    /// # Ok(()) }
    /// ```
    ///
    #[doc = talkover_core::errors_section!("make-call")]
    pub fn call(&self, agent_id: impl Into<AgentId>, call: NewCall) -> C::Call<PlacedCall> {
        self.client.call(MakeCall::new(agent_id, call))
    }
}

impl<'c, C: Execute> Campaigns<'c, C> {
    /// [Make a campaign call](https://docs.talkover.ai/api-reference/endpoints/make-campaign-call): queue a
    /// call that follows the campaign's agent, schedule, retries and do-not-call rules. Every accepted
    /// request queues a call: never retried once it may have reached the server. After a failure,
    /// [`Error::may_have_taken_effect`](crate::Error::may_have_taken_effect) says whether it may have been
    /// queued all the same (look in the campaign's calls, [`get`](Campaigns::get), before queueing it again).
    ///
    /// **The campaign must be active first**: a new campaign is a draft, and a draft, paused, completed or
    /// cancelled campaign refuses calls with a 400 (the page's table names the code
    /// [`CAMPAIGN_NOT_ACTIVE`](crate::ErrorCode::CampaignNotActive), its example answer only the message
    /// "Campaign is not active": test `err.kind() == ErrorKind::BadRequest` rather than the code);
    /// activate it with [`update_status`](Campaigns::update_status)`(id, CampaignStatus::Active)`.
    ///
    /// The API has no paged list of a campaign's calls: [`get`](Campaigns::get) returns the campaign with
    /// its calls in [`Campaign::calls`](crate::campaigns::Campaign::calls) (and its counts in its
    /// statistics), each with its status, so that is where to follow the call this method queued.
    ///
    /// When the number already has an active or queued call in the campaign, the API answers 409 with that
    /// call, which [`existing_call`](crate::calls::existing_call) reads (or set
    /// [`NewCampaignCall::allow_duplicates`] to queue anyway):
    ///
    /// ```no_run
    /// use talkover::calls::{existing_call, NewCampaignCall};
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// match client.campaigns().call("campaign-uuid-1", NewCampaignCall::new("+1234567890")) {
    ///     Ok(queued) => println!("queued {} ({})", queued.campaign_call.id, queued.campaign_call.status),
    ///     Err(err) => match existing_call(&err) {
    ///         Some(call) => println!("already there: {} ({})", call.id, call.status),
    ///         None => return Err(err),
    ///     },
    /// }
    /// # Ok(()) }
    /// ```
    ///
    #[doc = talkover_core::errors_section!("make-campaign-call")]
    pub fn call(&self, campaign_id: impl Into<CampaignId>, call: NewCampaignCall) -> C::Call<QueuedCampaignCall> {
        self.client.call(MakeCampaignCall::new(campaign_id, call))
    }
}

/// What [`Calls::wait_for_end`] says of the error it gives when a client cannot wait between looks.
const CANNOT_WAIT: &str = "this client cannot wait between looks for a call's end: await it in a Tokio runtime, or \
                           set a sleep with ClientBuilder::sleep";

impl<'c> Calls<'c, crate::blocking::Client> {
    /// Waits until the call `watch` follows has ended, looking every [`WaitLimits::interval`] for up to
    /// [`WaitLimits::max_wait`] (see [`Calls`] for an example). Each look reads the agent's calls
    /// ([get-agent-calls](https://docs.talkover.ai/api-reference/endpoints/get-agent-calls)) to the watched
    /// number, up to [`CallWatch::PAGES_PER_LOOK`] pages (of a longer list, its first and last pages, so
    /// that the call is found whichever order the API lists them in).
    ///
    /// The outcome says whether the call ended (with its final status), was still going when the time was
    /// up, or is not among the agent's calls (a wrong id, agent or number: known once
    /// [`CallWatch::LOOKS_BEFORE_NOT_FOUND`] looks over at least [`CallWatch::NOT_FOUND_AFTER`] have
    /// missed it, or all of a shorter `max_wait`). A wait whose `max_wait` ends before that many looks
    /// ends as `NotEnded { last_status: None, .. }` for a call none of them found.
    ///
    /// Each look is made once, with at most the time left of the wait (at least a second, never more than
    /// the client's timeout: [`WaitLimits::look_timeout`]), so the wait ends about `max_wait` even when the
    /// API does not answer.
    ///
    /// # Errors
    ///
    /// A look that fails for a reason that may pass ([`Error::is_retryable`]: a 5xx, 429, a timeout, a
    /// lost connection) is made again after the interval, or after the wait a `Retry-After` asks for when
    /// longer ([`WaitLimits::after_failure`]); one that still fails at `max_wait`, or one that will not
    /// pass (a 401, the agent not found), or a first look that cannot reach the API at all (no
    /// connection, TLS refused: [`CallWait::after_failure`](talkover_core::calls::CallWait::after_failure)),
    /// ends the wait with its error (see
    /// [`get_agent_calls`](crate::resources::Agents::calls) for the failures its page documents).
    pub fn wait_for_end(&self, watch: CallWatch, limits: WaitLimits) -> Result<CallWaitOutcome, Error> {
        let mut wait = CallWait::new(watch, limits, self.client.timeout());
        let once = self.client.with_retry_policy(RetryPolicy::none());
        // Bounded by `limits.max_wait`: each look reads at most `PAGES_PER_LOOK` pages, a failed one is
        // made again after the interval, and the last look starts at the limit.
        loop {
            let (request, bound) = wait.look();
            let pause = match once.with_timeout(bound).execute(request) {
                Ok(page) => match wait.on_page(page) {
                    WaitMove::Read => continue,
                    WaitMove::Sleep(pause) => pause,
                    WaitMove::Done(outcome) => return Ok(outcome),
                },
                Err(error) => wait.after_failure(&error).ok_or(error)?,
            };
            std::thread::sleep(pause);
            wait.slept(pause);
        }
    }
}

impl<'c> Calls<'c, crate::Client> {
    /// Waits until the call `watch` follows has ended, looking every [`WaitLimits::interval`] for up to
    /// [`WaitLimits::max_wait`] (see [`Calls`] for an example). Each look reads the agent's calls
    /// ([get-agent-calls](https://docs.talkover.ai/api-reference/endpoints/get-agent-calls)) to the watched
    /// number, up to [`CallWatch::PAGES_PER_LOOK`] pages (of a longer list, its first and last pages, so
    /// that the call is found whichever order the API lists them in); between looks it waits on the client's sleep
    /// (Tokio's by default).
    ///
    /// The outcome says whether the call ended (with its final status), was still going when the time was
    /// up, or is not among the agent's calls (a wrong id, agent or number: known once
    /// [`CallWatch::LOOKS_BEFORE_NOT_FOUND`] looks over at least [`CallWatch::NOT_FOUND_AFTER`] have
    /// missed it, or all of a shorter `max_wait`). A wait whose `max_wait` ends before that many looks
    /// ends as `NotEnded { last_status: None, .. }` for a call none of them found.
    ///
    /// Each look is made once, with at most the time left of the wait (at least a second, never more than
    /// the client's timeout: [`WaitLimits::look_timeout`]), so the wait ends about `max_wait` even when the
    /// API does not answer.
    ///
    /// # Errors
    ///
    /// A look that fails for a reason that may pass ([`Error::is_retryable`]: a 5xx, 429, a timeout, a
    /// lost connection) is made again after the interval, or after the wait a `Retry-After` asks for when
    /// longer ([`WaitLimits::after_failure`]); one that still fails at `max_wait`, or one that will not
    /// pass (a 401, the agent not found), or a first look that cannot reach the API at all (no
    /// connection, TLS refused: [`CallWait::after_failure`](talkover_core::calls::CallWait::after_failure)),
    /// ends the wait with its error (see
    /// [`get_agent_calls`](crate::resources::Agents::calls) for the failures its page documents). A client
    /// that cannot wait (no sleep set without the built-in transport, or the built-in one outside a Tokio
    /// runtime) fails with [`Error::Config`] on `sleep` before its second look.
    ///
    /// The future owns what it needs (a handle on the client), as a call's does: it can be spawned
    /// (`tokio::spawn(client.calls().wait_for_end(watch, limits))`). Like a call's, it does nothing until
    /// it is first polled, and `max_wait` counts from then: a wait created early and awaited later (queued,
    /// or spawned on a busy runtime) still looks for all of it.
    pub fn wait_for_end(
        &self,
        watch: CallWatch,
        limits: WaitLimits,
    ) -> impl std::future::Future<Output = Result<CallWaitOutcome, Error>> + Send + 'static {
        let once = self.client.with_retry_policy(RetryPolicy::none());
        let timeout = self.client.timeout();
        // Bounded by `limits.max_wait`, as the blocking client's; the sleeps count towards it even when
        // the client's sleep runs on another clock (`CallWait::slept`).
        async move {
            let mut wait = CallWait::new(watch, limits, timeout);
            loop {
                let (request, bound) = wait.look();
                let pause = match once.with_timeout(bound).execute(request).await {
                    Ok(page) => match wait.on_page(page) {
                        WaitMove::Read => continue,
                        WaitMove::Sleep(pause) => pause,
                        WaitMove::Done(outcome) => return Ok(outcome),
                    },
                    Err(error) => wait.after_failure(&error).ok_or(error)?,
                };
                once.pause(pause).ok_or_else(|| Error::config("sleep", CANNOT_WAIT))?.await;
                wait.slept(pause);
            }
        }
    }
}

// The methods of the operations whose declaration names a handler here.
talkover_core::calls_operations!(handlers Calls $);
talkover_core::calls_operations!(handlers Agents $);
