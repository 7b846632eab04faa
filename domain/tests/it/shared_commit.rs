//! The shared commit (`Domain::changes`): concurrent changes commit together, and one that
//! fails takes only itself (and the events it emitted) back.

use std::sync::Arc;

use crate::support::{postgres_enabled, Backend, Fixture};
use connectgain_domain::{
    crm::contacts::{self, ContactId, ContactInput},
    ids::OrgId,
    on_db, on_tx,
    outbound::{
        events::{self, EventType},
        subscriptions::{self, SubscriptionInput},
    },
    Domain, Error,
};
use serde_json::json;
use tokio::sync::Notify;

async fn subscribe_to_everything(f: &Fixture) {
    let input = SubscriptionInput { name: "all".into(), url: "http://127.0.0.1:9/hook".into(), events: vec!["*".into()], ..Default::default() };
    subscriptions::create(&f.d, f.org, &input).await.unwrap();
}

async fn count(d: &Domain, sql: &str, org: OrgId) -> i64 {
    on_db!(&d.db, pool => sqlx::query_scalar(sql).bind(org).fetch_one(pool).await).unwrap()
}

/// The organization's contacts, contact.created events stored, and their deliveries.
async fn stored(d: &Domain, org: OrgId) -> (i64, i64, i64) {
    let contacts = count(d, "SELECT COUNT(*) FROM contacts WHERE organization_id = $1", org).await;
    let events = count(d, "SELECT COUNT(*) FROM outbound_events WHERE organization_id = $1 AND event_type = 'contact.created'", org).await;
    let deliveries = count(d, "SELECT COUNT(*) FROM outbound_deliveries WHERE organization_id = $1 AND event_type = 'contact.created'", org).await;
    (contacts, events, deliveries)
}

fn new_contact(email: &str) -> ContactInput {
    ContactInput { first_name: Some("Ada".into()), email: Some(email.into()), ..Default::default() }
}

