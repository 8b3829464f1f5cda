//! JSONL shards: one JSON object per line, each a document.
//!
//! Takes a shard path (`.jsonl`, `.ndjson`, optionally `.gz` or `.zst`,
//! recognised by their magic bytes too) and yields its lines with their
//! numbers; [`parse_record`] turns a line into the record's fields and the
//! document inside it (the HTML or text field). A bad line is an error that
//! names the shard and the line; the other lines go on.

use crate::error::Error;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Which record fields hold what.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Field holding HTML (default `html`).
    pub html: String,
    /// Field holding plain text, used when there is no HTML (default `text`).
    pub text: String,
    /// Field holding the document id (default `id`).
    pub id: String,
    /// Field holding the URL (default `url`).
    pub url: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            html: "html".into(),
            text: "text".into(),
            id: "id".into(),
            url: "url".into(),
        }
    }
}

/// True when `path` names a JSONL shard.
pub fn is_jsonl(path: &Path) -> bool {
    let name = super::name_without_compression(path);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// Opens a file for reading lines, inflating gzip (multi-member) or zstd
/// when its first bytes say so.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, Error> {
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut file = BufReader::new(std::fs::File::open(path).map_err(io_err)?);
    let magic = file.fill_buf().map_err(io_err)?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(
            flate2::bufread::MultiGzDecoder::new(file),
        )))
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let dec = zstd::stream::read::Decoder::with_buffer(file).map_err(io_err)?;
        Ok(Box::new(BufReader::new(dec)))
    } else {
        Ok(Box::new(file))
    }
}

/// Reads the next line of a shard into `buf` (without the newline),
/// capping its length at `max_bytes`: an over-long line is consumed and
/// reported as [`LineRead::TooLong`]. Invalid UTF-8 is replaced.
pub fn read_line(
    reader: &mut dyn BufRead,
    buf: &mut String,
    max_bytes: u64,
) -> std::io::Result<LineRead> {
    buf.clear();
    let mut bytes = std::mem::take(buf).into_bytes();
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            if bytes.is_empty() && !too_long {
                return Ok(LineRead::End);
            }
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if (bytes.len() + take) as u64 > max_bytes + 1 {
                too_long = true;
                bytes.clear();
            } else {
                bytes.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        if done {
            break;
        }
    }
    if too_long {
        return Ok(LineRead::TooLong);
    }
    while bytes.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        bytes.pop();
    }
    // Valid UTF-8 (the usual case) becomes the line as it is; otherwise
    // invalid bytes are replaced.
    *buf = match String::from_utf8(bytes) {
        Ok(line) => line,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(LineRead::Line)
}

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum LineRead {
    /// A line is in the buffer.
    Line,
    /// The line was longer than the cap and was skipped.
    TooLong,
    /// The shard has ended.
    End,
}

/// A shard's file name without `.gz`/`.zst` and `.jsonl`/`.ndjson`.
fn shard_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    let name = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".ndjson"))
        .unwrap_or(name);
    name.to_string()
}

/// A record's fields and the document inside it.
#[derive(Debug)]
pub struct Record {
    /// Every field of the input record, in order — but the one `content`
    /// came from holds an empty string until [`Record::into_fields`] puts
    /// the document back (moved out, not copied: it is most of the line).
    pub fields: Map<String, Value>,
    /// The document id: the id field, or `<shard>:<line>`.
    pub id: String,
    /// The document's HTML or text.
    pub content: String,
    /// True when `content` came from the HTML field.
    pub is_html: bool,
    /// The field `content` came from.
    content_field: String,
}

impl Record {
    /// Every field of the input record, in order, the document included.
    pub fn into_fields(mut self) -> Map<String, Value> {
        if let Some(Value::String(s)) = self.fields.get_mut(&self.content_field) {
            *s = self.content;
        }
        self.fields
    }
}

