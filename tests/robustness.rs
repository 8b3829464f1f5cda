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
