//! The SMS provider of a tenant: Twilio, Vonage or AWS SNS, each with its own fields.
//! Switching providers clears the previous provider's credentials.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{given, masked, seal, text, validate};
use crate::{error::FieldErrors, ids::OrgId, on_db, text::rfc3339, Domain, Error};

pub const TWILIO_AUTH_TOKEN: &str = "sms_integrations.twilio_auth_token";
pub const VONAGE_API_SECRET: &str = "sms_integrations.vonage_api_secret";
pub const SNS_SECRET_ACCESS_KEY: &str = "sms_integrations.sns_secret_access_key";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Twilio,
    Vonage,
    AwsSns,
}

impl Provider {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "twilio" => Some(Self::Twilio),
            "vonage" => Some(Self::Vonage),
            "aws_sns" => Some(Self::AwsSns),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Twilio => "twilio",
            Self::Vonage => "vonage",
            Self::AwsSns => "aws_sns",
        }
    }
}

pub use connectgain_types::integrations::{SmsInput, SmsView};

#[derive(Default, sqlx::FromRow)]
pub(crate) struct Stored {
    pub enabled: bool,
    pub provider: String,
    pub twilio_account_sid: Option<String>,
    pub twilio_auth_token: Option<String>,
    pub twilio_phone_number: Option<String>,
    pub twilio_messaging_service_sid: Option<String>,
    pub vonage_api_key: Option<String>,
    pub vonage_api_secret: Option<String>,
    pub vonage_from: Option<String>,
    pub sns_access_key_id: Option<String>,
    pub sns_secret_access_key: Option<String>,
    pub sns_region: Option<String>,
    pub sns_sender_id: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

pub(crate) async fn stored(d: &Domain, org: OrgId) -> Result<Option<Stored>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as(
        "SELECT enabled, provider, twilio_account_sid, twilio_auth_token, twilio_phone_number, twilio_messaging_service_sid, \
         vonage_api_key, vonage_api_secret, vonage_from, sns_access_key_id, sns_secret_access_key, sns_region, sns_sender_id, \
         updated_at FROM sms_integrations WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_optional(pool)
    .await)?)
}

pub async fn get(d: &Domain, org: OrgId) -> Result<Option<SmsView>, Error> {
    stored(d, org).await?.map(|s| view(d, org, s)).transpose()
}

fn view(d: &Domain, org: OrgId, s: Stored) -> Result<SmsView, Error> {
    let mut v = SmsView { enabled: s.enabled, provider: s.provider.clone(), updated_at: s.updated_at.map(rfc3339), ..Default::default() };
    match Provider::parse(&s.provider) {
        Some(Provider::Twilio) => {
            v.account_sid = s.twilio_account_sid;
            v.auth_token = masked(d, org, TWILIO_AUTH_TOKEN, &s.twilio_auth_token)?;
            v.phone_number = s.twilio_phone_number;
            v.messaging_service_sid = s.twilio_messaging_service_sid;
        }
        Some(Provider::Vonage) => {
            v.api_key = s.vonage_api_key;
            v.api_secret = masked(d, org, VONAGE_API_SECRET, &s.vonage_api_secret)?;
            v.from = s.vonage_from;
        }
        Some(Provider::AwsSns) => {
            v.access_key_id = s.sns_access_key_id;
            v.secret_access_key = masked(d, org, SNS_SECRET_ACCESS_KEY, &s.sns_secret_access_key)?;
            v.region = s.sns_region;
            v.sender_id = s.sns_sender_id;
        }
        None => {}
    }
    Ok(v)
}

/// Checks `value` with `check` (recording the error under `field`), or requires it when
/// `required`.
fn check(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<String>,
    required: bool,
    check: impl Fn(&str) -> Result<String, String>,
) -> Option<String> {
    match value {
        Some(v) => match check(&v) {
            Ok(v) => Some(v),
            Err(m) => {
                errors.insert(field, m);
                None
            }
        },
        None => {
            if required {
                errors.insert(field, "Required for this provider.".into());
            }
            None
        }
    }
}

