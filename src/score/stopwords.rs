//! Stopword lists per language and the page-language guess that picks one.
//!
//! The lists (in `stopwords/`, see its `LICENSE.md` for their sources) are
//! compiled in. One table maps each stopword to the set of languages that
//! list it; a page's language is its `lang` attribute when a list exists for
//! it, else the language whose stopwords cover most of a sample of its words.
//! Chinese and Japanese are matched per character.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

macro_rules! lists {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("stopwords/", $code, ".txt")))),*]
    };
}

/// (ISO 639-1 code, newline-separated list)
static LISTS: &[(&str, &str)] = lists!(
    "en", "de", "fr", "es", "pt", "it", "nl", "ru", "pl", "sv", "da", "no", "fi", "tr", "cs", "uk",
    "ro", "hu", "id", "vi", "ja", "zh", "ko", "ar", "el", "he", "hi", "ca",
);

/// A language with a stoplist, by index into the compiled lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(u8);

impl Lang {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        LISTS[self.0 as usize].0
    }

    /// Looks a language up by ISO 639-1 code.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let code = match code.as_str() {
            "nb" | "nn" => "no",
            "in" => "id",
            "iw" => "he",
            c => c,
        };
        LISTS
            .iter()
            .position(|(c, _)| *c == code)
            .map(|i| Lang(i as u8))
    }

    /// True for languages written without spaces between words.
    pub fn per_character(self) -> bool {
        matches!(self.code(), "zh" | "ja")
    }
}

struct Table {
    words: FxHashMap<&'static str, u32>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut words: FxHashMap<&'static str, u32> = FxHashMap::default();
        for (i, (_, list)) in LISTS.iter().enumerate() {
            for w in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
                *words.entry(w).or_insert(0) |= 1 << i;
            }
        }
        Table { words }
    })
}

/// True when `c` is a CJK ideograph, kana or hangul syllable (one token each
/// for counting, like the evaluation's tokenizer).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0xac00..=0xd7af)
}

/// Calls `f` for each word token of `text`, lowercased into a reused buffer;
/// CJK ideographs and kana are one token each (hangul stays in words).
///
/// A lowercase ASCII word standing alone (not continued by an apostrophe or
/// a non-ASCII letter) is passed as it is, without copying.
pub fn for_each_token(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    buf.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII: the same rules as below, without the Unicode tables.
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                let start = i;
                let mut upper = false;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    upper |= bytes[i].is_ascii_uppercase();
                    i += 1;
                }
                let run = &text[start..i];
                let ends_here = bytes.get(i).is_none_or(|&n| n.is_ascii() && n != b'\'');
                if buf.is_empty() && ends_here && !upper {
                    f(run);
                } else {
                    buf.extend(run.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                }
            } else {
                i += 1;
                if b == b'\'' {
                    if !buf.is_empty() {
                        buf.push('\'');
                    }
                } else if !buf.is_empty() {
                    f(buf.trim_end_matches('\''));
                    buf.clear();
                }
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if crate::chars::is_alphanumeric(c) || c == '’' {
            let single = is_cjk(c) && !matches!(c as u32, 0xac00..=0xd7af);
            if single {
                if !buf.is_empty() {
                    f(buf);
                    buf.clear();
                }
                let mut tmp = [0u8; 4];
                f(c.encode_utf8(&mut tmp));
                continue;
            }
            if c == '’' {
                if buf.is_empty() {
                    continue;
                }
                buf.push('\'');
                continue;
            }
            for l in c.to_lowercase() {
                buf.push(l);
            }
        } else if !buf.is_empty() {
            let w = buf.trim_end_matches('\'');
            f(w);
            buf.clear();
        }
    }
    if !buf.is_empty() {
        let w = buf.trim_end_matches('\'');
        f(w);
        buf.clear();
    }
}

/// True when `word` (lowercase) is a stopword of `lang`.
pub fn is_stopword(word: &str, lang: Lang) -> bool {
    table()
        .words
        .get(word)
        .is_some_and(|mask| mask & (1 << lang.0) != 0)
}

