//! The pipeline: sources → read → clean → render, in parallel, written in
//! input order.
//!
//! Documents are processed in batches on a rayon pool; each worker reads,
//! decodes, segments, scores and renders one document, so pages never cross
//! threads (the DOM is not `Send`) and the writer only concatenates strings.
//! A document that fails is reported on stderr with its file name and the run
//! goes on; the output file, if any, is written atomically (a temporary file
//! renamed into place when the run ends).
//!
//! With [`Config::site_two_pass`] the inputs are read twice: the first pass
//! learns site boilerplate from the first [`Config::site_sample`] pages of
//! each host, cleaning those pages in full and keeping them, encoded, for
//! the second pass (up to [`Config::site_reuse_bytes`]), which applies the
//! learned model and writes everything, so each page is parsed once.

use crate::Error;
use crate::read::{self, InputKind, Source};
use crate::write::{self, Format};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Buffered JSONL lines are processed once they add up to this many bytes
/// (or to 256 per worker), which bounds memory on large shards.
const BATCH_BYTES: usize = 64 << 20;

/// Default of [`Config::site_sample`].
pub const DEFAULT_SITE_SAMPLE: usize = 50;

/// Default of [`Config::site_reuse_bytes`]: 512 MiB.
pub const DEFAULT_SITE_REUSE_BYTES: usize = 512 << 20;

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
    /// Stop at the first document that fails.
    pub strict: bool,
    /// Write run statistics as JSON to this file.
    pub stats: Option<PathBuf>,
    /// Show a progress bar on stderr (only drawn when it is a terminal).
    pub progress: bool,
    /// Flag near-duplicate documents (`None`: off).
    pub near_dups: Option<crate::merge::near_dup::NearDupOptions>,
    /// Leave near-duplicate documents out of the output.
    pub drop_duplicates: bool,
    /// Write one JSONL output per input shard into this directory (and the
    /// documents read from plain files into `documents.jsonl` there).
    pub output_dir: Option<PathBuf>,
    /// Learned site boilerplate to apply.
    pub site_model: Option<Arc<crate::merge::site::SiteModel>>,
    /// Learn site boilerplate in a first pass over the inputs, then clean
    /// with it (two passes in one run).
    pub site_two_pass: bool,
    /// Only learn site boilerplate: no output; the model is in the summary.
    pub learn_sites: bool,
    /// Learn a host's boilerplate from its first this many pages (in input
    /// order) that carry a URL, and pass over the rest of its pages while
    /// learning; 0: every page. Chrome that recurs on a share of a host's
    /// pages shows as well on fifty of them as on all, and learning costs a
    /// parse per page learned from.
    pub site_sample: usize,
    /// A document that takes longer than this to clean is reported as
    /// failed and left out.
    pub doc_timeout: Option<std::time::Duration>,
    /// Two passes in one run ([`Config::site_two_pass`]): memory, in bytes,
    /// for the pages the first pass learns from, which it then cleans in
    /// full and keeps so the second pass does not parse them again. Pages
    /// past the budget are parsed again; 0 keeps none.
    pub site_reuse_bytes: usize,
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
            strict: false,
            stats: None,
            progress: true,
            near_dups: Some(crate::merge::near_dup::NearDupOptions::default()),
            drop_duplicates: false,
            output_dir: None,
            site_model: None,
            site_two_pass: false,
            learn_sites: false,
            site_sample: DEFAULT_SITE_SAMPLE,
            doc_timeout: Some(std::time::Duration::from_secs(10)),
            site_reuse_bytes: DEFAULT_SITE_REUSE_BYTES,
        }
    }
}

/// What a run did (written as JSON by `--stats`).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    /// Documents read (written + failed).
    pub documents_read: usize,
    /// Documents cleaned and written.
    pub written: usize,
    /// Documents (or paths) that failed.
    pub failed: usize,
    /// Documents left out as near-duplicates of earlier ones.
    pub duplicate: usize,
    /// WARC responses passed over because they are not HTML.
    pub skipped_not_html: usize,
    /// Bytes of input documents (after decompression).
    pub bytes_in: u64,
    /// Bytes of output written.
    pub bytes_out: u64,
    /// Blocks by verdict.
    pub blocks: BlockCounts,
    /// Passages merged away, by kind.
    pub merges: MergeCounts,
    /// Seconds spent per stage, summed over worker threads.
    pub seconds: StageSeconds,
    /// Wall-clock seconds of the run.
    pub elapsed_seconds: f64,
    /// Documents written per wall-clock second.
    pub pages_per_second: f64,
    /// Content blocks marked junk as site boilerplate.
    pub site_boilerplate_blocks: u64,
    /// While learning site boilerplate: pages passed over because their
    /// host had already given [`Config::site_sample`] pages.
    pub site_pages_not_sampled: usize,
    /// The slowest documents (most time in all stages), slowest first.
    pub slowest: Vec<SlowDocument>,
    /// With `learn_sites`: the learned model.
    #[serde(skip)]
    pub site_model: Option<crate::merge::site::SiteModel>,
}

/// One of the slowest documents of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SlowDocument {
    /// Where it came from (file, `shard:line` or `shard#record`).
    pub source: String,
    /// Seconds spent on it, all stages.
    pub seconds: f64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// How many of the slowest documents `--stats` lists.
const SLOWEST: usize = 5;

/// Blocks by verdict.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct BlockCounts {
    /// Kept as content.
    pub content: u64,
    /// Removed as boilerplate.
    pub junk: u64,
    /// Merged away as near-duplicates.
    pub duplicate: u64,
}

/// Merges by kind.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct MergeCounts {
    /// Verbatim or near-verbatim repeats.
    pub repeat: u64,
    /// Passages inside longer ones.
    pub contained: u64,
    /// Summaries restating the body.
    pub restatement: u64,
}

