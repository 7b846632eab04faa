//! A write transaction whose future is dropped at any point (a client that disconnects
//! mid-request, a worker that is stopped) leaves no lock and no open transaction behind:
//! the next write goes through at once, on both backends.

mod support;

use connectgain_domain::{db::Tx, ids::OrgId, on_tx, Db};
use support::{Backend, Fixture};

async fn rename(db: &Db, org: OrgId, name: String) -> Result<(), sqlx::Error> {
    let mut tx: Tx = db.begin().await?;
    on_tx!(&mut tx, conn => sqlx::query("UPDATE organizations SET name = $1 WHERE id = $2").bind(name).bind(org).execute(conn).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

async fn transactions_abandoned_at_any_point_leave_the_database_writable(backend: Backend) {
    let fx = Fixture::new(backend, &[]).await;
    // Each write is dropped after a different delay, so that across the rounds it is cut
    // off at every await point: waiting for the write turn, inside `BEGIN`, between `BEGIN`
    // and its check, in the UPDATE, in the COMMIT. (Not a wait for a state: the spread of
    // the moments is the point.)
    for round in 0..1500u64 {
        let (db, org) = (fx.d.db.clone(), fx.org);
        let write = tokio::spawn(async move { rename(&db, org, format!("Acme {round}")).await });
        let cut_at = std::time::Instant::now() + std::time::Duration::from_micros(round % 300);
        while std::time::Instant::now() < cut_at {
            tokio::task::yield_now().await;
        }
        write.abort();
        let _ = write.await;
    }
    // A leaked transaction would hold SQLite's write lock for good: this write would then
    // fail with "database is locked" after the busy timeout.
    rename(&fx.d.db, fx.org, "Acme after".into()).await.expect("a write after abandoned transactions succeeds");
    let name: String = connectgain_domain::on_db!(&fx.d.db, pool => sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1").bind(fx.org).fetch_one(pool).await).unwrap();
    assert_eq!(name, "Acme after");
}

backend_tests!(transactions_abandoned_at_any_point_leave_the_database_writable);
