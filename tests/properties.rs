//! Properties over generated pages (proptest).

use dechaff::read::InputKind;
use proptest::prelude::*;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when `needle` occurs in `hay` in order (not necessarily adjacent).
fn is_subsequence(needle: &[String], hay: &[String]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|w| it.any(|h| h == w))
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Zé]{1,9}", 3..25).prop_map(|ws| {
        let mut s = ws.join(" ");
        s.push('.');
        s
    })
}

/// A page: paragraphs, list items, headings, links and chrome in nested
/// containers, each holding generated text.
fn page() -> impl Strategy<Value = (String, String)> {
    let piece = (0..7usize, prop::collection::vec(sentence(), 1..4));
    prop::collection::vec(piece, 1..30).prop_map(|pieces| {
        let mut html = String::from("<html><body>");
        let mut visible = String::new();
        for (kind, sentences) in pieces {
            let text = sentences.join(" ");
            let wrapped = match kind {
                0 => format!("<p>{text}</p>"),
                1 => format!("<ul><li>{text}</li></ul>"),
                2 => format!("<h2>{text}</h2>"),
                3 => format!("<nav><a href=\"/x\">{text}</a></nav>"),
                4 => format!("<div class=\"content\"><p>{text}</p></div>"),
                5 => format!("<footer>{text}</footer>"),
                _ => format!("<div><span>{text}</span></div>"),
            };
            html.push_str(&wrapped);
            visible.push_str(&text);
            visible.push('\n');
        }
        html.push_str("</body></html>");
        (html, visible)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Every output word comes from the page's visible text, in order.
    #[test]
    fn output_words_come_from_the_input_in_order((html, visible) in page()) {
        let doc = dechaff::clean_str(&html, InputKind::Html);
        let out = words(&doc.text());
        let input = words(&visible);
        prop_assert!(is_subsequence(&out, &input), "output: {:?}", doc.text());
        if let Some(title) = &doc.title {
            prop_assert!(is_subsequence(&words(title), &input));
        }
    }

    /// The same holds for plain text.
    #[test]
    fn text_output_words_come_from_the_input((_, visible) in page()) {
        let doc = dechaff::clean_str(&visible, InputKind::Text);
        prop_assert!(is_subsequence(&words(&doc.text()), &words(&visible)));
    }

    /// Cleaning is deterministic.
    #[test]
    fn cleaning_is_deterministic((html, _) in page()) {
        let a = dechaff::clean_str(&html, InputKind::Html).text();
        let b = dechaff::clean_str(&html, InputKind::Html).text();
        prop_assert_eq!(a, b);
    }
}
