//! Small text helpers shared by the domain and the server side of the app.

/// Percent-encodes everything but RFC 3986's unreserved characters, for a URL path segment
/// or query value.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A time as the API writes it everywhere: RFC 3339 in UTC with as many fraction digits as
/// it has (`2026-11-22T21:05:09.123Z`), the same text serde gives a `DateTime<Utc>`.
pub fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_stay_as_they_are() {
        assert_eq!(percent_encode("abc-1_2.~"), "abc-1_2.~");
        assert_eq!(percent_encode("a/b?c d"), "a%2Fb%3Fc%20d");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}