/// Seconds per stage.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct StageSeconds {
    /// Reading and decompressing.
    pub read: f64,
    /// Charset decoding.
    pub decode: f64,
    /// Parsing and segmenting.
    pub segment: f64,
    /// Scoring.
    pub score: f64,
    /// Merging.
    pub merge: f64,
    /// Rendering output.
    pub write: f64,
}

/// One cleaned document's output and its figures.
struct Done {
    out: String,
    id: String,
    source: String,
    text: String,
    host: Option<String>,
    site_hashes: Vec<(u64, u32)>,
    site_marked: u64,
    fingerprint: Option<crate::merge::near_dup::Fingerprint>,
    /// First pass of two: the document cleaned in full, for the second,
    /// with its ordinal.
    kept: Option<(u64, Kept)>,
    bytes_in: u64,
    blocks: BlockCounts,
    merges: MergeCounts,
    seconds: StageSeconds,
}

impl Done {
    /// The figures of `doc`, its output `out`, and with `with_text` its
    /// cleaned text (for near-duplicate fingerprints).
    fn new(
        doc: &crate::Cleaned,
        out: String,
        bytes_in: u64,
        read: f64,
        write: f64,
        with_text: bool,
    ) -> Done {
        let mut blocks = BlockCounts::default();
        for j in &doc.judgements {
            match j.verdict {
                crate::score::Verdict::Content => blocks.content += 1,
                crate::score::Verdict::Junk => blocks.junk += 1,
                crate::score::Verdict::Duplicate => blocks.duplicate += 1,
            }
        }
        let mut merges = MergeCounts::default();
        for m in &doc.merges {
            match m.kind {
                crate::merge::MergeKind::Repeat => merges.repeat += 1,
                crate::merge::MergeKind::Contained => merges.contained += 1,
                crate::merge::MergeKind::Restatement => merges.restatement += 1,
            }
        }
        let t = &doc.timings;
        Done {
            out,
            id: doc.id.clone(),
            source: doc.source.clone(),
            text: if with_text { doc.text() } else { String::new() },
            host: None,
            site_hashes: Vec::new(),
            site_marked: 0,
            fingerprint: None,
            kept: None,
            bytes_in,
            blocks,
            merges,
            seconds: StageSeconds {
                read,
                decode: t.decode.as_secs_f64(),
                segment: t.segment.as_secs_f64(),
                score: t.score.as_secs_f64(),
                merge: t.merge.as_secs_f64(),
                write,
            },
        }
    }
}

impl Summary {
    fn add(&mut self, d: &Done) {
        let spent = d.seconds.read
            + d.seconds.decode
            + d.seconds.segment
            + d.seconds.score
            + d.seconds.merge
            + d.seconds.write;
        if self.slowest.len() < SLOWEST || self.slowest.last().is_some_and(|s| spent > s.seconds) {
            self.slowest.push(SlowDocument {
                source: d.source.clone(),
                seconds: spent,
                bytes: d.bytes_in,
            });
            self.slowest.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
            self.slowest.truncate(SLOWEST);
        }
        self.written += 1;
        self.bytes_in += d.bytes_in;
        self.bytes_out += d.out.len() as u64;
        self.blocks.content += d.blocks.content;
        self.blocks.junk += d.blocks.junk;
        self.blocks.duplicate += d.blocks.duplicate;
        self.merges.repeat += d.merges.repeat;
        self.merges.contained += d.merges.contained;
        self.merges.restatement += d.merges.restatement;
        let (a, b) = (&mut self.seconds, &d.seconds);
        a.read += b.read;
        a.decode += b.decode;
        a.segment += b.segment;
        a.score += b.score;
        a.merge += b.merge;
        a.write += b.write;
    }
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

/// While learning site boilerplate, which pages to learn from: the first
/// [`Config::site_sample`] of each host, in input order.
struct SiteSampler {
    limit: usize,
    taken: rustc_hash::FxHashMap<String, usize>,
}

impl SiteSampler {
    fn new(config: &Config) -> SiteSampler {
        SiteSampler {
            limit: if config.learn_sites {
                config.site_sample
            } else {
                0
            },
            taken: Default::default(),
        }
    }

    /// Whether pages are being sampled at all.
    fn active(&self) -> bool {
        self.limit > 0
    }

    /// Whether to process the page at `url` (pages without a URL always
    /// are); counts the pages passed over in `summary`.
    fn takes(&mut self, url: Option<&str>, summary: &mut Summary) -> bool {
        if self.limit == 0 {
            return true;
        }
        let Some(host) = url.and_then(crate::merge::site::host_of) else {
            return true;
        };
        let taken = self.taken.entry(host).or_insert(0);
        if *taken >= self.limit {
            summary.site_pages_not_sampled += 1;
            return false;
        }
        *taken += 1;
        true
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
    /// The document's name for messages: the file, `shard:line` or `shard#record`.
    fn name(&self) -> String {
        match self {
            Work::File(source) => source.display(),
            Work::Line { shard, line_no, .. } => format!("{}:{line_no}", shard.display()),
            Work::Warc { shard, response } => format!("{}#{}", shard.display(), response.record),
        }
    }

    fn size(&self) -> usize {
        match self {
            Work::File(_) => 0,
            Work::Line { line, .. } => line.len(),
            Work::Warc { response, .. } => response.body.len(),
        }
    }
}

/// Documents waiting to be processed together: full at a number of items
/// (256 per worker) or at [`BATCH_BYTES`] of input, whichever comes first.
struct Batch {
    items: Vec<Job>,
    bytes: usize,
    max_items: usize,
}

impl Batch {
    fn new(max_items: usize) -> Self {
        Batch {
            items: Vec::new(),
            bytes: 0,
            max_items,
        }
    }

    /// Adds a document; true when the batch is now full.
    fn push(&mut self, job: Job) -> bool {
        self.bytes += job.work.size();
        self.items.push(job);
        self.items.len() >= self.max_items || self.bytes >= BATCH_BYTES
    }

