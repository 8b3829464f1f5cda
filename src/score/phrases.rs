//! Boilerplate phrases: wording that marks a short block as site chrome.
//!
//! Takes a block's text and says which boilerplate phrases it contains.
//! Only short blocks are judged by wording (a long paragraph that mentions
//! "privacy policy" is still a paragraph); see [`crate::score`].

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// Phrases so specific to boilerplate that they mark blocks of up to
/// [`LONG_BLOCK_WORDS`] words (disclaimers, consent notices, rights lines).
const STRONG: &[&str] = &[
    "all rights reserved",
    "views expressed",
    "opinions expressed",
    "do not necessarily reflect",
    "does not necessarily reflect",
    "does not always share",
    "amazon associate",
    "qualifying purchases",
    "affiliate links",
    "we may earn",
    "advertise with",
    "we use cookies",
    "uses cookies",
    "by continuing to use",
    "by subscribing",
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "disabling your ad blocker",
    "alle rechte vorbehalten",
    "todos los derechos reservados",
    "tous droits réservés",
    "todos os direitos reservados",
    "все права защищены",
    "tutti i diritti riservati",
];

/// Blocks up to this many words are checked against the strong phrases.
pub const LONG_BLOCK_WORDS: u32 = 40;
/// Blocks up to this many words are checked against every phrase.
pub const SHORT_BLOCK_WORDS: u32 = 12;

/// Further phrases, lowercase, that mark short blocks only (short blocks are
/// checked against [`STRONG`] too). Several languages; English is longest.
const PHRASES: &[&str] = &[
    // rights, legal
    "copyright ©",
    "©",
    "privacy policy",
    "cookie policy",
    "terms of use",
    "terms of service",
    "terms and conditions",
    "terms & conditions",
    "do not sell my",
    "accessibility statement",
    "hak cipta",
    "datenschutz",
    "impressum",
    // cookies and consent
    "accept all",
    "accept cookies",
    "manage preferences",
    "cookie settings",
    // accounts, newsletter
    "sign up",
    "sign in",
    "log in",
    "login",
    "register",
    "create an account",
    "my account",
    "subscribe",
    "newsletter",
    "unsubscribe",
    "enter your email",
    "your email address",
    // share, follow
    "share this",
    "share on",
    "share via",
    "tweet",
    "follow us",
    "pinterest",
    "whatsapp",
    "linkedin",
    "facebook",
    "instagram",
    "copy link",
    "print this",
    // ads, sponsorship
    "advertisement",
    "advertising",
    "sponsored",
    "adblock",
    "ad blocker",
    "affiliate",
    "commission",
    "paid partnership",
    "anzeige",
    "publicidad",
    "реклама",
    // navigation, lists of other things
    "skip to",
    "back to top",
    "go to top",
    "jump to",
    "main menu",
    "toggle navigation",
    "read more",
    "read next",
    "continue reading",
    "related articles",
    "related posts",
    "related stories",
    "related topics",
    "you may also like",
    "you might also like",
    // shop chrome: reviews, cross-selling, shipping
    "customer reviews",
    "write a review",
    "customers also bought",
    "customers also viewed",
    "customers who bought",
    "customers who viewed",
    "frequently bought together",
    "recently viewed",
    "similar items",
    "similar products",
    "related products",
    "shipping & returns",
    "shipping and returns",
    "delivery & returns",
    "delivery and returns",
    "recommended for you",
    "more from",
    "more stories",
    "most popular",
    "most read",
    "trending",
    "recent posts",
    "related content",
    "tags:",
    "posted in",
    "filed under",
    "first published",
    "mailing list",
    "media contact",
    "previous post",
    "next post",
    "previous article",
    "next article",
    "load more",
    "show more",
    "view all",
    "see all",
    "click here",
    "leave a comment",
    "leave a reply",
    "post a comment",
    "add a comment",
    "comments",
    "reply",
    "powered by",
    "add to cart",
    "add to bag",
    "add to basket",
    "buy now",
    "add to wishlist",
    "free shipping",
    "in stock",
    "out of stock",
    "quick view",
    "loading",
    "javascript",
    "enable cookies",
    "your browser",
    "mehr lesen",
    "weiterlesen",
    "leia mais",
    "leer más",
    "lire la suite",
    "читать далее",
    "читайте также",
    "baca juga",
    // the same lists of other things in other languages
    "você pode gostar",
    "veja também",
    "leia também",
    "notícias relacionadas",
    "artigos relacionados",
    "posts relacionados",
    "mais lidas",
    "te puede interesar",
    "noticias relacionadas",
    "artículos relacionados",
    "lo más leído",
    "más leídas",
    "à lire aussi",
    "lire aussi",
    "articles similaires",
    "sur le même sujet",
    "vous aimerez aussi",
    "les plus lus",
    "könnte sie auch interessieren",
    "ähnliche artikel",
    "weitere artikel",
    "weitere beiträge",
    "mehr zum thema",
    "meistgelesen",
    "potrebbe interessarti",
    "articoli correlati",
    "leggi anche",
    "più letti",
    "lees ook",
    "gerelateerde artikelen",
    "meest gelezen",
    "zobacz także",
    "czytaj także",
    "najczęściej czytane",
    "ilgili haberler",
    "benzer haberler",
    "en çok okunan",
    "похожие статьи",
    "похожие новости",
    "другие новости",
    "самое читаемое",
    "artikel terkait",
    "berita terkait",
    "berita lainnya",
    "terpopuler",
    "相关文章",
    "相关阅读",
    "推荐阅读",
    "相关新闻",
    "热门文章",
    "관련 기사",
    "관련기사",
    "많이 본 뉴스",
    "関連記事",
    "人気記事",
    "おすすめ記事",
];

