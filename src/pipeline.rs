//! The pipeline: sources → read → clean → render, in parallel, written in
//! input order.
//!
//! Documents are processed in batches on a rayon pool; each worker reads,
//! decodes, segments, scores and renders one document, so pages never cross
//! threads (the DOM is not `Send`) and the writer only concatenates strings.
//! A document that fails is reported on stderr with its file name and the run
//! goes on; the output file, if any, is written atomically (a temporary file
//! renamed into place when the run ends).

use crate::read::{self, InputKind, Source};
use crate::write::{self, Format};
use crate::{Error, clean_raw};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// Everything a run needs, independent of the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// Inputs: files, directories, `-`; empty means stdin.
    pub inputs: Vec<PathBuf>,
    /// Output file; `None` writes to stdout.
    pub output: Option<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Force HTML or text instead of sniffing.
    pub input_kind: Option<InputKind>,
    /// Worker threads (0 = all cores).
    pub jobs: usize,
    /// Print the per-block explanation instead of the output format.
    pub explain: bool,
    /// Include `blocks` in JSONL records.
    pub blocks: bool,
    /// Largest document accepted, in bytes (after decompression).
    pub max_page_bytes: u64,
    /// Merge near-duplicate passages (`None`: off).
    pub merge: Option<crate::merge::MergeOptions>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inputs: Vec::new(),
            output: None,
            format: Format::Text,
            input_kind: None,
            jobs: 0,
            explain: false,
            blocks: false,
            max_page_bytes: 64 << 20,
            merge: Some(crate::merge::MergeOptions::default()),
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Documents cleaned and written.
    pub written: usize,
    /// Documents (or paths) that failed.
    pub failed: usize,
}

fn render(doc: &crate::Cleaned, config: &Config, multi: bool) -> String {
    if config.explain {
        return write::explain(doc);
    }
    match config.format {
        Format::Jsonl => {
            let mut s = write::json_record(doc, config.blocks).to_string();
            s.push('\n');
            s
        }
        Format::Json => serde_json::to_string_pretty(&write::json_record(doc, true))
            .unwrap_or_else(|_| "{}".to_string()),
        Format::Text => {
            let body = write::plain_text(doc);
            if multi {
                format!("==> {} <==\n{}\n", doc.source, body)
            } else {
                body
            }
        }
        Format::Markdown => {
            let body = write::markdown(doc);
            if multi {
                format!("<!-- {} -->\n{}\n", doc.source, body)
            } else {
                body
            }
        }
    }
}

fn process(source: &Source, config: &Config, multi: bool) -> Result<String, Error> {
    let raw = read::read_source(source, config.max_page_bytes)?;
    let options = crate::Options {
        input_kind: config.input_kind,
        explain: config.explain || config.blocks || config.format == Format::Json,
        merge: config.merge,
    };
    let doc = clean_raw(&raw, &options)?;
    Ok(render(&doc, config, multi))
}

/// Temporary output files being written, so an interrupted run can remove
/// them (see [`remove_pending_outputs`]).
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the temporary files of outputs still being written. Call it from
/// a signal handler before exiting: the target files are untouched (they
/// are only ever replaced whole), and no temporary file is left behind.
pub fn remove_pending_outputs() {
    for path in pending().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Where output goes: stdout, or a temporary file renamed on success.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(std::io::BufWriter<tempfile::NamedTempFile>, PathBuf),
}

impl Sink {
    fn open(output: &Option<PathBuf>) -> Result<Sink, Error> {
        match output {
            None => Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout()))),
            Some(path) => {
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("."));
                let tmp = tempfile::Builder::new()
                    .prefix(".dechaff-")
                    .tempfile_in(&dir)
                    .map_err(|e| Error::Io {
                        path: path.clone(),
                        source: e,
                    })?;
                pending().push(tmp.path().to_path_buf());
                Ok(Sink::File(std::io::BufWriter::new(tmp), path.clone()))
            }
        }
    }

    fn write(&mut self, s: &str) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(s.as_bytes()),
            Sink::File(w, _) => w.write_all(s.as_bytes()),
        }
    }

    fn finish(self) -> Result<(), Error> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::Io {
                path: "-".into(),
                source: e,
            }),
            Sink::File(w, path) => {
                let tmp = w.into_inner().map_err(|e| Error::Io {
                    path: path.clone(),
                    source: e.into_error(),
                })?;
                let tmp_path = tmp.path().to_path_buf();
                let result = tmp.persist(&path).map(|_| ()).map_err(|e| Error::Io {
                    path: path.clone(),
                    source: e.error,
                });
                pending().retain(|p| p != &tmp_path);
                result
            }
        }
    }
}

/// Runs the pipeline. Per-document errors go to `report` (and are counted);
/// an `Err` means the run as a whole could not go on (the output could not
/// be written).
pub fn run(config: &Config, mut report: impl FnMut(&Error)) -> Result<Summary, Error> {
    let (sources, walk_errors) = read::discover(&config.inputs);
    let mut summary = Summary::default();
    for e in &walk_errors {
        report(e);
        summary.failed += 1;
    }
    let jobs = if config.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        config.jobs
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Io {
            path: "-".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let multi = sources.len() > 1;
    let json_array = config.format == Format::Json && multi && !config.explain;
    let mut sink = Sink::open(&config.output)?;
    let out_err = |e: std::io::Error| Error::Io {
        path: config.output.clone().unwrap_or_else(|| PathBuf::from("-")),
        source: e,
    };
    if json_array {
        sink.write("[\n").map_err(out_err)?;
    }
    let batch = (jobs * 32).max(1);
    let mut first = true;
    for chunk in sources.chunks(batch) {
        let results: Vec<Result<String, Error>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|s| process(s, config, multi))
                .collect()
        });
        for r in results {
            match r {
                Ok(s) => {
                    if json_array && !first {
                        sink.write(",\n").map_err(out_err)?;
                    }
                    first = false;
                    sink.write(&s).map_err(out_err)?;
                    if config.format == Format::Json && !config.explain && !json_array {
                        sink.write("\n").map_err(out_err)?;
                    }
                    summary.written += 1;
                }
                Err(e) => {
                    report(&e);
                    summary.failed += 1;
                }
            }
        }
    }
    if json_array {
        sink.write("\n]\n").map_err(out_err)?;
    }
    sink.finish()?;
    Ok(summary)
}
