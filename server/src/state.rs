//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use connectgain_domain::{crypto::KeyRing, Config, Db};
use leptos::prelude::LeptosOptions;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub db: Db,
    pub keys: Arc<KeyRing>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
