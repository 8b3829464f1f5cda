//! The `dechaff` binary: glue between the command line and the library.
//!
//! Exit codes: 0 when every document was cleaned; 1 when some failed (each
//! reported on stderr, the rest still written); 2 for usage errors; 130 when
//! interrupted (no output file is left half-written).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // Interrupted (SIGINT/SIGTERM/SIGHUP): drop half-written temporary
    // outputs; the target files were never touched.
    let _ = ctrlc::set_handler(|| {
        dechaff::pipeline::remove_pending_outputs();
        std::process::exit(130);
    });
    let config = cli.into_config();
    let result = dechaff::pipeline::run(&config, |e| eprintln!("dechaff: {e}"));
    if let Ok(summary) = &result
        && summary.skipped_not_html > 0
    {
        eprintln!(
            "dechaff: {} WARC responses skipped: not HTML",
            summary.skipped_not_html
        );
    }
    match result {
        Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(dechaff::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dechaff: {e}");
            ExitCode::from(1)
        }
    }
}