/// Parses line `line_no` (1-based) of `shard`.
pub fn parse_record(
    shard: &Path,
    line_no: usize,
    line: &str,
    fields: &Fields,
) -> Result<Record, Error> {
    let err = |message: String| Error::Record {
        path: shard.to_path_buf(),
        line: line_no,
        message,
    };
    let mut map: Map<String, Value> =
        serde_json::from_str(line).map_err(|e| err(format!("invalid JSON: {e}")))?;
    let id = match map.get(&fields.id) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{}:{line_no}", shard_stem(shard)),
    };
    let (content_field, is_html) = match (map.get(&fields.html), map.get(&fields.text)) {
        (Some(Value::String(_)), _) => (&fields.html, true),
        (_, Some(Value::String(_))) => (&fields.text, false),
        _ => {
            return Err(err(format!(
                "no string field \"{}\" or \"{}\"",
                fields.html, fields.text
            )));
        }
    };
    let content = match map.get_mut(content_field) {
        Some(Value::String(s)) => std::mem::take(s),
        _ => String::new(),
    };
    Ok(Record {
        fields: map,
        id,
        content,
        is_html,
        content_field: content_field.clone(),
    })
}

/// The string value of top-level field `field` of a JSONL line, without
/// building the record (other values are skipped, not copied). `None` when
/// the line is not a JSON object or the field is missing or not a string.
pub fn string_field(line: &str, field: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
    // The visitor stops at the field (the rest of the line, often the whole
    // page, is not scanned): it leaves the value in `found` and ends the
    // parse with an error.
    struct Find<'f> {
        field: &'f str,
        found: &'f mut Option<String>,
    }
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.field {
                    *self.found = map.next_value::<Value>()?.as_str().map(str::to_string);
                    return Err(A::Error::custom("found"));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    impl<'de> DeserializeSeed<'de> for Find<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(line);
    let _ = Find {
        field,
        found: &mut found,
    }
    .deserialize(&mut de);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_field_finds_one_field_and_skips_the_rest() {
        let line = r#"{"html": "<p>a \"quoted\" \u00e9</p>", "n": [1, {"url": "x"}], "url": "https://h.example/a"}"#;
        assert_eq!(
            string_field(line, "url").as_deref(),
            Some("https://h.example/a")
        );
        assert_eq!(
            string_field(line, "html").as_deref(),
            Some("<p>a \"quoted\" é</p>")
        );
        assert_eq!(string_field(line, "n"), None);
        assert_eq!(string_field(line, "missing"), None);
        assert_eq!(string_field("[1, 2]", "url"), None);
        assert_eq!(string_field("{\"url\": ", "url"), None);
    }

    #[test]
    fn records_keep_fields_and_find_content() {
        let f = Fields::default();
        let r = parse_record(
            Path::new("s.jsonl"),
            3,
            r#"{"id": 7, "url": "u", "html": "<p>x</p>", "lang": "en"}"#,
            &f,
        )
        .unwrap();
        assert_eq!(r.id, "7");
        assert!(r.is_html);
        assert_eq!(r.fields.len(), 4);
        let t = parse_record(Path::new("s.jsonl"), 4, r#"{"text": "plain"}"#, &f).unwrap();
        assert_eq!(t.id, "s:4");
        assert!(!t.is_html);
    }

    #[test]
    fn bad_lines_name_shard_and_line() {
        let f = Fields::default();
        let e = parse_record(Path::new("a/s.jsonl"), 12, "{not json", &f).unwrap_err();
        assert!(e.to_string().contains("a/s.jsonl:12"), "{e}");
        let e = parse_record(Path::new("s.jsonl"), 2, r#"{"body": 1}"#, &f).unwrap_err();
        assert!(e.to_string().contains("no string field"), "{e}");
    }

    #[test]
    fn long_lines_are_skipped_whole() {
        let data = format!("short\n{}\nafter\n", "x".repeat(100));
        let mut r: &[u8] = data.as_bytes();
        let mut buf = String::new();
        assert_eq!(read_line(&mut r, &mut buf, 50).unwrap(), LineRead::Line);
        assert_eq!(buf, "short");
        assert_eq!(read_line(&mut r, &mut buf, 50).unwrap(), LineRead::TooLong);
        assert_eq!(read_line(&mut r, &mut buf, 50).unwrap(), LineRead::Line);
        assert_eq!(buf, "after");
        assert_eq!(read_line(&mut r, &mut buf, 50).unwrap(), LineRead::End);
    }

    #[test]
    fn extensions() {
        assert!(is_jsonl(Path::new("x/part-0001.jsonl.zst")));
        assert!(is_jsonl(Path::new("a.ndjson")));
        assert!(!is_jsonl(Path::new("a.json")));
    }
}
