//! The deals board: a column per stage with its count and sums, a card per deal. A card
//! moves to another column by drag and drop, or by its "Move to" control (keyboard and
//! no-JavaScript alike: a plain form). A form above adds a deal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        form::{form_error, Field, FormAlert},
        status::LoadFailed,
    },
    functions::deals::{get_board, CreateDeal, MoveDeal},
    models::deals::{stage_label, Board, DealCard, StageColumn, STAGES},
};

#[component]
pub fn DealsPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateDeal>::new();
    let move_deal = ServerAction::<MoveDeal>::new();
    let page_of = move || query.with(|q| (q.get("stage"), q.get("cursor")));
    let board = Resource::new(move || (page_of(), create.version().get(), move_deal.version().get()), |((stage, cursor), _, _)| get_board(stage, cursor));
    let moved = Signal::derive(move || matches!(move_deal.value().get(), Some(Ok(()))) || query.with(|q| q.get("moved").is_some()));
    let move_error = form_error(move_deal.value().into());
    view! {
        <Title text="Deals"/>
        <section class="deals">
            <h1>"Deals"</h1>
            <NewDeal create/>
            <div aria-live="polite">
                {move || moved.get().then(|| view! { <div class="alert alert-ok" role="status">"The deal was moved."</div> })}
            </div>
            <FormAlert error=move_error/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(board) => view! { <BoardView board move_deal/> }.into_any(),
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewDeal(create: ServerAction<CreateDeal>) -> impl IntoView {
    let query = use_query_map();
    let error = form_error(create.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let created = Signal::derive(move || matches!(create.value().get(), Some(Ok(_))) || query.with(|q| q.get("created").is_some()));
    view! {
        <div class="panel">
            <h2>"Add a deal"</h2>
            <FormAlert error=general/>
            {move || created.get().then(|| view! { <div class="alert alert-ok" role="status">"Deal added."</div> })}
            <ActionForm action=create attr:class="form">
                <div class="field-row">
                    <Field name="title" label="Title" required=true error/>
                    <Field name="contact" label="Contact" placeholder="E-mail address or phone number" error/>
                </div>
                <div class="field-row">
                    <Field name="amount" label="Amount" placeholder="1,200.50" error/>
                    <Field name="currency" label="Currency" value=Some("USD".to_owned()) error/>
                    <div class="field">
                        <label for="field-stage">"Stage"</label>
                        <select id="field-stage" name="stage">
                            {STAGES.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Add deal"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn BoardView(board: Board, move_deal: ServerAction<MoveDeal>) -> impl IntoView {
    // The card being dragged (its id and stage), for the column it is dropped on.
    let dragging = RwSignal::new(None::<(String, String)>);
    let empty = board.is_empty();
    view! {
        {empty.then(|| view! {
            <p class="muted empty-board">"No deals yet. Add one above, or create them through the API ("<code>"POST /api/deals"</code>")."</p>
        })}
        <div class="board">
            {board.columns.into_iter().map(|column| view! { <Column column dragging move_deal/> }).collect_view()}
        </div>
    }
}

#[component]
fn Column(column: StageColumn, dragging: RwSignal<Option<(String, String)>>, move_deal: ServerAction<MoveDeal>) -> impl IntoView {
    let stage = column.stage.clone();
    let (heading, labelled_by) = (format!("stage-{stage}"), format!("stage-{stage}"));
    let over = RwSignal::new(false);
    let drop_stage = stage.clone();
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some((id, from)) = dragging.get_untracked() {
            dragging.set(None);
            if from != drop_stage {
                move_deal.dispatch(MoveDeal { id, stage: drop_stage.clone() });
            }
        }
    };
    let totals = if column.totals.is_empty() { "Nothing yet".to_owned() } else { column.totals.join(" · ") };
    view! {
        <section class="board-column" class:drop-target=move || over.get() aria-labelledby=labelled_by
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <header class="column-head">
                <h2 id=heading>{stage_label(&stage).to_owned()}" "<span class="badge">{column.count}</span></h2>
                <p class="column-total">{totals}</p>
            </header>
            {if column.cards.is_empty() {
                view! { <p class="muted">"No deals at this stage."</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {column.cards.into_iter().map(|card| view! { <Card card dragging move_deal/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {column.cursor.is_some().then(|| view! { <a class="small" href="/deals">"Back to the newest"</a> })}
            {column.next_cursor.map(|cursor| {
                // A cursor is a time and an id: nothing in it needs encoding in a query.
                let href = format!("/deals?stage={stage}&cursor={cursor}");
                view! { <a class="button secondary small" href=href>{format!("Show more {}", stage_label(&stage).to_lowercase())}</a> }
            })}
        </section>
    }
}

#[component]
fn Card(card: DealCard, dragging: RwSignal<Option<(String, String)>>, move_deal: ServerAction<MoveDeal>) -> impl IntoView {
    let select = format!("move-{}", card.id);
    let (id, stage) = (card.id.clone(), card.stage.clone());
    let on_drag = move |ev: leptos::ev::DragEvent| {
        if let Some(data) = ev.data_transfer() {
            // Some browsers start a drag only with data set.
            let _ = data.set_data("text/plain", &id);
        }
        dragging.set(Some((id.clone(), stage.clone())));
    };
    view! {
        <li class="deal-card" draggable="true" on:dragstart=on_drag on:dragend=move |_| dragging.set(None)>
            <a class="card-title" href=format!("/deals/{}", card.id)>{card.title.clone()}</a>
            <p class="card-value">{card.value.clone()}</p>
            {card.contact.clone().map(|name| view! { <p class="muted small">{name}</p> })}
            <ActionForm action=move_deal attr:class="card-move">
                <input type="hidden" name="id" value=card.id.clone()/>
                <label for=select.clone()>"Move"<span class="visually-hidden">{format!(" {}", card.title)}</span>" to"</label>
                <select id=select name="stage">
                    {STAGES.iter().map(|(value, label)| view! {
                        <option value=*value selected=*value == card.stage>{*label}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button secondary small" aria-label=format!("Move {}", card.title)>"Move"</button>
            </ActionForm>
        </li>
    }
}
