//! Shapes of provider identifiers, checked before anything is stored.

use crate::accounts::fields::E164Phone;

pub fn digits(value: &str, what: &str) -> Result<(), String> {
    if !value.is_empty() && value.len() <= 30 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("A {what} is a number of up to 30 digits, as shown in Meta's WhatsApp Manager."))
    }
}

pub fn e164(value: &str) -> Result<String, String> {
    E164Phone::parse(value).map(|p| p.as_str().to_owned())
}

/// `AC` or `MG` (etc.) followed by 32 hexadecimal digits, Twilio's SID shape.
pub fn twilio_sid(value: &str, prefix: &str, what: &str) -> Result<(), String> {
    let ok = value.len() == 34 && value.starts_with(prefix) && value[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(format!("A Twilio {what} is {prefix} followed by 32 hexadecimal characters."))
    }
}

/// A sender: an E.164 number, or an alphanumeric sender id of 1 to 11 characters.
pub fn sender(value: &str) -> Result<String, String> {
    if value.starts_with('+') {
        return e164(value);
    }
    let ok = !value.is_empty()
        && value.len() <= 11
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && value.bytes().any(|b| b.is_ascii_alphabetic());
    if ok {
        Ok(value.to_owned())
    } else {
        Err("Use a number in international form (+…) or a sender name of 1 to 11 letters and digits.".into())
    }
}

/// An AWS region name such as `us-east-1` or `us-gov-west-1`.
pub fn aws_region(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.split('-').collect();
    let ok = parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if ok {
        Ok(())
    } else {
        Err("Use an AWS region name such as us-east-1.".into())
    }
}

/// An AWS access key id: `AKIA` or `ASIA` and 16 more capital letters or digits.
pub fn aws_access_key_id(value: &str) -> Result<(), String> {
    let ok =
        value.len() == 20 && (value.starts_with("AKIA") || value.starts_with("ASIA")) && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err("An AWS access key ID is 20 characters starting with AKIA or ASIA.".into())
    }
}

/// A single token without spaces, of bounded length (API keys, secrets).
pub fn token(value: &str, what: &str, max: usize) -> Result<(), String> {
    if !value.is_empty() && value.len() <= max && !value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(())
    } else {
        Err(format!("The {what} is a single word of at most {max} characters."))
    }
}

/// An absolute http(s) URL.
pub fn http_url(value: &str) -> Result<String, String> {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !value.contains(char::is_whitespace) => Ok(value.trim_end_matches('/').to_owned()),
        _ => Err("Enter a full URL starting with https:// or http://.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(digits("123456789", "x").is_ok() && digits("12a", "x").is_err() && digits("", "x").is_err());
        assert!(twilio_sid(&format!("AC{}", "a1".repeat(16)), "AC", "Account SID").is_ok());
        assert!(twilio_sid("AC123", "AC", "Account SID").is_err());
        assert!(twilio_sid(&format!("MG{}", "0".repeat(32)), "AC", "Account SID").is_err());
        assert_eq!(sender("ConnectGain").unwrap(), "ConnectGain");
        assert!(sender("TooLongSenderName").is_err() && sender("12345").is_err());
        assert!(aws_region("us-east-1").is_ok() && aws_region("us-gov-west-1").is_ok() && aws_region("mars").is_err());
        assert!(aws_access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok() && aws_access_key_id("akiaiosfodnn7example").is_err());
        assert_eq!(http_url("https://n8n.example.com/webhook/").unwrap(), "https://n8n.example.com/webhook");
        assert!(http_url("ftp://x").is_err() && http_url("https:///x").is_err());
    }
}