    fn clear(&mut self) {
        self.items.clear();
        self.bytes = 0;
    }
}

/// The cleaning options for `config`. `full`: clean in full even while
/// learning site boilerplate (the first pass of two keeping its pages).
fn options(config: &Config, full: bool) -> crate::Options {
    let learning = config.learn_sites && !full;
    crate::Options {
        input_kind: config.input_kind,
        explain: !learning && (config.explain || config.blocks || config.format == Format::Json),
        merge: config.merge.filter(|_| !learning),
        segment_only: learning,
    }
}

/// A document the first of two passes cleaned in full and kept for the
/// second, encoded, with what identifies the input it came from.
struct Kept {
    /// Bytes of the input (line, record body or file) it was cleaned from.
    bytes_in: u64,
    /// The cleaned document without what rendering does not need, and its
    /// blocks' site hashes as learned ([`Reused`]), encoded with postcard.
    encoded: Vec<u8>,
}

/// A kept document and its blocks' site hashes.
type Reused = (crate::Cleaned, Option<Vec<Option<u64>>>);

impl Kept {
    /// Keeps `doc`, dropping its element tree (only merging uses it) and,
    /// unless every block is written out (`all_blocks`), the text of blocks
    /// that are not content. `None` if it cannot be encoded (the second
    /// pass then cleans it again).
    fn new(
        mut doc: crate::Cleaned,
        block_hashes: Option<Vec<Option<u64>>>,
        bytes_in: u64,
        all_blocks: bool,
    ) -> Option<Kept> {
        use crate::score::Verdict;
        doc.page.nodes = Vec::new();
        if !all_blocks {
            for (b, j) in doc.page.blocks.iter_mut().zip(&doc.judgements) {
                if j.verdict != Verdict::Content && !b.is_title {
                    b.text = String::new();
                }
            }
        }
        let reused: Reused = (doc, block_hashes);
        let encoded = postcard::to_allocvec(&reused).ok()?;
        Some(Kept { bytes_in, encoded })
    }
}

/// The documents the first pass keeps, encoded one after another in large
/// chunks: thousands of documents stay in memory between the passes, and
/// kept as ordinary values (dozens of small allocations each, long-lived
/// among the short-lived ones of cleaning) they fragment the heap and slow
/// every allocation down. A chunk is freed once all its documents are taken.
#[derive(Default)]
struct KeptStore {
    chunks: Vec<Vec<u8>>,
    /// Documents not yet taken, per chunk.
    waiting: Vec<usize>,
    /// Per ordinal: input bytes, chunk, start and end in the chunk.
    index: rustc_hash::FxHashMap<u64, (u64, usize, usize, usize)>,
    /// Bytes held.
    bytes: usize,
}

/// Bytes per chunk of a [`KeptStore`] (a larger document gets a chunk of
/// its own).
const KEPT_CHUNK: usize = 8 << 20;

impl KeptStore {
    fn add(&mut self, ordinal: u64, kept: Kept) {
        let len = kept.encoded.len();
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= len);
        if !fits {
            self.chunks.push(Vec::with_capacity(KEPT_CHUNK.max(len)));
            self.waiting.push(0);
            self.bytes += KEPT_CHUNK.max(len);
        }
        let chunk = self.chunks.len() - 1;
        let data = &mut self.chunks[chunk];
        let start = data.len();
        data.extend_from_slice(&kept.encoded);
        self.waiting[chunk] += 1;
        self.index
            .insert(ordinal, (kept.bytes_in, chunk, start, start + len));
    }

    /// Takes the document numbered `ordinal`, if kept.
    fn take(&mut self, ordinal: u64) -> Option<Kept> {
        let (bytes_in, chunk, start, end) = self.index.remove(&ordinal)?;
        let encoded = self.chunks[chunk].get(start..end)?.to_vec();
        self.waiting[chunk] -= 1;
        if self.waiting[chunk] == 0 && chunk + 1 < self.chunks.len() {
            self.chunks[chunk] = Vec::new();
        }
        Some(Kept { bytes_in, encoded })
    }
}

/// Two passes in one run: the pages the first pass learns from, cleaned in
/// full and kept for the second while they fit in a budget.
enum Reuse {
    /// Nothing kept or taken.
    Off,
    /// First pass: keep pages while under `budget` bytes.
    Keep { budget: usize, store: KeptStore },
    /// Second pass: the kept pages by ordinal, taken as they come.
    Take(KeptStore),
}

impl Reuse {
    /// Prepares the work on the document numbered `ordinal` (in input
    /// order, counted the same way in both passes).
    fn job(&mut self, work: Work, ordinal: u64) -> Job {
        let (keep, kept) = match self {
            Reuse::Off => (false, None),
            Reuse::Keep { budget, store } => (store.bytes < *budget, None),
            Reuse::Take(store) => (false, store.take(ordinal)),
        };
        Job {
            work,
            place: Place { ordinal, keep },
            kept,
        }
    }

    /// Takes in what the first pass kept of a document.
    fn add(&mut self, ordinal: u64, kept: Kept) {
        if let Reuse::Keep { store, .. } = self {
            store.add(ordinal, kept);
        }
    }