/// Wording of the notices a page shows when scripts do not run ("This
/// slideshow requires JavaScript", "You need to enable JavaScript to run
/// this app"): never main content, whatever else the page holds. On a page
/// that renders everything with scripts, such a notice is all the markup
/// has, and the right output is nothing.
const SCRIPT_NOTICES: &[&str] = &[
    "enable javascript",
    "enabling javascript",
    "javascript enabled",
    "javascript-enabled",
    "javascript is disabled",
    "javascript is not enabled",
    "javascript is turned off",
    "javascript is required",
    "javascript must be enabled",
    "javascript needs to be enabled",
    "requires javascript",
    "require javascript",
    "supports javascript",
    "support javascript",
    "turn on javascript",
    "javascript to run this app",
    "javascript aktivieren",
    "javascript ist deaktiviert",
    "activer javascript",
    "activez javascript",
    "javascript est désactivé",
    "habilitar javascript",
    "habilite javascript",
    "activar javascript",
    "active javascript",
    "ativar o javascript",
    "habilite o javascript",
    "abilitare javascript",
    "abilita javascript",
    "включите javascript",
    "javascript отключен",
];

/// Blocks up to this many words are checked for script notices.
const NOTICE_WORDS: u32 = 30;

/// True when `text` (a block of `words` words) is a notice that the page
/// needs scripts: short, and worded as one of `SCRIPT_NOTICES`.
pub fn is_script_notice(text: &str, words: u32) -> bool {
    static NOTICES: OnceLock<(AhoCorasick, Vec<usize>)> = OnceLock::new();
    words <= NOTICE_WORDS
        && NOTICES
            .get_or_init(|| build(SCRIPT_NOTICES))
            .0
            .is_match(text)
}

/// A matcher for `list` that ignores case: ASCII letters by the matcher's
/// own folding; for a phrase with other letters ("читайте также"), its
/// capitalised and upper-case forms are patterns too. Returns the matcher
/// and, per pattern, the index in `list` of the phrase it stands for.
fn build(list: &[&str]) -> (AhoCorasick, Vec<usize>) {
    let mut patterns: Vec<String> = Vec::with_capacity(list.len());
    let mut phrase_of = Vec::with_capacity(list.len());
    for (i, phrase) in list.iter().enumerate() {
        let mut forms = vec![phrase.to_string()];
        if !phrase.is_ascii() {
            let mut chars = phrase.chars();
            if let Some(first) = chars.next() {
                forms.push(first.to_uppercase().chain(chars).collect());
            }
            forms.push(phrase.to_uppercase());
        }
        for form in forms {
            if !patterns.contains(&form) {
                patterns.push(form);
                phrase_of.push(i);
            }
        }
    }
    let matcher = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns)
        .expect("static phrase list builds");
    (matcher, phrase_of)
}

