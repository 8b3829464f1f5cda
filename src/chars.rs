//! Character classes the stages ask about for every character of a page's
//! text: the same answers as [`char::is_alphabetic`] and
//! [`char::is_alphanumeric`], without the table search the standard library
//! does for every character outside ASCII, for the scripts and punctuation
//! most pages are written in (Latin, Greek, Cyrillic, Arabic, Devanagari,
//! Thai, CJK, kana, Hangul, typographic quotes and dashes).

/// What [`common_class`] knows about a character.
enum Class {
    /// Alphabetic (and so alphanumeric).
    Letter,
    /// Neither alphabetic nor numeric.
    Other,
}

/// The class of `c` when it lies in a common range whose characters all
/// share one; `None` elsewhere. The unit tests check every range against
/// the standard library.
fn common_class(c: char) -> Option<Class> {
    match c as u32 {
        0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x2C1
        | 0x3A3..=0x3F5
        | 0x3F7..=0x481
        | 0x48A..=0x52F
        | 0x620..=0x657
        | 0x66E..=0x6D3
        | 0x8F0..=0x93B
        | 0xE01..=0xE3A
        | 0x1E00..=0x1F15
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0x3400..=0x4DBF
        | 0x4E00..=0xA48C
        | 0xAC00..=0xD7A3
        | 0xFF21..=0xFF3A
        | 0xFF41..=0xFF5A => Some(Class::Letter),
        0x2000..=0x206F | 0x2E30..=0x3004 | 0x300C..=0x3011 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 => {
            Some(Class::Other)
        }
        _ => None,
    }
}

/// Exactly [`char::is_alphabetic`], faster on common scripts.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    answer(c, char::is_ascii_alphabetic, char::is_alphabetic)
}

/// Exactly [`char::is_alphanumeric`], faster on common scripts.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    answer(c, char::is_ascii_alphanumeric, char::is_alphanumeric)
}

/// `ascii(c)` for ASCII, the common ranges' class, else `other(c)` (the
/// standard library's table search).
#[inline]
fn answer(c: char, ascii: fn(&char) -> bool, other: fn(char) -> bool) -> bool {
    if c.is_ascii() {
        return ascii(&c);
    }
    match common_class(c) {
        Some(Class::Letter) => true,
        Some(Class::Other) => false,
        None => other(c),
    }
}

/// `count` random strings of up to 23 characters drawn from `alphabet`
/// (xorshift from `seed`): inputs for tests that compare a fast path with
/// a plain reference.
#[cfg(test)]
pub(crate) fn random_texts(alphabet: &[char], seed: u64, count: usize) -> Vec<String> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state >> 32) as usize % alphabet.len()]);
            }
            state = state.wrapping_add(0x9e37_79b9);
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_the_standard_librarys_for_every_character() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
