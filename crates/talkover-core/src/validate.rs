//! Checks of the bounds the reference documents, run before a request is sent.

use crate::error::Error;

/// Fails when `value` has fewer than `min` or more than `max` characters.
pub fn length(operation: &'static str, field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let count = value.chars().count();
    if count < min || count > max {
        return Err(Error::invalid_request(
            operation,
            Some(field),
            format!("must be {min} to {max} characters long, got {count}"),
        ));
    }
    Ok(())
}

/// Fails when `value` lies outside `min..=max`.
pub fn range<T: PartialOrd + std::fmt::Display>(
    operation: &'static str,
    field: &str,
    value: T,
    min: T,
    max: T,
) -> Result<(), Error> {
    // Written so that NaN fails too.
    if !(value >= min && value <= max) {
        return Err(Error::invalid_request(
            operation,
            Some(field),
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(())
}

/// Checks a list's pagination: `per_page` 1 to 100 (the bound every list page documents) and `page` from 1.
pub fn pagination(operation: &'static str, per_page: Option<u32>, page: Option<u64>) -> Result<(), Error> {
    optional(per_page, |n| range(operation, "per_page", n, 1, 100))?;
    optional(page, |n| range(operation, "page", n, 1, u64::MAX))
}

/// Applies `check` to an optional value.
pub fn optional<T>(value: Option<T>, check: impl FnOnce(T) -> Result<(), Error>) -> Result<(), Error> {
    value.map_or(Ok(()), check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_field() {
        assert!(length("x", "name", "abc", 1, 3).is_ok());
        let err = length("x", "name", "abcd", 1, 3).unwrap_err();
        assert!(err.to_string().contains("`name`"), "{err}");
        assert!(range("x", "delay_seconds", 3600, 0, 3600).is_ok());
        assert!(range("x", "delay_seconds", 3601, 0, 3600).is_err());
        assert!(range("x", "speed", f64::NAN, 0.1, 3.0).is_err());
        assert!(optional(None::<u32>, |v| range("x", "y", v, 0, 1)).is_ok());
        assert!(pagination("x", Some(100), Some(1)).is_ok());
        assert!(pagination("x", Some(101), None).unwrap_err().to_string().contains("`per_page`"));
        assert!(pagination("x", None, Some(0)).unwrap_err().to_string().contains("`page`"));
    }
}
