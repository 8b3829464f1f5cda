//! WARC shards: web archive files of HTTP responses.
//!
//! Takes a `.warc` / `.warc.gz` shard (multi-member gzip, or zstd) as a
//! stream and yields its `response` records one by one: the target URI, the
//! record id, the HTTP body (de-chunked, inflated when the server compressed
//! it) and the charset named by the HTTP `Content-Type`. Records of other
//! types (requests, metadata, warcinfo) are passed over; responses that are
//! not HTML are reported as skipped. A truncated or malformed record is an
//! error naming the shard and the record number, and ends that shard.

use crate::error::Error;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// True when `path` names a WARC shard.
pub fn is_warc(path: &Path) -> bool {
    let name = super::name_without_compression(path);
    name.ends_with(".warc") || name.ends_with(".arc")
}

/// One HTML response from a WARC shard.
#[derive(Debug)]
pub struct Response {
    /// The record's number in the shard, from 1.
    pub record: usize,
    /// `WARC-Target-URI`.
    pub url: Option<String>,
    /// `WARC-Record-ID`, without the angle brackets.
    pub record_id: Option<String>,
    /// The HTTP body.
    pub body: Vec<u8>,
    /// The charset the HTTP `Content-Type` names, if any.
    pub charset: Option<&'static encoding_rs::Encoding>,
}

/// What the next record of a shard turned out to be.
#[derive(Debug)]
pub enum Next {
    /// An HTML response.
    Html(Response),
    /// A response that is not HTML (counted, not cleaned).
    NotHtml,
    /// A record of another type (request, metadata …).
    Other,
    /// The shard has ended.
    End,
}

/// Reads WARC records from a stream.
pub struct WarcReader {
    reader: Box<dyn BufRead + Send>,
    path: PathBuf,
    record: usize,
    max_bytes: u64,
    broken: bool,
}

impl WarcReader {
    /// True after an error that leaves the rest of the shard unreadable
    /// (a truncated or malformed record); an over-size record is skipped
    /// and reading goes on.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Wraps a (decompressed) stream; `max_bytes` caps a record's size.
    pub fn new(reader: Box<dyn BufRead + Send>, path: &Path, max_bytes: u64) -> Self {
        WarcReader {
            reader,
            path: path.to_path_buf(),
            record: 0,
            max_bytes,
            broken: false,
        }
    }

    fn err(&self, message: String) -> Error {
        Error::Record {
            path: self.path.clone(),
            line: self.record,
            message,
        }
    }

    /// Reads the next record; see [`WarcReader::is_broken`] after an error.
    pub fn next_record(&mut self) -> Result<Next, Error> {
        if self.broken {
            return Ok(Next::End);
        }
        let result = self.read_record();
        if let Err(Error::Record { message, .. }) = &result
            && !message.starts_with("skipped:")
        {
            self.broken = true;
        }
        result
    }

    fn read_record(&mut self) -> Result<Next, Error> {
        // Skip blank lines between records.
        let mut line = String::new();
        loop {
            line.clear();
            let n = read_header_line(&mut self.reader, &mut line)
                .map_err(|e| self.err(format!("cannot read: {e}")))?;
            if n == 0 {
                return Ok(Next::End);
            }
            if !line.trim().is_empty() {
                break;
            }
        }
        self.record += 1;
        if !line.starts_with("WARC/") {
            return Err(self.err(format!("not a WARC record header: {:?}", line.trim())));
        }
        let mut kind = String::new();
        let mut url = None;
        let mut record_id = None;
        let mut length: Option<u64> = None;
        let mut content_type = String::new();
        loop {
            line.clear();
            let n = read_header_line(&mut self.reader, &mut line)
                .map_err(|e| self.err(format!("cannot read: {e}")))?;
            if n == 0 {
                return Err(self.err("truncated record header".into()));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let Some((name, value)) = l.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => kind = value.to_ascii_lowercase(),
                "warc-target-uri" => url = Some(value.trim_matches(['<', '>']).to_string()),
                "warc-record-id" => record_id = Some(value.trim_matches(['<', '>']).to_string()),
                "content-length" => length = value.parse().ok(),
                "content-type" => content_type = value.to_ascii_lowercase(),
                _ => {}
            }
        }
        let length = length.ok_or_else(|| self.err("no Content-Length".into()))?;
        if length > self.max_bytes {
            std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink())
                .map_err(|e| self.err(format!("cannot read: {e}")))?;
            return Err(self.err(format!(
                "skipped: larger than --max-page-bytes ({} bytes)",
                self.max_bytes
            )));
        }
        let mut block = Vec::with_capacity(length as usize);
        (&mut self.reader)
            .take(length)
            .read_to_end(&mut block)
            .map_err(|e| self.err(format!("cannot read: {e}")))?;
        if (block.len() as u64) < length {
            return Err(self.err(format!(
                "truncated record: {} of {length} bytes",
                block.len()
            )));
        }
        if kind != "response" || !content_type.starts_with("application/http") {
            return Ok(Next::Other);
        }
        match parse_http(&block, self.max_bytes) {
            Some(http) if http.is_html && http.too_large => Err(self.err(format!(
                "skipped: larger than --max-page-bytes ({} bytes) once inflated",
                self.max_bytes
            ))),
            Some(http) if http.is_html => Ok(Next::Html(Response {
                record: self.record,
                url,
                record_id,
                body: http.body,
                charset: http.charset,
            })),
            Some(_) => Ok(Next::NotHtml),
            None => Err(self.err("malformed HTTP response".into())),
        }
    }
}

