pub mod admin;
pub mod appgain_status;
pub mod error_page;
pub mod form;
pub mod layout;
pub mod members;
pub mod status;
