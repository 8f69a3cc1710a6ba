//! The response shapes the API wraps its data in.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::macros::optional_fields;
use crate::operation::ResponseBody;
use crate::page::{Page, Pagination};

optional_fields! {
    /// `{"success": true, "message": "…", "data": …}`: the API's usual envelope. `success` and `message` are
    /// absent from some operations' answers (`{"data": …}`), and both forms decode.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct Envelope<T> {
        /// The payload.
        pub data: T,
    }
    optional {
        /// The envelope's success flag.
        success: bool,
        /// A human-readable note on what was done.
        message: String,
    }
}

impl<T> Envelope<T> {
    /// `{"success": true, "data": …}`: how the API wraps an answer, for servers and test doubles that send
    /// one.
    pub fn new(data: T) -> Self {
        let mut envelope = Self::with_fields(data);
        envelope.success = Some(true);
        envelope
    }
}

impl<T: DeserializeOwned + Serialize> ResponseBody for Envelope<T> {
    type Output = T;
    fn into_output(self) -> T {
        self.data
    }
    fn success_flag(&self) -> Option<bool> {
        self.success
    }
}

optional_fields! {
    /// `{"success": true, "message": "…"}`: the answer of operations that return no data.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Ack {}
    optional {
        /// The envelope's success flag.
        success: bool,
        /// A human-readable note on what was done.
        message: String,
    }
}

impl ResponseBody for Ack {
    type Output = Ack;
    fn into_output(self) -> Ack {
        self
    }
    fn success_flag(&self) -> Option<bool> {
        self.success
    }
}

optional_fields! {
    /// `{"success": true, "data": […], "meta" | "pagination": {…}}`: the answer of list operations, with the
    /// page information under either name the API uses.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct ListEnvelope<T> {
        /// The items of this page.
        pub data: Vec<T>,
    }
    optional {
        /// The envelope's success flag.
        success: bool,
        /// A human-readable note.
        message: String,
        /// Page information, as some operations name it (read leniently: a block the SDK cannot read is
        /// `None`, not a failed answer).
        #[serde(deserialize_with = "crate::page::lenient")]
        meta: Pagination,
        /// Page information, as other operations name it (read as leniently).
        #[serde(deserialize_with = "crate::page::lenient")]
        pagination: Pagination,
    }
}

impl<T> ListEnvelope<T> {
    /// `{"success": true, "data": […]}`: how the API wraps a list, for servers and test doubles that send
    /// one; set where the page sits under the key the operation's page documents (`meta` or
    /// `pagination`: the SDK reads either).
    ///
    /// ```
    /// use talkover_core::{ListEnvelope, Page, Pagination};
    ///
    /// let mut answer = ListEnvelope::new(vec!["a", "b"]);
    /// answer.meta = Some(Pagination::new(1, 2, 3));
    /// let text = serde_json::to_string(&answer).unwrap();
    /// let page: Page<String> = serde_json::from_str::<ListEnvelope<String>>(&text).unwrap().into();
    /// assert_eq!((page.items.len(), page.next_page()), (2, Some(2)));
    /// ```
    pub fn new(data: Vec<T>) -> Self {
        let mut envelope = Self::with_fields(data);
        envelope.success = Some(true);
        envelope
    }
}

impl<T: DeserializeOwned + Serialize> ResponseBody for ListEnvelope<T> {
    type Output = Page<T>;
    fn into_output(self) -> Page<T> {
        self.into()
    }
    fn success_flag(&self) -> Option<bool> {
        self.success
    }
}

impl<T> From<ListEnvelope<T>> for Page<T> {
    fn from(list: ListEnvelope<T>) -> Self {
        Page { items: list.data, pagination: list.pagination.or(list.meta) }
    }
}

/// A body with no envelope: the documented object itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bare<T>(pub T);

impl<T: DeserializeOwned + Serialize> ResponseBody for Bare<T> {
    type Output = T;
    fn into_output(self) -> T {
        self.0
    }
}
