//! What the CRM workspace's pages read: the deals board's columns and sums, the inbox in
//! order of activity with its filters and pages, a deal's form resolved into input, and a
//! contact that must stay someone a person can name or reach.

use crate::support::{user, Backend, Fixture};
use connectgain_domain::{
    accounts::Role,
    crm::{
        contacts::{self, ContactInput},
        conversations::{self, Assignee, ConversationFilter, ConversationInput, ConversationStatus, MessageInput},
        deals::{self, DealFilter, DealForm, DealInput, Stage},
    },
    ids::{OrgId, UserId},
    Domain, Error,
};

backend_tests!(
    board_columns_and_sums,
    inbox_by_activity_filters_and_pages,
    deal_form_names_the_contact_and_the_amount,
    a_contact_keeps_a_name_or_a_way_to_reach_it
);

async fn deal(d: &Domain, org: OrgId, title: &str, cents: i64, currency: &str, stage: &str) -> deals::Deal {
    let input =
        DealInput { title: Some(title.into()), value_cents: Some(cents), currency: Some(currency.into()), stage: Some(stage.into()), ..Default::default() };
    deals::create(d, org, &input).await.unwrap()
}

async fn board_columns_and_sums(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let (d, org) = (&f.d, f.org);
    deal(d, org, "A", 100_000, "USD", "won").await;
    deal(d, org, "B", 50_050, "USD", "won").await;
    deal(d, org, "C", 7_000, "EUR", "won").await;
    deal(d, org, "D", 999, "USD", "lead").await;
    deal(&f.d, f.other_org().await, "Theirs", 1, "USD", "won").await;

    let totals = deals::totals(d, org).await.unwrap();
    let got: Vec<_> = totals.iter().map(|t| (t.stage, t.currency.as_str(), t.count, t.value_cents)).collect();
    assert_eq!(
        got,
        [(Stage::Lead, "USD", 1, 999), (Stage::Won, "EUR", 1, 7_000), (Stage::Won, "USD", 2, 150_050)],
        "per stage in pipeline order, per currency"
    );

    let won = deals::list(d, org, &DealFilter { stage: Some(Stage::Won), contact: None }, None, Some(2)).await.unwrap();
    assert_eq!(won.data.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["C", "B"]);
    let rest = deals::list(d, org, &DealFilter { stage: Some(Stage::Won), contact: None }, won.next_cursor.as_deref(), Some(2)).await.unwrap();
    assert_eq!((rest.data.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), rest.next_cursor), (vec!["A"], None));
    assert!(matches!(deals::stage_filter(Some("WON")), Ok(Some(Stage::Won))));
    assert!(matches!(deals::stage_filter(Some(" ")), Ok(None)));
    assert!(matches!(deals::stage_filter(Some("closed")), Err(Error::Invalid(f)) if f.contains_key("stage")));
}

async fn inbox_by_activity_filters_and_pages(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let (d, org) = (&f.d, f.org);
    let me = user(d, org, "me@acme.io", Role::Member).await;
    let ada =
        contacts::create(d, org, &ContactInput { first_name: Some("Ada".into()), phone: Some("+15551230001".into()), ..Default::default() }).await.unwrap();
    let bob = contacts::create(d, org, &ContactInput { email: Some("bob@example.com".into()), ..Default::default() }).await.unwrap();
    let open = |contact: &contacts::Contact, channel: &str, assigned: Option<UserId>| ConversationInput {
        contact_id: Some(contact.id.to_string()),
        channel: Some(channel.into()),
        assigned_to: assigned.map(|u| u.to_string()),
        ..Default::default()
    };
    let first = conversations::create(d, org, &open(&ada, "whatsapp", Some(me))).await.unwrap();
    let second = conversations::create(d, org, &open(&bob, "sms", None)).await.unwrap();
    let third = conversations::create(d, org, &open(&ada, "sms", None)).await.unwrap();
    conversations::set_status(d, org, third.id, "closed").await.unwrap();

    let say = |direction: &str, body: &str| MessageInput { direction: Some(direction.into()), body: Some(body.into()), ..Default::default() };
    conversations::record_message(d, org, first.id, &say("inbound", "Hello, is the plan still on?")).await.unwrap();
    let inbox = |filter: ConversationFilter| async move { conversations::inbox(d, org, &filter, None, None).await.unwrap().data };

    // A message makes the oldest conversation the most recent.
    let all = inbox(ConversationFilter::default()).await;
    assert_eq!(all.iter().map(|e| e.conversation.id).collect::<Vec<_>>(), [first.id, third.id, second.id]);
    assert_eq!(
        (all[0].contact_name.as_deref(), all[0].last_message.as_deref(), all[0].last_was_outbound()),
        (Some("Ada"), Some("Hello, is the plan still on?"), false)
    );
    assert_eq!((all[2].contact_name.as_deref(), all[2].last_message.as_deref()), (Some("bob@example.com"), None), "named by the address without a name");
    conversations::record_message(d, org, second.id, &say("outbound", "On it")).await.unwrap();
    let all = inbox(ConversationFilter::default()).await;
    assert_eq!((all[0].conversation.id, all[0].last_was_outbound()), (second.id, true));

    let ids = |entries: Vec<conversations::InboxEntry>| entries.into_iter().map(|e| e.conversation.id).collect::<Vec<_>>();
    let open_only = ConversationFilter { status: Some(ConversationStatus::Open), ..Default::default() };
    assert_eq!(ids(inbox(open_only).await), [second.id, first.id]);
    let closed = ConversationFilter::parse(Some("closed"), None, None, None).unwrap();
    assert_eq!(ids(inbox(closed).await), [third.id]);
    let sms = ConversationFilter::parse(None, Some("SMS"), None, None).unwrap();
    assert_eq!(ids(inbox(sms).await), [second.id, third.id]);
    let mine = ConversationFilter::parse(Some("open"), None, Some("me"), Some(me)).unwrap();
    assert_eq!((mine.assigned, ids(inbox(mine).await)), (Assignee::Person(me), vec![first.id]));
    let nobody = ConversationFilter::parse(None, None, Some("none"), None).unwrap();
    assert_eq!(ids(inbox(nobody).await), [second.id, third.id]);
    for (status, channel, assigned) in [(Some("pending"), None, None), (None, Some("fax"), None), (None, None, Some("me")), (None, None, Some("someone"))] {
        let refused = ConversationFilter::parse(status, channel, assigned, None);
        assert!(matches!(refused, Err(Error::Invalid(_))), "{status:?} {channel:?} {assigned:?}");
    }
    // The API's list takes the same filter, newest created first.
    let listed = conversations::list(d, org, &ConversationFilter::parse(None, Some("sms"), None, None).unwrap(), None, None).await.unwrap();
    assert_eq!(listed.data.iter().map(|c| c.id).collect::<Vec<_>>(), [third.id, second.id]);

    // Pages neither overlap nor skip, and other organizations' conversations never show.
    let other = f.other_org().await;
    conversations::create(d, other, &ConversationInput { channel: Some("web".into()), ..Default::default() }).await.unwrap();
    let page = conversations::inbox(d, org, &ConversationFilter::default(), None, Some(2)).await.unwrap();
    let next = conversations::inbox(d, org, &ConversationFilter::default(), page.next_cursor.as_deref(), Some(2)).await.unwrap();
    assert_eq!((ids(page.data), ids(next.data), next.next_cursor), (vec![second.id, first.id], vec![third.id], None));
}

