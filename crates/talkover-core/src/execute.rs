//! What runs operations, abstracted: the async and the blocking client of the `talkover` crate implement
//! [`Execute`], and resource handlers and [`Pending`] requests are written once against it.
//!
//! Nothing here does I/O. Implement [`Execute`] yourself to run the `talkover` handlers on an executor of
//! your own (a test double, another HTTP stack): each handler's `new` takes any executor
//! (`talkover::resources::Agents::new(&double).get(id)`), as the clients' `client.agents()` does. A
//! method a later release adds to [`Execute`] comes with a default body, so that an executor of your own
//! keeps building.

use crate::error::Error;
use crate::operation::{Operation, Output, WithResponse};
use crate::page::PagedOperation;

/// Something that runs operations: `talkover::Client` (async) or `talkover::blocking::Client`.
///
/// Resource handlers are generic over it: on the async client a handler method returns a future, on the
/// blocking client it returns the result directly.
pub trait Execute: Sized {
    /// What a handler method returns, `C::Call<T>` in its signature:
    ///
    /// - on the async `talkover::Client`, a future (`talkover::BoxFuture<T>`) resolving to
    ///   `Result<T, Error>`: `client.agents().get(id).await?`;
    /// - on `talkover::blocking::Client`, the `Result<T, Error>` itself: `client.agents().get(id)?`.
    ///
    /// Nothing is sent until the future is polled (async) or immediately (blocking).
    type Call<T: Send + 'static>;
    /// What auto-pagination (`.items()`) returns: on the async client a `talkover::ItemStream`, a
    /// `Stream` of `Result<Item, Error>` with its own `next().await` and `try_collect().await`; on the
    /// blocking client an `Iterator` of `Result<Item, Error>`.
    type Items<O: PagedOperation + Send + 'static>
    where
        O::Item: Send + 'static;

    /// Runs one operation.
    fn call<O>(&self, operation: O) -> Self::Call<Output<O>>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static;

    /// Runs one operation and keeps the answer's status and headers (request id, rate limits) beside its
    /// value: what [`Pending::send_with_response`] sends.
    fn call_with_response<O>(&self, operation: O) -> Self::Call<WithResponse<Output<O>>>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static;

    /// Runs one operation and passes its result through `then` (for handlers that turn a documented
    /// refusal into a typed outcome).
    fn call_then<O, T>(&self, operation: O, then: fn(Result<Output<O>, Error>) -> Result<T, Error>) -> Self::Call<T>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
        T: Send + 'static;

    /// Runs a list operation page after page, yielding its items.
    fn items<O>(&self, operation: O) -> Self::Items<O>
    where
        O: PagedOperation + Send + 'static,
        O::Item: Send + 'static;
}

/// An operation bound to a client, waiting for optional parameters and then [`Pending::send`].
///
/// Every optional query parameter of an operation has a setter here and on the operation itself, both
/// generated from the operation's declaration.
///
/// On the async client it can be awaited as it is (`client.agents().list().await?`): awaiting it sends
/// it, as `.send().await` does.
#[must_use = "nothing is sent until it is awaited, or `send` (or `items`) is called"]
pub struct Pending<'c, C, O> {
    client: &'c C,
    operation: O,
}

impl<C, O: std::fmt::Debug> std::fmt::Debug for Pending<'_, C, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").field("operation", &self.operation).finish_non_exhaustive()
    }
}

impl<'c, C, O> Pending<'c, C, O> {
    /// Binds `operation` to `client`.
    pub fn new(client: &'c C, operation: O) -> Self {
        Self { client, operation }
    }

    /// Changes the operation (for setters no declaration generates).
    pub fn map(self, f: impl FnOnce(O) -> O) -> Self {
        Self { client: self.client, operation: f(self.operation) }
    }

    /// The operation as built so far.
    pub fn operation(&self) -> &O {
        &self.operation
    }

    /// The operation as built so far, to send on another client or keep.
    pub fn into_operation(self) -> O {
        self.operation
    }
}

impl<C: Execute, O: Operation + 'static> Pending<'_, C, O>
where
    Output<O>: Send + 'static,
{
    /// Sends the request: on the async client a future resolving to `Result<T, Error>` (await it), on the
    /// blocking client the `Result<T, Error>` itself (see [`Execute::Call`]).
    pub fn send(self) -> C::Call<Output<O>> {
        self.client.call(self.operation)
    }

    /// Sends the request as [`send`](Self::send) does, and keeps the answer's status and headers beside
    /// the value: [`WithResponse::request_id`] to quote to support, [`WithResponse::rate_limit`] to pace the
    /// next calls (`client.agents().list().per_page(100).send_with_response().await?` on the async client,
    /// without `.await` on the blocking one).
    pub fn send_with_response(self) -> C::Call<WithResponse<Output<O>>> {
        self.client.call_with_response(self.operation)
    }
}

/// Awaiting a request of the async client sends it, as [`Pending::send`] does.
impl<C: Execute, O: Operation + 'static> std::future::IntoFuture for Pending<'_, C, O>
where
    Output<O>: Send + 'static,
    C::Call<Output<O>>: std::future::Future,
{
    type Output = <C::Call<Output<O>> as std::future::Future>::Output;
    type IntoFuture = C::Call<Output<O>>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

impl<C: Execute, O> Pending<'_, C, O>
where
    O: PagedOperation + Send + 'static,
    O::Item: Send + 'static,
{
    /// Every item of the list, fetching pages lazily as they are consumed, starting at the page this
    /// request names (the first by default). On the async client a `talkover::ItemStream` (its own
    /// `next().await` and `try_collect().await`, or any `Stream` combinator), on the blocking one an
    /// `Iterator`; each item is a `Result` (see [`Execute::Items`]).
    pub fn items(self) -> C::Items<O> {
        self.client.items(self.operation)
    }
}

/// A value a generated setter accepts for a field of type `T`: `T` itself, and for texts and ids a
/// `&str` or `String` as well. A string enum takes its variant only (`status(AgentStatus::Draft)`), so
/// that a misspelt value is a compile error rather than a request the API refuses.
///
/// It exists so that `per_page(50)` infers `u32` while `search("x")` and `agent_id("…")` convert.
#[diagnostic::on_unimplemented(
    message = "this query parameter takes values of type `{T}`, not `{Self}`",
    label = "expected `{T}` here",
    note = "an enumeration takes its variant (`AgentStatus::Draft`), a date its type (`Date::new(\"2024-01-15\")?`)"
)]
pub trait IntoParam<T> {
    /// The field's value.
    fn into_param(self) -> T;
}

impl<T> IntoParam<T> for T {
    fn into_param(self) -> T {
        self
    }
}

impl IntoParam<String> for &str {
    fn into_param(self) -> String {
        self.to_owned()
    }
}

impl IntoParam<String> for &String {
    fn into_param(self) -> String {
        self.clone()
    }
}
