//! The `armtutor` binary: the app with no command, headless tools with one.

use armtutor::cli::{self, Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    match &args.command {
        #[cfg(feature = "app")]
        Some(cli::Command::Bench(bench)) => start_app(&args, Some(bench)),
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
        None => start_app(&args, None),
    }
}

#[cfg(feature = "app")]
fn start_app(args: &Cli, bench: Option<&cli::BenchArgs>) -> ExitCode {
    let opts = armtutor::app::StartOptions {
        urdf: args.urdf.clone(),
        args: args.app.clone(),
        bench_frames: bench.map(|b| b.frames),
        bench_json: bench.is_some_and(|b| b.json),
        bench_render: bench.is_some_and(|b| b.render),
    };
    match armtutor::app::run(opts) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("armtutor: error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(feature = "app"))]
fn start_app(_: &Cli, _: Option<()>) -> ExitCode {
    eprintln!(
        "armtutor: error: this build has no app (built without the `app` feature); try `armtutor --help`"
    );
    ExitCode::from(2)
}
