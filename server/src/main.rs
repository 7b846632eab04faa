//! `connectgain`: serves the app (default), or runs one task and exits.

use std::process::ExitCode;

use connectgain::{
    commands,
    startup::{shutdown_signal, Resources},
    telemetry, Application,
};
use connectgain_domain::Config;

const USAGE: &str = "\
usage: connectgain [COMMAND]

commands:
  serve        run the server (the default)
  migrate      apply pending database migrations and exit
  rotate-key   re-encrypt every stored secret under a new master key
  create-admin --email EMAIL --password PASSWORD
               create a platform admin (or reset the password of one)
  help         show this message

Settings come from environment variables; see the README's configuration table.";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "help" | "-h" | "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if matches!(command, "version" | "-V" | "--version") {
        println!("connectgain {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let admin = (command == "create-admin").then(|| admin_args(&args[1..]));
    if let Some(Err(message)) = &admin {
        eprintln!("connectgain: {message}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    if admin.is_none() && (args.len() > 1 || !matches!(command, "serve" | "migrate" | "rotate-key")) {
        eprintln!("connectgain: unknown command `{}`\n\n{USAGE}", args.join(" "));
        return ExitCode::from(2);
    }

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return fail(&error),
    };
    telemetry::init(config.log_format);

    let outcome = match command {
        "serve" => serve(config).await,
        "migrate" => run_task(config, commands::migrate).await,
        "create-admin" => {
            let Some(Ok((email, password))) = admin else { unreachable!("checked above") };
            run_task(config, move |resources| commands::create_admin(resources, email, password)).await
        }
        _ => run_task(config, commands::rotate_key).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

async fn run_task<F, Fut>(config: Config, task: F) -> anyhow::Result<()>
where
    F: FnOnce(Resources) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<String>>,
{
    let resources = Resources::open(config).await?;
    println!("{}", task(resources).await?);
    Ok(())
}

/// `--email E --password P`, in either order.
fn admin_args(args: &[String]) -> Result<(String, String), String> {
    let (mut email, mut password) = (None, None);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--email" => email = Some(value.clone()),
            "--password" => password = Some(value.clone()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    match (email, password) {
        (Some(e), Some(p)) => Ok((e, p)),
        _ => Err("create-admin needs --email and --password".into()),
    }
}

/// Prints the error as one line (what a supervisor's log shows) and fails.
fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    let line = error.to_string().replace('\n', " ");
    eprintln!("connectgain: {line}");
    ExitCode::from(1)
}