    /// What the second pass takes: the kept pages.
    fn into_second_pass(self) -> Reuse {
        match self {
            Reuse::Keep { store, .. } if !store.index.is_empty() => Reuse::Take(store),
            _ => Reuse::Off,
        }
    }
}

/// A document to process: the work, where it stands in the run, and in
/// the second of two passes what the first kept of it.
struct Job {
    work: Work,
    place: Place,
    kept: Option<Kept>,
}

/// A document's number in input order, and in the first of two passes
/// whether to keep it.
#[derive(Clone, Copy)]
struct Place {
    ordinal: u64,
    keep: bool,
}

/// The document the first pass kept, if it was cleaned from an input of
/// `bytes_in` bytes (else the input changed between the passes: clean it
/// again) and decodes.
fn reuse(kept: Option<Kept>, bytes_in: u64) -> Option<Reused> {
    let kept = kept.filter(|k| k.bytes_in == bytes_in)?;
    postcard::from_bytes(&kept.encoded).ok()
}

fn process(job: Job, config: &Config, multi: bool) -> Result<Done, Error> {
    let started = std::time::Instant::now();
    let Job { work, place, kept } = job;
    let mut done = process_one(&work, place, kept, config, multi)?;
    if let Some(limit) = config.doc_timeout
        && started.elapsed() > limit
    {
        // The work is not cut short mid-parse (the structural guard in
        // `check_shape` bounds parses); a document over budget is reported
        // and left out, so one slow page shows instead of slipping through.
        return Err(Error::TooComplex {
            path: work.name().into(),
            what: format!(
                "took {:.1} s, over --doc-timeout ({:.1} s)",
                started.elapsed().as_secs_f64(),
                limit.as_secs_f64()
            ),
        });
    }
    if config.near_dups.is_some() && !config.learn_sites {
        done.fingerprint = crate::merge::near_dup::fingerprint(&done.text);
    }
    done.text = String::new();
    Ok(done)
}

/// Runs `work` for the document called `name`, turning a panic (a bug in
/// dechaff, not a property of the input) into [`Error::Internal`] for that
/// document, so the rest of the run goes on and keeps its output.
fn guarded<T>(name: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        Err(Error::Internal {
            path: name.into(),
            message,
        })
    })
}

/// What the site step found for one document.
#[derive(Default)]
struct SiteStep {
    /// The document's host.
    host: Option<String>,
    /// Learning: the hashes of its blocks with their lengths.
    learned: Vec<(u64, u32)>,
    /// Learning: [`crate::merge::site::block_hash`] of each block of the
    /// document as cleaned (none when learned from a first segmentation).
    block_hashes: Option<Vec<Option<u64>>>,
    /// Applying a model: blocks marked as site boilerplate.
    marked: u64,
}

/// Site boilerplate for one cleaned document: in learning mode, the hashes
/// of its blocks (of `first_blocks`, the first segmentation, when the page
/// was segmented again); otherwise the model's verdicts applied, with the
/// blocks' hashes if already known. `url` is the document's URL from its
/// record, if any (else its canonical URL).
fn site_step(
    doc: &mut crate::Cleaned,
    url: Option<&str>,
    config: &Config,
    first_blocks: Option<&[crate::segment::Block]>,
    known_hashes: Option<&[Option<u64>]>,
) -> SiteStep {
    use crate::merge::site;
    let url = url
        .map(str::to_string)
        .or_else(|| doc.page.meta.url.clone());
    let host = url.as_deref().and_then(site::host_of);
    let Some(h) = &host else {
        return SiteStep::default();
    };
    if config.learn_sites {
        let blocks = first_blocks.unwrap_or(&doc.page.blocks);
        let hashes: Vec<Option<u64>> = blocks.iter().map(|b| site::block_hash(&b.text)).collect();
        let learned = blocks
            .iter()
            .zip(&hashes)
            .filter_map(|(b, h)| Some(((*h)?, b.chars)))
            .collect();
        return SiteStep {
            host,
            learned,
            block_hashes: first_blocks.is_none().then_some(hashes),
            marked: 0,
        };
    }
    let marked = config
        .site_model
        .as_ref()
        .map_or(0, |m| m.apply_hashed(doc, h, known_hashes)) as u64;
    SiteStep {
        host,
        marked,
        ..SiteStep::default()
    }
}

/// `done` with what the site step found; the first pass of two also keeps
/// the document cleaned in full (`job.keep`) with its blocks' hashes.
fn finish_done(
    mut done: Done,
    site: SiteStep,
    doc: crate::Cleaned,
    place: Place,
    config: &Config,
) -> Done {
    done.host = site.host;
    done.site_hashes = site.learned;
    done.site_marked = site.marked;
    if place.keep {
        let all_blocks = config.explain || config.blocks || config.format == Format::Json;
        done.kept = Kept::new(doc, site.block_hashes, done.bytes_in, all_blocks)
            .map(|kept| (place.ordinal, kept));
    }
    done
}

fn process_one(
    work: &Work,
    place: Place,
    kept: Option<Kept>,
    config: &Config,
    multi: bool,
) -> Result<Done, Error> {
    match work {
        Work::File(source) => {
            let t = std::time::Instant::now();
            let raw = read::read_source(source, config.max_page_bytes)?;
            let read_time = t.elapsed().as_secs_f64();
            let mut first = None;
            let (mut doc, known) = match reuse(kept, raw.bytes.len() as u64) {
                Some(reused) => reused,
                None => (
                    crate::clean_raw_inner(
                        &raw,
                        &options(config, place.keep),
                        place.keep.then_some(&mut first),
                    )?,
                    None,
                ),
            };
            let site = site_step(&mut doc, None, config, first.as_deref(), known.as_deref());
            let t = std::time::Instant::now();
            let out = if config.learn_sites {
                String::new()
            } else {
                render(&doc, config, multi)
            };
            let write_time = t.elapsed().as_secs_f64();
            let done = Done::new(
                &doc,
                out,
                raw.bytes.len() as u64,
                read_time,
                write_time,
                !config.learn_sites,
            );
            Ok(finish_done(done, site, doc, place, config))
        }
        Work::Line {
            shard,
            line_no,
            line,
        } => process_record(shard, *line_no, line, place, kept, config, multi),
        Work::Warc { shard, response } => process_warc(shard, response, place, kept, config, multi),
    }
}

