//! The command line: clap parses arguments into a plain [`Config`].

use clap::Parser;
use dechaff::pipeline::Config;
use dechaff::read::InputKind;
use dechaff::write::Format;
use std::path::PathBuf;

/// Turn scraped web pages into clean text: keep the main content, drop
/// navigation, ads, related links, footers and other boilerplate.
#[derive(Debug, Parser)]
#[command(name = "dechaff", version, about)]
pub struct Cli {
    /// Files or directories to clean (directories recursively: .html, .htm,
    /// .txt and the same with .gz; JSONL shards .jsonl/.ndjson, plain, .gz or
    /// .zst, one record per line; WARC .warc/.warc.gz); `-` or nothing reads
    /// stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write output to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,

    /// Write one JSONL file per input shard into DIR, each atomically
    /// (documents from plain files go to DIR/documents.jsonl). Implies
    /// --format jsonl.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Treat every input as HTML or as plain text instead of detecting it.
    #[arg(long, value_enum, value_name = "KIND")]
    pub input_kind: Option<InputKind>,

    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Print every block with its verdict, score and reasons instead of the output.
    #[arg(long)]
    pub explain: bool,

    /// Include every block (text, kind, verdict, score, reasons) in JSONL records.
    #[arg(long)]
    pub blocks: bool,

    /// Keep near-duplicate passages (repeats, pull quotes) instead of merging them.
    #[arg(long)]
    pub no_merge: bool,

    /// Similarity (0–1) at or above which two passages are merged.
    #[arg(long, value_name = "SIM", default_value_t = 0.9, value_parser = parse_unit)]
    pub merge_threshold: f32,

    /// JSONL: the field holding HTML.
    #[arg(long, value_name = "NAME", default_value = "html")]
    pub html_field: String,

    /// JSONL: the field holding plain text (used when a record has no HTML).
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,

    /// JSONL: the field holding the document id.
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,

    /// JSONL: the field holding the URL.
    #[arg(long, value_name = "NAME", default_value = "url")]
    pub url_field: String,

    /// Do not look for near-duplicate documents.
    #[arg(long)]
    pub no_dedup: bool,

    /// Verified Jaccard similarity (0–1, word 3-gram shingles) at or above
    /// which a document is a near-duplicate of an earlier one.
    #[arg(long, value_name = "SIM", default_value_t = 0.4, value_parser = parse_unit)]
    pub dedup_threshold: f32,

    /// Most near-duplicates one document can gather (a cap against chains).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_cluster: usize,

    /// Leave near-duplicate documents out of the output (the first in input
    /// order is kept).
    #[arg(long)]
    pub drop_duplicates: bool,

    /// Learn site boilerplate (blocks that recur on many pages of one host)
    /// in a first pass over the inputs, then clean with it.
    #[arg(long, conflicts_with = "site_model")]
    pub site_boilerplate: bool,

    /// While learning site boilerplate, learn each host's from its first N
    /// pages with a URL (in input order) and pass over the rest; 0: all.
    #[arg(long, value_name = "N", default_value_t = dechaff::pipeline::DEFAULT_SITE_SAMPLE)]
    pub site_sample: usize,

    /// With --site-boilerplate: memory (MB) for the pages the first pass
    /// learns from, which it cleans in full and keeps so the second pass
    /// does not parse them again; pages past it are parsed again (0: none).
    #[arg(long, value_name = "MB", default_value_t = dechaff::pipeline::DEFAULT_SITE_REUSE_BYTES >> 20)]
    pub site_reuse_mb: usize,

    /// Apply site boilerplate learned earlier by `dechaff learn … -o MODEL`.
    #[arg(long, value_name = "MODEL")]
    pub site_model: Option<PathBuf>,

    /// Report a document that takes longer than SECS to clean as failed and
    /// leave it out (0: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub doc_timeout: f64,

    /// Stop at the first document that fails (exit status 1).
    #[arg(long)]
    pub strict: bool,

    /// Write run statistics (documents, bytes, blocks by verdict, merges,
    /// seconds per stage, pages/s) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,

    /// Never draw the progress bar (it is only drawn on a terminal anyway).
    #[arg(long)]
    pub quiet: bool,

    /// Skip documents larger than this many bytes (after decompression).
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_page_bytes: u64,
}

impl Cli {
    /// Turns the parsed arguments into a run configuration; fails when the
    /// site model cannot be read.
    pub fn into_config(self) -> Result<Config, String> {
        let site_model = match &self.site_model {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let model: dechaff::merge::site::SiteModel = serde_json::from_str(&text)
                    .map_err(|e| format!("{}: not a site model: {e}", path.display()))?;
                Some(std::sync::Arc::new(model))
            }
            None => None,
        };
        Ok(Config {
            site_model,
            site_two_pass: self.site_boilerplate,
            learn_sites: false,
            site_sample: self.site_sample,
            site_reuse_bytes: self.site_reuse_mb.saturating_mul(1 << 20),
            doc_timeout: (self.doc_timeout > 0.0)
                .then(|| std::time::Duration::from_secs_f64(self.doc_timeout)),
            inputs: self.paths,
            output: self.output,
            input_kind: self.input_kind,
            jobs: self.jobs,
            explain: self.explain,
            blocks: self.blocks,
            max_page_bytes: self.max_page_bytes,
            merge: (!self.no_merge).then_some(dechaff::merge::MergeOptions {
                threshold: self.merge_threshold,
            }),
            strict: self.strict,
            near_dups: (!self.no_dedup).then_some(dechaff::merge::near_dup::NearDupOptions {
                threshold: self.dedup_threshold,
                max_cluster: self.max_cluster,
            }),
            drop_duplicates: self.drop_duplicates,
            format: if self.output_dir.is_some() {
                Format::Jsonl
            } else {
                self.format
            },
            output_dir: self.output_dir,
            stats: self.stats,
            progress: !self.quiet,
            fields: dechaff::read::jsonl::Fields {
                html: self.html_field,
                text: self.text_field,
                id: self.id_field,
                url: self.url_field,
            },
        })
    }
}

fn parse_unit(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err("must be between 0 and 1".into())
    }
}
