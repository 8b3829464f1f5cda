//! Held-out figures for the whole pipeline: runs dechaff over a dataset with
//! the classifier's probabilities replaced by out-of-fold ones (from
//! `scripts/train.py --oof FILE`, whose `FILE.s2` holds the second stage's),
//! so selection, the rules' fallback and merging act as on unseen pages.
//! Writes the scorer's `{"id": {"articleBody": text}}` JSON to stdout.
//!
//!     cargo run --release --features eval-hooks --example held_out -- \
//!         OOF.json.s2 ../shared/eval/wcxb-dev > preds.json
//!
//! `--no-merge` turns the merge stage off, to see what it adds held out;
//! `--show-merges` writes every merge to stderr as JSON, one per line.
//!
//! The out-of-fold file names pages `DATASET/ID`, DATASET being the folder's
//! name. Pages it lacks, and pages whose blocks differ from the ones the
//! probabilities were computed for, keep the shipped model's verdicts; the
//! counts go to stderr (a held-out figure is only as good as they are low).

use dechaff::read::{self, Source};
use dechaff::score::held_out;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let merge = !args.iter().any(|a| a == "--no-merge");
    let show_merges = args.iter().any(|a| a == "--show-merges");
    args.retain(|a| a != "--no-merge" && a != "--show-merges");
    let [oof_path, dataset] = args.as_slice() else {
        return Err("usage: held_out [--no-merge] [--show-merges] OOF.json DATASET_DIR".into());
    };
    let oof: HashMap<String, Vec<f32>> = serde_json::from_str(&std::fs::read_to_string(oof_path)?)?;
    let dataset = PathBuf::from(dataset);
    let name = dataset
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("dataset folder has no name")?
        .to_string();
    let (sources, errors) = read::discover(&[dataset.join("html")]);
    if let Some(e) = errors.first() {
        return Err(e.to_string().into());
    }
    let (missing, differing) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let no_merge = dechaff::Options {
        explain: false,
        merge: None,
        ..Default::default()
    };
    let full = dechaff::Options {
        explain: false,
        merge: merge.then(Default::default),
        ..Default::default()
    };
    let preds: Vec<(String, String)> = sources
        .par_iter()
        .map(|s: &Source| -> Result<(String, String), String> {
            let raw = read::read_source(s, 64 << 20).map_err(|e| e.to_string())?;
            let Some(probs) = oof.get(&format!("{name}/{}", raw.id)) else {
                missing.fetch_add(1, Ordering::Relaxed);
                let doc = dechaff::clean_raw(&raw, &full).map_err(|e| e.to_string())?;
                return Ok((raw.id.clone(), doc.text()));
            };
            // The blocks the probabilities belong to: the page as
            // `dump_features` segmented it.
            let first = dechaff::clean_raw(&raw, &no_merge).map_err(|e| e.to_string())?;
            let texts = first.page.blocks.iter().map(|b| b.text.clone()).collect();
            let (doc, applied) = held_out::with_probabilities(texts, probs.clone(), || {
                dechaff::clean_raw(&raw, &full)
            });
            if !applied {
                differing.fetch_add(1, Ordering::Relaxed);
            }
            let doc = doc.map_err(|e| e.to_string())?;
            if show_merges {
                for m in &doc.merges {
                    let text = |i: usize| doc.page.blocks[i].text.as_str();
                    let near = |i: usize| {
                        [i.checked_sub(1), Some(i + 1)]
                            .into_iter()
                            .flatten()
                            .filter(|&k| k < doc.page.blocks.len())
                            .map(|k| doc.page.blocks[k].text.as_str())
                            .collect::<Vec<_>>()
                    };
                    eprintln!(
                        "{}",
                        serde_json::json!({"id": raw.id, "kind": m.kind, "similarity": m.similarity,
                            "dropped": text(m.dropped),
                            "of": m.of.iter().map(|&i| text(i)).collect::<Vec<_>>(),
                            "dropped_near": near(m.dropped),
                            "of_near": m.of.first().map(|&i| near(i)).unwrap_or_default()})
                    );
                }
            }
            Ok((raw.id.clone(), doc.text()))
        })
        .collect::<Result<_, _>>()?;
    let out: serde_json::Map<String, serde_json::Value> = preds
        .into_iter()
        .map(|(id, text)| (id, serde_json::json!({ "articleBody": text })))
        .collect();
    println!("{}", serde_json::to_string(&out)?);
    eprintln!(
        "{} pages; {} not in the out-of-fold file, {} whose blocks differ (model verdicts kept)",
        sources.len(),
        missing.into_inner(),
        differing.into_inner()
    );
    Ok(())
}
