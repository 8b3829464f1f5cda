//! Reading inputs: paths and stdin → [`RawDoc`]s of bytes, decompressed.
//!
//! Takes what the user named (files, directories, `-` for stdin) and returns
//! the documents to clean, in a stable order: directories are walked
//! recursively in file-name order and keep `.html`, `.htm`, `.txt` and the same
//! with `.gz`; files named explicitly are read whatever their extension.
//! Gzip is recognised by its magic bytes and inflated with a size cap.
//! Charset decoding lives in [`decode`].

pub mod decode;
pub mod jsonl;
pub mod warc;

use crate::error::Error;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file; the string is the path as the user gave it (or as found in a directory).
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Source {
    /// The path as given, or `-` for stdin.
    pub fn display(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
        }
    }

    /// The document id: the file name without `.gz` and without
    /// `.html`/`.htm`/`.txt`; `stdin` for standard input.
    pub fn id(&self) -> String {
        match self {
            Source::File(p) => doc_id(p),
            Source::Stdin => "stdin".to_string(),
        }
    }
}

/// The id of a document read from `path`.
pub fn doc_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    for ext in [".html", ".htm", ".txt", ".HTML", ".HTM", ".TXT"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    name.to_string()
}

/// What a document is, as the user or the sniffing decided.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
pub enum InputKind {
    /// HTML markup.
    Html,
    /// Plain text.
    Text,
}

/// One input document as bytes, before decoding.
#[derive(Debug, Clone)]
pub struct RawDoc {
    /// The document id (see [`Source::id`]).
    pub id: String,
    /// Where it came from, as given.
    pub source: String,
    /// The (decompressed) bytes.
    pub bytes: Vec<u8>,
}

/// The lowercase file name of `path` without a trailing `.gz` or `.zst`.
pub(crate) fn name_without_compression(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name)
        .to_string()
}

fn has_wanted_extension(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".html")
        || name.ends_with(".htm")
        || name.ends_with(".txt")
        || jsonl::is_jsonl(path)
        || warc::is_warc(path)
}

/// Expands the user's paths into sources, in order. Problems (a missing
/// path, a symlink loop, an unreadable directory) are returned alongside, so
/// the caller can report them and go on with the rest.
pub fn discover(paths: &[PathBuf]) -> (Vec<Source>, Vec<Error>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    if paths.is_empty() {
        sources.push(Source::Stdin);
    }
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let walker = walkdir::WalkDir::new(path)
                    .follow_links(true)
                    .sort_by_file_name();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_file() && has_wanted_extension(e.path()) => {
                            sources.push(Source::File(e.path().to_path_buf()));
                        }
                        Ok(_) => {}
                        Err(err) => {
                            let at = err
                                .path()
                                .map(Path::to_path_buf)
                                .unwrap_or_else(|| path.clone());
                            errors.push(Error::Walk {
                                path: at,
                                message: err.to_string(),
                            });
                        }
                    }
                }
            }
            Ok(_) => sources.push(Source::File(path.clone())),
            Err(err) => errors.push(Error::Io {
                path: path.clone(),
                source: err,
            }),
        }
    }
    (sources, errors)
}

/// Reads one source fully, inflating gzip. `max_bytes` caps the
/// (decompressed) size: a larger document is an [`Error::TooLarge`].
pub fn read_source(source: &Source, max_bytes: u64) -> Result<RawDoc, Error> {
    let display = source.display();
    let path = PathBuf::from(&display);
    let io_err = |e: std::io::Error| Error::Io {
        path: path.clone(),
        source: e,
    };
    let mut raw = Vec::new();
    match source {
        Source::File(p) => {
            let file = std::fs::File::open(p).map_err(io_err)?;
            if let Ok(meta) = file.metadata() {
                raw.reserve(meta.len().min(max_bytes + 1) as usize);
            }
            file.take(max_bytes + 1)
                .read_to_end(&mut raw)
                .map_err(io_err)?;
        }
        Source::Stdin => {
            std::io::stdin()
                .lock()
                .take(max_bytes + 1)
                .read_to_end(&mut raw)
                .map_err(io_err)?;
        }
    }
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        // The trailer's size of the (last) member, trusted only within
        // reason, sizes the buffer once instead of by doubling.
        let trailer = raw
            .last_chunk::<4>()
            .map_or(0, |b| u32::from_le_bytes(*b) as u64);
        let hint = trailer.min(max_bytes + 1).min(raw.len() as u64 * 32);
        let mut out = Vec::with_capacity(hint as usize);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .take(max_bytes + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::Decompress {
                path: path.clone(),
                message: e.to_string(),
            })?;
        out
    } else {
        raw
    };
    if bytes.len() as u64 > max_bytes {
        return Err(Error::TooLarge {
            path,
            limit: max_bytes,
        });
    }
    Ok(RawDoc {
        id: source.id(),
        source: display,
        bytes,
    })
}

