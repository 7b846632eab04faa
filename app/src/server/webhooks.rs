//! Server-side helpers of the webhooks and contacts pages.

use connectgain_domain::{accounts::User, ids::OrgId, outbound::SubscriptionId, Domain};

use super::require_user;
use crate::error::{AppError, ErrorKind};

pub fn subscription_of(raw: &str) -> Result<SubscriptionId, AppError> {
    raw.parse().map_err(|_| AppError::new(ErrorKind::NotFound, "This webhook does not exist."))
}

/// Anyone in an organization, with it.
pub async fn member_org() -> Result<(Domain, OrgId), AppError> {
    member().await.map(|(d, _, org)| (d, org))
}

/// Anyone in an organization: who they are, with it.
pub async fn member() -> Result<(Domain, User, OrgId), AppError> {
    let (d, user) = require_user().await?;
    let org = user.organization_id.ok_or_else(|| AppError::new(ErrorKind::Forbidden, "Contacts belong to an organization; platform admins have none."))?;
    Ok((d, user, org))
}