/// Cleans one WARC response. JSONL output: `id` (the record id), `url`,
/// `source` (`shard#record`), `title`, `text`.
fn process_warc(
    shard: &std::path::Path,
    response: &read::warc::Response,
    place: Place,
    kept: Option<Kept>,
    config: &Config,
    multi: bool,
) -> Result<Done, Error> {
    let bytes_in = response.body.len() as u64;
    let mut first = None;
    let (mut doc, known) = match reuse(kept, bytes_in) {
        Some(reused) => reused,
        None => {
            let t = std::time::Instant::now();
            let decoded = read::decode::decode(&response.body, response.charset, true);
            let decode_time = t.elapsed();
            let kind = config.input_kind.unwrap_or(InputKind::Html);
            if kind == InputKind::Html {
                crate::check_shape(
                    &decoded.text,
                    &format!("{}#{}", shard.display(), response.record),
                )?;
            }
            let mut doc = crate::clean_str_inner(
                &decoded.text,
                kind,
                &options(config, place.keep),
                place.keep.then_some(&mut first),
            );
            doc.timings.decode = decode_time;
            (doc, None)
        }
    };
    doc.id = response
        .record_id
        .clone()
        .or_else(|| response.url.clone())
        .unwrap_or_else(|| format!("{}#{}", shard.display(), response.record));
    doc.source = format!("{}#{}", shard.display(), response.record);
    let site = site_step(
        &mut doc,
        response.url.as_deref(),
        config,
        first.as_deref(),
        known.as_deref(),
    );
    let mut fields = serde_json::Map::new();
    fields.insert("id".into(), serde_json::json!(doc.id));
    fields.insert("url".into(), serde_json::json!(response.url));
    fields.insert("source".into(), serde_json::json!(doc.source));
    let done = shard_output(&doc, fields, bytes_in, config, multi);
    Ok(finish_done(done, site, doc, place, config))
}

/// The output for a document read from a shard: with `--format jsonl`, the
/// record's `fields` plus `title` and `text` (and `blocks`/`merges` with
/// `--blocks`); otherwise the document rendered as usual.
fn shard_output(
    doc: &crate::Cleaned,
    mut fields: serde_json::Map<String, serde_json::Value>,
    bytes_in: u64,
    config: &Config,
    multi: bool,
) -> Done {
    if config.learn_sites {
        return Done::new(doc, String::new(), bytes_in, 0.0, 0.0, false);
    }
    if config.format != Format::Jsonl || config.explain {
        let out = render(doc, config, multi);
        return Done::new(doc, out, bytes_in, 0.0, 0.0, true);
    }
    fields.insert("title".into(), serde_json::json!(doc.title));
    fields.insert("text".into(), serde_json::json!(doc.text()));
    if config.blocks {
        let extra = write::json_record(doc, true);
        for key in ["blocks", "merges"] {
            if let Some(v) = extra.get(key) {
                fields.insert(key.into(), v.clone());
            }
        }
    }
    let mut s = serde_json::Value::Object(fields).to_string();
    s.push('\n');
    Done::new(doc, s, bytes_in, 0.0, 0.0, true)
}

/// Cleans one JSONL record. JSONL output keeps every input field and adds
/// (or replaces) `text` and `title`.
fn process_record(
    shard: &std::path::Path,
    line_no: usize,
    line: &str,
    place: Place,
    kept: Option<Kept>,
    config: &Config,
    multi: bool,
) -> Result<Done, Error> {
    let bytes_in = line.len() as u64;
    let mut record = read::jsonl::parse_record(shard, line_no, line, &config.fields)?;
    let mut first = None;
    let (mut doc, known) = match reuse(kept, bytes_in).filter(|(d, _)| d.id == record.id) {
        Some(reused) => reused,
        None => {
            let kind = config.input_kind.unwrap_or(if record.is_html {
                InputKind::Html
            } else {
                InputKind::Text
            });
            if kind == InputKind::Html {
                crate::check_shape(&record.content, &format!("{}:{line_no}", shard.display()))?;
            }
            let doc = crate::clean_str_inner(
                &record.content,
                kind,
                &options(config, place.keep),
                place.keep.then_some(&mut first),
            );
            (doc, None)
        }
    };
    doc.id = std::mem::take(&mut record.id);
    doc.source = format!("{}:{line_no}", shard.display());
    let url = record
        .fields
        .get(&config.fields.url)
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let site = site_step(
        &mut doc,
        url.as_deref(),
        config,
        first.as_deref(),
        known.as_deref(),
    );
    let done = shard_output(&doc, record.into_fields(), bytes_in, config, multi);
    Ok(finish_done(done, site, doc, place, config))
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
    /// An existing output that is not a regular file (`/dev/null`, a FIFO, a
    /// terminal): written in place, since renaming a file over it would
    /// replace the device or pipe with a file.
    Special(std::io::BufWriter<std::fs::File>, PathBuf),
    /// Nothing is written here (every input goes to its own shard output).
    Discard,
}

impl Sink {
    fn open(output: &Option<PathBuf>) -> Result<Sink, Error> {
        match output {
            None => Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout()))),
            Some(given) => {
                let io_err = |e| Error::Io {
                    path: given.clone(),
                    source: e,
                };
                // A symlink is followed: its target is replaced, the link stays.
                let path = match std::fs::symlink_metadata(given) {
                    Ok(m) if m.file_type().is_symlink() => {
                        std::fs::canonicalize(given).map_err(io_err)?
                    }
                    _ => given.clone(),
                };
                if std::fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .map_err(io_err)?;
                    return Ok(Sink::Special(std::io::BufWriter::new(file), given.clone()));
                }
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
            Sink::Special(w, _) => w.write_all(s.as_bytes()),
            Sink::Discard => Ok(()),
        }
    }

    fn finish(self) -> Result<(), Error> {
        match self {
            Sink::Discard => Ok(()),
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::Io {
                path: "-".into(),
                source: e,
            }),
            Sink::Special(mut w, path) => w.flush().map_err(|e| Error::Io { path, source: e }),
            Sink::File(w, path) => {
                let tmp = w.into_inner().map_err(|e| Error::Io {
                    path: path.clone(),
                    source: e.into_error(),
                })?;
                let tmp_path = tmp.path().to_path_buf();
                // Temporary files are private; the output is an ordinary file.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = tmp
                        .as_file()
                        .set_permissions(std::fs::Permissions::from_mode(0o644));
                }
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
    run_with(config, &mut report)
}