fn read_header_line(r: &mut dyn BufRead, line: &mut String) -> std::io::Result<usize> {
    let mut bytes = Vec::new();
    let n = r.take(64 * 1024).read_until(b'\n', &mut bytes)?;
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(n)
}

struct Http {
    is_html: bool,
    charset: Option<&'static encoding_rs::Encoding>,
    body: Vec<u8>,
    /// The body inflates to more than the size cap.
    too_large: bool,
}

/// Parses an HTTP response: headers with `httparse`, then the body,
/// de-chunked and inflated as the headers say.
fn parse_http(block: &[u8], max_bytes: u64) -> Option<Http> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut headers);
    let header_len = match resp.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        _ => return None,
    };
    let mut content_type = String::new();
    let mut chunked = false;
    let mut encoding = String::new();
    for h in resp.headers.iter() {
        let value = String::from_utf8_lossy(h.value).to_ascii_lowercase();
        if h.name.eq_ignore_ascii_case("content-type") {
            content_type = value;
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.contains("chunked");
        } else if h.name.eq_ignore_ascii_case("content-encoding") {
            encoding = value;
        }
    }
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let is_html = mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml";
    let charset = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .find_map(|c| encoding_rs::Encoding::for_label(c.trim_matches('"').as_bytes()));
    let mut body = block[header_len..].to_vec();
    if chunked && let Some(d) = dechunk(&body) {
        body = d;
    }
    // Inflated bodies are capped like records: one byte over the cap is
    // enough to know.
    let cap = max_bytes.saturating_add(1);
    let mut too_large = false;
    let mut inflate = |reader: &mut dyn Read| {
        let mut out = Vec::new();
        if reader.take(cap).read_to_end(&mut out).is_ok() {
            too_large = out.len() as u64 > max_bytes;
            Some(out)
        } else {
            None
        }
    };
    let inflated = if encoding.contains("gzip") {
        inflate(&mut flate2::read::MultiGzDecoder::new(&body[..]))
    } else if encoding.contains("deflate") {
        inflate(&mut flate2::read::ZlibDecoder::new(&body[..]))
    } else {
        None
    };
    if let Some(out) = inflated {
        body = out;
    }
    Some(Http {
        is_html,
        charset,
        body,
        too_large,
    })
}

/// Undoes HTTP chunked transfer encoding; `None` when the data is not chunked.
fn dechunk(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = data;
    loop {
        let eol = memchr::memmem::find(rest, b"\r\n")?;
        let size_str = std::str::from_utf8(&rest[..eol]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        let chunk = rest.get(..size)?;
        out.extend_from_slice(chunk);
        rest = rest.get(size..)?;
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record(kind: &str, uri: &str, http: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        r.extend_from_slice(http);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn reader(bytes: Vec<u8>) -> WarcReader {
        let cursor = std::io::Cursor::new(bytes);
        WarcReader::new(
            Box::new(std::io::BufReader::new(cursor)),
            Path::new("t.warc"),
            1 << 20,
        )
    }

    #[test]
    fn responses_are_read_and_others_skipped() {
        let mut bytes = record("request", "http://a/", b"GET / HTTP/1.1\r\n\r\n");
        bytes.extend(record(
            "response",
            "http://a/",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n<p>caf\xe9</p>",
        ));
        bytes.extend(record(
            "response",
            "http://a/img",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        let mut r = reader(bytes);
        assert!(matches!(r.next_record().unwrap(), Next::Other));
        let Next::Html(resp) = r.next_record().unwrap() else {
            panic!("expected HTML")
        };
        assert_eq!(resp.url.as_deref(), Some("http://a/"));
        assert_eq!(resp.record_id.as_deref(), Some("urn:uuid:http://a/"));
        assert_eq!(resp.charset, Some(encoding_rs::WINDOWS_1252));
        assert_eq!(resp.body, b"<p>caf\xe9</p>");
        assert!(matches!(r.next_record().unwrap(), Next::NotHtml));
        assert!(matches!(r.next_record().unwrap(), Next::End));
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let http = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<p>a\r\n5\r\nbc</p\r\n1\r\n>\r\n0\r\n\r\n";
        let mut r = reader(record("response", "u", http));
        let Next::Html(resp) = r.next_record().unwrap() else {
            panic!()
        };
        assert_eq!(resp.body, b"<p>abc</p>");
    }

    #[test]
    fn truncated_records_name_the_record() {
        let mut bytes = record("response", "u", b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>");
        let full = bytes.clone();
        bytes.extend_from_slice(&full[..full.len() - 12]);
        let mut r = reader(bytes);
        assert!(matches!(r.next_record().unwrap(), Next::Html(_)));
        let e = r.next_record().unwrap_err();
        assert!(e.to_string().contains("t.warc:2: truncated"), "{e}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut r = reader(b"hello world\n\n".to_vec());
        assert!(r.next_record().is_err());
    }
}