/// Guesses the language of a page from a sample of its text: the stoplist
/// that covers most tokens wins. Returns `None` when no list covers at
/// least 8% of the tokens.
pub fn guess_language<'a>(texts: impl Iterator<Item = &'a str>) -> Option<Lang> {
    let t = table();
    let mut counts = [0u32; 32];
    let mut tokens = 0u32;
    let mut buf = String::new();
    for text in texts {
        for_each_token(text, &mut buf, |w| {
            tokens += 1;
            if let Some(&mask) = t.words.get(w) {
                // Each language listing the word (set bits, lowest first).
                let mut rest = mask;
                while rest != 0 {
                    counts[rest.trailing_zeros() as usize] += 1;
                    rest &= rest - 1;
                }
            }
        });
        if tokens > 600 {
            break;
        }
    }
    let (best, &hits) = counts
        .iter()
        .enumerate()
        .take(LISTS.len())
        .max_by_key(|&(i, c)| (*c, std::cmp::Reverse(i)))?;
    if tokens == 0 || hits * 100 < tokens * 8 {
        return None;
    }
    Some(Lang(best as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_the_same_with_and_without_the_ascii_path() {
        // The tokenizer's rules applied to every character alike.
        fn reference(text: &str) -> Vec<String> {
            let mut out = Vec::new();
            let mut buf = String::new();
            let flush = |buf: &mut String, out: &mut Vec<String>| {
                if !buf.is_empty() {
                    out.push(buf.trim_end_matches('\'').to_string());
                    buf.clear();
                }
            };
            for c in text.chars() {
                if crate::chars::is_alphanumeric(c) || c == '\'' || c == '’' {
                    if is_cjk(c) && !matches!(c as u32, 0xac00..=0xd7af) {
                        if !buf.is_empty() {
                            out.push(std::mem::take(&mut buf));
                        }
                        out.push(c.to_string());
                    } else if c == '\'' || c == '’' {
                        if !buf.is_empty() {
                            buf.push('\'');
                        }
                    } else {
                        buf.extend(c.to_lowercase());
                    }
                } else {
                    flush(&mut buf, &mut out);
                }
            }
            flush(&mut buf, &mut out);
            out
        }
        for text in [
            "Don't STOP — it's the 2nd time' 'quoted' words’ here",
            "ÉCOLE Straße İstanbul naïve café's x’y",
            "漢字かなabc한국어 mixed中文text",
            "a''b ''c d'' e'’f",
            "",
            "abc",
            "abc'",
            "Abc def,ghi.JKL mno'pq rsé tuv’ wx1y2 3z",
        ] {
            let mut got = Vec::new();
            for_each_token(text, &mut String::new(), |w| got.push(w.to_string()));
            assert_eq!(got, reference(text), "{text}");
        }
        // Random strings over an alphabet that mixes the cases above.
        const ALPHABET: &[char] = &[
            'a', 'b', 'Z', '1', ' ', ',', '\'', '’', '-', 'é', 'É', 'İ', '漢', 'か', '한', '\n',
        ];
        for text in crate::chars::random_texts(ALPHABET, 0x2545_f491_4f6c_dd1d, 5000) {
            let mut got = Vec::new();
            for_each_token(&text, &mut String::new(), |w| got.push(w.to_string()));
            assert_eq!(got, reference(&text), "{text:?}");
        }
    }

    #[test]
    fn every_list_loads() {
        for (code, list) in LISTS {
            assert!(list.lines().count() > 30, "{code}");
            assert!(Lang::from_code(code).is_some());
        }
    }

    #[test]
    fn guesses_common_languages() {
        let en = "The cat sat on the mat and it was happy because the sun was out.";
        assert_eq!(guess_language([en].into_iter()).map(Lang::code), Some("en"));
        let de = "Die Katze saß auf der Matte und sie war glücklich, weil die Sonne schien.";
        assert_eq!(guess_language([de].into_iter()).map(Lang::code), Some("de"));
        let ru = "Кошка сидела на коврике и была счастлива, потому что светило солнце.";
        assert_eq!(guess_language([ru].into_iter()).map(Lang::code), Some("ru"));
    }

    #[test]
    fn tokens_split_cjk_per_character() {
        let mut buf = String::new();
        let mut out = Vec::new();
        for_each_token("Hello, 世界 don't", &mut buf, |w| out.push(w.to_string()));
        assert_eq!(out, ["hello", "世", "界", "don't"]);
    }
}
