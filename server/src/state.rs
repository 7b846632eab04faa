//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use connectgain_domain::Domain;
use leptos::prelude::LeptosOptions;

/// Cloned for every extractor of every request: one atomic increment.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

pub struct Parts {
    pub leptos_options: LeptosOptions,
    pub domain: Domain,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, domain: Domain) -> Self {
        Self(Arc::new(Parts { leptos_options, domain }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
