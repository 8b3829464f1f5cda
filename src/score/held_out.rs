//! Held-out evaluation hook (cargo feature `eval-hooks`, off by default).
//!
//! Takes, for one page, the probabilities a classifier that never saw the
//! page gave its blocks (the out-of-fold probabilities of `scripts/train.py
//! --oof`) and makes [`super::score`] use them in place of the shipped
//! model's. Everything after the classifier — the page-level selection, the
//! rules' fallback, merging, writing — then runs as it does on an unseen
//! page, so `examples/held_out.rs` can measure the whole pipeline held out,
//! not just the classifier. Without the feature this module is not built
//! and scoring has no hook.

use super::classifier;
use crate::segment::Page;
use std::cell::RefCell;

struct Override {
    texts: Vec<String>,
    probs: Vec<f32>,
    applied: bool,
}

thread_local! {
    static OVERRIDE: RefCell<Option<Override>> = const { RefCell::new(None) };
}

/// Runs `f` with the classifier's probabilities replaced by `probs` on any
/// page (scored on this thread inside `f`) whose block texts are exactly
/// `texts`; other pages keep the model's. Returns `f`'s result and whether
/// the replacement was used.
pub fn with_probabilities<R>(
    texts: Vec<String>,
    probs: Vec<f32>,
    f: impl FnOnce() -> R,
) -> (R, bool) {
    OVERRIDE.with(|o| {
        *o.borrow_mut() = Some(Override {
            texts,
            probs,
            applied: false,
        })
    });
    let out = f();
    let applied = OVERRIDE.with(|o| o.borrow_mut().take().is_some_and(|o| o.applied));
    (out, applied)
}

/// The replacement log-odds for `page`, if one is set for its blocks.
/// Probability 0 (a block the training script never asks about) becomes
/// [`classifier::CERTAIN_JUNK`].
pub(crate) fn log_odds_for(page: &Page) -> Option<Vec<f32>> {
    OVERRIDE.with(|o| {
        let mut o = o.borrow_mut();
        let o = o.as_mut()?;
        let same = o.texts.len() == page.blocks.len()
            && o.probs.len() == page.blocks.len()
            && o.texts.iter().zip(&page.blocks).all(|(t, b)| *t == b.text);
        if !same {
            return None;
        }
        o.applied = true;
        Some(
            o.probs
                .iter()
                .map(|&p| {
                    if p <= 0.0 {
                        classifier::CERTAIN_JUNK
                    } else {
                        let p = p.min(1.0 - 1e-6);
                        (p / (1.0 - p)).ln()
                    }
                })
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::InputKind;

    const PAGE: &str = "<html><body><nav><a href='/'>Home</a> <a href='/b'>Blog</a></nav>\
        <p>The first paragraph of the story, long enough to read as prose, with a comma.</p>\
        <p>The second paragraph of the story, also long enough to read as prose, and more.</p>\
        </body></html>";

    fn kept(doc: &crate::Cleaned) -> Vec<bool> {
        doc.judgements
            .iter()
            .map(|j| j.verdict == super::super::Verdict::Content)
            .collect()
    }

    #[test]
    fn given_probabilities_decide_the_page_they_were_computed_for() {
        let doc = crate::clean_str(PAGE, InputKind::Html);
        let texts: Vec<String> = doc.page.blocks.iter().map(|b| b.text.clone()).collect();
        let n = texts.len();
        // Keep only the last block, whatever the model says.
        let mut probs = vec![0.0; n];
        probs[n - 1] = 0.99;
        let (doc2, applied) = with_probabilities(texts.clone(), probs, || {
            crate::clean_str(PAGE, InputKind::Html)
        });
        assert!(applied);
        let mut want = vec![false; n];
        want[n - 1] = true;
        assert_eq!(kept(&doc2), want);
        // Another page's blocks: the model decides, as without the hook.
        let (doc3, applied) = with_probabilities(vec!["other".into()], vec![0.9], || {
            crate::clean_str(PAGE, InputKind::Html)
        });
        assert!(!applied);
        assert_eq!(kept(&doc3), kept(&doc));
    }
}
