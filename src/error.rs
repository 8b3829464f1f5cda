//! Errors, each naming the input it is about.

use std::path::PathBuf;

/// An error about one input (or the output); every variant names its file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A directory walk hit a problem (unreadable entry, symlink loop).
    #[error("{path}: {message}")]
    Walk {
        /// Where the walk failed.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Compressed data was corrupt or truncated.
    #[error("{path}: cannot decompress: {message}")]
    Decompress {
        /// The file.
        path: PathBuf,
        /// What the decompressor said.
        message: String,
    },
    /// The document is larger than the size cap.
    #[error("{path}: skipped: larger than --max-page-bytes ({limit} bytes)")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap in bytes.
        limit: u64,
    },
    /// One record of a shard is bad (invalid JSON, no content field, too long).
    #[error("{path}:{line}: {message}")]
    Record {
        /// The shard.
        path: PathBuf,
        /// The line (or record) number, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The document is beyond a structural limit (nesting, element count).
    #[error("{path}: skipped: {what}")]
    TooComplex {
        /// The file (or shard and record).
        path: PathBuf,
        /// Which limit, with the figures.
        what: String,
    },
    /// Cleaning the document hit a bug in dechaff (a panic). The document is
    /// left out and the run goes on with the others.
    #[error("{path}: internal error, document skipped (please report it): {message}")]
    Internal {
        /// The file (or shard and record).
        path: PathBuf,
        /// The panic's message.
        message: String,
    },
    /// The content is not text (an image, a PDF …).
    #[error("{path}: not text: {what}")]
    NotText {
        /// The file.
        path: PathBuf,
        /// What it looks like instead.
        what: &'static str,
    },
}
