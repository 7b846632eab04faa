//! Web origins: where a browser says a request comes from (`Origin`, `Referer`), compared
//! with our public URL's. Used by the server's cross-site request forgery guard.

/// Scheme, host and port, compared without case and with the default port filled in.
#[derive(Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    /// The origin of an absolute http(s) URL; only the part before the path is read, so a
    /// Referer's path cannot make it unparsable. `None` for anything else (`null` too).
    pub fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        let parsed = url::Url::parse(&format!("{scheme}://{authority}/")).ok()?;
        let scheme = parsed.scheme().to_owned();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let host = parsed.host_str().filter(|h| !h.is_empty())?.to_ascii_lowercase();
        Some(Self { port: parsed.port_or_known_default()?, host, scheme })
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// Whether a `Cookie` header's value carries the cookie `name`.
pub fn names_cookie(cookie_header: &str, name: &str) -> bool {
    cookie_header.split(';').any(|pair| pair.split_once('=').is_some_and(|(n, _)| n.trim() == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_without_case_path_or_default_port() {
        let ours = Origin::parse("https://CRM.example.com/base").unwrap();
        for same in ["https://crm.example.com", "https://crm.example.com:443", "HTTPS://crm.example.com/settings?x=1"] {
            assert_eq!(Origin::parse(same).as_ref(), Some(&ours), "{same}");
        }
        for other in ["http://crm.example.com", "https://crm.example.com:8443", "https://evil.example", "https://crm.example.com.evil.example/"] {
            assert_ne!(Origin::parse(other).as_ref(), Some(&ours), "{other}");
        }
        for nothing in ["null", "", "crm.example.com", "ftp://crm.example.com", "https://"] {
            assert_eq!(Origin::parse(nothing), None, "{nothing}");
        }
        assert_eq!(Origin::parse("http://127.0.0.1:3000").unwrap().port, 3000);
        assert_eq!(Origin::parse("http://[::1]:3000/x").unwrap().host, "[::1]");
    }

    #[test]
    fn only_the_named_cookie_counts() {
        assert!(names_cookie("cg_session=abc", "cg_session"));
        assert!(names_cookie("theme=dark; cg_session=abc", "cg_session"));
        assert!(!names_cookie("not_cg_session=abc; theme=cg_session", "cg_session"));
        assert!(!names_cookie("", "cg_session"));
    }
}
