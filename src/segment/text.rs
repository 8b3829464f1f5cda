//! Plain-text segmentation: paragraphs by blank lines, short lines apart.
//!
//! Takes already-extracted text (a scrape like the seed page) and returns a
//! [`Page`] whose blocks are its paragraphs. A blank-line separated chunk
//! whose lines are hard-wrapped prose is joined into one paragraph; a run of
//! short lines (menu entries, button labels, one-line notices) is split so
//! each line is judged on its own. Markdown-style `#` headings and `-`/`*`
//! bullets are recognised. The title is the first heading-like line.

use super::{Block, BlockKind, Node, Page, TagRole, visible_chars};

/// True when `line` ends a sentence (closing quotes and brackets ignored).
fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', ' ']);
    t.ends_with(['.', '!', '?', '。', '！', '？', '…'])
}

/// Decides whether the lines of one chunk are a single hard-wrapped paragraph.
fn is_wrapped_prose(lines: &[&str]) -> bool {
    if lines.len() < 2 {
        return true;
    }
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let longest = lens.iter().copied().max().unwrap_or(0);
    if longest < 40 {
        return false;
    }
    let body = &lines[..lines.len() - 1];
    let body_lens = &lens[..lens.len() - 1];
    let similar = body_lens
        .iter()
        .all(|&l| l * 10 >= longest * 6 && l <= longest);
    let some_unfinished = body.iter().any(|l| !ends_sentence(l));
    similar && some_unfinished
}

fn heading_level(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        Some((hashes as u8, line[hashes..].trim()))
    } else {
        None
    }
}

fn bullet(line: &str) -> Option<&str> {
    for prefix in ["- ", "* ", "• ", "– "] {
        if let Some(rest) = line.strip_prefix(prefix) {
            return Some(rest.trim());
        }
    }
    None
}

fn push(page: &mut Page, text: &str, kind: BlockKind, level: u8) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    page.blocks.push(Block {
        text: text.to_string(),
        kind,
        heading_level: level,
        node: 0,
        link_chars: 0,
        chars: visible_chars(text),
        is_title: false,
    });
}

fn push_line(page: &mut Page, line: &str) {
    if let Some((level, rest)) = heading_level(line) {
        push(page, rest, BlockKind::Heading, level);
    } else if let Some(rest) = bullet(line) {
        push(page, rest, BlockKind::ListItem, 0);
    } else {
        push(page, line, BlockKind::Line, 0);
    }
}

/// True when a block could be the headline: one line, a few words, no
/// sentence-final period, no menu separators.
fn looks_like_title(b: &Block) -> bool {
    if b.text.contains('\n') || b.text.contains(" | ") {
        return false;
    }
    let words = b.text.split_whitespace().count();
    // A date line ("December 18, 2025") or a counter is not a headline.
    let worded = b
        .text
        .split_whitespace()
        .filter(|w| w.chars().any(crate::chars::is_alphabetic))
        .count();
    let t = b.text.trim_end();
    (3..=30).contains(&words)
        && worded >= 3
        && !t.ends_with(['.', ':', ';', ','])
        && b.chars <= 250
        && crate::score::phrases::boilerplate_phrase(&b.text, words as u32).is_none()
}

