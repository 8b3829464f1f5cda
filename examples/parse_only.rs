//! The floor for a DOM-based extractor: read, gunzip and parse every page of
//! a directory with `scraper`, on one thread, and nothing else.
//!
//!     cargo run --release --example parse_only -- DIR
//!
//! Prints pages, seconds and pages/s; `scripts/eval.sh` compares dechaff's
//! `-j1` time against it.

use std::io::Read;

fn main() {
    let dirs: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let (sources, _) = dechaff::read::discover(&dirs);
    let start = std::time::Instant::now();
    let mut nodes = 0usize;
    for s in &sources {
        let dechaff::read::Source::File(path) = s else {
            continue;
        };
        let Ok(raw) = std::fs::read(path) else {
            continue;
        };
        let mut bytes = Vec::new();
        if raw.starts_with(&[0x1f, 0x8b]) {
            if flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut bytes)
                .is_err()
            {
                continue;
            }
        } else {
            bytes = raw;
        }
        let html = String::from_utf8_lossy(&bytes);
        let dom = scraper::Html::parse_document(&html);
        nodes += dom.tree.nodes().count();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} pages in {:.2}s = {:.1} pages/s ({} nodes)",
        sources.len(),
        secs,
        sources.len() as f64 / secs,
        nodes
    );
}
