//! Bad input never panics: random bytes, tag soup, deep nesting, odd text.

use dechaff::read::{InputKind, RawDoc};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn clean_bytes(bytes: Vec<u8>, kind: Option<InputKind>) {
    let raw = RawDoc {
        id: "t".into(),
        source: "t".into(),
        bytes,
    };
    // Either outcome is fine; panicking is not.
    let _ = dechaff::clean_raw(
        &raw,
        &dechaff::Options {
            input_kind: kind,
            ..Default::default()
        },
    );
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for _ in 0..300 {
        let len = rng.below(3000);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        clean_bytes(bytes.clone(), None);
        clean_bytes(bytes, Some(InputKind::Text));
    }
}

#[test]
fn tag_soup() {
    const PIECES: &[&str] = &[
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<a href=x>",
        "</a>",
        "<br>",
        "<br><br>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<pre>",
        "</pre>",
        "<h1>",
        "</h1>",
        "<li>",
        "<ul>",
        "<script>",
        "</script>",
        "<noscript>",
        "<blockquote>",
        "<template>",
        " hidden ",
        "<span aria-hidden=true>",
        "<div class=\"nav sidebar\">",
        "<div style=display:none>",
        "Text, with words. ",
        "Ünïcödé ",
        "中文字符。",
        "\u{feff}",
        "\0",
        "&amp;",
        "&#0;",
        "<!--",
        "-->",
        "<meta charset=koi8-r>",
        "<caption>",
        "<title>",
        "</title>",
        "\n\n",
        "# Heading\n",
        "- item\n",
        "’",
        "<h1>By ",
        "<p>by ",
    ];
    let mut rng = Rng(42);
    for _ in 0..300 {
        let n = rng.below(200);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
        clean_bytes(s.clone().into_bytes(), None);
        clean_bytes(s.into_bytes(), Some(InputKind::Text));
    }
}

#[test]
fn deep_nesting_and_long_lines() {
    let deep = "<div><span>".repeat(5_000) + "deep text" + &"</span></div>".repeat(5_000);
    clean_bytes(deep.into_bytes(), None);
    let long = "word ".repeat(400_000);
    clean_bytes(long.clone().into_bytes(), Some(InputKind::Text));
    clean_bytes(format!("<p>{long}</p>").into_bytes(), None);
    let many_lines = "x\n".repeat(200_000);
    clean_bytes(many_lines.into_bytes(), None);
}

#[test]
fn lone_paragraph_is_kept() {
    let doc = dechaff::clean_str(
        "<p>Café crème brûlée, a long enough sentence about desserts, with commas, and more words here.</p>",
        InputKind::Html,
    );
    assert!(doc.text().contains("Café crème brûlée"));
}

#[test]
fn absurd_nesting_is_refused_before_parsing() {
    let deep = "<div>".repeat(100_000) + "x";
    let raw = RawDoc {
        id: "deep".into(),
        source: "deep.html".into(),
        bytes: deep.into_bytes(),
    };
    let started = std::time::Instant::now();
    let err = dechaff::clean_raw(&raw, &dechaff::Options::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("deep.html: skipped: elements nest"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

fn decoded_text(bytes: Vec<u8>) -> String {
    let raw = RawDoc {
        id: "t".into(),
        source: "t.html".into(),
        bytes,
    };
    dechaff::clean_raw(&raw, &dechaff::Options::default())
        .unwrap()
        .text()
}

#[test]
fn legacy_charsets_are_decoded_with_and_without_declarations() {
    let cases: &[(&'static encoding_rs::Encoding, &str, &str)] = &[
        (
            encoding_rs::WINDOWS_1252,
            "windows-1252",
            "Le café crème et la crème brûlée sont délicieux, même en été, à Noël.",
        ),
        (
            encoding_rs::KOI8_R,
            "koi8-r",
            "Москва — столица России, крупнейший по численности населения город страны, и это правда.",
        ),
        (
            encoding_rs::SHIFT_JIS,
            "shift_jis",
            "東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。多くの人が毎日電車で通勤しています。",
        ),
        (
            encoding_rs::GBK,
            "gbk",
            "北京是中华人民共和国的首都，也是全国的政治中心和文化中心，有着三千多年的建城史。",
        ),
    ];
    for (enc, label, sentence) in cases {
        let body = format!("<p>{sentence}</p>").repeat(3);
        let (encoded, _, _) = enc.encode(&body);
        // With a correct declaration.
        let mut with_meta =
            format!("<html><head><meta charset=\"{label}\"></head><body>").into_bytes();
        with_meta.extend_from_slice(&encoded);
        assert!(
            decoded_text(with_meta).contains(sentence),
            "{label} declared"
        );
        // Without any declaration: detected.
        let mut bare = b"<html><body>".to_vec();
        bare.extend_from_slice(&encoded);
        assert!(decoded_text(bare).contains(sentence), "{label} detected");
    }
    // A wrong declaration loses to bytes that are valid UTF-8.
    let wrong = format!("<meta charset=\"iso-8859-1\"><p>{}</p>", cases[1].2).into_bytes();
    assert!(decoded_text(wrong).contains(cases[1].2));
}

#[test]
fn utf16_with_and_without_bom() {
    let sentence = "Unicode text stored as UTF-16, a long enough sentence with commas, words, and a full stop.";
    let html = format!("<html><body><p>{sentence}</p></body></html>");
    let le: Vec<u8> = html.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let be: Vec<u8> = html.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let mut le_bom = vec![0xFF, 0xFE];
    le_bom.extend_from_slice(&le);
    for bytes in [le_bom, le, be] {
        assert!(decoded_text(bytes).contains(sentence));
    }
}

#[test]
fn gzip_bomb_is_capped() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.html.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    let src = dechaff::read::Source::File(path);
    let err = dechaff::read::read_source(&src, 8 << 20).unwrap_err();
    assert!(
        err.to_string().contains("larger than --max-page-bytes"),
        "{err}"
    );
}
