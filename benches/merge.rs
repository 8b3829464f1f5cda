//! The cost of the merge stage on large pages.
//!
//!     cargo bench --bench merge
//!
//! Builds pages of 5,000 blocks in four shapes — distinct paragraphs, a page
//! where every tenth paragraph repeats an earlier one, a forum thread whose
//! replies quote earlier posts, and a listing of near-identical item lines —
//! and prints how long `merge::find_merges` takes on each (best of five) and
//! how many merges it finds. Issue 3 asks for under 50 ms at 5,000 blocks.

use dechaff::merge::{MergeOptions, find_merges};
use dechaff::segment::{Page, html};
use std::time::{Duration, Instant};

/// A deterministic word stream (xorshift over a 4,000-word vocabulary of
/// three-letter words).
struct Words(u64);

impl Words {
    fn sentence(&mut self, words: usize) -> String {
        let mut out = Vec::with_capacity(words);
        for _ in 0..words {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            // Letters only: the merge stage drops digits from words.
            let mut n = self.0 % 4000;
            let mut word = String::new();
            for _ in 0..3 {
                word.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
            }
            out.push(word);
        }
        out.join(" ") + "."
    }
}

fn page(shape: &str, blocks: usize) -> Page {
    let mut words = Words(0x2545_f491_4f6c_dd1d);
    let mut paras: Vec<String> = Vec::with_capacity(blocks);
    for i in 0..blocks {
        let p = match shape {
            "repeats" if i % 10 == 9 => paras[i / 2].clone(),
            "forum quotes" if i % 4 == 3 => {
                let quoted: String = paras[i - 2]
                    .split(' ')
                    .take(20)
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("<blockquote>{quoted}</blockquote> {}", words.sentence(25))
            }
            "listing" => format!(
                "Item {i}: stainless steel garden trowel, {} cm, green handle, in stock",
                10 + i % 7
            ),
            _ => format!("{} {}", words.sentence(20), words.sentence(15)),
        };
        paras.push(p);
    }
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    html::segment(&format!(
        "<html><body><article>{body}</article></body></html>"
    ))
}

fn main() {
    let opts = MergeOptions::default();
    println!(
        "{:<14} {:>7} {:>8} {:>10}",
        "page", "blocks", "merges", "best of 5"
    );
    for shape in ["distinct", "repeats", "forum quotes", "listing"] {
        let page = page(shape, 5_000);
        let keep = vec![true; page.blocks.len()];
        let mut best = Duration::MAX;
        let mut merges = 0;
        for _ in 0..5 {
            let t = Instant::now();
            merges = find_merges(&page, &keep, &opts).len();
            best = best.min(t.elapsed());
        }
        println!(
            "{shape:<14} {:>7} {merges:>8} {:>8.1} ms",
            page.blocks.len(),
            best.as_secs_f64() * 1000.0
        );
    }
}
