//! The binary as an operator meets it: start-up errors, commands, signals.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::helpers::{Backend, TestEnv};

fn connectgain(env: &TestEnv, args: &[&str], extra: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_connectgain"));
    command.args(args).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).envs(env.vars(extra));
    command
}

/// Runs the server with one bad setting and returns its exit status and stderr.
fn start_with(env: &TestEnv, extra: &[(&str, &str)]) -> (bool, String) {
    let output = connectgain(env, &[], extra).output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn assert_one_line_naming(stderr: &str, setting: &str) {
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {stderr}");
    assert!(lines[0].starts_with("connectgain: invalid ") && lines[0].contains(setting), "{stderr}");
}

#[tokio::test]
async fn bad_settings_stop_the_start_with_one_line_naming_them() {
    let env = TestEnv::new(Backend::Sqlite).await;
    let cases: &[(&str, &str)] = &[
        ("DATABASE_URL", "mysql://127.0.0.1/x"),
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing"),
        ("DATABASE_URL", "sqlite:///proc/connectgain/forbidden.db"),
        ("CONNECTGAIN_MASTER_KEY", "0123456789abcdef"),
        ("CONNECTGAIN_MASTER_KEY", "this is not base64 at all!!"),
        ("CONNECTGAIN_OLD_MASTER_KEYS", "zz"),
        ("LEPTOS_SITE_ADDR", "nowhere"),
        ("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", "maybe"),
    ];
    for (setting, value) in cases {
        let (ok, stderr) = start_with(&env, &[(setting, value)]);
        assert!(!ok, "{setting}={value} must not start");
        assert_one_line_naming(&stderr, setting);
        assert!(!stderr.contains("nobody@"), "the URL's credentials are not printed: {stderr}");
    }
}

#[tokio::test]
async fn a_corrupt_key_file_stops_the_start() {
    let env = TestEnv::new(Backend::Sqlite).await;
    std::fs::write(env.data_dir.join("master.key"), "not a key").unwrap();
    let (ok, stderr) = start_with(&env, &[]);
    assert!(!ok);
    assert_one_line_naming(&stderr, "master.key");
}

#[tokio::test]
async fn migrate_applies_the_schema_and_exits() {
    let env = TestEnv::new(Backend::Sqlite).await;
    let output = connectgain(&env, &["migrate"], &[]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "migrations applied (sqlite)");
    assert!(env.data_dir.join("connectgain.db").exists());
}

#[tokio::test]
async fn unknown_commands_are_refused_with_usage() {
    let env = TestEnv::new(Backend::Sqlite).await;
    let output = connectgain(&env, &["frobnicate"], &[]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: connectgain"));
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let env = TestEnv::new(Backend::Sqlite).await;
    let mut child = connectgain(&env, &[], &[("CONNECTGAIN_LOG_FORMAT", "json")]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();

    // The first start creates the key file and says so once, then reports where it listens.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut saw_key_notice = false;
    let addr = loop {
        let line = lines.next().expect("the server logs before it listens").unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).expect("JSON log lines");
        let message = event["message"].as_str().unwrap_or_default();
        saw_key_notice |= message.starts_with("created a new master key");
        if message == "ConnectGain is listening" {
            break event["addr"].as_str().unwrap().to_owned();
        }
    };
    assert!(saw_key_notice);
    assert!(env.data_dir.join("master.key").exists());
    let health = reqwest::get(format!("http://{addr}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}
