//! Pages of list results: the list answer as the API writes it ([`ListEnvelope`]), the [`Page`] it
//! becomes, and the paging of a list operation ([`PagedOperation`], [`Paginator`]).

use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::macros::optional_fields;
use crate::operation::{Operation, ResponseBody};

optional_fields! {
    /// Where a page sits in a list, as the API reports it (under `meta` or `pagination`).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Pagination {
        /// This page's number, from 1.
        pub current_page: u64,
        /// Items per page (0 when a block that gives `last_page` leaves it out).
        pub per_page: u64,
        /// Items in the whole list (0 when a block that gives `last_page` leaves it out).
        pub total: u64,
    }
    optional {
        /// The last page's number.
        last_page: u64,
        /// The position of this page's first item in the list, from 1.
        from: u64,
        /// The position of this page's last item in the list.
        to: u64,
    }
}

impl Pagination {
    /// Page `current_page` (from 1) of a list of `total` items, `per_page` to a page: for servers and test
    /// doubles that answer a list operation (set `last_page`, `from` and `to` where the answer gives them).
    pub fn new(current_page: u64, per_page: u64, total: u64) -> Self {
        Self::with_fields(current_page, per_page, total)
    }

    /// The list's last page: `last_page` where the block gives it, else what the counts give (at least 1).
    pub(crate) fn last_page_number(&self) -> u64 {
        self.last_page.unwrap_or_else(|| self.counted().0)
    }

    /// What the counts give of the rest of the block: the last page's number (at least 1), and this
    /// page's positions (`from`, `to`; none for a page past the list's end).
    fn counted(&self) -> (u64, Option<(u64, u64)>) {
        let last_page = self.total.div_ceil(self.per_page.max(1)).max(1);
        let first = self.current_page.saturating_sub(1).saturating_mul(self.per_page).saturating_add(1);
        let last = self.current_page.saturating_mul(self.per_page).min(self.total);
        (last_page, (first <= last).then_some((first, last)))
    }
}

/// Reads a list answer's page block (`meta` or `pagination`) leniently. A block that is not an object, or
/// lacks `current_page`, or lacks `per_page` or `total` and `last_page` too, is no page information
/// (`None`) instead of an answer that fails whole: the page's items are what the caller asked for. A block
/// with `current_page` and `last_page` but without `per_page` or `total` gives 0 for the missing count. A count sent as a numeric string is read as
/// its number. Unknown keys are skipped, as everywhere.
fn lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Pagination>, D::Error> {
    let Read::Block([current_page, per_page, total, last_page, from, to]) = Read::deserialize(deserializer)? else {
        return Ok(None);
    };
    let Some(current_page) = current_page else {
        return Ok(None);
    };
    let (per_page, total) = match (per_page, total, last_page) {
        (Some(per_page), Some(total), _) => (per_page, total),
        // Without a count but with the last page's number, a block still says whether a page follows: a
        // paginator that stopped here would end the list early without a word. The missing count is 0.
        (per_page, total, Some(_)) => (per_page.unwrap_or(0), total.unwrap_or(0)),
        _ => return Ok(None),
    };
    Ok(Some(Pagination { current_page, per_page, total, last_page, from, to }))
}

/// The keys of a page block that [`lenient`] reads, in the order of [`Read::Block`]'s counts.
const COUNTS: [&str; 6] = ["current_page", "per_page", "total", "last_page", "from", "to"];

/// Any JSON value as the page block's reading sees it: an object by the counts it holds, a number (or a
/// numeric string) as a count, anything else as no count.
enum Read {
    Block([Option<u64>; 6]),
    Count(Option<u64>),
}

impl<'de> Deserialize<'de> for Read {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReadVisitor)
    }
}

struct ReadVisitor;