/// Segments plain text into blocks.
pub fn segment(text: &str) -> Page {
    let mut page = Page::default();
    page.nodes.push(Node {
        role: TagRole::Body,
        parent: 0,
        depth: 0,
        hints: 0,
        shape: 0,
        words: 0..0,
    });
    let mut chunk: Vec<&str> = Vec::new();
    let mut first_chunk_lines = 0;
    let mut lines = text.lines().map(|l| l.trim()).peekable();
    // Blank lines before the chunk being read, and since it ended.
    let (mut gap_before_chunk, mut blank_run) = (0usize, 0usize);
    loop {
        let line = lines.next();
        match line {
            Some(l) if !l.is_empty() => {
                if chunk.is_empty() {
                    gap_before_chunk = blank_run;
                }
                blank_run = 0;
                chunk.push(l);
                continue;
            }
            Some(_) => blank_run += 1,
            None => {}
        }
        if !chunk.is_empty() {
            if page.blocks.is_empty() {
                first_chunk_lines = chunk.len();
            } else if gap_before_chunk >= 2 {
                page.section_starts.push(page.blocks.len());
            }
            // Rows of `|`-separated cells (how dechaff writes a table) stay
            // together as one table.
            if chunk.len() >= 2 && chunk.iter().all(|l| l.contains(" | ")) {
                push(&mut page, &chunk.join("\n"), BlockKind::Table, 0);
                chunk.clear();
                if line.is_none() {
                    break;
                }
                continue;
            }
            let structured = chunk
                .iter()
                .any(|l| heading_level(l).is_some() || bullet(l).is_some());
            if !structured && is_wrapped_prose(&chunk) {
                let joined = chunk.join(" ");
                let kind = if chunk.len() == 1 && !ends_sentence(&joined) {
                    BlockKind::Line
                } else {
                    BlockKind::Paragraph
                };
                push(&mut page, &joined, kind, 0);
            } else {
                for l in &chunk {
                    push_line(&mut page, l);
                }
            }
            chunk.clear();
        }
        if line.is_none() {
            break;
        }
    }
    // Title: the first heading-like line among the first few blocks that is
    // followed by a real paragraph.
    // The title comes before the body: stop at the first long paragraph.
    let first_long = page
        .blocks
        .iter()
        .position(|b| b.kind == BlockKind::Paragraph && b.chars > 150)
        .unwrap_or(page.blocks.len());
    let limit = page.blocks.len().min(12).min(first_long);
    // A headline standing alone on the first line, set off by a blank line,
    // is the title (dechaff's own output starts so); a menu line is part of
    // a run of lines.
    let standalone_first = first_chunk_lines == 1
        && page.blocks.first().is_some_and(|b| {
            let worded = b
                .text
                .split_whitespace()
                .filter(|w| w.chars().any(crate::chars::is_alphabetic))
                .count();
            worded >= 2
                && b.chars <= 250
                && !b.text.trim_end().ends_with(['.', ':', ';', ','])
                && b.kind != BlockKind::ListItem
                && crate::score::phrases::boilerplate_phrase(&b.text, worded as u32).is_none()
        });
    let title_idx = standalone_first.then_some(0).or_else(|| {
        (0..limit).find(|&i| {
            let b = &page.blocks[i];
            (b.kind == BlockKind::Heading || looks_like_title(b))
                && page.blocks[i + 1..]
                    .iter()
                    .take(8)
                    .any(|n| n.kind != BlockKind::Heading && n.chars > 80)
        })
    });
    if let Some(i) = title_idx {
        page.blocks[i].is_title = true;
        page.title = Some(page.blocks[i].text.clone());
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_blank_lines_open_a_section() {
        let page = segment(
            "Menu\n\n\nHeadline of the story\n\nLead one.\n\n\n\nBody one.\n\nBody two.\n\n\nFooter\n",
        );
        let texts: Vec<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Menu",
                "Headline of the story",
                "Lead one.",
                "Body one.",
                "Body two.",
                "Footer"
            ]
        );
        assert_eq!(page.section_starts, [1, 3, 5]);
    }

    #[test]
    fn blank_lines_split_paragraphs() {
        let p = segment("First para.\n\nSecond para here.\n");
        assert_eq!(p.blocks.len(), 2);
        assert_eq!(p.blocks[1].text, "Second para here.");
    }

    #[test]
    fn wrapped_prose_is_joined() {
        let text = "This is a long line of prose that was hard wrapped at\n\
                    roughly seventy characters so it continues on the next\n\
                    line and ends here.";
        let p = segment(text);
        assert_eq!(p.blocks.len(), 1);
        assert_eq!(p.blocks[0].kind, BlockKind::Paragraph);
    }

    #[test]
    fn short_line_runs_are_split() {
        let p = segment("Sponsored Content\nBack to top button\nAvailable for Amazon Prime\nClose");
        assert_eq!(p.blocks.len(), 4);
        assert!(p.blocks.iter().all(|b| b.kind == BlockKind::Line));
    }

    #[test]
    fn finished_sentences_stay_apart() {
        let p = segment(
            "\" The site does not always share or support the views expressed here; they are the writer's.\"\n\
             *As an Amazon Associate I earn from qualifying purchases",
        );
        assert_eq!(p.blocks.len(), 2);
    }

    #[test]
    fn first_headline_is_the_title() {
        let p = segment(
            "Home\n\nBig Headline About Something Important\n\n\
             A paragraph that is long enough to count as body text, with a few clauses, some more words, and a period.",
        );
        assert_eq!(
            p.title.as_deref(),
            Some("Big Headline About Something Important")
        );
        assert!(p.blocks[1].is_title);
    }

    #[test]
    fn markdown_headings_and_bullets() {
        let p = segment("# Title here\n\n- one\n- two");
        assert_eq!(p.blocks[0].kind, BlockKind::Heading);
        assert_eq!(p.blocks[1].kind, BlockKind::ListItem);
    }
}
