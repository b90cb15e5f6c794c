//! The `armtutor` binary: the app with no command, headless tools with one.

#[cfg(not(target_arch = "wasm32"))]
use armtutor::cli::{self, Cli};
#[cfg(not(target_arch = "wasm32"))]
#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

/// In the browser: the app, with its options from the page's address.
#[cfg(all(target_arch = "wasm32", feature = "app"))]
fn main() {
    let mut opts = armtutor::app::web::options_from_url();
    opts.lessons = armtutor::lessons::ALL;
    opts.course = armtutor::lessons::COURSE;
    if let Err(e) = armtutor::app::run(opts) {
        bevy::log::error!("armtutor: {e}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    // The composition root: the lessons the app offers are named here, for `--lesson`'s help.
    #[cfg(feature = "app")]
    let lessons = armtutor::lessons::ids();
    #[cfg(not(feature = "app"))]
    let lessons: Vec<&str> = Vec::new();
    let args = cli::parse(&lessons);
    match &args.command {
        #[cfg(feature = "app")]
        Some(cli::Command::Bench(bench)) => start_app(&args, Some(bench)),
        Some(command) => match cli::run(command) {
            Ok(out) if out.ends_with('\n') => emit(&out),
            Ok(out) => emit(&format!("{out}\n")),
            Err(e) => {
                eprintln!("armtutor: error: {e}");
                ExitCode::from(2)
            }
        },
        None => start_app(&args, None),
    }
}

/// Writes a command's output. A reader that stops early (`armtutor simulate ... | head`) closes
/// the pipe: that ends the output quietly, as it does for other command-line tools, instead of
/// a panic.
#[cfg(not(target_arch = "wasm32"))]
fn emit(out: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("armtutor: error: writing the output: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(all(feature = "app", not(target_arch = "wasm32")))]
fn start_app(args: &Cli, bench: Option<&cli::BenchArgs>) -> ExitCode {
    let opts = armtutor::app::StartOptions {
        urdf: args.urdf.clone(),
        args: args.app.clone(),
        bench_frames: bench.map(|b| b.frames),
        bench_json: bench.is_some_and(|b| b.json),
        bench_render: bench.is_some_and(|b| b.render),
        lessons: armtutor::lessons::ALL,
        course: armtutor::lessons::COURSE,
        ignored: Vec::new(),
    };
    match armtutor::app::run(opts) {
        Ok(out) => emit(&out),
        Err(e) => {
            eprintln!("armtutor: error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(all(not(feature = "app"), not(target_arch = "wasm32")))]
fn start_app(_: &Cli, _: Option<()>) -> ExitCode {
    eprintln!(
        "armtutor: error: this build has no app (built without the `app` feature); try `armtutor --help`"
    );
    ExitCode::from(2)
}
