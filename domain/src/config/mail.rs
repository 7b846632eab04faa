//! Mail to organizations' owners (endpoint health notices).

use secrecy::SecretString;

use super::ConfigError;

/// Where mail goes out; without it, owners see notices on the pages only.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `CONNECTGAIN_SMTP_URL` (`smtp://127.0.0.1:2525`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`): may hold a password, so it never prints.
    pub smtp_url: SecretString,
    /// `CONNECTGAIN_MAIL_FROM` (`ConnectGain <alerts@example.com>`).
    pub from: String,
}

impl MailConfig {
    /// `None` when `CONNECTGAIN_SMTP_URL` is unset; the URL and the sender are checked here,
    /// so a typo stops the start instead of every mail.
    pub(super) fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, ConfigError> {
        let Some(url) = get("CONNECTGAIN_SMTP_URL") else {
            return Ok(None);
        };
        let url = SecretString::from(url);
        crate::mail::transport(&url).map_err(|m| ConfigError::new("CONNECTGAIN_SMTP_URL", m))?;
        let from = get("CONNECTGAIN_MAIL_FROM").ok_or_else(|| ConfigError::new("CONNECTGAIN_MAIL_FROM", "is needed with CONNECTGAIN_SMTP_URL"))?;
        from.parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError::new("CONNECTGAIN_MAIL_FROM", format!("`{from}` is not an address such as ConnectGain <alerts@example.com>: {e}")))?;
        Ok(Some(Self { smtp_url: url, from }))
    }
}
