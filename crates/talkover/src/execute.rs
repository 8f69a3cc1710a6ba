//! What the async and the blocking client have in common, so that resource handlers are written once.

use talkover_core::{Error, Operation, Output, PagedOperation};

mod sealed {
    pub trait Sealed {}
}

pub(crate) use sealed::Sealed;

/// A client that runs operations: [`crate::Client`] (async) or [`crate::blocking::Client`].
///
/// Resource handlers are generic over it: on the async client a handler method returns a future, on the
/// blocking client it returns the result directly. You do not implement this trait.
pub trait Execute: Sealed + Sized {
    /// What a call returns: a boxed future of `Result<T>` (async) or `Result<T>` (blocking).
    type Call<T: Send + 'static>;
    /// What auto-pagination returns: a `Stream` (async) or an `Iterator` (blocking) of items.
    type Items<O: PagedOperation + Send + 'static>
    where
        O::Item: Send + 'static;

    /// Runs one operation.
    fn call<O>(&self, operation: O) -> Self::Call<Output<O>>
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
#[must_use = "nothing is sent until `send` (or `items`) is called"]
pub struct Pending<'c, C, O> {
    client: &'c C,
    operation: O,
}

impl<'c, C: Execute, O: Operation + 'static> Pending<'c, C, O>
where
    Output<O>: Send + 'static,
{
    pub(crate) fn new(client: &'c C, operation: O) -> Self {
        Self { client, operation }
    }

    pub(crate) fn map(self, f: impl FnOnce(O) -> O) -> Self {
        Self { client: self.client, operation: f(self.operation) }
    }

    /// The operation as built so far.
    pub fn operation(&self) -> &O {
        &self.operation
    }

    /// Sends the request.
    pub fn send(self) -> C::Call<Output<O>> {
        self.client.call(self.operation)
    }
}

impl<C: Execute, O> Pending<'_, C, O>
where
    O: PagedOperation + Send + 'static,
    O::Item: Send + 'static,
{
    /// Every item of the list, fetching pages lazily as they are consumed, starting at the page this
    /// request names (the first by default). A `Stream` on the async client, an `Iterator` on the blocking
    /// one.
    pub fn items(self) -> C::Items<O> {
        self.client.items(self.operation)
    }
}
