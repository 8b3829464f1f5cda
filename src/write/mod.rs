//! Writing: cleaned documents → text, Markdown, JSON, JSONL or an explanation.
//!
//! Takes one [`Cleaned`] document and returns its rendering as a string; the
//! pipeline writes the strings in input order. The JSONL record is a
//! contract other tools rely on: `id`, `source`, `title` (string or null) and
//! `text` (content paragraphs separated by one blank line, title left out);
//! JSON adds `blocks` with every block's text, kind, verdict (content, junk
//! or duplicate), score and reasons — the block that carries the title is
//! marked `"is_title": true` and is not repeated in `text` — and `merges`.

use crate::Cleaned;
use crate::score::Verdict;
use crate::segment::BlockKind;
use serde_json::{Value, json};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The title, a blank line, then the text.
    Text,
    /// Markdown: `#` title, headings, lists, quotes, code fences, tables.
    Markdown,
    /// One pretty-printed JSON object per document, with all blocks.
    Json,
    /// One JSON object per line per document.
    Jsonl,
}

/// Renders the JSON record of a document; `with_blocks` adds the `blocks` array.
pub fn json_record(doc: &Cleaned, with_blocks: bool) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("id".into(), json!(doc.id));
    obj.insert("source".into(), json!(doc.source));
    obj.insert("title".into(), json!(doc.title));
    obj.insert("text".into(), json!(doc.text()));
    if with_blocks {
        let blocks: Vec<Value> = doc
            .page
            .blocks
            .iter()
            .zip(&doc.judgements)
            .map(|(b, j)| {
                let mut block = json!({
                    "text": b.text,
                    "kind": b.kind.name(),
                    "verdict": j.verdict.name(),
                    "score": (j.score * 100.0).round() / 100.0,
                    "reasons": j.reasons,
                });
                if b.is_title {
                    block["is_title"] = json!(true);
                }
                block
            })
            .collect();
        obj.insert("blocks".into(), Value::Array(blocks));
        obj.insert(
            "merges".into(),
            serde_json::to_value(&doc.merges).unwrap_or(Value::Null),
        );
    }
    Value::Object(obj)
}

/// Renders a document as plain text: the title, a blank line, the text.
pub fn plain_text(doc: &Cleaned) -> String {
    let mut out = String::new();
    if let Some(t) = &doc.title {
        out.push_str(t);
        out.push_str("\n\n");
    }
    out.push_str(&doc.text());
    out.push('\n');
    out
}

/// Renders a document as Markdown.
pub fn markdown(doc: &Cleaned) -> String {
    let mut out = String::new();
    if let Some(t) = &doc.title {
        out.push_str("# ");
        out.push_str(t);
        out.push_str("\n\n");
    }
    let mut prev_list = false;
    for (b, j) in doc.page.blocks.iter().zip(&doc.judgements) {
        if j.verdict != Verdict::Content || b.is_title {
            continue;
        }
        let is_list = b.kind == BlockKind::ListItem;
        let continues_list = is_list && prev_list;
        if !(out.is_empty() || out.ends_with("\n\n") || continues_list) {
            out.push('\n');
        }
        prev_list = is_list;
        match b.kind {
            BlockKind::Heading => {
                let level = b.heading_level.clamp(2, 6) as usize;
                out.push_str(&"#".repeat(level));
                out.push(' ');
                out.push_str(&b.text.replace('\n', " "));
                out.push_str("\n\n");
            }
            BlockKind::ListItem => {
                out.push_str("- ");
                out.push_str(&b.text.replace('\n', " "));
                out.push('\n');
            }
            BlockKind::Quote => {
                for line in b.text.lines() {
                    out.push_str("> ");
                    out.push_str(line);
                    out.push('\n');
                }
                out.push('\n');
            }
            BlockKind::Code => {
                out.push_str("```\n");
                out.push_str(&b.text);
                out.push_str("\n```\n\n");
            }
            BlockKind::Table => {
                for (i, row) in b.text.lines().enumerate() {
                    out.push_str("| ");
                    out.push_str(row);
                    out.push_str(" |\n");
                    if i == 0 {
                        let cols = row.matches(" | ").count() + 1;
                        out.push('|');
                        out.push_str(&"---|".repeat(cols));
                        out.push('\n');
                    }
                }
                out.push('\n');
            }
            _ => {
                out.push_str(&b.text);
                out.push_str("\n\n");
            }
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Renders every block with its verdict, score and reasons, for `--explain`.
pub fn explain(doc: &Cleaned) -> String {
    let mut out = format!(
        "== {} ({})  title: {}\n",
        doc.source,
        match doc.kind {
            crate::read::InputKind::Html => "html",
            crate::read::InputKind::Text => "text",
        },
        doc.title.as_deref().unwrap_or("-")
    );
    for (i, (b, j)) in doc.page.blocks.iter().zip(&doc.judgements).enumerate() {
        let verdict = if b.is_title {
            "TITLE"
        } else {
            match j.verdict {
                Verdict::Content => "KEEP",
                Verdict::Junk => "junk",
                Verdict::Duplicate => "dup",
            }
        };
        let mut preview: String = b.text.chars().take(90).collect();
        preview = preview.replace('\n', " ⏎ ");
        if b.text.chars().count() > 90 {
            preview.push('…');
        }
        out.push_str(&format!(
            "{i:>4} {verdict:<5} {:>+6.2} {:<10} {preview}\n",
            j.score,
            b.kind.name()
        ));
        if !j.reasons.is_empty() {
            out.push_str(&format!("{:>29}{}\n", "", j.reasons.join("; ")));
        }
    }
    out
}
