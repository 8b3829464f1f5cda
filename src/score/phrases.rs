//! Boilerplate phrases: wording that marks a short block as site chrome.
//!
//! Takes a block's text and says which boilerplate phrases it contains.
//! Only short blocks are judged by wording (a long paragraph that mentions
//! "privacy policy" is still a paragraph); see [`crate::score`].

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// Phrases, lowercase. Several languages; the English list is longest.
const PHRASES: &[&str] = &[
    // rights, legal
    "all rights reserved",
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
    "alle rechte vorbehalten",
    "todos los derechos reservados",
    "tous droits réservés",
    "todos os direitos reservados",
    "все права защищены",
    "tutti i diritti riservati",
    "hak cipta",
    "datenschutz",
    "impressum",
    // cookies and consent
    "we use cookies",
    "uses cookies",
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
    "advertise with",
    "sponsored",
    "adblock",
    "ad blocker",
    "affiliate",
    "we may earn",
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
    "recommended for you",
    "more from",
    "more stories",
    "most popular",
    "most read",
    "trending",
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
];

fn matcher() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(PHRASES)
            .expect("static phrase list builds")
    })
}

/// Returns the first boilerplate phrase found in `text`, if any.
pub fn boilerplate_phrase(text: &str) -> Option<&'static str> {
    let m = matcher().find(text)?;
    Some(PHRASES[m.pattern().as_usize()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_case_insensitively() {
        assert_eq!(boilerplate_phrase("Back To Top"), Some("back to top"));
        assert_eq!(boilerplate_phrase("© 2024 Example Inc."), Some("©"));
        assert_eq!(boilerplate_phrase("The river rose overnight."), None);
    }
}
