//! The `dechaff` binary: glue between the command line and the library.
//!
//! Exit codes: 0 when every document was cleaned; 1 when some failed (each
//! reported on stderr, the rest still written); 2 for usage errors; 130 when
//! interrupted (no output file is left half-written).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let learning = args.get(1).is_some_and(|a| a == "learn");
    if learning {
        args.remove(1);
    }
    let cli = cli::Cli::parse_from(args);
    // Interrupted (SIGINT/SIGTERM/SIGHUP): drop half-written temporary
    // outputs; the target files were never touched.
    let _ = ctrlc::set_handler(|| {
        dechaff::pipeline::remove_pending_outputs();
        std::process::exit(130);
    });
    let config = match cli.into_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("dechaff: {e}");
            return ExitCode::from(2);
        }
    };
    if learning {
        return learn(config);
    }
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

/// `dechaff learn PATH… -o MODEL`: learns site boilerplate and saves it.
fn learn(mut config: dechaff::pipeline::Config) -> ExitCode {
    let Some(out) = config.output.take() else {
        eprintln!("dechaff: learn needs -o MODEL");
        return ExitCode::from(2);
    };
    config.learn_sites = true;
    config.site_two_pass = false;
    let summary = match dechaff::pipeline::run(&config, |e| eprintln!("dechaff: {e}")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dechaff: {e}");
            return ExitCode::from(1);
        }
    };
    let model = summary.site_model.clone().unwrap_or_default();
    let json = serde_json::to_string_pretty(&model).unwrap_or_else(|_| "{}".into());
    if let Err(e) = dechaff::pipeline::write_file(&out, &json) {
        eprintln!("dechaff: {e}");
        return ExitCode::from(1);
    }
    eprintln!(
        "dechaff: learned boilerplate of {} hosts from {} pages{}",
        model.hosts.len(),
        summary.written,
        match summary.site_pages_not_sampled {
            0 => String::new(),
            n => format!(" ({n} more pages of large hosts passed over; see --site-sample)"),
        }
    );
    if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
