//! Class, id, role and itemprop hints: what an element's names say about it.
//!
//! Takes the attribute values of one element and returns a bit set of
//! [`Hint`]s. Long keywords match anywhere inside a name (`sidebar` in
//! `left-sidebar-wrap`); short ones (`ad`, `nav`, `tags`) only as whole
//! tokens, so `header` is not an ad and `shadow` is not a sidebar.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

/// One thing an element's class/id/role/itemprop can say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Hint {
    /// Navigation: menus, breadcrumbs, pagination, skip links.
    Nav = 0,
    /// Page or article footer, copyright.
    Footer,
    /// Sidebars, widgets, rails.
    Sidebar,
    /// Share and social buttons.
    Share,
    /// Reader comments and replies.
    Comment,
    /// Related, recommended, popular, "more stories" lists.
    Related,
    /// Newsletter and subscription boxes.
    Newsletter,
    /// Cookie and consent banners.
    Cookie,
    /// Advertising and sponsored slots.
    Ad,
    /// Modals, pop-ups, overlays.
    Modal,
    /// Page headers and mastheads.
    Header,
    /// Bylines, dates, tags, categories, author boxes.
    Meta,
    /// Login, account, search and cart widgets.
    Widget,
    /// Buttons and calls to action.
    Button,
    /// Main-content names: article, content, post, entry, story, body, text.
    Content,
    /// Product and item descriptions, specifications, details.
    Description,
    /// Forum posts and messages.
    Message,
    /// `itemprop="articleBody"` and similar: the content, named as such.
    ArticleBody,
    /// Hidden or screen-reader-only text (see [`class_hides`]).
    Hidden,
    /// A summary box, standfirst, dek or excerpt. Read by the merge stage
    /// only (a summary that restates the body is merged away), not by the
    /// classifier: it is not in [`Hint::ALL`].
    Summary,
    /// Customer reviews and ratings (and the widgets that carry them). On a
    /// product page they are not the product's content; on a review site
    /// they are. Not in [`Hint::ALL`]: the classifier reads it in columns
    /// of its own, next to what the page says it is.
    Review,
}

impl Hint {
    /// The bit of this hint in a hint set.
    pub const fn bit(self) -> u64 {
        1u64 << (self as u8)
    }

    /// A short name for `--explain`.
    pub fn name(self) -> &'static str {
        match self {
            Hint::Nav => "nav",
            Hint::Footer => "footer",
            Hint::Sidebar => "sidebar",
            Hint::Share => "share",
            Hint::Comment => "comment",
            Hint::Related => "related",
            Hint::Newsletter => "newsletter",
            Hint::Cookie => "cookie",
            Hint::Ad => "ad",
            Hint::Modal => "modal",
            Hint::Header => "header",
            Hint::Meta => "meta",
            Hint::Widget => "widget",
            Hint::Button => "button",
            Hint::Content => "content",
            Hint::Description => "description",
            Hint::Message => "message",
            Hint::Summary => "summary",
            Hint::Review => "review",
            Hint::ArticleBody => "article-body",
            Hint::Hidden => "hidden",
        }
    }

    /// Every hint the classifier reads, in bit order (all but
    /// [`Hint::Summary`]).
    pub const ALL: [Hint; 19] = [
        Hint::Nav,
        Hint::Footer,
        Hint::Sidebar,
        Hint::Share,
        Hint::Comment,
        Hint::Related,
        Hint::Newsletter,
        Hint::Cookie,
        Hint::Ad,
        Hint::Modal,
        Hint::Header,
        Hint::Meta,
        Hint::Widget,
        Hint::Button,
        Hint::Content,
        Hint::Description,
        Hint::Message,
        Hint::ArticleBody,
        Hint::Hidden,
    ];
}

/// Hints that mark page chrome (everything but the content-naming ones).
pub const JUNK_HINTS: u64 = Hint::Nav.bit()
    | Hint::Footer.bit()
    | Hint::Sidebar.bit()
    | Hint::Share.bit()
    | Hint::Comment.bit()
    | Hint::Related.bit()
    | Hint::Newsletter.bit()
    | Hint::Cookie.bit()
    | Hint::Ad.bit()
    | Hint::Modal.bit()
    | Hint::Header.bit()
    | Hint::Meta.bit()
    | Hint::Widget.bit()
    | Hint::Button.bit()
    | Hint::Hidden.bit();