pub async fn put(d: &Domain, org: OrgId, input: &SmsInput) -> Result<SmsView, Error> {
    let mut errors = FieldErrors::new();
    let Some(provider) = Provider::parse(input.provider.trim()) else {
        errors.insert("provider", "Choose twilio, vonage or aws_sns.".into());
        return Err(Error::Invalid(errors));
    };
    // Blank secrets keep the stored ones, but only those of the same provider.
    let old = stored(d, org).await?.filter(|s| s.provider == provider.as_str()).unwrap_or_default();
    let required = input.enabled;
    let mut row = Stored { enabled: input.enabled, provider: provider.as_str().to_owned(), ..Default::default() };
    let secret = |errors: &mut FieldErrors, field: &'static str, column: &'static str, value: &Option<String>, kept: Option<String>| {
        let sealed = match given(value) {
            Some(v) => match validate::token(v, field, 1000) {
                Ok(()) => Some(seal(d, org, column, v)),
                Err(m) => {
                    errors.insert(field, m);
                    None
                }
            },
            None => kept,
        };
        if sealed.is_none() && required && !errors.contains_key(field) {
            errors.insert(field, "Required for this provider.".into());
        }
        sealed
    };
    match provider {
        Provider::Twilio => {
            row.twilio_account_sid =
                check(&mut errors, "accountSid", text(&input.account_sid), required, |v| validate::twilio_sid(v, "AC", "Account SID").map(|_| v.to_owned()));
            row.twilio_auth_token = secret(&mut errors, "authToken", TWILIO_AUTH_TOKEN, &input.auth_token, old.twilio_auth_token);
            row.twilio_phone_number = check(&mut errors, "phoneNumber", text(&input.phone_number), false, validate::e164);
            row.twilio_messaging_service_sid = check(&mut errors, "messagingServiceSid", text(&input.messaging_service_sid), false, |v| {
                validate::twilio_sid(v, "MG", "Messaging Service SID").map(|_| v.to_owned())
            });
            if required && row.twilio_phone_number.is_none() && row.twilio_messaging_service_sid.is_none() && !errors.contains_key("phoneNumber") {
                errors.insert("phoneNumber", "Enter the Twilio phone number (or a Messaging Service SID).".into());
            }
        }
        Provider::Vonage => {
            row.vonage_api_key = check(&mut errors, "apiKey", text(&input.api_key), required, |v| validate::token(v, "API key", 64).map(|_| v.to_owned()));
            row.vonage_api_secret = secret(&mut errors, "apiSecret", VONAGE_API_SECRET, &input.api_secret, old.vonage_api_secret);
            row.vonage_from = check(&mut errors, "from", text(&input.from), required, validate::sender);
        }
        Provider::AwsSns => {
            row.sns_access_key_id =
                check(&mut errors, "accessKeyId", text(&input.access_key_id), required, |v| validate::aws_access_key_id(v).map(|_| v.to_owned()));
            row.sns_secret_access_key = secret(&mut errors, "secretAccessKey", SNS_SECRET_ACCESS_KEY, &input.secret_access_key, old.sns_secret_access_key);
            row.sns_region = check(&mut errors, "region", text(&input.region), required, |v| validate::aws_region(v).map(|_| v.to_owned()));
            row.sns_sender_id = check(&mut errors, "senderId", text(&input.sender_id), false, validate::sender);
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO sms_integrations (organization_id, enabled, provider, twilio_account_sid, twilio_auth_token, \
         twilio_phone_number, twilio_messaging_service_sid, vonage_api_key, vonage_api_secret, vonage_from, \
         sns_access_key_id, sns_secret_access_key, sns_region, sns_sender_id, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (organization_id) DO UPDATE SET enabled = excluded.enabled, provider = excluded.provider, \
         twilio_account_sid = excluded.twilio_account_sid, twilio_auth_token = excluded.twilio_auth_token, \
         twilio_phone_number = excluded.twilio_phone_number, twilio_messaging_service_sid = excluded.twilio_messaging_service_sid, \
         vonage_api_key = excluded.vonage_api_key, vonage_api_secret = excluded.vonage_api_secret, vonage_from = excluded.vonage_from, \
         sns_access_key_id = excluded.sns_access_key_id, sns_secret_access_key = excluded.sns_secret_access_key, \
         sns_region = excluded.sns_region, sns_sender_id = excluded.sns_sender_id, updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(row.enabled)
    .bind(&row.provider)
    .bind(&row.twilio_account_sid)
    .bind(&row.twilio_auth_token)
    .bind(&row.twilio_phone_number)
    .bind(&row.twilio_messaging_service_sid)
    .bind(&row.vonage_api_key)
    .bind(&row.vonage_api_secret)
    .bind(&row.vonage_from)
    .bind(&row.sns_access_key_id)
    .bind(&row.sns_secret_access_key)
    .bind(&row.sns_region)
    .bind(&row.sns_sender_id)
    .bind(Utc::now())
    .execute(pool)
    .await
    .map(|_| ()))?;
    tracing::info!(%org, provider = provider.as_str(), enabled = input.enabled, "SMS configuration saved");
    get(d, org).await?.ok_or(Error::NotFound)
}
