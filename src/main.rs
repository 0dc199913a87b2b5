//! The pixelcensus command line: clap definitions (one file per subcommand under `cli/`),
//! calls into the library, errors mapped to exit codes (0: ran to the end; 1: could not run;
//! 2: bad usage; 130, 143, 129: stopped by SIGINT, SIGTERM, SIGHUP).

mod cli;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIXELCENSUS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("pixelcensus={level}")));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only on a terminal: a log file or journald gets no escape codes.
        .with_ansi(std::io::stderr().is_terminal());
    match cli.log_format {
        cli::LogFormat::Text => logs.init(),
        cli::LogFormat::Json => logs.json().init(),
    }
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    match rt.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pixelcensus: error: {}", error_text(&e));
            if e.downcast_ref::<cli::Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// An error and its causes on one line, each cause once: a cause whose text the message
/// already holds (an OS error that a typed error quotes) is not repeated.
fn error_text(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        if msg.contains(&c) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&c);
    }
    msg
}