impl<'de> Visitor<'de> for ReadVisitor {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let mut counts = [None; 6];
        while let Some(Key(index)) = map.next_key()? {
            if let (Some(i), Read::Count(count)) = (index, map.next_value()?) {
                counts[i] = count;
            }
        }
        Ok(Read::Block(counts))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Read, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Read::Count(None))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Read, E> {
        Ok(Read::Count(Some(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Read, E> {
        Ok(Read::Count(u64::try_from(value).ok()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Read, E> {
        let whole = value.fract() == 0.0 && (0.0..u64::MAX as f64).contains(&value);
        Ok(Read::Count(whole.then_some(value as u64)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Read, E> {
        Ok(Read::Count(value.trim().parse().ok()))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Read, E> {
        Ok(Read::Count(None))
    }

    fn visit_unit<E>(self) -> Result<Read, E> {
        Ok(Read::Count(None))
    }

    fn visit_none<E>(self) -> Result<Read, E> {
        Ok(Read::Count(None))
    }
}

/// A page block's key, as its index in [`COUNTS`] (`None` for another key), read without allocating.
struct Key(Option<usize>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, name: &str) -> Result<Key, E> {
                Ok(Key(COUNTS.iter().position(|n| *n == name)))
            }
        }
        deserializer.deserialize_identifier(Name)
    }
}

/// One page of a list operation's results.
///
/// It serializes as the API writes a list, `{"success": true, "data": […], "pagination": {…}}` (no
/// `pagination` key when the page has none), so a server answering a list operation can return a page as
/// it is, and a client reads it back as it reads the API's answer (`decode_response` of the list
/// operation, or `Deserialize`, which takes the page block under `pagination` or `meta`). To answer in the
/// exact shape an operation's reference page shows (`meta` for list-agents, a block without positions for
/// the logs), use [`PagedOperation::list_answer`].
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::{agents::Agent, Page, Pagination};
///
/// let page = Page::new(vec![Agent::new("a1", "SupportBot")], Some(Pagination::new(1, 10, 1)));
/// let json = serde_json::to_value(&page).unwrap();
/// assert_eq!(json["data"][0]["name"], "SupportBot");
/// assert_eq!(json["pagination"]["total"], 1);
/// assert_eq!(serde_json::from_value::<Page<Agent>>(json).unwrap(), page);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Where this page sits, when the operation paginates.
    pub pagination: Option<Pagination>,
}

/// An empty page that says nothing of where it sits, whatever `T` is.
impl<T> Default for Page<T> {
    fn default() -> Self {
        Self { items: Vec::new(), pagination: None }
    }
}

impl<T> Page<T> {
    /// A page of `items`, and where it sits when the list paginates: for test doubles and servers that
    /// answer a list operation.
    pub fn new(items: Vec<T>, pagination: Option<Pagination>) -> Self {
        Self { items, pagination }
    }

    /// The number of the page after this one, if there is one.
    ///
    /// An empty page ends the list whatever the counts say, so a server that miscounts cannot make a
    /// paginator loop forever (nor can one that ignores the page asked for: see [`Paginator`]); where its
    /// counts say items were due on it or after it, the walk ends with an error ([`PageWalk`]).
    pub fn next_page(&self) -> Option<u64> {
        let p = self.pagination.as_ref()?;
        if self.items.is_empty() || p.current_page == 0 {
            return None;
        }
        // A block whose `per_page` is 0 says nothing of the page's size: the page's own count stands for it,
        // so that `total` still ends the list.
        let per_page = match p.per_page {
            0 => self.items.len() as u64,
            size => size,
        };
        let more = match p.last_page {
            Some(last) => p.current_page < last,
            None => p.current_page.saturating_mul(per_page) < p.total,
        };
        if more {
            p.current_page.checked_add(1)
        } else {
            None
        }
    }
}

/// `{"success": true, "data": […], "pagination"?: {…}}`, the API's list shape (see [`Page`]).
impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.pagination.is_some() { 3 } else { 2 };
        let mut list = serializer.serialize_struct("Page", fields)?;
        list.serialize_field("success", &true)?;
        list.serialize_field("data", &self.items)?;
        match &self.pagination {
            Some(pagination) => list.serialize_field("pagination", pagination)?,
            None => list.skip_field("pagination")?,
        }
        list.end()
    }
}

/// Reads the API's list shape as a client reads a list answer ([`ListEnvelope`]): the page block under
/// `pagination` or `meta`, read leniently.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ListEnvelope::<T>::deserialize(deserializer).map(Page::from)
    }
}

optional_fields! {
    /// `{"success": true, "data": […], "meta" | "pagination": {…}}`: the answer of list operations, with the
    /// page information under either name the API uses.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
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
        #[serde(deserialize_with = "lenient")]
        meta: Pagination,
        /// Page information, as other operations name it (read as leniently).
        #[serde(deserialize_with = "lenient")]
        pagination: Pagination,
    }
}

impl<T> ListEnvelope<T> {
    /// `{"success": true, "data": […]}`: how the API wraps a list, for servers and test doubles that send
    /// one; set where the page sits under the key the operation's page documents (`meta` or
    /// `pagination`: the SDK reads either).
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{ListEnvelope, Page, Pagination};
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
    /// A bare list of items (`[…]`, the shape openapi.json gives list-voice-templates) reads as the
    /// envelope with that list and no page information: one page, the last.
    const BARE_LIST: bool = true;
    fn from_bare_list(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        crate::strict_decode::from_slice::<Vec<T>>(bytes).map(ListEnvelope::with_fields)
    }
}

impl<T> From<ListEnvelope<T>> for Page<T> {
    fn from(list: ListEnvelope<T>) -> Self {
        Page { items: list.data, pagination: list.pagination.or(list.meta) }
    }
}

/// `{"success": true, "data": […], "pagination"?: {…}}`: a page as the API writes it, its block under
/// `pagination` (move it to `meta` for a list the reference documents so).
impl<T> From<Page<T>> for ListEnvelope<T> {
    fn from(page: Page<T>) -> Self {
        let mut list = ListEnvelope::new(page.items);
        list.pagination = page.pagination;
        list
    }
}

impl<T> Page<T> {
    /// The items on this page, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// How many items this page holds (not the whole list's count: that is `pagination.total`).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether this page holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// `for agent in &page`.
impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Where a list operation's answer puts its page block and which keys the block has: the shape the
/// operation's reference page shows. Each list operation of this crate declares its own
/// ([`PagedOperation::PAGE_BLOCK`]); a server or emulator answering it writes that shape with
/// [`PagedOperation::list_answer`]. Clients read every shape alike, so this matters only to what is
/// written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageBlock {
    /// `"pagination": {"current_page", "last_page", "per_page", "total", "from", "to"}`, with `from` and
    /// `to` written as `null` on an empty page, as Laravel's paginator writes them (list-calls,
    /// get-agent-calls, list-campaigns).
    PaginationWithPositions,
    /// `"pagination": {"current_page", "per_page", "total", "last_page"}` (get-auto-topup-history,
    /// list-webhook-logs).
    Pagination,
    /// `"pagination": {"current_page", "per_page", "total"}` (list-campaign-sftp-logs,
    /// list-campaign-webhook-logs).
    PaginationWithoutLastPage,
    /// `"meta": {"current_page", "per_page", "total", "last_page"}` (list-agents).
    Meta,
    /// No block and the whole list when the request asks for no page, as the reference page shows the
    /// answer; the page asked for with a `meta` block (as [`PageBlock::Meta`]) when it asks for one, as
    /// openapi.json pages it (list-actions, list-trainings, list-phone-numbers).
    WholeUnlessPaged,
}

/// A list operation's answer as a server writes it: `{"success": true, "data": [...]}` and the page block
/// the operation declares ([`PageBlock`]). Built by [`PagedOperation::list_answer`]; a client reads it
/// back as the operation's [`ListEnvelope`].
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::agents::ListAgents;
/// use talkover::calls::ListCalls;
/// use talkover::PagedOperation;
///
/// let names = ["a", "b", "c"];
/// let agents = serde_json::to_value(ListAgents::new().per_page(2).list_answer(&names)).unwrap();
/// assert_eq!(agents["meta"]["last_page"], 2);
/// assert!(agents.get("pagination").is_none());
/// let calls = serde_json::to_value(ListCalls::new().page(3).per_page(2).list_answer(&names)).unwrap();
/// assert_eq!(calls["data"], serde_json::json!([]));
/// assert!(calls["pagination"]["from"].is_null());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ListAnswer<T> {
    /// The items of the page, and where it sits (`None`: the whole list, with no block).
    pub page: Page<T>,
    /// The block's shape.
    pub block: PageBlock,
}

impl<T> ListAnswer<T> {
    /// `page` written in the `block` shape (`page.pagination` `None`: the whole list, with no block).
    pub fn new(page: Page<T>, block: PageBlock) -> Self {
        Self { page, block }
    }
}

impl<T: Serialize> Serialize for ListAnswer<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let block = self.page.pagination.as_ref().map(|pagination| Block { pagination, shape: self.block });
        let key = match self.block {
            PageBlock::Meta | PageBlock::WholeUnlessPaged => "meta",
            _ => "pagination",
        };
        let mut list = serializer.serialize_struct("ListAnswer", 2 + usize::from(block.is_some()))?;
        list.serialize_field("success", &true)?;
        list.serialize_field("data", &self.page.items)?;
        match &block {
            Some(block) => list.serialize_field(key, block)?,
            None => list.skip_field(key)?,
        }
        list.end()
    }
}

/// A page block with the keys of its shape, in the order the reference pages write them.
struct Block<'a> {
    pagination: &'a Pagination,
    shape: PageBlock,
}