fn run_with(config: &Config, report: &mut dyn FnMut(&Error)) -> Result<Summary, Error> {
    if config.site_two_pass && config.site_model.is_none() && !config.learn_sites {
        // First pass: learn the sites' boilerplate (errors are reported by
        // the second pass, which reads the same inputs).
        let mut learn = config.clone();
        learn.learn_sites = true;
        learn.site_two_pass = false;
        learn.stats = None;
        learn.strict = false;
        learn.progress = false;
        // It cleans the pages it learns from in full and keeps them (while
        // they fit in the budget), so the second pass parses them once only.
        let mut reuse = match config.site_reuse_bytes {
            0 => Reuse::Off,
            budget => Reuse::Keep {
                budget,
                store: KeptStore::default(),
            },
        };
        let model = run_pass(&learn, &mut |_| {}, &mut reuse)?
            .site_model
            .unwrap_or_default();
        let mut clean = config.clone();
        clean.site_two_pass = false;
        clean.site_model = Some(Arc::new(model));
        return run_pass(&clean, report, &mut reuse.into_second_pass());
    }
    run_pass(config, report, &mut Reuse::Off)
}

/// One pass over the inputs.
fn run_pass(
    config: &Config,
    mut report: &mut dyn FnMut(&Error),
    reuse: &mut Reuse,
) -> Result<Summary, Error> {
    let started = std::time::Instant::now();
    let (sources, walk_errors) = read::discover(&config.inputs);
    let mut summary = Summary::default();
    for e in walk_errors {
        fail(config, &mut summary, &mut report, e)?;
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
    let main_output = match &config.output_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io {
                path: dir.clone(),
                source: e,
            })?;
            Some(dir.join("documents.jsonl"))
        }
        None => config.output.clone(),
    };
    let has_plain_files = sources.iter().any(
        |s| !matches!(s, Source::File(p) if read::jsonl::is_jsonl(p) || read::warc::is_warc(p)),
    );
    // With --output-dir and only shards as input, no documents.jsonl.
    let mut sink = if config.learn_sites || (config.output_dir.is_some() && !has_plain_files) {
        Sink::Discard
    } else {
        Sink::open(&main_output)?
    };
    let mut shard_names: rustc_hash::FxHashSet<String> = Default::default();
    let out_err = |e: std::io::Error| Error::Io {
        path: config.output.clone().unwrap_or_else(|| PathBuf::from("-")),
        source: e,
    };
    if json_array {
        sink.write("[\n").map_err(out_err)?;
    }
    let mut first = true;
    let progress = if config.progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(sources.len() as u64).filter(|_| !multi_doc_shards(&sources)),
            indicatif::ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} pages ({per_sec}) {msg} {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut near_dups = config
        .near_dups
        .filter(|_| !config.learn_sites)
        .map(crate::merge::near_dup::NearDupIndex::new);
    let mut learner = crate::merge::site::SiteLearner::default();
    let mut sampler = SiteSampler::new(config);
    let mut pending = Batch::new((jobs * 256).max(1));
    // Documents in input order, counted alike in both passes of two.
    let mut ordinal = 0u64;
    let reuse = std::cell::RefCell::new(reuse);
    // Batches are pipelined: while the pool cleans one batch, this thread
    // reads the next and writes (and indexes) the one before, in input
    // order. `flush` hands the full batch to the pool and then takes in the
    // results of the batch handed over before it; with `wait` it also takes
    // in the batch just handed over (before a change of output file, and at
    // the end).
    std::thread::scope(|scope| -> Result<Summary, Error> {
        let mut in_flight: Option<std::thread::ScopedJoinHandle<'_, Vec<Result<Done, Error>>>> =
            None;
        let mut take_in = |results: Vec<Result<Done, Error>>,
                           sink: &mut Sink,
                           summary: &mut Summary,
                           report: &mut dyn FnMut(&Error)|
         -> Result<(), Error> {
            for r in results {
                match r {
                    Ok(mut done) => {
                        if config.learn_sites {
                            if let Some(host) = &done.host {
                                learner.add(host, &done.site_hashes);
                            }
                            if let Some((ordinal, kept)) = done.kept.take() {
                                reuse.borrow_mut().add(ordinal, kept);
                            }
                            summary.written += 1;
                            progress.inc(1);
                            continue;
                        }
                        summary.site_boilerplate_blocks += done.site_marked;
                        if let (Some(index), Some(fp)) =
                            (near_dups.as_mut(), done.fingerprint.take())
                            && let Some((original, _)) = index.check(&done.id, fp)
                        {
                            summary.duplicate += 1;
                            if config.drop_duplicates {
                                progress.inc(1);
                                continue;
                            }
                            mark_duplicate(&mut done.out, &original, config);
                        }
                        if json_array && !first {
                            sink.write(",\n").map_err(out_err)?;
                        }
                        first = false;
                        sink.write(&done.out).map_err(out_err)?;
                        if config.format == Format::Json && !config.explain && !json_array {
                            sink.write("\n").map_err(out_err)?;
                        }
                        summary.add(&done);
                        progress.inc(1);
                        progress.set_message(format!("{} MB", summary.bytes_in >> 20));
                    }
                    Err(e) => {
                        if config.strict {
                            return Err(e);
                        }
                        progress.suspend(|| report(&e));
                        summary.failed += 1;
                    }
                }
            }
            Ok(())
        };
        let pool = &pool;
        let mut flush = |pending: &mut Batch,
                         sink: &mut Sink,
                         summary: &mut Summary,
                         report: &mut dyn FnMut(&Error),
                         wait: bool|
         -> Result<(), Error> {
            let handed_over = (!pending.items.is_empty()).then(|| {
                let items = std::mem::take(&mut pending.items);
                pending.clear();
                scope.spawn(move || {
                    pool.install(|| {
                        items
                            .into_par_iter()
                            .map(|job| {
                                let name = job.work.name();
                                guarded(&name, || process(job, config, multi))
                            })
                            .collect::<Vec<_>>()
                    })
                })
            });
            let earlier = in_flight.take();
            in_flight = handed_over;
            for batch in [earlier, if wait { in_flight.take() } else { None }]
                .into_iter()
                .flatten()
            {
                let results = batch
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                take_in(results, sink, summary, report)?;
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
                        fail(config, &mut summary, &mut report, e)?;
                        continue;
                    }
                };
                let mut warc = read::warc::WarcReader::new(stream, p, config.max_page_bytes);
                // With --output-dir the shard's records go to a file of their own:
                // it takes the sink's place for the shard.
                let parked = match config.output_dir.as_ref().filter(|_| !config.learn_sites) {
                    Some(dir) => {
                        flush(&mut pending, &mut sink, &mut summary, &mut report, true)?;
                        let path = shard_output_path(dir, p, &mut shard_names);
                        Some(std::mem::replace(&mut sink, Sink::open(&Some(path))?))
                    }
                    None => None,
                };
                loop {
                    match warc.next_record() {
                        Ok(read::warc::Next::End) => break,
                        Ok(read::warc::Next::Other) => {}
                        Ok(read::warc::Next::NotHtml) => summary.skipped_not_html += 1,
                        Ok(read::warc::Next::Html(response)) => {
                            ordinal += 1;
                            if !sampler.takes(response.url.as_deref(), &mut summary) {
                                continue;
                            }
                            let work = Work::Warc {
                                shard: Arc::clone(&shard),
                                response,
                            };
                            if pending.push(reuse.borrow_mut().job(work, ordinal)) {
                                flush(&mut pending, &mut sink, &mut summary, &mut report, false)?;
                            }
                        }
                        Err(e) => {
                            fail(config, &mut summary, &mut report, e)?;
                            if warc.is_broken() {
                                break;
                            }
                        }
                    }
                }
                if let Some(main) = parked {
                    flush(&mut pending, &mut sink, &mut summary, &mut report, true)?;
                    std::mem::replace(&mut sink, main).finish()?;
                }
                continue;
            }
            let shard = match &source {
                Source::File(p) if read::jsonl::is_jsonl(p) => Some(p.clone()),
                _ => None,
            };
            let Some(shard) = shard else {
                ordinal += 1;
                if pending.push(reuse.borrow_mut().job(Work::File(source), ordinal)) {
                    flush(&mut pending, &mut sink, &mut summary, &mut report, false)?;
                }
                continue;
            };
            let mut reader = match read::jsonl::open(&shard) {
                Ok(r) => r,
                Err(e) => {
                    fail(config, &mut summary, &mut report, e)?;
                    continue;
                }
            };
            let parked = match config.output_dir.as_ref().filter(|_| !config.learn_sites) {
                Some(dir) => {
                    flush(&mut pending, &mut sink, &mut summary, &mut report, true)?;
                    let path = shard_output_path(dir, &shard, &mut shard_names);
                    Some(std::mem::replace(&mut sink, Sink::open(&Some(path))?))
                }
                None => None,
            };
            let shard = Arc::new(shard);
            let mut line_no = 0usize;
            let mut buf = String::new();
            loop {
                line_no += 1;
                match read::jsonl::read_line(&mut reader, &mut buf, config.max_page_bytes) {
                    Ok(read::jsonl::LineRead::End) => break,
                    Ok(read::jsonl::LineRead::TooLong) => {
                        let e = Error::Record {
                            path: shard.to_path_buf(),
                            line: line_no,
                            message: format!(
                                "skipped: longer than --max-page-bytes ({} bytes)",
                                config.max_page_bytes
                            ),
                        };
                        fail(config, &mut summary, &mut report, e)?;
                        continue;
                    }
                    Ok(read::jsonl::LineRead::Line) => {
                        if buf.trim().is_empty() {
                            continue;
                        }
                        ordinal += 1;
                        if sampler.active()
                            && !sampler.takes(
                                read::jsonl::string_field(&buf, &config.fields.url).as_deref(),
                                &mut summary,
                            )
                        {
                            continue;
                        }
                        let work = Work::Line {
                            shard: Arc::clone(&shard),
                            line_no,
                            line: std::mem::take(&mut buf),
                        };
                        if pending.push(reuse.borrow_mut().job(work, ordinal)) {
                            flush(&mut pending, &mut sink, &mut summary, &mut report, false)?;
                        }
                    }
                    Err(e) => {
                        // A truncated or corrupt shard: report where it broke and
                        // keep what was read before.
                        let e = Error::Record {
                            path: shard.to_path_buf(),
                            line: line_no,
                            message: format!("cannot read further: {e}"),
                        };
                        fail(config, &mut summary, &mut report, e)?;
                        break;
                    }
                }
            }
            if let Some(main) = parked {
                flush(&mut pending, &mut sink, &mut summary, &mut report, true)?;
                std::mem::replace(&mut sink, main).finish()?;
            }
        }
        flush(&mut pending, &mut sink, &mut summary, &mut report, true)?;
        if json_array {
            sink.write("\n]\n").map_err(out_err)?;
        }
        sink.finish()?;
        progress.finish_and_clear();
        if config.learn_sites {
            summary.site_model = Some(learner.finish());
        }
        Ok(summary)
    })
    .and_then(|summary| finish_summary(config, summary, started))
}