/// The phrase of `list` (built by [`build`]) that `text` contains first, if any.
fn find(
    built: &(AhoCorasick, Vec<usize>),
    list: &[&'static str],
    text: &str,
) -> Option<&'static str> {
    let m = built.0.find(text)?;
    Some(list[built.1[m.pattern().as_usize()]])
}

/// Returns the first boilerplate phrase found in `text` (a block of `words`
/// words), if any: every phrase for short blocks, the strong ones for
/// blocks up to [`LONG_BLOCK_WORDS`], none for longer ones.
pub fn boilerplate_phrase(text: &str, words: u32) -> Option<&'static str> {
    static SHORT: OnceLock<(AhoCorasick, Vec<usize>)> = OnceLock::new();
    static STRONG_ONLY: OnceLock<(AhoCorasick, Vec<usize>)> = OnceLock::new();
    if words > LONG_BLOCK_WORDS {
        return None;
    }
    if let Some(p) = find(STRONG_ONLY.get_or_init(|| build(STRONG)), STRONG, text) {
        return Some(p);
    }
    if words > SHORT_BLOCK_WORDS {
        return None;
    }
    find(SHORT.get_or_init(|| build(PHRASES)), PHRASES, text)
}

/// True for the phrases in the strong list: wording that marks a block as
/// chrome whatever else it says (see [`boilerplate_phrase`]).
pub fn is_strong(phrase: &str) -> bool {
    STRONG.contains(&phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_case_insensitively() {
        assert_eq!(boilerplate_phrase("Back To Top", 3), Some("back to top"));
        assert_eq!(boilerplate_phrase("© 2024 Example Inc.", 3), Some("©"));
        assert_eq!(boilerplate_phrase("The river rose overnight.", 4), None);
    }

    #[test]
    fn script_notices_are_short_blocks_asking_for_scripts() {
        for notice in [
            "You need to enable JavaScript to run this app.",
            "This slideshow requires JavaScript.",
            "Your browser does not seem to support JavaScript. As a result, your viewing \
             experience will be diminished.",
            "Bitte JavaScript aktivieren.",
        ] {
            let words = notice.split_whitespace().count() as u32;
            assert!(is_script_notice(notice, words), "{notice}");
        }
        for prose in [
            "JavaScript Algorithms and Data Structures",
            "React components are JavaScript functions that return markup:",
            "Anubis requires the use of modern JavaScript features.",
        ] {
            let words = prose.split_whitespace().count() as u32;
            assert!(!is_script_notice(prose, words), "{prose}");
        }
        let long = "enable javascript ".repeat(20);
        assert!(!is_script_notice(&long, 40));
    }

    #[test]
    fn phrases_in_other_scripts_match_capitalised() {
        assert_eq!(
            boilerplate_phrase("Читайте также", 2),
            Some("читайте также")
        );
        assert_eq!(
            boilerplate_phrase("ПОХОЖИЕ СТАТЬИ", 2),
            Some("похожие статьи")
        );
        assert_eq!(
            boilerplate_phrase("Você pode gostar...", 3),
            Some("você pode gostar")
        );
        assert_eq!(
            boilerplate_phrase("Ähnliche Artikel", 2),
            Some("ähnliche artikel")
        );
        assert_eq!(boilerplate_phrase("関連記事", 4), Some("関連記事"));
        assert_eq!(boilerplate_phrase("Похожие дома у реки", 4), None);
    }

    #[test]
    fn every_phrase_is_lowercase() {
        for p in STRONG.iter().chain(PHRASES).chain(SCRIPT_NOTICES) {
            assert_eq!(*p, p.to_lowercase(), "{p}");
        }
    }

    #[test]
    fn longer_blocks_need_strong_phrases() {
        let disclaimer = "The views expressed here are the writer's own and not the site's.";
        assert!(boilerplate_phrase(disclaimer, 20).is_some());
        assert!(boilerplate_phrase("Read more about the trial below", 20).is_none());
        assert!(boilerplate_phrase("all rights reserved", 80).is_none());
    }
}