impl Serialize for Block<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.pagination;
        // Where the block leaves them out, what its counts give.
        let (counted_last_page, positions) = p.counted();
        let last_page = p.last_page.unwrap_or(counted_last_page);
        let mut block = serializer.serialize_struct("Pagination", 6)?;
        block.serialize_field("current_page", &p.current_page)?;
        if self.shape == PageBlock::PaginationWithPositions {
            block.serialize_field("last_page", &last_page)?;
        }
        block.serialize_field("per_page", &p.per_page)?;
        block.serialize_field("total", &p.total)?;
        match self.shape {
            PageBlock::PaginationWithPositions => {
                block.serialize_field("from", &p.from.or(positions.map(|(first, _)| first)))?;
                block.serialize_field("to", &p.to.or(positions.map(|(_, last)| last)))?;
            }
            PageBlock::PaginationWithoutLastPage => {}
            _ => block.serialize_field("last_page", &last_page)?,
        }
        block.end()
    }
}

/// A list operation that can be asked for a given page, so it can be paginated automatically.
///
/// Every list operation of this crate implements it. An implementation of your own gives the listed item,
/// the page size the API answers with when the request asks for none, a way to ask for another page, and
/// the page and page size the request asks for (read by servers and emulators that answer it).
pub trait PagedOperation: Operation<Response = ListEnvelope<Self::Item>> + Clone {
    /// The listed item.
    type Item: DeserializeOwned + Serialize;
    /// The page size the API answers with when the request asks for none (its reference page's default).
    const DEFAULT_PER_PAGE: u32;
    /// Where the answer puts its page block and which keys it has, as the reference page shows it: what
    /// [`PagedOperation::list_answer`] writes. Every list operation of this crate declares its own; the
    /// default is Laravel's full paginator block.
    const PAGE_BLOCK: PageBlock = PageBlock::PaginationWithPositions;
    /// Asks for page `page` (from 1).
    fn set_page(&mut self, page: u64);
    /// The page and the page size the request asks for (`page`, `per_page`), as its query holds them;
    /// `None` for one it leaves to the API. For servers and emulators that answer it.
    fn requested_page(&self) -> (Option<u64>, Option<u32>);

    /// The page of `items` this request asks for, as the API answers a list: page `page` (the first when
    /// the request asks for none or for one below 1) of `per_page` items (the declared default when it
    /// asks for none; 1 to 100), with its page block: `last_page` (at least 1), and `from` and `to` (the
    /// positions of its first and last item, from 1) when the page is not empty. For servers and test
    /// doubles; [`PagedOperation::list_answer`] writes it in the operation's own block.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::agents::ListAgents;
    /// use talkover::PagedOperation;
    ///
    /// let names: Vec<String> = (1..=45).map(|n| format!("Agent {n}")).collect();
    /// let page = ListAgents::new().page(3).page_of(&names); // 20 to a page, list-agents' default
    /// let block = page.pagination.as_ref().unwrap();
    /// assert_eq!((page.items.len(), block.current_page, block.last_page), (5, 3, Some(3)));
    /// assert_eq!((block.from, block.to, block.total), (Some(41), Some(45), 45));
    /// assert!(ListAgents::new().page(4).page_of(&names).items.is_empty());
    /// ```
    fn page_of<T: Clone>(&self, items: &[T]) -> Page<T> {
        let (page, per_page) = self.requested_page();
        let per_page = u64::from(per_page.unwrap_or(Self::DEFAULT_PER_PAGE).clamp(1, 100));
        let page = page.unwrap_or(1).max(1);
        let total = items.len() as u64;
        let start = (page - 1).saturating_mul(per_page).min(total);
        let end = start.saturating_add(per_page).min(total);
        // Both lie within `items.len()`, which is a usize.
        let slice =
            items[usize::try_from(start).unwrap_or(items.len())..usize::try_from(end).unwrap_or(items.len())].to_vec();
        let mut block = Pagination::new(page, per_page, total);
        let (last_page, positions) = block.counted();
        block.last_page = Some(last_page);
        (block.from, block.to) = (positions.map(|(from, _)| from), positions.map(|(_, to)| to));
        Page::new(slice, Some(block))
    }

    /// The answer a server gives this request for the whole list `items`: the page it asks for
    /// ([`PagedOperation::page_of`]) in the operation's [`PageBlock`] shape, or the whole list with no
    /// block where that shape says so and the request asks for no page. Serialize it as the body of a
    /// `200`.
    fn list_answer<T: Clone>(&self, items: &[T]) -> ListAnswer<T> {
        let page = if Self::PAGE_BLOCK == PageBlock::WholeUnlessPaged && self.requested_page() == (None, None) {
            Page::new(items.to_vec(), None)
        } else {
            self.page_of(items)
        };
        ListAnswer { page, block: Self::PAGE_BLOCK }
    }
}

/// What auto-pagination checks of each page it walks through, for a paginator of your own (the command
/// line's, over JSON): which page to ask for next, and whether the answer is the page asked for.
///
/// Each page asked for after the first must come after the page asked for before it: an answer that names
/// a next page no later than the one just asked for ends the list. An empty page ends it too; one whose
/// own block counts items on it or after it (page 2 of 3, empty) is refused as below, since the items it
/// should have held would otherwise be lost without a word. An answer whose block says it is
/// another page than the one asked for by number (a server that ignores `page` and answers page 1 again)
/// is refused with a [`Decode`](crate::ErrorKind::Decode) error that says the list is incomplete, its
/// items not given: they would be items given already, and a paginator that took them would ask for the
/// same page again. A third page in a row with the same items under the same counts (a server that ignores
/// `page` but numbers its answers as asked, which would lead on to its `last_page`) is refused the same
/// way. A list that changes while it is walked (records added at its top) can still give an item twice, or
/// skip one: a server's pages are read as they come.
///
/// A page whose block the SDK cannot read (none, or one without its number and counts) says nothing of
/// what follows it. Given the page size asked for ([`PageWalk::with_page_size`]), a full page is taken to
/// have a successor, which is asked for, and a shorter one ends the list, so no item is lost to a block
/// that did not come; a page answered twice in a row (a server that ignores `page` and writes no block) is
/// refused as above; for a list whose page documents no paging ([`PageWalk::comes_whole`]), unless the
/// first held more items than were asked for: a server that honours neither `page` nor `per_page` gives
/// such a list whole each time (list-trainings "retrieves all"), so it ends there, whole, its items given
/// once. (For another list, the same answer may be a server's own first page, so the error stands.)
/// Without the page size, such a page ends the list.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::page::PageWalk;
/// use talkover::{Page, Pagination};
///
/// let page = |items: Vec<u32>, current| Page::new(items, Some(Pagination::new(current, 2, 6)));
/// let mut walk = PageWalk::new();
/// let (_, next) = walk.take("list-numbers", page(vec![1, 2], 1)).unwrap();
/// assert_eq!(next, Some(2));
/// // Page 2 was asked for, and page 1 came back.
/// let error = walk.take("list-numbers", page(vec![1, 2], 1)).unwrap_err();
/// assert_eq!(error.kind(), talkover::ErrorKind::Decode);
/// ```
#[derive(Clone, Debug, Default)]
pub struct PageWalk {
    /// The page last asked for by number (none for a first request that names no page).
    asked: Option<u64>,
    /// The page size asked for, when known: a page without a readable block that holds as many items has a
    /// successor.
    page_size: Option<u64>,
    /// A fingerprint of the items of the last page read, and how many pages in a row before it held the
    /// same items.
    last_items: Option<u64>,
    repeated: u8,
    /// Whether the last page read had no readable block and more items than the page size.
    oversized: bool,
    /// Whether the list's page documents no paging ([`PageWalk::comes_whole`]).
    comes_whole: bool,
}

