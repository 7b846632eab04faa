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