/// Fills in the totals of a run's summary and writes `--stats`.
fn finish_summary(
    config: &Config,
    mut summary: Summary,
    started: std::time::Instant,
) -> Result<Summary, Error> {
    summary.documents_read = summary.written + summary.failed;
    summary.elapsed_seconds = started.elapsed().as_secs_f64();
    if summary.elapsed_seconds > 0.0 {
        summary.pages_per_second = summary.written as f64 / summary.elapsed_seconds;
    }
    if let Some(path) = &config.stats {
        write_stats(path, &summary)?;
    }
    Ok(summary)
}

/// The output file for one input shard under `--output-dir`: its name
/// without compression and shard extensions, `.jsonl`, made unique.
fn shard_output_path(
    dir: &std::path::Path,
    shard: &std::path::Path,
    taken: &mut rustc_hash::FxHashSet<String>,
) -> PathBuf {
    let name = shard
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "shard".into());
    let mut stem = name.as_str();
    for ext in [".gz", ".zst", ".jsonl", ".ndjson", ".warc", ".arc"] {
        stem = stem.strip_suffix(ext).unwrap_or(stem);
    }
    let mut candidate = format!("{stem}.jsonl");
    let mut n = 2;
    while candidate == "documents.jsonl" || !taken.insert(candidate.clone()) {
        candidate = format!("{stem}-{n}.jsonl");
        n += 1;
    }
    dir.join(candidate)
}

