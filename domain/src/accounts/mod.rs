//! Users, organizations' members, logins, API tokens and invitations.

pub mod admins;
pub mod api_keys;
pub mod fields;
pub mod invitations;
pub mod login;
pub mod login_limiter;
pub mod members;
pub mod password;
pub mod signup;
pub mod tokens;
pub mod users;

pub use users::{Role, User};
