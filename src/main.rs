//! The `armtutor` binary: the app with no command, headless tools with one.

use armtutor::cli::{self, Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    match &args.command {
        Some(command) => match cli::run(command) {
            Ok(out) => {
                print!("{out}");
                if !out.ends_with('\n') {
                    println!();
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("armtutor: error: {e}");
                ExitCode::from(2)
            }
        },
        None => start_app(&args),
    }
}

#[cfg(feature = "app")]
fn start_app(args: &Cli) -> ExitCode {
    match armtutor::app::run(args.urdf.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("armtutor: error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(feature = "app"))]
fn start_app(_: &Cli) -> ExitCode {
    eprintln!(
        "armtutor: error: this build has no app (built without the `app` feature); try `armtutor --help`"
    );
    ExitCode::from(2)
}
