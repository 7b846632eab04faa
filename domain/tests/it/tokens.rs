//! Bearer tokens are cached, and whatever ends one early ends it at once: on the instance
//! that made the change, and on PostgreSQL on every other instance sharing the database.

use crate::support::{domain, eventually, postgres_enabled, user, Backend, Fixture};
use connectgain_domain::{
    accounts::{members, tokens, Role},
    db::Topic,
    ids::UserId,
    Domain,
};
use connectgain_testkit::CEILING;

async fn owner_of(d: &Domain, token: &str) -> Option<UserId> {
    tokens::authenticate(d, token).await.unwrap().map(|u| u.id)
}

async fn revoked_and_removed_end_at_once(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let ada = user(&f.d, f.org, "ada@example.com", Role::Member).await;
    let bob = user(&f.d, f.org, "bob@example.com", Role::Member).await;
    let ada_token = tokens::issue(&f.d, ada).await.unwrap().token;
    let bob_token = tokens::issue(&f.d, bob).await.unwrap().token;

    // Twice each: the second answer may come from the cache.
    for _ in 0..2 {
        assert_eq!(owner_of(&f.d, &ada_token).await, Some(ada));
        assert_eq!(owner_of(&f.d, &bob_token).await, Some(bob));
    }
    assert_eq!(owner_of(&f.d, "cgt_not-a-token").await, None);

    tokens::revoke(&f.d, &ada_token).await.unwrap();
    assert_eq!(owner_of(&f.d, &ada_token).await, None, "a revoked token stops working at once");
    assert_eq!(owner_of(&f.d, &bob_token).await, Some(bob), "other tokens keep working");

    members::remove(&f.d, f.org, bob).await.unwrap();
    assert_eq!(owner_of(&f.d, &bob_token).await, None, "a removed member's token stops working at once");

    // A token issued after all that works at once (unknown tokens are not remembered).
    let carol = user(&f.d, f.org, "carol@example.com", Role::Owner).await;
    let early = "cgt_issued-later";
    assert_eq!(owner_of(&f.d, early).await, None);
    let carol_token = tokens::issue(&f.d, carol).await.unwrap().token;
    assert_eq!(owner_of(&f.d, &carol_token).await, Some(carol));
}

/// Two instances on one PostgreSQL database (one process owns a SQLite database): a
/// revocation on one ends the token on the other through PostgreSQL's notification, not
/// through the cache's age limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_another_instance_forgets_at_once() {
    if !postgres_enabled() {
        return;
    }
    let f = Fixture::new(Backend::Postgres, &[]).await;
    let other = domain(&f.db, &f.keys, &[]).await;
    let ada = user(&f.d, f.org, "ada@example.com", Role::Member).await;
    let token = tokens::issue(&f.d, ada).await.unwrap().token;

    // The other instance caches the token once its listener is up.
    assert_eq!(owner_of(&other, &token).await, Some(ada));
    let stamp = eventually(CEILING, "the other instance listens", || async { other.invalidations.stamp(Topic::Tokens) }).await;
    assert_eq!(owner_of(&other, &token).await, Some(ada));

    tokens::revoke(&f.d, &token).await.unwrap();
    eventually(CEILING, "the other instance hears of the revocation", || async { (!other.invalidations.is_current(Topic::Tokens, stamp)).then_some(()) }).await;
    assert_eq!(owner_of(&other, &token).await, None, "the other instance no longer accepts it");
}

backend_tests!(revoked_and_removed_end_at_once);
