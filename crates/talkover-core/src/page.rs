//! Pages of list results.

use serde::{Deserialize, Serialize};

use crate::envelope::ListEnvelope;
use crate::operation::Operation;

/// Where a page sits in a list, as the API reports it (under `meta` or `pagination`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pagination {
    /// This page's number, from 1.
    pub current_page: u64,
    /// Items per page.
    pub per_page: u64,
    /// Items in the whole list.
    pub total: u64,
    /// The last page's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page: Option<u64>,
    /// The position of this page's first item in the list, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    /// The position of this page's last item in the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
}

/// One page of a list operation's results.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Where this page sits, when the operation paginates.
    pub pagination: Option<Pagination>,
}

impl<T> Page<T> {
    /// The number of the page after this one, if there is one.
    ///
    /// An empty page ends the list whatever the counts say, so a server that miscounts cannot make a
    /// paginator loop forever.
    pub fn next_page(&self) -> Option<u64> {
        let p = self.pagination.as_ref()?;
        if self.items.is_empty() || p.current_page == 0 {
            return None;
        }
        let more = match p.last_page {
            Some(last) => p.current_page < last,
            None => p.current_page.saturating_mul(p.per_page) < p.total,
        };
        more.then(|| p.current_page + 1)
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A list operation that can be asked for a given page, so it can be paginated automatically.
pub trait PagedOperation: Operation<Response = ListEnvelope<Self::Item>> + Clone {
    /// The listed item.
    type Item: serde::de::DeserializeOwned + Serialize;
    /// Asks for page `page` (from 1).
    fn set_page(&mut self, page: u64);
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
        assert_eq!(page(10, 1, 10, 25, Some(3)).next_page(), Some(2));
        assert_eq!(page(5, 3, 10, 25, Some(3)).next_page(), None);
        assert_eq!(page(10, 2, 10, 25, None).next_page(), Some(3));
        assert_eq!(page(5, 3, 10, 25, None).next_page(), None);
        assert_eq!(page(0, 1, 10, 25, Some(3)).next_page(), None);
        assert_eq!(Page::<u8> { items: vec![1], pagination: None }.next_page(), None);
    }
}