impl PageWalk {
    /// A walk whose first request names no page: its answer, whichever page it is, is the first.
    pub fn new() -> Self {
        Self::default()
    }

    /// A walk whose first request asks for page `page` (from 1; none, or 0, as [`PageWalk::new`]): its
    /// answer is checked as every later one is.
    pub fn starting_at(page: Option<u64>) -> Self {
        Self { asked: page.filter(|page| *page >= 1), ..Self::default() }
    }

    /// The walk, knowing the page size each request asks for (its `per_page`, or the operation's default):
    /// a page whose block cannot be read and that holds that many items leads to the next page, rather
    /// than end the list.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::page::PageWalk;
    /// use talkover::Page;
    ///
    /// let mut walk = PageWalk::new().with_page_size(2);
    /// assert_eq!(walk.take("list-numbers", Page::new(vec![1, 2], None)).unwrap().1, Some(2));
    /// assert_eq!(walk.take("list-numbers", Page::new(vec![3], None)).unwrap().1, None);
    /// ```
    pub fn with_page_size(mut self, per_page: u64) -> Self {
        self.page_size = Some(per_page).filter(|size| *size >= 1);
        self
    }

    /// The walk of a list whose page documents no paging, so that the list comes whole
    /// ([`PageBlock::WholeUnlessPaged`]: list-actions, list-trainings, list-phone-numbers): a page
    /// without a readable block that holds more items than the page size, given again for the next page,
    /// is the whole list given again, and ends it without an error.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::page::PageWalk;
    /// use talkover::Page;
    ///
    /// let mut walk = PageWalk::new().with_page_size(2).comes_whole();
    /// assert_eq!(walk.take("list-trainings", Page::new(vec![1, 2, 3], None)).unwrap().1, Some(2));
    /// let (again, next) = walk.take("list-trainings", Page::new(vec![1, 2, 3], None)).unwrap();
    /// assert_eq!((again.items, next), (vec![], None));
    /// ```
    pub fn comes_whole(mut self) -> Self {
        self.comes_whole = true;
        self
    }

    /// Takes the answer of operation `operation` (its id) to the page asked for last: the page, and the
    /// number of the page to ask for next (`None`: the list ends here); or the error that says the answer
    /// is not the page asked for (its body: the page as read, written again; no request id). Once the list
    /// has ended, or an error was given, the walk is over.
    pub fn take<T: Serialize>(
        &mut self,
        operation: &'static str,
        mut page: Page<T>,
    ) -> Result<(Page<T>, Option<u64>), Error> {
        let answered = page.pagination.as_ref().map(|p| p.current_page);
        if let (Some(asked), Some(answered)) = (self.asked, answered) {
            if answered != asked {
                let message = format!(
                    "page {answered} came back where page {asked} was asked for: the server does not honour `page`, \
                     so the list stops here, incomplete"
                );
                return Err(self.refuse(operation, &page, message));
            }
        }
        if let Some(p) = page.pagination.as_ref().filter(|p| page.items.is_empty() && p.current_page >= 1) {
            // An empty page ends the list (see `Page::next_page`); where its own block counts items on it or
            // after it, the items it should have held are lost, which is said rather than passed over.
            let before = (p.current_page - 1).saturating_mul(p.per_page);
            // Named by the count that fired, so that the message's figures are the ones that contradict the
            // empty page (a block's `total` can be 0 where it gives `last_page`).
            let counted = match p.last_page.filter(|last| p.current_page < *last) {
                Some(last) => Some(format!("{last} pages")),
                None => {
                    (p.per_page > 0 && p.total > before).then(|| format!("{} items, {} a page", p.total, p.per_page))
                }
            };
            if let Some(counted) = counted {
                let message = format!(
                    "page {} came back empty, though its block counts {counted}: the list stops here, incomplete",
                    p.current_page
                );
                return Err(self.refuse(operation, &page, message));
            }
        }
        // A page that holds the very items of the one before it, under the same counts, is the same page
        // again, whatever number its block gives: followed, it could lead on without end. Once is taken (a
        // list that grew by a page while it was walked, its new `total` not yet seen); a third such page,
        // or a second without a block (whose number says nothing), ends the walk. A list whose counts
        // change as it is walked is growing, and followed.
        let counts = page.pagination.as_ref().map(|p| (p.total, p.last_page));
        let fingerprint = (!page.items.is_empty()).then(|| fingerprint(&page.items, counts));
        let repeats = fingerprint.is_some() && std::mem::replace(&mut self.last_items, fingerprint) == fingerprint;
        self.repeated = if repeats { self.repeated.saturating_add(1) } else { 0 };
        let oversized = page.pagination.is_none() && self.page_size.is_some_and(|size| page.items.len() as u64 > size);
        if repeats && page.pagination.is_none() && std::mem::replace(&mut self.oversized, oversized) && self.comes_whole
        {
            // The whole list again, as the page before gave it, more than was asked for: it is complete.
            self.asked = Some(u64::MAX);
            page.items.clear();
            return Ok((page, None));
        }
        self.oversized = oversized;
        if self.repeated >= 2 || (repeats && page.pagination.is_none()) {
            let asked = self.asked.unwrap_or(1);
            let message = match page.pagination {
                Some(_) => format!(
                    "page {asked} came back with the items of the two pages before it: the server does not honour \
                     `page`, so the list stops here, incomplete"
                ),
                None => format!(
                    "page {asked} came back with the items of the page before it and no page block: the server does \
                     not honour `page`, so the list stops here, incomplete"
                ),
            };
            return Err(self.refuse(operation, &page, message));
        }
        let next = match page.pagination {
            Some(_) => page.next_page(),
            None => self.after_unblocked(&page),
        };
        let next = next.filter(|next| self.asked.is_none_or(|asked| *next > asked));
        self.asked = next.or(Some(u64::MAX));
        Ok((page, next))
    }

