//! Charset decoding: raw bytes → UTF-8 text, never lossy where the bytes allow.
//!
//! Order of evidence: a byte-order mark; a charset from the transport (HTTP or
//! WARC header) or the caller; a `<meta charset>` / `http-equiv` declaration in
//! the first 4 KB; UTF-8 validity; UTF-16 without BOM (NUL-byte pattern); and
//! last `chardetng` on the first 64 KB. A declaration that the bytes
//! contradict (malformed sequences, or non-ASCII bytes that are valid UTF-8
//! while the page claims a legacy charset) loses to the bytes.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// The result of decoding: the text and the encoding that was used.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The decoded text, with NUL characters removed: borrowed from the
    /// bytes when they are already that text (valid UTF-8, no NUL).
    pub text: std::borrow::Cow<'a, str>,
    /// The encoding the bytes were read as.
    pub encoding: &'static Encoding,
    /// True when some bytes were malformed in that encoding and were replaced.
    pub had_errors: bool,
}

/// Finds a `charset=` declaration in a `<meta>` tag near the start of an HTML document.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(pos) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = memchr::memchr(b'>', &lower[start..])
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(cs) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[cs + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| b == b'"' || b == b'\'' || b == b';' || b == b' ' || b == b'/')
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    // A page that says UTF-16 in ASCII-compatible bytes is UTF-8 (HTML spec).
                    if enc == UTF_16LE || enc == UTF_16BE {
                        return Some(UTF_8);
                    }
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_ascii_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

/// Guesses UTF-16 without a BOM from the pattern of NUL bytes in mostly-ASCII text.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(2048) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nul * 10 >= pairs * 4 && even_nul * 10 < pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 4 && odd_nul * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    det.feed(sample, sample.len() == bytes.len());
    det.guess(None, chardetng::Utf8Detection::Allow)
}

/// Decodes `bytes`; `declared` is a charset from outside the document
/// (an HTTP or WARC `Content-Type`), `is_html` enables the `<meta>` prescan.
pub fn decode<'a>(
    bytes: &'a [u8],
    declared: Option<&'static Encoding>,
    is_html: bool,
) -> Decoded<'a> {
    let encoding = choose_encoding(bytes, declared, is_html);
    let (mut text, had_errors) = encoding.decode_with_bom_removal(bytes);
    if memchr::memchr(0, text.as_bytes()).is_some() {
        text.to_mut().retain(|c| c != '\0');
    }
    Decoded {
        text,
        encoding,
        had_errors,
    }
}

/// Picks the encoding to read `bytes` with; see the module docs for the order.
pub fn choose_encoding(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
    is_html: bool,
) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if let Some(enc) = sniff_utf16(bytes) {
        return enc;
    }
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let claimed = declared.or_else(|| if is_html { meta_charset(bytes) } else { None });
    if let Some(enc) = claimed {
        if enc == UTF_8 {
            if valid_utf8 {
                return UTF_8;
            }
            // Claims UTF-8 but is not: let the detector decide.
            return detect(bytes);
        }
        if valid_utf8 && !bytes.is_ascii() {
            // Legacy charset claimed, but the non-ASCII bytes are valid UTF-8.
            return UTF_8;
        }
        let (_, errors) = enc.decode_without_bom_handling(bytes);
        if !errors {
            return enc;
        }
        return detect(bytes);
    }
    if valid_utf8 {
        return UTF_8;
    }
    detect(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let d = decode("héllo wörld".as_bytes(), None, false);
        assert_eq!(d.text, "héllo wörld");
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "hi é".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None, false);
        assert_eq!(d.text, "hi é");
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let mut bytes = Vec::new();
        for u in "<html><body>plain ascii text here</body></html>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None, true);
        assert!(d.text.contains("plain ascii text"));
    }

    #[test]
    fn meta_charset_is_read() {
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9</body></html>";
        let d = decode(html, None, true);
        assert!(d.text.contains("café"));
        let html = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">\xf0\xd2\xc9\xd7\xc5\xd4";
        assert_eq!(meta_charset(html), Some(encoding_rs::KOI8_R));
    }

    #[test]
    fn wrong_meta_loses_to_valid_utf8() {
        let html = "<meta charset=\"iso-8859-1\"><p>naïve café</p>";
        let d = decode(html.as_bytes(), None, true);
        assert!(d.text.contains("naïve café"));
    }

    #[test]
    fn legacy_bytes_without_declaration_are_detected() {
        // "Привет мир, это проверка" in windows-1251, repeated for the detector.
        let text = "Привет мир, это проверка кодировки. ".repeat(8);
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
        let d = decode(&bytes, None, false);
        assert!(d.text.contains("Привет мир"), "{}", d.text);
    }

    #[test]
    fn nul_bytes_are_removed() {
        let d = decode(b"a\0b", None, false);
        assert_eq!(d.text, "ab");
    }
}