/// Writes a contact row and its event in a change; `fail` makes the change answer an error
/// after both were written.
async fn change(d: &Domain, org: OrgId, email: &'static str, fail: bool) -> connectgain_domain::db::Queued<&'static str> {
    d.changes
        .queue(move |tx| {
            Box::pin(async move {
                let id = uuid::Uuid::new_v4();
                on_tx!(tx, conn => sqlx::query(
                    "INSERT INTO contacts (id, organization_id, email, attributes, created_at, updated_at) VALUES ($1, $2, $3, '{}', $4, $4)",
                )
                .bind(id)
                .bind(org)
                .bind(email)
                .bind(chrono::Utc::now())
                .execute(conn)
                .await
                .map(drop))?;
                events::emit(tx, org, EventType::ContactCreated, &json!({"id": id, "email": email})).await?;
                if fail {
                    return Err(Error::Conflict(format!("{email} changed its mind")));
                }
                Ok(email)
            })
        })
        .await
        .unwrap()
}

async fn a_failing_change_takes_back_only_itself_and_its_events(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    subscribe_to_everything(&f).await;
    // Queued before any answer is awaited: on the test's single-threaded runtime the writer
    // has not run yet, so all three are one batch, one transaction.
    let first = change(&f.d, f.org, "first@example.com", false).await;
    let failing = change(&f.d, f.org, "failing@example.com", true).await;
    let last = change(&f.d, f.org, "last@example.com", false).await;
    assert_eq!(first.answer().await.unwrap(), "first@example.com");
    assert!(matches!(failing.answer().await, Err(Error::Conflict(m)) if m == "failing@example.com changed its mind"));
    assert_eq!(last.answer().await.unwrap(), "last@example.com");

    assert_eq!(stored(&f.d, f.org).await, (2, 2, 2), "the failed change's contact and event are gone, its neighbours' kept");
    for email in ["first@example.com", "last@example.com"] {
        assert!(contacts::find_by_email(&f.d, f.org, email).await.unwrap().is_some(), "{email}");
    }
    assert!(contacts::find_by_email(&f.d, f.org, "failing@example.com").await.unwrap().is_none());
}

async fn a_duplicate_email_among_concurrent_creates_is_a_409_for_that_request_alone(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    subscribe_to_everything(&f).await;
    contacts::create(&f.d, f.org, &new_contact("taken@example.com")).await.unwrap();

    // 40 creates at once, one of them with the address already taken and two with the
    // same new address: the later of those two is refused too.
    let mut emails: Vec<String> = (0..37).map(|i| format!("person{i}@example.com")).collect();
    emails.insert(10, "taken@example.com".into());
    emails.insert(20, "twice@example.com".into());
    emails.insert(30, "twice@example.com".into());
    let tasks: Vec<_> = emails
        .iter()
        .map(|email| {
            let (d, org, input) = (f.d.clone(), f.org, new_contact(email));
            tokio::spawn(async move { contacts::create(&d, org, &input).await })
        })
        .collect();
    let mut refused = Vec::new();
    for (email, task) in emails.iter().zip(tasks) {
        match task.await.unwrap() {
            Ok(contact) => assert_eq!(contact.email.as_deref(), Some(email.as_str())),
            Err(Error::Conflict(message)) => refused.push((email.clone(), message)),
            Err(other) => panic!("{email}: {other:?}"),
        }
    }
    refused.sort();
    assert_eq!(
        refused,
        vec![
            ("taken@example.com".into(), "A contact with the e-mail taken@example.com already exists.".into()),
            ("twice@example.com".into(), "A contact with the e-mail twice@example.com already exists.".into()),
        ]
    );
    // The first contact, and 38 of the 40: each with its one event and delivery.
    assert_eq!(stored(&f.d, f.org).await, (39, 39, 39));
}

async fn changes_stay_within_their_organization(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let other = f.other_org().await;
    let mine = contacts::create(&f.d, f.org, &new_contact("ada@example.com")).await.unwrap();
    // The same address in another organization is a different person.
    let theirs = contacts::create(&f.d, other, &new_contact("ada@example.com")).await.unwrap();
    assert_ne!(mine.id, theirs.id);
    let update = ContactInput { first_name: Some("Eve".into()), ..Default::default() };
    assert!(matches!(contacts::update(&f.d, other, mine.id, &update).await, Err(Error::NotFound)));
    assert!(matches!(contacts::delete(&f.d, other, mine.id).await, Err(Error::NotFound)));
    assert_eq!(contacts::get(&f.d, f.org, mine.id).await.unwrap().first_name.as_deref(), Some("Ada"));
}

async fn concurrent_updates_of_one_contact_keep_every_field(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let mut people = Vec::new();
    for i in 0..30 {
        people.push(contacts::create(&f.d, f.org, &new_contact(&format!("p{i}@example.com"))).await.unwrap().id);
    }
    // Three updates of different fields per contact at once: on PostgreSQL they may run in
    // batches of different writers side by side, and none may overwrite another's field.
    let mut tasks = Vec::new();
    for (i, id) in people.iter().enumerate() {
        for input in [
            ContactInput { first_name: Some(format!("First{i}")), ..Default::default() },
            ContactInput { last_name: Some(format!("Last{i}")), ..Default::default() },
            ContactInput { phone: Some(format!("+1415555{i:04}")), ..Default::default() },
        ] {
            let (d, org, id) = (f.d.clone(), f.org, *id);
            tasks.push(tokio::spawn(async move { contacts::update(&d, org, id, &input).await }));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for (i, id) in people.iter().enumerate() {
        let c = contacts::get(&f.d, f.org, *id).await.unwrap();
        let expected = (Some(format!("First{i}")), Some(format!("Last{i}")), Some(format!("+1415555{i:04}")));
        assert_eq!((c.first_name, c.last_name, c.phone), expected);
    }
}

/// Locks `first`, waits, then locks `second`, in a change (telling `locked` once it holds
/// `first`); answers which it was.
async fn lock_both(d: &Domain, first: ContactId, second: ContactId, locked: Arc<Notify>) -> Result<&'static str, Error> {
    d.changes
        .run(move |tx| {
            let locked = locked.clone();
            Box::pin(async move {
                let lock = "SELECT id FROM contacts WHERE id = $1 FOR UPDATE";
                on_tx!(tx, conn => sqlx::query(lock).bind(first).execute(conn).await.map(drop))?;
                locked.notify_one();
                on_tx!(tx, conn => sqlx::query("SELECT pg_sleep(0.3)").execute(conn).await.map(drop))?;
                on_tx!(tx, conn => sqlx::query(lock).bind(second).execute(conn).await.map(drop))?;
                Ok("locked both")
            })
        })
        .await
}

/// Two batches of PostgreSQL's writers lock two rows in opposite orders: PostgreSQL fails one
/// as a deadlock's victim, and its batch runs again once the other has committed, so both
/// requests succeed (they used to answer an internal error). One writer on SQLite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_deadlock_victim_runs_again() {
    if !postgres_enabled() {
        return;
    }
    let f = Fixture::new(Backend::Postgres, &[]).await;
    let a = contacts::create(&f.d, f.org, &new_contact("a@example.com")).await.unwrap().id;
    let b = contacts::create(&f.d, f.org, &new_contact("b@example.com")).await.unwrap().id;
    // The second change is queued only once the first holds its row, so another writer
    // takes it, in a transaction of its own.
    let (locked_a, locked_b) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let d = f.d.clone();
    let (signal, held) = (locked_a.clone(), locked_a.clone());
    let first = tokio::spawn(async move { lock_both(&d, a, b, signal).await });
    held.notified().await;
    let second = lock_both(&f.d, b, a, locked_b).await;
    assert_eq!(first.await.unwrap().unwrap(), "locked both");
    assert_eq!(second.unwrap(), "locked both");
}

backend_tests!(
    concurrent_updates_of_one_contact_keep_every_field,
    a_failing_change_takes_back_only_itself_and_its_events,
    a_duplicate_email_among_concurrent_creates_is_a_409_for_that_request_alone,
    changes_stay_within_their_organization,
);