/// Decides whether decoded text is HTML: markup at the start, or the
/// usual document tags early on.
pub fn sniff_is_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    let trimmed = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || trimmed.starts_with("<head")
        || trimmed.starts_with("<body")
        || (trimmed.starts_with("<?xml") && head.contains("<html"))
    {
        return true;
    }
    if head.contains("<html") || head.contains("<body") || head.contains("<head>") {
        return true;
    }
    let tags = [
        "<p>", "<p ", "<div", "<br", "<a href", "<span", "<li>", "<h1", "<h2", "<table",
    ];
    let count: usize = tags.iter().map(|t| head.matches(t).count()).sum();
    trimmed.starts_with('<') && count >= 1 || count >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_drop_known_extensions() {
        assert_eq!(doc_id(Path::new("a/b/page.html.gz")), "page");
        assert_eq!(doc_id(Path::new("x.txt")), "x");
        assert_eq!(doc_id(Path::new("x.htm")), "x");
        assert_eq!(doc_id(Path::new("x.json")), "x.json");
    }

    #[test]
    fn sniffing() {
        assert!(sniff_is_html("<!DOCTYPE html><html>"));
        assert!(sniff_is_html("  <div class=x>hi</div>"));
        assert!(!sniff_is_html("Just a title\n\nAnd a paragraph < 3 > 2."));
    }

    #[test]
    fn gzip_is_inflated_and_capped() {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("dechaff-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.html.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&vec![b'a'; 10_000]).unwrap();
        std::fs::write(&path, enc.finish().unwrap()).unwrap();
        let src = Source::File(path.clone());
        assert_eq!(read_source(&src, 1 << 20).unwrap().bytes.len(), 10_000);
        assert!(matches!(
            read_source(&src, 100),
            Err(Error::TooLarge { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Estimates how deeply the elements of an HTML document nest and how many
/// there are, from its tags alone (no parse): start tags of elements that
/// contain others open a level, end tags close one. Void elements and those
/// a browser closes by itself when a sibling starts (`p`, `li`, `td` …) do
/// not count towards depth. Used to refuse documents whose parse would take
/// minutes (html5ever slows down sharply beyond a few tens of thousands of
/// open elements) before parsing them.
pub fn html_shape(html: &str) -> (usize, usize) {
    /// Elements that do not nest (void, or closed implicitly by a sibling).
    fn not_nesting(name: &[u8]) -> bool {
        matches!(
            name,
            b"area"
                | b"base"
                | b"br"
                | b"col"
                | b"embed"
                | b"hr"
                | b"img"
                | b"input"
                | b"link"
                | b"meta"
                | b"param"
                | b"source"
                | b"track"
                | b"wbr"
                | b"p"
                | b"li"
                | b"dt"
                | b"dd"
                | b"tr"
                | b"td"
                | b"th"
                | b"option"
                | b"!doctype"
        )
    }
    let bytes = html.as_bytes();
    let (mut depth, mut max_depth, mut elements) = (0usize, 0usize, 0usize);
    let mut name = [0u8; 16];
    for pos in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[pos + 1..];
        let closing = rest.first() == Some(&b'/');
        let start = usize::from(closing);
        let mut len = 0;
        for &b in rest.iter().skip(start).take(16) {
            if b.is_ascii_alphanumeric() || b == b'!' {
                name[len] = b.to_ascii_lowercase();
                len += 1;
            } else {
                break;
            }
        }
        let name = &name[..len];
        if name.is_empty() || name.starts_with(b"!-") {
            continue;
        }
        if closing {
            if !not_nesting(name) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        elements += 1;
        if not_nesting(name) {
            continue;
        }
        let self_closing =
            memchr::memchr(b'>', rest).is_some_and(|end| end > 0 && rest[end - 1] == b'/');
        if !self_closing {
            depth += 1;
            max_depth = max_depth.max(depth);
        }
    }
    (max_depth, elements)
}

#[cfg(test)]
mod shape_tests {
    use super::html_shape;

    #[test]
    fn nesting_is_estimated_from_tags() {
        assert_eq!(html_shape("<div><div><p>x<p>y</div></div>").0, 2);
        assert_eq!(html_shape(&"<div>".repeat(1000)).0, 1000);
        assert_eq!(html_shape("<ul><li>a<li>b<li>c</ul>").0, 1);
        assert_eq!(html_shape("<br/><img src=x><hr>").0, 0);
        assert_eq!(html_shape("a < b and c<d").1, 1);
    }
}
