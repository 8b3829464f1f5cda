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
use std::sync::Arc;

/// Buffered JSONL lines are processed once they add up to this many bytes
/// (or to 32 per worker), which bounds memory on large shards.
const BATCH_BYTES: usize = 64 << 20;

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
    /// Field names of JSONL records.
    pub fields: read::jsonl::Fields,
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
            fields: read::jsonl::Fields::default(),
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
    /// WARC responses passed over because they are not HTML.
    pub skipped_not_html: usize,
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

/// One unit of work: a whole file, or one line of a JSONL shard.
enum Work {
    File(Source),
    Line {
        shard: Arc<PathBuf>,
        line_no: usize,
        line: String,
    },
    Warc {
        shard: Arc<PathBuf>,
        response: read::warc::Response,
    },
}

impl Work {
    fn size(&self) -> usize {
        match self {
            Work::File(_) => 0,
            Work::Line { line, .. } => line.len(),
            Work::Warc { response, .. } => response.body.len(),
        }
    }
}

fn options(config: &Config) -> crate::Options {
    crate::Options {
        input_kind: config.input_kind,
        explain: config.explain || config.blocks || config.format == Format::Json,
        merge: config.merge,
    }
}

fn process(work: &Work, config: &Config, multi: bool) -> Result<String, Error> {
    match work {
        Work::File(source) => {
            let raw = read::read_source(source, config.max_page_bytes)?;
            let doc = clean_raw(&raw, &options(config))?;
            Ok(render(&doc, config, multi))
        }
        Work::Line {
            shard,
            line_no,
            line,
        } => process_record(shard, *line_no, line, config, multi),
        Work::Warc { shard, response } => process_warc(shard, response, config, multi),
    }
}

/// Cleans one WARC response. JSONL output: `id` (the record id), `url`,
/// `source` (`shard#record`), `title`, `text`.
fn process_warc(
    shard: &std::path::Path,
    response: &read::warc::Response,
    config: &Config,
    multi: bool,
) -> Result<String, Error> {
    let decoded = read::decode::decode(&response.body, response.charset, true);
    let kind = config.input_kind.unwrap_or(InputKind::Html);
    let mut doc = crate::clean_str_with(&decoded.text, kind, &options(config));
    doc.id = response
        .record_id
        .clone()
        .or_else(|| response.url.clone())
        .unwrap_or_else(|| format!("{}#{}", shard.display(), response.record));
    doc.source = format!("{}#{}", shard.display(), response.record);
    if config.format != Format::Jsonl || config.explain {
        return Ok(render(&doc, config, multi));
    }
    let mut fields = serde_json::Map::new();
    fields.insert("id".into(), serde_json::json!(doc.id));
    fields.insert("url".into(), serde_json::json!(response.url));
    fields.insert("source".into(), serde_json::json!(doc.source));
    fields.insert("title".into(), serde_json::json!(doc.title));
    fields.insert("text".into(), serde_json::json!(doc.text()));
    if config.blocks {
        let extra = write::json_record(&doc, true);
        for key in ["blocks", "merges"] {
            if let Some(v) = extra.get(key) {
                fields.insert(key.into(), v.clone());
            }
        }
    }
    let mut s = serde_json::Value::Object(fields).to_string();
    s.push('\n');
    Ok(s)
}

