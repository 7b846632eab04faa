//! Pages that follow changes made elsewhere (a message arriving, a delivery attempted)
//! without a reload: they poll, which holds across any number of server instances.

use std::time::Duration;

use leptos::prelude::*;

/// A count that goes up every `every` in the browser (never on the server, which renders
/// the first state): a resource whose source reads it loads again each time, and a
/// "Refresh" button can bump it too.
pub fn ticks(every: Duration) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), every) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}