    /// The page after one whose block could not be read: the next number when the page is full, none when
    /// it is short (or the page size is unknown).
    fn after_unblocked<T>(&self, page: &Page<T>) -> Option<u64> {
        let full = self.page_size.is_some_and(|size| page.items.len() as u64 >= size);
        if !full || self.asked == Some(u64::MAX) {
            return None;
        }
        self.asked.unwrap_or(1).checked_add(1)
    }

    /// Ends the walk with a `Decode` error saying why the list is incomplete (its body: the page as read).
    fn refuse<T: Serialize>(&mut self, operation: &'static str, page: &Page<T>, message: String) -> Error {
        self.asked = Some(u64::MAX);
        let body = serde_json::to_vec(page).unwrap_or_default();
        let field = if page.pagination.is_some() { "current_page" } else { "data" };
        Error::Decode(Box::new(crate::error::DecodeError::of_refused_page(operation, field, message, body)))
    }
}

/// A fingerprint of a page's items, as their JSON, and of its block's counts. The JSON is written into the
/// hasher as it is made, never held: a page of a hundred items would otherwise be written out whole again.
fn fingerprint<T: Serialize>(items: &[T], counts: Option<(u64, Option<u64>)>) -> u64 {
    struct Hashing(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            std::hash::Hasher::write(&mut self.0, bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(std::collections::hash_map::DefaultHasher::new());
    // Items that cannot be written (a map with keys that are not text) fingerprint as what was written.
    let _ = serde_json::to_writer(&mut hashing, items);
    std::hash::Hash::hash(&counts, &mut hashing.0);
    std::hash::Hasher::finish(&hashing.0)
}

/// Auto-pagination with no I/O: which page to ask for next, and the items of the pages received so far.
///
/// A client drives it: it yields [`Paginator::next_item`] while there is one, otherwise sends
/// [`Paginator::next_operation`] (if any; `None` means the list is done) and hands the result to
/// [`Paginator::on_page`]. The list starts at the page the first operation names, and ends after a page
/// with no successor (an empty page always ends it, see [`Page::next_page`]; with an error when its block
/// counts items on it or after it, see [`PageWalk`]) or after an error.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::campaigns::ListCampaigns;
/// use talkover::page::Paginator;
/// use talkover::{build_request, decode_response, ClientConfig};
///
/// let config = ClientConfig::new("talq_example").unwrap();
/// let mut pages = Paginator::new(ListCampaigns::new());
/// let mut fetched = 0;
/// while let Some(operation) = pages.next_operation() {
///     let _request = build_request(&operation, &config).unwrap(); // sent with any HTTP client
///     let body = r#"{"data": [], "meta": {"current_page": 1, "per_page": 15, "total": 0}}"#;
///     let answer = http::Response::new(body.as_bytes().to_vec());
///     pages.on_page(decode_response::<ListCampaigns>(answer)).unwrap();
///     fetched += 1;
///     while let Some(campaign) = pages.next_item() {
///         println!("{}", campaign.name);
///     }
/// }
/// assert_eq!(fetched, 1); // an empty page ends the list
/// ```
#[derive(Clone, Debug)]
pub struct Paginator<O: PagedOperation> {
    next: Option<O>,
    /// The operation whose page failed, once [`Paginator::on_page`] has handed back an error.
    failed: Option<O>,
    walk: PageWalk,
    buffer: std::vec::IntoIter<O::Item>,
}

impl<O: PagedOperation> Paginator<O> {
    /// A paginator whose first request is `operation` (at the page it names, the first by default).
    ///
    /// Each page is checked as [`PageWalk`] says: a server that ignores `page` ends the list with an
    /// error, rather than have its first page given again; a full page whose block cannot be read leads
    /// on to the next (the page size being the request's `per_page`, or the operation's default).
    pub fn new(operation: O) -> Self {
        let (page, per_page) = operation.requested_page();
        let mut walk = PageWalk::starting_at(page);
        // A list that comes whole when no page is asked for has no successor to a page without a block.
        if page.is_some() || O::PAGE_BLOCK != PageBlock::WholeUnlessPaged {
            walk = walk.with_page_size(u64::from(per_page.unwrap_or(O::DEFAULT_PER_PAGE)));
        }
        if O::PAGE_BLOCK == PageBlock::WholeUnlessPaged {
            walk = walk.comes_whole();
        }
        Self { next: Some(operation), failed: None, walk, buffer: Vec::new().into_iter() }
    }

    /// The next item of the pages received so far, if one is left.
    pub fn next_item(&mut self) -> Option<O::Item> {
        self.buffer.next()
    }

    /// The operation that fetches the next page, or `None` when the list is done or items of the last page
    /// are still to be taken with [`Paginator::next_item`]. Send it, then pass its result to
    /// [`Paginator::on_page`].
    pub fn next_operation(&self) -> Option<O> {
        match self.buffer.len() {
            0 => self.next.clone(),
            _ => None,
        }
    }

    /// Takes the result of the operation [`Paginator::next_operation`] gave: a page's items are buffered
    /// and the following page is asked for next, if there is one; an error (the request's, or
    /// [`PageWalk::take`]'s) ends the list and is handed back, for the caller to yield.
    pub fn on_page(&mut self, page: Result<Page<O::Item>, Error>) -> Result<(), Error> {
        match page.and_then(|page| self.walk.take(O::ID, page)) {
            Ok((page, next)) => {
                match (next, self.next.as_mut()) {
                    (Some(next), Some(operation)) => operation.set_page(next),
                    _ => self.next = None,
                }
                self.buffer = page.items.into_iter();
                Ok(())
            }
            Err(error) => {
                self.failed = self.next.take();
                Err(error)
            }
        }
    }

    /// After [`Paginator::on_page`] handed back an error: the operation whose page failed (its
    /// `query.page` names that page), to send again later and go on from there, with the items already
    /// taken kept. `None` before any error.
    pub fn failed_operation(&self) -> Option<&O> {
        self.failed.as_ref()
    }

    /// Whether every item has been taken and no page is left to fetch.
    pub fn is_done(&self) -> bool {
        self.next.is_none() && self.buffer.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, current: u64, per_page: u64, total: u64, last: Option<u64>) -> Page<u8> {
        Page {
            items: vec![0; items],
            pagination: Some(Pagination {
                current_page: current,
                per_page,
                total,
                last_page: last,
                from: None,
                to: None,
            }),
        }
    }

    #[test]
    fn next_page_follows_last_page_or_total_and_stops_on_empty_pages() {
        // A `per_page` of 0 says nothing of the page's size: the page's own count stands for it.
        assert_eq!(page(2, 2, 0, 6, None).next_page(), Some(3));
        assert_eq!(page(2, 3, 0, 6, None).next_page(), None);
        assert_eq!(page(10, 1, 10, 25, Some(3)).next_page(), Some(2));
        assert_eq!(page(5, 3, 10, 25, Some(3)).next_page(), None);
        assert_eq!(page(10, 2, 10, 25, None).next_page(), Some(3));
        assert_eq!(page(5, 3, 10, 25, None).next_page(), None);
        assert_eq!(page(0, 1, 10, 25, Some(3)).next_page(), None);
        assert_eq!(Page::<u8> { items: vec![1], pagination: None }.next_page(), None);
    }

    #[test]
    fn a_page_block_the_sdk_cannot_read_keeps_the_items_and_no_pagination() {
        let read = |body: &str| -> Page<u32> { serde_json::from_str::<ListEnvelope<u32>>(body).unwrap().into() };
        let full = read(
            r#"{"data": [1, 2], "meta": {"current_page": 1, "per_page": 2, "total": 3, "last_page": 2,
            "from": 1, "to": 2, "path": "/x", "links": [{"url": null}]}}"#,
        );
        assert_eq!(full.items, [1, 2]);
        let expected =
            Pagination { current_page: 1, per_page: 2, total: 3, last_page: Some(2), from: Some(1), to: Some(2) };
        assert_eq!(full.pagination, Some(expected));
        assert_eq!(full.next_page(), Some(2));
        for block in [r#"{"total": 2}"#, r#""page 1""#, "[1, 2]", "null", "7", r#"{"current_page": 1, "per_page": 2}"#]
        {
            for name in ["meta", "pagination"] {
                let page = read(&format!(r#"{{"data": [1, 2], "{name}": {block}}}"#));
                assert_eq!((page.items.as_slice(), &page.pagination), (&[1, 2][..], &None), "{name}: {block}");
            }
        }
        // A block without a count but with the last page's number still leads to the next page.
        let partial = read(r#"{"data": [1], "meta": {"current_page": 1, "per_page": 1, "last_page": 3}}"#);
        let pagination = partial.pagination.as_ref().unwrap();
        assert_eq!((pagination.per_page, pagination.total, pagination.last_page), (1, 0, Some(3)));
        assert_eq!(partial.next_page(), Some(2));
        let unread_total = read(r#"{"data": [1], "meta": {"current_page": 3, "total": 1.2e29, "last_page": 3}}"#);
        assert_eq!(unread_total.next_page(), None);
        // Counts sent as numeric strings are read; a count that is not a whole number is unknown.
        let strings = read(
            r#"{"data": [1], "pagination": {"current_page": "2", "per_page": "1", "total": " 3 ",
            "last_page": 3.0, "from": -1, "to": 2.5}}"#,
        );
        let pagination = strings.pagination.unwrap();
        assert_eq!((pagination.current_page, pagination.per_page, pagination.total), (2, 1, 3));
        assert_eq!((pagination.last_page, pagination.from, pagination.to), (Some(3), None, None));
        // The body around it must still be JSON.
        assert!(serde_json::from_str::<ListEnvelope<u32>>(r#"{"data": [1], "meta": {"total": }"#).is_err());
    }

    #[test]
    fn a_page_serializes_as_a_list_answer_and_decodes_back_through_the_client_path() {
        use crate::agents::{Agent, ListAgents};

        let mut pagination = Pagination::new(2, 2, 5);
        pagination.last_page = Some(3);
        let page = Page::new(vec![Agent::new("a1", "SupportBot"), Agent::new("a2", "Reminders")], Some(pagination));
        let body = serde_json::to_vec(&page).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["success"], true);
        assert_eq!(json["data"][1]["id"], "a2");
        assert_eq!(json["pagination"]["current_page"], 2);
        assert_eq!(json["pagination"]["last_page"], 3);
        assert!(json.get("meta").is_none() && json["pagination"].get("from").is_none(), "{json}");
        // Read back as the client reads list-agents' answer.
        let answer = http::Response::builder().status(200).body(body).unwrap();
        let decoded = crate::decode_response::<ListAgents>(answer).unwrap();
        assert_eq!(decoded, page);
        assert_eq!(decoded.next_page(), Some(3));

        // A page without pagination writes no page block, and still reads back.
        let bare = Page::new(vec![1_u32, 2], None);
        assert_eq!(serde_json::to_string(&bare).unwrap(), r#"{"success":true,"data":[1,2]}"#);
        let text = serde_json::to_string(&bare).unwrap();
        assert_eq!(serde_json::from_str::<Page<u32>>(&text).unwrap(), bare);
        // The `meta` shape other pages document reads as the same page.
        let mut list = ListEnvelope::from(page.clone());
        list.meta = list.pagination.take();
        let text = serde_json::to_string(&list).unwrap();
        assert!(text.contains(r#""meta":{"#) && !text.contains("pagination"), "{text}");
        assert_eq!(serde_json::from_str::<Page<Agent>>(&text).unwrap(), page);
    }

    /// A list operation of numbers, for driving a paginator by hand.
    #[derive(Clone, Debug, PartialEq)]
    struct Numbers {
        page: Option<u64>,
    }

    impl Operation for Numbers {
        type Query = ();
        type Body = ();
        type Response = ListEnvelope<u32>;
        const ID: &'static str = "list-numbers";
        const METHOD: http::Method = http::Method::GET;
        const PATH: &'static str = "/api/v1/numbers";
        const SAFE_TO_REPEAT: bool = true;
    }

    impl PagedOperation for Numbers {
        type Item = u32;
        const DEFAULT_PER_PAGE: u32 = 2;
        fn set_page(&mut self, page: u64) {
            self.page = Some(page);
        }
        fn requested_page(&self) -> (Option<u64>, Option<u32>) {
            (self.page, None)
        }
    }

    fn numbers(items: &[u32], current: u64, last: u64) -> Page<u32> {
        Page {
            items: items.to_vec(),
            pagination: Some(Pagination {
                current_page: current,
                per_page: 2,
                total: 0,
                last_page: Some(last),
                from: None,
                to: None,
            }),
        }
    }

    fn drain(pages: &mut Paginator<Numbers>) -> Vec<u32> {
        std::iter::from_fn(|| pages.next_item()).collect()
    }

    /// A server's answer pages by the operation's own default size and writes its own block: list-agents
    /// 20 a page under `meta`, get-auto-topup-history 25 under `pagination` without positions; a size
    /// asked for wins.
    #[test]
    fn a_list_answer_pages_by_its_declared_default_in_its_declared_block() {
        use crate::agents::ListAgents;
        use crate::auto_topup::GetAutoTopupHistory;
        let items: Vec<u32> = (1..=30).collect();
        let json = |answer: ListAnswer<u32>| serde_json::to_value(answer).unwrap();
        let agents = json(ListAgents::new().list_answer(&items));
        assert_eq!((agents["data"].as_array().unwrap().len(), &agents["meta"]["per_page"]), (20, &20.into()));
        assert_eq!(agents["meta"]["last_page"], 2);
        let history = json(GetAutoTopupHistory::new().page(2).list_answer(&items));
        assert_eq!(history["data"], serde_json::json!([26, 27, 28, 29, 30]));
        let block = history["pagination"].as_object().unwrap();
        let keys: Vec<&str> = block.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 4, "{keys:?}");
        assert!(!block.contains_key("from") && block["per_page"] == 25 && block["last_page"] == 2);
        let three = json(ListAgents::new().per_page(3).page(2).list_answer(&items));
        assert_eq!(three["data"], serde_json::json!([4, 5, 6]));
    }

    #[test]
    fn paginator_starts_at_the_named_page_and_follows_until_the_last() {
        let mut pages = Paginator::new(Numbers { page: Some(2) });
        assert!(!pages.is_done());
        assert_eq!(pages.next_operation(), Some(Numbers { page: Some(2) }));
        pages.on_page(Ok(numbers(&[3, 4], 2, 3))).unwrap();
        assert_eq!(pages.next_operation(), None, "items of this page come first");
        assert_eq!(pages.next_item(), Some(3));
        assert_eq!(pages.next_operation(), None);
        assert_eq!(drain(&mut pages), [4]);
        assert_eq!(pages.next_operation(), Some(Numbers { page: Some(3) }));
        pages.on_page(Ok(numbers(&[5], 3, 3))).unwrap();
        assert_eq!(pages.next_operation(), None);
        assert!(!pages.is_done());
        assert_eq!(drain(&mut pages), [5]);
        assert_eq!(pages.next_operation(), None);
        assert!(pages.is_done());
    }

    /// A server whose pages carry no block the SDK can read (none, or `page` for `current_page`): a full
    /// page leads on to the next, a short one ends the list, and the same page twice is refused.
    #[test]
    fn pages_without_a_readable_block_are_followed_while_they_are_full() {
        let bare = |items: &[u32]| Ok(Page::new(items.to_vec(), None));
        let mut pages = Paginator::new(Numbers { page: None });
        pages.on_page(bare(&[1, 2])).unwrap();
        assert_eq!(drain(&mut pages), [1, 2]);
        assert_eq!(pages.next_operation(), Some(Numbers { page: Some(2) }), "a full page may have a successor");
        pages.on_page(bare(&[3, 4])).unwrap();
        assert_eq!(drain(&mut pages), [3, 4]);
        assert_eq!(pages.next_operation(), Some(Numbers { page: Some(3) }));
        pages.on_page(bare(&[5])).unwrap();
        assert_eq!(drain(&mut pages), [5]);
        assert!(pages.is_done(), "a short page is the last");

        // A block read after bare pages is followed as usual.
        let mut mixed = Paginator::new(Numbers { page: None });
        mixed.on_page(bare(&[1, 2])).unwrap();
        drain(&mut mixed);
        mixed.on_page(Ok(numbers(&[3, 4], 2, 2))).unwrap();
        assert_eq!(drain(&mut mixed), [3, 4]);
        assert!(mixed.is_done());

        // The same items again, with no block to say which page they are: the server ignores `page`.
        let mut stuck = Paginator::new(Numbers { page: None });
        stuck.on_page(bare(&[1, 2])).unwrap();
        drain(&mut stuck);
        let error = stuck.on_page(bare(&[1, 2])).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Decode);
        assert!(error.to_string().contains("page 2 came back with the items of the page before it"), "{error}");
        assert_eq!((drain(&mut stuck), stuck.is_done()), (vec![], true));
        assert_eq!(stuck.failed_operation(), Some(&Numbers { page: Some(2) }));

        // More items than asked for, and the same again: for a list whose page documents no paging, a server
        // that honours neither `page` nor `per_page` giving it whole each time. It is whole, its items given
        // once, and no error. For another list, it may be a server's own first page: the error stands.
        let mut whole = PageWalk::starting_at(Some(1)).with_page_size(2).comes_whole();
        assert_eq!(whole.take("list-numbers", Page::new(vec![1, 2, 3], None)).unwrap().1, Some(2));
        let (again, next) = whole.take("list-numbers", Page::new(vec![1, 2, 3], None)).unwrap();
        assert_eq!((again.items, next), (vec![], None));
        let mut paged = Paginator::new(Numbers { page: None });
        paged.on_page(bare(&[1, 2, 3])).unwrap();
        assert_eq!(drain(&mut paged), [1, 2, 3]);
        assert_eq!(paged.next_operation(), Some(Numbers { page: Some(2) }), "a full page may have a successor");
        let error = paged.on_page(bare(&[1, 2, 3])).unwrap_err();
        assert!(error.to_string().contains("with the items of the page before it"), "{error}");
        // Had the second page other items, it would be followed as any.
        let mut paging = Paginator::new(Numbers { page: None });
        paging.on_page(bare(&[1, 2, 3])).unwrap();
        drain(&mut paging);
        paging.on_page(bare(&[4])).unwrap();
        assert_eq!((drain(&mut paging), paging.is_done()), (vec![4], true));

        // Without a page size (a walk of its own that gives none), a bare page ends the list.
        let mut walk = PageWalk::new();
        assert_eq!(walk.take("list-numbers", Page::new(vec![1, 2], None)).unwrap().1, None);
        // An empty page ends it whatever the size.
        let mut sized = PageWalk::starting_at(Some(4)).with_page_size(2);
        assert_eq!(sized.take("list-numbers", Page::<u32>::new(vec![], None)).unwrap().1, None);
    }

    /// An empty page whose block counts items on it or after it ends the walk with an error, not silently:
    /// the items it should have held are not given, and nothing says so otherwise.
    #[test]
    fn an_empty_page_the_counts_contradict_says_the_list_is_incomplete() {
        let mut pages = Paginator::new(Numbers { page: None });
        pages.on_page(Ok(numbers(&[1, 2], 1, 3))).unwrap();
        assert_eq!(drain(&mut pages), [1, 2]);
        let error = pages.on_page(Ok(numbers(&[], 2, 3))).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Decode);
        assert!(error.to_string().contains("page 2 came back empty, though its block counts 3 pages"), "{error}");
        assert!(pages.is_done());
        // By its counts: 6 items, 2 a page, and page 2 empty.
        let counted = Page::<u32>::new(vec![], Some(Pagination::new(2, 2, 6)));
        let error = PageWalk::starting_at(Some(2)).take("list-numbers", counted).unwrap_err();
        assert!(error.to_string().contains("though its block counts 6 items, 2 a page"), "{error}");
        // Only `last_page` says more follow (page 3 of 5; 4 items, 2 a page, would end at 2): named by it.
        let mut by_last = Pagination::new(3, 2, 4);
        by_last.last_page = Some(5);
        let error = PageWalk::starting_at(Some(3)).take("list-numbers", Page::<u32>::new(vec![], Some(by_last)));
        let error = error.unwrap_err();
        assert!(error.to_string().contains("though its block counts 5 pages"), "{error}");
        // The walk's refusal says so, and is told from an answer that could not be read.
        let Error::Decode(refused) = &error else { panic!("{error}") };
        assert!(refused.is_incomplete_list() && !error.to_string().contains("could not decode"), "{error}");
        let unreadable = crate::decode_response::<crate::agents::GetAgent>(
            http::Response::builder().status(200).body(b"{}".to_vec()).unwrap(),
        );
        let Err(Error::Decode(unreadable)) = unreadable else { panic!("{unreadable:?}") };
        assert!(!unreadable.is_incomplete_list());
        // Empty and counted so: an empty list, or a page past the end, ends the walk without an error.
        for fine in [
            Page::<u32>::new(vec![], Some(Pagination::new(1, 15, 0))),
            numbers(&[], 1, 1),
            Page::<u32>::new(vec![], Some(Pagination::new(4, 2, 6))),
        ] {
            assert_eq!(PageWalk::new().take("list-numbers", fine).unwrap().1, None);
        }
    }

    /// list-actions answers its whole list, with no block, to a request that asks for no page: that list
    /// has no successor however long it is; asked for a page, its bare full pages are followed.
    #[test]
    fn a_whole_list_has_no_successor() {
        use crate::actions::{Action, ListActions};
        let full = |size: usize| -> Result<Page<Action>, Error> {
            let one: Action =
                serde_json::from_value(serde_json::json!({"id": "a1", "name": "Book", "type": "webhook"}))
                    .expect("an action reads from its id, name and type");
            Ok(Page::new(vec![one; size], None))
        };
        let mut unpaged = Paginator::new(ListActions::new("agent-1"));
        unpaged.on_page(full(500)).unwrap();
        assert_eq!(std::iter::from_fn(|| unpaged.next_item()).count(), 500);
        assert!(unpaged.is_done());
        let mut paged = Paginator::new(ListActions::new("agent-1").page(1).per_page(3));
        paged.on_page(full(3)).unwrap();
        assert_eq!(std::iter::from_fn(|| paged.next_item()).count(), 3);
        assert_eq!(paged.next_operation().map(|op| op.requested_page()), Some((Some(2), Some(3))));
    }

    #[test]
    fn paginator_stops_when_the_server_answers_another_page_than_asked() {
        // A server that ignores `page` and answers page 1 of 5 every time: its items are not given twice,
        // and the error says the list is incomplete.
        let mut pages = Paginator::new(Numbers { page: None });
        pages.on_page(Ok(numbers(&[1, 2], 1, 5))).unwrap();
        assert_eq!(drain(&mut pages), [1, 2]);
        assert_eq!(pages.next_operation(), Some(Numbers { page: Some(2) }));
        let error = pages.on_page(Ok(numbers(&[1, 2], 1, 5))).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Decode);
        assert!(error.to_string().contains("page 1 came back where page 2 was asked for"), "{error}");
        let Error::Decode(decode) = &error else { unreachable!() };
        let body: serde_json::Value = serde_json::from_slice(decode.body.as_bytes()).unwrap();
        assert_eq!((body["data"].clone(), decode.path.as_str()), (serde_json::json!([1, 2]), "current_page"));
        assert_eq!(drain(&mut pages), [] as [u32; 0]);
        assert_eq!(pages.next_operation(), None, "page 2 was asked for and page 1 came back");
        assert!(pages.is_done());
        // A walk that starts at a page checks its first answer too.
        let mut started = Paginator::new(Numbers { page: Some(3) });
        let error = started.on_page(Ok(numbers(&[1, 2], 1, 5))).unwrap_err();
        assert!(error.to_string().contains("page 1 came back where page 3 was asked for"), "{error}");
        // Pages that move on are taken, whatever they share with the one before (a list that grew).
        let mut moving = Paginator::new(Numbers { page: None });
        moving.on_page(Ok(numbers(&[1, 2], 1, 3))).unwrap();
        assert_eq!(drain(&mut moving), [1, 2]);
        moving.on_page(Ok(numbers(&[1, 2], 2, 3))).unwrap();
        assert_eq!(drain(&mut moving), [1, 2]);
        // But a third page of the same items is a server that ignores `page` and numbers its answers as
        // asked: followed, it would go on to its `last_page`, which may be a billion.
        let mut same = Paginator::new(Numbers { page: None });
        for current in 1..=2 {
            same.on_page(Ok(numbers(&[1, 2], current, 1_000_000_000))).unwrap();
            assert_eq!(drain(&mut same), [1, 2]);
        }
        let error = same.on_page(Ok(numbers(&[1, 2], 3, 1_000_000_000))).unwrap_err();
        assert!(error.to_string().contains("page 3 came back with the items of the two pages before it"), "{error}");
        assert!(matches!(&error, Error::Decode(d) if d.is_incomplete_list()) && same.next_operation().is_none());
        // A list growing by a page at its head as it is walked (newest first, its `total` rising) gives the
        // same items again and again, under new counts: it is followed.
        let mut growing = Paginator::new(Numbers { page: None });
        for current in 1..=4 {
            let mut answer = numbers(&[1, 2], current, 10);
            answer.pagination.as_mut().unwrap().total = 20 + 2 * current;
            growing.on_page(Ok(answer)).unwrap();
            assert_eq!(drain(&mut growing), [1, 2]);
        }
        // Counts at the edge of u64 end the list instead of overflowing.
        assert_eq!(page(3, u64::MAX, 0, 1, None).next_page(), None);
        assert_eq!(page(3, u64::MAX, 1, 1, Some(u64::MAX)).next_page(), None);
        let mut edge = Paginator::new(Numbers { page: None });
        edge.on_page(Ok(numbers(&[1], u64::MAX - 1, u64::MAX))).unwrap();
        assert_eq!(drain(&mut edge), [1]);
        assert_eq!(edge.next_operation(), Some(Numbers { page: Some(u64::MAX) }));
    }

    #[test]
    fn paginator_stops_on_a_page_without_pagination() {
        let mut pages = Paginator::new(Numbers { page: None });
        pages.on_page(Ok(Page { items: vec![7], pagination: None })).unwrap();
        assert_eq!(drain(&mut pages), [7]);
        assert_eq!(pages.next_operation(), None);
    }

    #[test]
    fn paginator_hands_back_an_error_and_stops_after_it() {
        let mut pages = Paginator::new(Numbers { page: None });
        pages.on_page(Ok(numbers(&[1], 1, 3))).unwrap();
        assert_eq!(drain(&mut pages), [1]);
        let error = pages.on_page(Err(Error::invalid_request("list-numbers", None, "refused"))).unwrap_err();
        assert!(error.to_string().contains("refused"), "{error}");
        assert_eq!(pages.next_item(), None);
        assert_eq!(pages.next_operation(), None);
        assert!(pages.is_done());
    }
}