/// Adds `"duplicate_of": "<id>"` to a JSON or JSONL record (other formats
/// are left as they are).
fn mark_duplicate(out: &mut String, original: &str, config: &Config) {
    if config.explain || !matches!(config.format, Format::Jsonl | Format::Json) {
        return;
    }
    let Some(end) = out.rfind('}') else {
        return;
    };
    let field = format!(
        ",\"duplicate_of\":{}",
        serde_json::Value::String(original.to_string())
    );
    out.insert_str(end, &field);
}

/// Counts a failed document and reports it, or, with `--strict`, ends the run.
fn fail(
    config: &Config,
    summary: &mut Summary,
    report: &mut impl FnMut(&Error),
    e: Error,
) -> Result<(), Error> {
    if config.strict {
        return Err(e);
    }
    report(&e);
    summary.failed += 1;
    Ok(())
}

/// True when some source is a shard holding many documents (so the number
/// of documents is not known up front).
fn multi_doc_shards(sources: &[Source]) -> bool {
    sources
        .iter()
        .any(|s| matches!(s, Source::File(p) if read::jsonl::is_jsonl(p) || read::warc::is_warc(p)))
}

/// Writes the run's statistics as pretty JSON, atomically.
fn write_stats(path: &std::path::Path, summary: &Summary) -> Result<(), Error> {
    let json = serde_json::to_string_pretty(summary).unwrap_or_else(|_| "{}".into());
    write_file(path, &(json + "\n"))
}

/// Writes `contents` to `path` as dechaff writes every output: through a
/// temporary file renamed over the target, so it is whole or absent; a
/// symlink's target is replaced (the link stays), and an existing device or
/// FIFO (`/dev/null`) is written in place, never replaced.
pub fn write_file(path: &std::path::Path, contents: &str) -> Result<(), Error> {
    let mut sink = Sink::open(&Some(path.to_path_buf()))?;
    sink.write(contents).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    sink.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> crate::Cleaned {
        crate::clean_str_with(html, InputKind::Html, &crate::Options::default())
    }

    #[test]
    fn a_panic_becomes_an_error_for_that_document_only() {
        let failed = guarded::<()>("shard.jsonl:7", || panic!("index out of bounds"));
        match failed {
            Err(Error::Internal { path, message }) => {
                assert_eq!(path, std::path::Path::new("shard.jsonl:7"));
                assert_eq!(message, "index out of bounds");
            }
            other => panic!("expected an internal error, got {other:?}"),
        }
        let formatted = guarded::<()>("a.html", || panic!("{} of {}", 3, 4));
        assert!(
            matches!(formatted, Err(Error::Internal { ref message, .. }) if message == "3 of 4")
        );
        assert_eq!(guarded("b.html", || Ok(5)).ok(), Some(5));
    }

    #[test]
    fn kept_documents_come_back_as_they_were_cleaned() {
        let page = "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav><article><h1>Harbour news</h1><p>The ferry timetable changes in May, and the pier will close for two weeks of repairs in the summer months.</p><p>Passengers can check the new times online or at the harbour office, which opens at seven every weekday.</p></article><footer>© Port Example 2026 · Privacy · Terms</footer></body></html>";
        let mut store = KeptStore::default();
        let hashes: Vec<Option<u64>> = cleaned(page)
            .page
            .blocks
            .iter()
            .map(|b| crate::merge::site::block_hash(&b.text))
            .collect();
        for ordinal in [3, 7] {
            let kept = Kept::new(cleaned(page), Some(hashes.clone()), 1234, false).unwrap();
            store.add(ordinal, kept);
        }
        assert!(store.take(5).is_none(), "not kept");
        assert!(
            reuse(store.take(3), 999).is_none(),
            "another input's size: cleaned again"
        );
        let (doc, back) = reuse(store.take(7), 1234).unwrap();
        let fresh = cleaned(page);
        assert_eq!(doc.text(), fresh.text());
        assert_eq!(doc.title, fresh.title);
        assert_eq!(back, Some(hashes));
        assert!(doc.page.nodes.is_empty());
        for ((b, j), (f, g)) in doc
            .page
            .blocks
            .iter()
            .zip(&doc.judgements)
            .zip(fresh.page.blocks.iter().zip(&fresh.judgements))
        {
            assert_eq!((b.kind, b.chars, b.is_title), (f.kind, f.chars, f.is_title));
            assert_eq!((j.verdict, j.score), (g.verdict, g.score));
            let shown = j.verdict == crate::score::Verdict::Content || b.is_title;
            assert_eq!(b.text, if shown { f.text.clone() } else { String::new() });
        }
        assert!(store.take(7).is_none(), "taken once");
    }
}
