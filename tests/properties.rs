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

/// Function words, so that generated text reads as prose to the
/// language-aware rules.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "of", "to", "and", "in", "that", "is", "was", "for", "on", "with", "as", "it",
    "by", "at", "from", "this", "have", "they", "which", "were", "their", "after",
];

/// A sentence of running text: content words (random, so two sentences
/// rarely share many) alternating with function words.
fn prose_sentence() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(FUNCTION_WORDS), "[a-z]{4,10}"), 4..12).prop_map(
        |pairs| {
            let mut s = pairs
                .iter()
                .map(|(f, c)| format!("{f} {c}"))
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s.push('.');
            s
        },
    )
}

fn label() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z]{2,9}", 1..5).prop_map(|ws| ws.join(" "))
}

/// An article-like page: a headline, paragraphs of prose, subheadings,
/// lists and tables, wrapped in navigation, a sidebar and a footer.
fn article() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::collection::vec(prose_sentence(), 1..5).prop_map(|s| format!("<p>{}</p>", s.join(" "))),
        1 => label().prop_map(|l| format!("<h2>{l}</h2>")),
        1 => prop::collection::vec(label(), 2..6).prop_map(|items| {
            let lis: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
            format!("<ul>{lis}</ul>")
        }),
        1 => prop::collection::vec((label(), label()), 2..5).prop_map(|rows| {
            let trs: String = rows.iter().map(|(a, b)| format!("<tr><td>{a}</td><td>{b}</td></tr>")).collect();
            format!("<table>{trs}</table>")
        }),
    ];
    // Headlines of two words or more: a lone word on the first line reads as
    // a menu entry to the plain-text rules.
    let headline = prop::collection::vec("[A-Za-z]{2,9}", 2..7).prop_map(|ws| ws.join(" "));
    (
        headline,
        prop::collection::vec(piece, 1..14),
        prop::collection::vec(label(), 0..6),
    )
        .prop_map(|(title, body, nav)| {
            let links: String = nav
                .iter()
                .map(|l| format!("<li><a href=\"/{l}\">{l}</a></li>"))
                .collect();
            format!(
                "<html><head><title>{title}</title></head><body><nav><ul>{links}</ul></nav>\
                 <article><h1>{title}</h1>{}</article><aside><ul>{links}</ul></aside>\
                 <footer><p>Copyright 2024. All rights reserved.</p></footer></body></html>",
                body.concat()
            )
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

    /// Running dechaff on its own text output changes nothing but
    /// whitespace: the title and every word of the text come back, in order.
    #[test]
    fn cleaning_its_own_output_changes_nothing(html in article()) {
        let first = dechaff::clean_str(&html, InputKind::Html);
        let output = dechaff::write::plain_text(&first);
        let second = dechaff::clean_str(&output, InputKind::Text);
        let again = dechaff::write::plain_text(&second);
        prop_assert_eq!(words(&output), words(&again), "first output:\n{}\nsecond:\n{}", output, again);
    }

    /// The same holds for plain text input.
    #[test]
    fn cleaning_plain_text_twice_changes_nothing(html in article()) {
        let visible = dechaff::write::plain_text(&dechaff::clean_str(&html, InputKind::Html));
        let raw = format!("Home | News | Sport | Contact\nSkip to content\n\n{visible}\n\nRelated Articles\nShare this story\nPrivacy Policy\n");
        let first = dechaff::write::plain_text(&dechaff::clean_str(&raw, InputKind::Text));
        let second = dechaff::write::plain_text(&dechaff::clean_str(&first, InputKind::Text));
        prop_assert_eq!(words(&first), words(&second), "first:\n{}\nsecond:\n{}", first, second);
    }

}

proptest! {
    // Cheap cases (short snippets), and rare combinations to hit.
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Blanking script and style bodies and unread attributes before parsing
    /// changes nothing the segmenter sees (blocks, their features, the
    /// element tree, the page's metadata), whatever tags, attributes,
    /// comments, quotes and raw-text elements surround them.
    #[test]
    fn blanking_before_parsing_changes_nothing_segmentation_sees(pieces in prop::collection::vec(markup_piece(), 1..25)) {
        let html = pieces.concat();
        let blocks = |dom: &scraper::Html| {
            let strict = dechaff::segment::html::segment_dom(dom, false);
            let soft = dechaff::segment::html::segment_dom(dom, true);
            format!("{strict:?}\n{soft:?}")
        };
        let fast = blocks(&dechaff::segment::html::parse(&html));
        let slow = blocks(&dechaff::segment::html::parse_as_is(&html));
        prop_assert_eq!(fast, slow, "{}", html);
    }
}

/// Pieces of markup that stress the script-blanking scanner: scripts and
/// styles (JSON-LD, escaped, unterminated), comments and attributes that
/// mention `<script>`, raw-text and RCDATA elements, stray `<` and `>`.
fn markup_piece() -> impl Strategy<Value = String> {
    let text = "[a-zA-Z <>/=\"'!-]{0,20}";
    prop_oneof![
        text.prop_map(|t| format!("<p>{t}</p>")),
        text.prop_map(|t| format!("<script>{t}</script>")),
        text.prop_map(|t| format!("<SCRIPT type=\"text/javascript\">var s = \"{t}\";</SCRIPT >")),
        text.prop_map(|t| format!(
            "<script type=\"application/ld+json\">{{\"@type\": \"{t}\"}}</script>"
        )),
        text.prop_map(|t| format!("<script><!-- {t} <script>x</script> --></script>")),
        text.prop_map(|t| format!("<style>p {{ content: \"{t}\" }}</style>")),
        text.prop_map(|t| format!("<!-- <script> {t} -->")),
        text.prop_map(|t| format!("<div title=\"<script>{t}\" data-x='>'>{t}</div>")),
        text.prop_map(|t| format!("<textarea><script>{t}</textarea>")),
        text.prop_map(|t| format!("<title>{t}<style></title>")),
        text.prop_map(|t| format!("<svg><script>{t}</script></svg><p>after</p>")),
        text.prop_map(|t| format!("<noscript><p>{t}</p></noscript>")),
        text.prop_map(|t| format!("<script>{t}")),
        text.prop_map(|t| format!("<style>{t}")),
        text,
        Just("</script>".to_string()),
        Just("<script/>".to_string()),
        Just("<scripts>x</scripts>".to_string()),
        Just("<!-->".to_string()),
        Just("<!--->".to_string()),
        Just("<!---->".to_string()),
        Just("<!--".to_string()),
        text.prop_map(|t| format!("<!-- {t} --!><p>{t}</p> -->")),
        text.prop_map(|t| format!("<!-- {t} ---><p>{t}</p>")),
        text.prop_map(|t| format!("<!--{t}--!-->{t}")),
        text.prop_map(|t| format!("<!-- <!-- {t} --> <p>{t}</p>")),
        Just("<! bogus <script> >".to_string()),
        (attribute(), attribute(), text).prop_map(|(a, b, t)| format!("<div {a}{b}>{t}</div>")),
        (attribute(), text).prop_map(|(a, t)| format!("<a {a} href='/x'>{t}</a> <a{a}>{t}</a>")),
        (attribute(), text).prop_map(|(a, t)| format!("<p><span {a}>{t}</span></p>")),
        (attribute(), text).prop_map(|(a, t)| format!("<svg {a}><font {a}>{t}</font></svg>")),
        attribute().prop_map(|a| format!(
            "<link{a} href=\"/c\"><link rel=\"canonical\"{a}><meta{a} content='x'>"
        )),
        attribute().prop_map(|a| format!("<template {a}><p>in template</p></template>")),
        attribute().prop_map(|a| format!("<table><input {a}><tr><td>cell</td></tr></table>")),
    ]
}

/// An attribute as pages write them: names segmentation reads or not, values
/// quoted either way or not at all, spaces around `=`, or no value.
fn attribute() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "class",
        "ID",
        "style",
        "hidden",
        "aria-hidden",
        "role",
        "href",
        "HREF",
        "rel",
        "type",
        "content",
        "property",
        "name",
        "lang",
        "itemprop",
        "src",
        "srcset",
        "data-x",
        "alt",
        "title",
        "onclick",
        "color",
        "size",
        "shadowrootmode",
        "value",
        "d",
    ]);
    let value = prop::sample::select(vec![
        "",
        "nav",
        "display: none",
        "true",
        "hidden",
        "canonical",
        "https://example.com/a?b=1&amp;c=2",
        "navigation",
        "og:title",
        "og:type",
        "main menu",
        "x>y",
        "a'b",
        "a\"b",
        "open",
        "red",
    ]);
    (name, value, 0..5u8).prop_map(|(n, v, quoting)| match quoting {
        0 => format!(" {n}=\"{}\"", v.replace('"', "&quot;")),
        1 => format!(" {n}='{}'", v.replace('\'', "&#39;")),
        2 => format!(" {n} = \"{}\"", v.replace('"', "")),
        3 => format!(" {n}={}", v.replace([' ', '"', '\'', '>'], "")),
        _ => format!(" {n}"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The whole pipeline (reading, cleaning, near-duplicate detection,
    /// writing) gives byte-identical JSONL for one and for several threads,
    /// over a directory of generated pages (some of them copies).
    #[test]
    fn output_is_independent_of_jobs(pages in prop::collection::vec(article(), 1..12), copies in prop::collection::vec(0usize..12, 0..4)) {
        let dir = tempfile::tempdir().unwrap();
        for (i, html) in pages.iter().enumerate() {
            std::fs::write(dir.path().join(format!("p{i:02}.html")), html).unwrap();
        }
        for (k, &c) in copies.iter().enumerate() {
            let src = &pages[c % pages.len()];
            std::fs::write(dir.path().join(format!("q{k:02}.html")), src).unwrap();
        }
        let outs = tempfile::tempdir().unwrap();
        let run = |jobs: usize| {
            let out = outs.path().join(format!("out-{jobs}.jsonl"));
            let config = dechaff::pipeline::Config {
                inputs: vec![dir.path().to_path_buf()],
                output: Some(out.clone()),
                format: dechaff::write::Format::Jsonl,
                jobs,
                progress: false,
                ..Default::default()
            };
            dechaff::pipeline::run(&config, |_| {}).unwrap();
            std::fs::read(out).unwrap()
        };
        let one = run(1);
        prop_assert!(!one.is_empty());
        prop_assert_eq!(&one, &run(2));
        prop_assert_eq!(&one, &run(3));
    }
}
