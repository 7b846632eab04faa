pub mod campaigns;
pub mod dashboard;
pub mod home;
pub mod invite;
pub mod login;
pub mod not_found;
pub mod settings;
pub mod signup;
