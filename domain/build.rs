// The migrations are embedded by `sqlx::migrate!`, which stable Rust cannot tell to watch
// a directory: a new migration file rebuilds the crate only through this.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