/// Hints that name main content.
pub const CONTENT_HINTS: u64 =
    Hint::Content.bit() | Hint::Description.bit() | Hint::Message.bit() | Hint::ArticleBody.bit();

/// (keyword, hint, whole-token only)
const KEYWORDS: &[(&str, Hint, bool)] = &[
    // navigation
    ("nav", Hint::Nav, true),
    ("navbar", Hint::Nav, false),
    ("navigation", Hint::Nav, false),
    ("menu", Hint::Nav, false),
    ("breadcrumb", Hint::Nav, false),
    ("pagination", Hint::Nav, false),
    ("sort", Hint::Nav, true),
    ("sortby", Hint::Nav, false),
    ("sorting", Hint::Nav, true),
    ("pager", Hint::Nav, true),
    ("skip", Hint::Nav, true),
    ("skiplink", Hint::Nav, false),
    ("toc", Hint::Nav, true),
    ("jump", Hint::Nav, true),
    // footer
    ("footer", Hint::Footer, false),
    ("copyright", Hint::Footer, false),
    ("colophon", Hint::Footer, false),
    ("contentinfo", Hint::Footer, false),
    ("legal", Hint::Footer, true),
    // sidebar
    ("sidebar", Hint::Sidebar, false),
    ("aside", Hint::Sidebar, true),
    ("widget", Hint::Sidebar, false),
    ("rail", Hint::Sidebar, true),
    ("complementary", Hint::Sidebar, false),
    // share
    ("share", Hint::Share, false),
    ("sharing", Hint::Share, false),
    ("social", Hint::Share, false),
    ("addthis", Hint::Share, false),
    ("follow", Hint::Share, true),
    // comments
    ("comment", Hint::Comment, false),
    ("disqus", Hint::Comment, false),
    ("respond", Hint::Comment, true),
    // related
    ("related", Hint::Related, false),
    ("recommend", Hint::Related, false),
    ("popular", Hint::Related, false),
    ("trending", Hint::Related, false),
    ("most-read", Hint::Related, false),
    ("mostread", Hint::Related, false),
    ("outbrain", Hint::Related, false),
    ("taboola", Hint::Related, false),
    ("read-more", Hint::Related, false),
    ("readmore", Hint::Related, false),
    ("more-stories", Hint::Related, false),
    ("suggest", Hint::Related, false),
    ("upsell", Hint::Related, false),
    ("recently", Hint::Related, true),
    ("recs", Hint::Related, true),
    ("cross-sell", Hint::Related, false),
    // newsletter
    ("newsletter", Hint::Newsletter, false),
    ("subscribe", Hint::Newsletter, false),
    ("subscription", Hint::Newsletter, false),
    ("signup", Hint::Newsletter, false),
    ("sign-up", Hint::Newsletter, false),
    ("mailchimp", Hint::Newsletter, false),
    ("paywall", Hint::Newsletter, false),
    // cookie
    ("cookie", Hint::Cookie, false),
    ("consent", Hint::Cookie, false),
    ("gdpr", Hint::Cookie, false),
    ("cmp", Hint::Cookie, true),
    ("onetrust", Hint::Cookie, false),
    // ads
    ("ad", Hint::Ad, true),
    ("ads", Hint::Ad, true),
    ("adv", Hint::Ad, true),
    ("advert", Hint::Ad, false),
    ("adsbygoogle", Hint::Ad, false),
    ("adslot", Hint::Ad, false),
    ("ad-slot", Hint::Ad, false),
    ("sponsor", Hint::Ad, false),
    ("promo", Hint::Ad, false),
    ("banner", Hint::Ad, false),
    ("dfp", Hint::Ad, true),
    ("gpt", Hint::Ad, true),
    // modal
    ("modal", Hint::Modal, false),
    ("popup", Hint::Modal, false),
    ("overlay", Hint::Modal, false),
    ("dialog", Hint::Modal, false),
    ("lightbox", Hint::Modal, false),
    // header
    ("header", Hint::Header, false),
    ("masthead", Hint::Header, false),
    ("topbar", Hint::Header, false),
    ("top-bar", Hint::Header, false),
    // meta
    ("byline", Hint::Meta, false),
    ("author", Hint::Meta, false),
    ("meta", Hint::Meta, true),
    ("dateline", Hint::Meta, false),
    ("timestamp", Hint::Meta, false),
    ("tags", Hint::Meta, true),
    ("tag", Hint::Meta, true),
    ("taglist", Hint::Meta, false),
    ("tag-list", Hint::Meta, false),
    ("categories", Hint::Meta, false),
    ("bio", Hint::Meta, true),
    // widgets
    ("login", Hint::Widget, false),
    ("signin", Hint::Widget, false),
    ("account", Hint::Widget, false),
    ("search", Hint::Widget, false),
    ("cart", Hint::Widget, true),
    ("minicart", Hint::Widget, false),
    ("wishlist", Hint::Widget, false),
    ("toolbar", Hint::Widget, false),
    ("print", Hint::Widget, true),
    ("badge", Hint::Widget, false),
    // buttons
    ("btn", Hint::Button, true),
    ("button", Hint::Button, false),
    ("cta", Hint::Button, true),
    // content
    ("content", Hint::Content, false),
    ("article", Hint::Content, false),
    ("post", Hint::Content, true),
    ("entry", Hint::Content, false),
    ("story", Hint::Content, false),
    ("body", Hint::Content, true),
    ("text", Hint::Content, true),
    ("main", Hint::Content, true),
    ("prose", Hint::Content, false),
    ("markdown", Hint::Content, false),
    ("rich-text", Hint::Content, false),
    ("richtext", Hint::Content, false),
    ("blog", Hint::Content, true),
    // description
    ("description", Hint::Description, false),
    ("product-desc", Hint::Description, false),
    ("details", Hint::Description, true),
    ("specs", Hint::Description, true),
    ("specification", Hint::Description, false),
    // forum messages
    ("message", Hint::Message, false),
    ("cooked", Hint::Message, true),
    ("postbody", Hint::Message, false),
    ("post-body", Hint::Message, false),
    ("post-content", Hint::Message, false),
    ("thread", Hint::Message, false),
    // named bodies
    ("articlebody", Hint::ArticleBody, false),
    ("article-body", Hint::ArticleBody, false),
    ("article__body", Hint::ArticleBody, false),
    ("entry-content", Hint::ArticleBody, false),
    ("post-body", Hint::ArticleBody, false),
    ("story-body", Hint::ArticleBody, false),
    ("main-content", Hint::ArticleBody, false),
    // summaries, standfirsts
    // customer reviews
    ("review", Hint::Review, true),
    ("reviews", Hint::Review, true),
    ("customer-review", Hint::Review, false),
    ("product-review", Hint::Review, false),
    ("ratings", Hint::Review, true),
    ("bazaarvoice", Hint::Review, false),
    ("bv", Hint::Review, true),
    ("yotpo", Hint::Review, false),
    ("okendo", Hint::Review, false),
    ("judgeme", Hint::Review, false),
    ("jdgm", Hint::Review, false),
    ("trustpilot", Hint::Review, false),
    ("summary", Hint::Summary, false),
    ("standfirst", Hint::Summary, false),
    ("stand-first", Hint::Summary, false),
    ("dek", Hint::Summary, true),
    ("excerpt", Hint::Summary, false),
    ("abstract", Hint::Summary, true),
    ("tldr", Hint::Summary, false),
    ("takeaway", Hint::Summary, false),
    ("key-points", Hint::Summary, false),
    ("keypoints", Hint::Summary, false),
    ("highlights", Hint::Summary, true),
    ("lede", Hint::Summary, true),
    ("lead", Hint::Summary, true),
];

