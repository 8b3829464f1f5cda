//! Writes the block feature vectors of every page in a directory as JSONL,
//! for `scripts/train.py`: `{"id": …, "blocks": [{"text": …, "f": […],
//! "cf": [class features]}]}`.
//!
//!     cargo run --release --example dump_features -- DIR > features.jsonl

use dechaff::read::{self, Source};
use dechaff::score::{analyze, lexical, vector};
use rayon::prelude::*;
use std::io::Write;

fn main() {
    let dirs: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let (sources, _) = read::discover(&dirs);
    let lines: Vec<String> = sources
        .par_iter()
        .filter_map(|s: &Source| {
            let raw = read::read_source(s, 64 << 20).ok()?;
            let doc = dechaff::clean_raw(
                &raw,
                &dechaff::Options {
                    explain: false,
                    merge: None,
                    ..Default::default()
                },
            )
            .ok()?;
            let an = analyze(&doc.page, false);
            let vecs = vector::vectors(&doc.page, &an);
            let blocks: Vec<serde_json::Value> = doc
                .page
                .blocks
                .iter()
                .zip(&vecs)
                .enumerate()
                .map(|(i, (b, v))| {
                    let parent = doc.page.nodes[b.node as usize].parent;
                    serde_json::json!({
                        "text": b.text,
                        "title": b.is_title,
                        "cf": lexical::class_feature_names(&doc.page, i),
                        "n": b.node,
                        "p": parent,
                        "g": doc.page.nodes[parent as usize].parent,
                        "f": v.iter().map(|x| (x * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
                    })
                })
                .collect();
            Some(serde_json::json!({"id": raw.id, "blocks": blocks}).to_string())
        })
        .collect();
    let mut out = std::io::stdout().lock();
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
}
