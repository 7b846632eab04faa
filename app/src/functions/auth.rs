//! Signup, login, logout and the current viewer.

use leptos::prelude::*;

use crate::{error::AppError, models::Viewer};

#[cfg(feature = "ssr")]
use crate::server::{client_address, domain, form_failed, redirect, session, session_handle};

/// The logged-in user, or `None`.
#[server(endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    let d = domain()?;
    let session = session_handle().await?;
    let Some(user) = session::current_user(&session, &d).await? else { return Ok(None) };
    Ok(Some(crate::server::views::viewer(&d, &user, false).await?))
}

#[server(endpoint = "signup")]
pub async fn signup(
    email: String,
    password: String,
    organization_name: String,
    #[server(default)] first_name: Option<String>,
    #[server(default)] last_name: Option<String>,
    #[server(default)] phone: Option<String>,
) -> Result<(), AppError> {
    use connectgain_domain::accounts::signup::{self as domain_signup, Signup, SignupForm};
    let d = domain()?;
    let form = SignupForm { email, password, organization_name, first_name, last_name, phone };
    let outcome = async {
        let parsed = Signup::parse(&form)?;
        domain_signup::signup(&d, parsed, client_address(&d)).await
    }
    .await
    .map_err(|e| form_failed("/signup", e.into()))?;
    let session = session_handle().await?;
    session::log_in(&session, &d, &outcome.user).await?;
    redirect("/dashboard?welcome=1");
    Ok(())
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use connectgain_domain::accounts::login::check_password;
    let d = domain()?;
    let client = client_address(&d).map(|ip| ip.to_string());
    let user = check_password(&d, &email, &secrecy::SecretString::from(password), client.as_deref()).await.map_err(|e| form_failed("/login", e.into()))?;
    let session = session_handle().await?;
    session::log_in(&session, &d, &user).await?;
    redirect("/dashboard");
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = session_handle().await?;
    session::log_out(&session).await?;
    redirect("/");
    Ok(())
}