/// Class names that hide an element from sighted readers. Matched against
/// whole class names only (`date-hidden` on a `<body>` hides nothing).
const HIDING_CLASSES: &[&str] = &[
    "hidden",
    "is-hidden",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "screen-reader-only",
    "element-invisible",
    "u-hidden",
];

/// Class names of text kept off screen for screen readers only, which pages
/// also use for the sole copy of a label (so such text is not hidden
/// outright): `clipped` (eBay), `a-offscreen` (Amazon).
const SCREEN_READER_CLASSES: &[&str] = &["clipped", "a-offscreen", "offscreen"];

/// True when a class list marks text for screen readers only (see
/// [`SCREEN_READER_CLASSES`]); such text repeats what is on screen more
/// often than not.
pub fn class_is_screen_reader_copy(class: &str) -> bool {
    class.split_ascii_whitespace().any(|c| {
        SCREEN_READER_CLASSES
            .iter()
            .any(|h| c.eq_ignore_ascii_case(h))
    })
}

/// True when a class list contains a class that hides the element.
pub fn class_hides(class: &str) -> bool {
    class
        .split_ascii_whitespace()
        .any(|c| HIDING_CLASSES.iter().any(|h| c.eq_ignore_ascii_case(h)))
}

fn matcher() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // A full DFA: a table lookup per byte (the lists are small).
            .kind(Some(AhoCorasickKind::DFA))
            .build(KEYWORDS.iter().map(|k| k.0))
            .expect("static keyword list builds")
    })
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Returns the hint set named by one attribute value (a class list, an id …).
pub fn hints_of(value: &str) -> u64 {
    let bytes = value.as_bytes();
    let mut set = 0u64;
    for m in matcher().find_overlapping_iter(value) {
        let (word, hint, whole) = KEYWORDS[m.pattern().as_usize()];
        if whole {
            let before_ok = m.start() == 0 || !is_token_char(bytes[m.start() - 1]);
            let after_ok = m.end() == bytes.len() || !is_token_char(bytes[m.end()]);
            // `ad` followed by a digit or an uppercase letter is still a token
            // boundary in names like `ad300` or `adSlot`; keep it simple and
            // require a non-alphanumeric neighbour.
            if !(before_ok && after_ok) {
                continue;
            }
        }
        let _ = word;
        set |= hint.bit();
    }
    set
}