/// Cleans one JSONL record. JSONL output keeps every input field and adds
/// (or replaces) `text` and `title`.
fn process_record(
    shard: &std::path::Path,
    line_no: usize,
    line: &str,
    config: &Config,
    multi: bool,
) -> Result<String, Error> {
    let record = read::jsonl::parse_record(shard, line_no, line, &config.fields)?;
    let kind = config.input_kind.unwrap_or(if record.is_html {
        InputKind::Html
    } else {
        InputKind::Text
    });
    let mut doc = crate::clean_str_with(&record.content, kind, &options(config));
    doc.id = record.id;
    doc.source = format!("{}:{line_no}", shard.display());
    if config.format != Format::Jsonl || config.explain {
        return Ok(render(&doc, config, multi));
    }
    let mut fields = record.fields;
    fields.insert("title".into(), serde_json::json!(doc.title));
    fields.insert("text".into(), serde_json::json!(doc.text()));
    if config.blocks {
        let extra = write::json_record(&doc, true);
        for key in ["blocks", "merges"] {
            if let Some(v) = extra.get(key) {
                fields.insert(key.into(), v.clone());
            }
        }
    }
    let mut s = serde_json::Value::Object(fields).to_string();
    s.push('\n');
    Ok(s)
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
    let multi = sources.len() > 1
        || sources.iter().any(
            |s| matches!(s, Source::File(p) if read::jsonl::is_jsonl(p) || read::warc::is_warc(p)),
        );
    let json_array = config.format == Format::Json && multi && !config.explain;
    let mut sink = Sink::open(&config.output)?;
    let out_err = |e: std::io::Error| Error::Io {
        path: config.output.clone().unwrap_or_else(|| PathBuf::from("-")),
        source: e,
    };
    if json_array {
        sink.write("[\n").map_err(out_err)?;
    }
    let batch_items = (jobs * 32).max(1);
    let mut first = true;
    let mut pending: Vec<Work> = Vec::new();
    let mut pending_bytes = 0usize;
    let mut flush = |pending: &mut Vec<Work>,
                     sink: &mut Sink,
                     summary: &mut Summary,
                     report: &mut dyn FnMut(&Error)|
     -> Result<(), Error> {
        let results: Vec<Result<String, Error>> = pool.install(|| {
            pending
                .par_iter()
                .map(|w| process(w, config, multi))
                .collect()
        });
        pending.clear();
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
        Ok(())
    };
    for source in sources {
        if let Source::File(p) = &source
            && read::warc::is_warc(p)
        {
            let shard = Arc::new(p.clone());
            let stream = match read::jsonl::open(p) {
                Ok(r) => r,
                Err(e) => {
                    report(&e);
                    summary.failed += 1;
                    continue;
                }
            };
            let mut warc = read::warc::WarcReader::new(stream, p, config.max_page_bytes);
            loop {
                match warc.next_record() {
                    Ok(read::warc::Next::End) => break,
                    Ok(read::warc::Next::Other) => {}
                    Ok(read::warc::Next::NotHtml) => summary.skipped_not_html += 1,
                    Ok(read::warc::Next::Html(response)) => {
                        let work = Work::Warc {
                            shard: Arc::clone(&shard),
                            response,
                        };
                        pending_bytes += work.size();
                        pending.push(work);
                        if pending.len() >= batch_items || pending_bytes >= BATCH_BYTES {
                            flush(&mut pending, &mut sink, &mut summary, &mut report)?;
                            pending_bytes = 0;
                        }
                    }
                    Err(e) => {
                        report(&e);
                        summary.failed += 1;
                        if warc.is_broken() {
                            break;
                        }
                    }
                }
            }
            continue;
        }
        let shard = match &source {
            Source::File(p) if read::jsonl::is_jsonl(p) => Some(p.clone()),
            _ => None,
        };
        let Some(shard) = shard else {
            pending.push(Work::File(source));
            if pending.len() >= batch_items {
                flush(&mut pending, &mut sink, &mut summary, &mut report)?;
                pending_bytes = 0;
            }
            continue;
        };
        let mut reader = match read::jsonl::open(&shard) {
            Ok(r) => r,
            Err(e) => {
                report(&e);
                summary.failed += 1;
                continue;
            }
        };
        let shard = Arc::new(shard);
        let mut line_no = 0usize;
        let mut buf = String::new();
        loop {
            line_no += 1;
            match read::jsonl::read_line(&mut reader, &mut buf, config.max_page_bytes) {
                Ok(read::jsonl::LineRead::End) => break,
                Ok(read::jsonl::LineRead::TooLong) => {
                    report(&Error::Record {
                        path: shard.to_path_buf(),
                        line: line_no,
                        message: format!(
                            "skipped: longer than --max-page-bytes ({} bytes)",
                            config.max_page_bytes
                        ),
                    });
                    summary.failed += 1;
                    continue;
                }
                Ok(read::jsonl::LineRead::Line) => {
                    if buf.trim().is_empty() {
                        continue;
                    }
                    let work = Work::Line {
                        shard: Arc::clone(&shard),
                        line_no,
                        line: std::mem::take(&mut buf),
                    };
                    pending_bytes += work.size();
                    pending.push(work);
                    if pending.len() >= batch_items || pending_bytes >= BATCH_BYTES {
                        flush(&mut pending, &mut sink, &mut summary, &mut report)?;
                        pending_bytes = 0;
                    }
                }
                Err(e) => {
                    // A truncated or corrupt shard: report where it broke and
                    // keep what was read before.
                    report(&Error::Record {
                        path: shard.to_path_buf(),
                        line: line_no,
                        message: format!("cannot read further: {e}"),
                    });
                    summary.failed += 1;
                    break;
                }
            }
        }
    }
    flush(&mut pending, &mut sink, &mut summary, &mut report)?;
    if json_array {
        sink.write("\n]\n").map_err(out_err)?;
    }
    sink.finish()?;
    Ok(summary)
}
