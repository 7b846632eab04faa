//! Account input, parsed once into types that are valid by construction.

use secrecy::{ExposeSecret, SecretString};

/// A lower-cased e-mail address of a plausible shape (`local@domain.tld`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your e-mail address.".into());
        }
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            });
        if valid {
            Ok(Self(email))
        } else {
            Err("Enter an e-mail address such as name@example.com.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN_CHARS: usize = 8;
const PASSWORD_MAX_BYTES: usize = 1024;

/// A new password: at least 8 characters. Never printed.
pub struct Password(SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.chars().count() < PASSWORD_MIN_CHARS {
            return Err(format!("Use at least {PASSWORD_MIN_CHARS} characters."));
        }
        if raw.len() > PASSWORD_MAX_BYTES {
            return Err(format!("Use at most {PASSWORD_MAX_BYTES} characters."));
        }
        Ok(Self(SecretString::from(raw)))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// A phone number in E.164 form: `+`, a country code not starting with 0, 8 to 15 digits
/// in all. Spaces, dashes, dots and parentheses typed around the digits are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct E164Phone(String);

impl E164Phone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        let valid = digits.len() >= 8 && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
        if valid {
            Ok(Self(compact))
        } else {
            Err("Enter the number in international form, such as +201001383533.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trimmed, non-empty name of bounded length (people and organizations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str, what: &str, max: usize) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(format!("Enter the {what}."));
        }
        if name.chars().count() > max {
            return Err(format!("Keep the {what} under {max} characters."));
        }
        if name.chars().any(char::is_control) {
            return Err(format!("The {what} cannot contain control characters."));
        }
        Ok(Self(name.to_owned()))
    }

    /// An optional name: blank means absent.
    pub fn parse_optional(raw: Option<&str>, what: &str, max: usize) -> Result<Option<Self>, String> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Self::parse(s, what, max).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ana@Example.COM ").unwrap().as_str(), "ana@example.com");
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in ["", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "a na@example.com", "ana@.example.com", "ana@example..com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(!format!("{:?}", Password::parse("hunter2hunter2").unwrap()).contains("hunter2"));
    }

    #[test]
    fn phones_must_be_e164() {
        assert_eq!(E164Phone::parse("+20 100 138-3533").unwrap().as_str(), "+201001383533");
        for bad in ["201001383533", "+0123456789", "+12", "+1234567890123456", "+2010a1383533", ""] {
            assert!(E164Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Acme  ", "organization name", 100).unwrap().as_str(), "Acme");
        assert!(Name::parse("   ", "organization name", 100).is_err());
        assert!(Name::parse(&"x".repeat(101), "organization name", 100).is_err());
        assert_eq!(Name::parse_optional(Some("  "), "first name", 100).unwrap(), None);
    }
}