/// Lists the hints in a set, by name.
pub fn hint_names(set: u64) -> impl Iterator<Item = &'static str> {
    Hint::ALL
        .iter()
        .filter(move |h| set & h.bit() != 0)
        .map(|h| h.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keywords_match_inside_names() {
        assert_ne!(hints_of("left-sidebar-wrap") & Hint::Sidebar.bit(), 0);
        assert_ne!(hints_of("socialShareBar") & Hint::Share.bit(), 0);
        assert_ne!(hints_of("entry-content") & Hint::ArticleBody.bit(), 0);
    }

    #[test]
    fn short_keywords_need_token_boundaries() {
        assert_eq!(hints_of("header shadow") & Hint::Ad.bit(), 0);
        assert_ne!(hints_of("ad ad-top") & Hint::Ad.bit(), 0);
        assert_eq!(hints_of("canvas") & Hint::Nav.bit(), 0);
        assert_ne!(hints_of("main-nav") & Hint::Nav.bit(), 0);
        assert_eq!(hints_of("postal-code") & Hint::Content.bit(), 0);
    }

    #[test]
    fn summaries_are_named_but_not_a_classifier_hint() {
        for name in [
            "entry-summary article-lead",
            "standfirst",
            "article__dek",
            "key-takeaways",
        ] {
            assert_ne!(hints_of(name) & Hint::Summary.bit(), 0, "{name}");
        }
        for name in [
            "leader-board",
            "misleading",
            "deck-chairs",
            "summary-page-footer x",
        ] {
            let named = hints_of(name) & Hint::Summary.bit() != 0;
            assert_eq!(named, name.starts_with("summary"), "{name}");
        }
        assert!(!Hint::ALL.contains(&Hint::Summary));
    }

    #[test]
    fn reviews_are_named_as_whole_words_or_by_vendor() {
        for name in [
            "product-reviews",
            "review-list",
            "bv_main_container",
            "yotpo-main-widget",
        ] {
            assert_ne!(hints_of(name) & Hint::Review.bit(), 0, "{name}");
        }
        for name in ["preview", "reviewer-note", "bvx"] {
            assert_eq!(hints_of(name) & Hint::Review.bit(), 0, "{name}");
        }
        assert!(!Hint::ALL.contains(&Hint::Review));
    }

    #[test]
    fn empty_names_say_nothing() {
        assert_eq!(hints_of(""), 0);
        assert_eq!(hints_of("x1 y2"), 0);
    }
}