async fn deal_form_names_the_contact_and_the_amount(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let (d, org) = (&f.d, f.org);
    let ada = contacts::create(d, org, &ContactInput { email: Some("ada@engines.io".into()), phone: Some("+44 20 7946 0958".into()), ..Default::default() })
        .await
        .unwrap();
    let form = |amount: &str, currency: &str, contact: &str| DealForm {
        title: "Engine".into(),
        amount: amount.into(),
        currency: currency.into(),
        stage: "proposal".into(),
        contact: contact.into(),
        assigned_to: None,
    };
    for by in ["ADA@engines.io", "+442079460958", &ada.id.to_string()] {
        let input = form("1,200.50", "gbp", by).input(d, org).await.unwrap();
        assert_eq!((input.contact_id, input.value_cents, input.currency.as_deref()), (Some(ada.id.to_string()), Some(120_050), Some("GBP")), "{by}");
    }
    let made = deals::create(d, org, &form("1500", "JPY", "").input(d, org).await.unwrap()).await.unwrap();
    assert_eq!((made.value_cents, made.stage, made.contact_id), (1_500, Stage::Proposal, None));
    let Err(Error::Invalid(fields)) = form("12.345", "USD", "nobody@example.com").input(d, org).await else { panic!("refused") };
    assert!(fields.contains_key("amount") && fields.contains_key("contact"), "{fields:?}");
    let theirs = contacts::create(d, f.other_org().await, &ContactInput { email: Some("x@other.io".into()), ..Default::default() }).await.unwrap();
    assert!(form("1", "USD", &theirs.id.to_string()).input(d, org).await.is_err(), "another organization's contact is no one here");
}

async fn a_contact_keeps_a_name_or_a_way_to_reach_it(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let (d, org) = (&f.d, f.org);
    let c =
        contacts::create(d, org, &ContactInput { first_name: Some("Ada".into()), email: Some("ada@engines.io".into()), ..Default::default() }).await.unwrap();
    let blank = ContactInput {
        first_name: Some(" ".into()),
        last_name: Some(String::new()),
        email: Some(String::new()),
        phone: Some(String::new()),
        ..Default::default()
    };
    // As stored (PostgreSQL keeps microseconds of the times the change made).
    let stored = contacts::get(d, org, c.id).await.unwrap();
    assert!(matches!(contacts::update(d, org, c.id, &blank).await, Err(Error::Invalid(f)) if f.contains_key("email")));
    assert_eq!(contacts::get(d, org, c.id).await.unwrap(), stored, "nothing was changed");
    let renamed = contacts::update(d, org, c.id, &ContactInput { first_name: Some(String::new()), ..Default::default() }).await.unwrap();
    assert_eq!((renamed.display_name(), renamed.first_name), ("ada@engines.io".to_owned(), None), "the address is left to reach it by");
    let names = contacts::names(d, org, &[c.id, c.id, contacts::ContactId::new()]).await.unwrap();
    assert_eq!(names.into_iter().collect::<Vec<_>>(), [(c.id, "ada@engines.io".to_owned())]);
}
