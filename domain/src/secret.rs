//! Secret values in memory and their masked form for display.
//!
//! `SecretString` (from `secrecy`) implements neither `Serialize` nor a revealing `Debug`,
//! so a secret cannot reach a client response or a log line by accident; reading it takes an
//! explicit `expose_secret()`.

pub use secrecy::{ExposeSecret, SecretBox, SecretString};

/// Secrets at least this long show their ends when masked; shorter ones are hidden whole.
const MASK_MIN_LEN: usize = 24;
const MASK_HEAD: usize = 10;
const MASK_TAIL: usize = 6;
const FULL_MASK: &str = "********";

/// The form of a secret that may be shown to its owner: the first 10 and last 6 characters
/// around `***` (`EAATestAcc***456789`), or a fixed mask when the secret is too short for
/// its ends to leave most of it hidden.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < MASK_MIN_LEN {
        return FULL_MASK.to_owned();
    }
    let head: String = chars[..MASK_HEAD].iter().collect();
    let tail: String = chars[chars.len() - MASK_TAIL..].iter().collect();
    format!("{head}***{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_secret_shows_first_ten_and_last_six() {
        assert_eq!(mask("EAATestAccessToken0123456789"), "EAATestAcc***456789");
    }

    #[test]
    fn short_secret_is_fully_masked() {
        assert_eq!(mask("short-secret"), "********");
        assert_eq!(mask("abcdefghijklmnopqrstuvw"), "********"); // 23 characters
        assert_eq!(mask(""), "********");
    }

    #[test]
    fn masking_counts_characters_not_bytes() {
        let secret = "ééééééééééééééééééééééééé"; // 25 two-byte characters
        assert_eq!(mask(secret), "éééééééééé***éééééé");
    }

    #[test]
    fn secret_string_debug_does_not_reveal_the_value() {
        let secret = SecretString::from("hunter2-super-secret");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
