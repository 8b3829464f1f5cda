//! Replays the fuzz corpora (`fuzz/corpus/<target>/`), so an input that once
//! crashed a fuzz target stays fixed and the fuzz targets keep building.
//!
//! - In process: every file of a target's corpus goes through the matching
//!   `dechaff::fuzzing` function; a panic fails the test, which names the file.
//! - The real targets: `fuzz/` is built with a plain `cargo build` (libFuzzer
//!   linked in, no sanitizer or coverage instrumentation, which stable Rust
//!   builds) and each target binary replays its corpus directory with
//!   `-runs=0`. The build uses fuzz/Cargo.toml's `replay` profile: the
//!   release profile's checks (debug assertions, overflow checks) without
//!   optimisation, which halves the cold build (about 1.5 minutes instead of
//!   3 on two cores) and makes no difference to replaying a few dozen small
//!   files. It goes to its own target directory, `fuzz-build` in the target
//!   directory of this test (`target/fuzz-build` by default).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every fuzz target: a file in `fuzz/fuzz_targets/`, a corpus directory,
/// a function in `dechaff::fuzzing` and a test below.
const TARGETS: &[&str] = &["charset", "html", "text", "jsonl", "warc", "clean"];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of one target's corpus, sorted by name.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Targets that also replay the repository's `samples/` (real pages, kept
/// there rather than copied into their corpora).
const WITH_SAMPLES: &[&str] = &["html", "clean"];

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Runs every corpus file of `target` (and `samples/` for
/// [`WITH_SAMPLES`]) through `run`, naming the file that panics.
fn replay(target: &str, run: fn(&[u8])) {
    let mut files = corpus(target);
    assert!(!files.is_empty(), "fuzz/corpus/{target} is empty");
    if WITH_SAMPLES.contains(&target) {
        let mut samples: Vec<PathBuf> = std::fs::read_dir(samples_dir())
            .expect("samples/")
            .map(|e| e.expect("samples entry").path())
            .collect();
        samples.sort();
        files.extend(samples);
    }
    for file in files {
        let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        eprintln!("fuzz target {target}: {}", file.display());
        run(&data);
    }
}

#[test]
fn charset_corpus() {
    replay("charset", dechaff::fuzzing::charset);
}

#[test]
fn html_corpus() {
    replay("html", dechaff::fuzzing::html);
}

#[test]
fn text_corpus() {
    replay("text", dechaff::fuzzing::text);
}

#[test]
fn jsonl_corpus() {
    replay("jsonl", dechaff::fuzzing::jsonl);
}

#[test]
fn warc_corpus() {
    replay("warc", dechaff::fuzzing::warc);
}

#[test]
fn clean_corpus() {
    replay("clean", dechaff::fuzzing::clean);
}

/// Every target in `fuzz/fuzz_targets/` has a corpus and a line in [`TARGETS`].
#[test]
fn every_target_has_a_corpus() {
    let mut names: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed = TARGETS.to_vec();
    listed.sort();
    assert_eq!(names, listed);
    for name in TARGETS {
        assert!(!corpus(name).is_empty(), "fuzz/corpus/{name} is empty");
    }
}

/// Builds the fuzz targets as they are (libFuzzer linked in) and has each
/// replay its corpus directory: libFuzzer runs every file once and exits.
#[test]
fn fuzz_targets_build_and_replay() {
    let fuzz = fuzz_dir();
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target directory")
        .join("fuzz-build");
    let started = std::time::Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--profile", "replay", "--bins", "--manifest-path"])
        .arg(fuzz.join("Cargo.toml"))
        // A clean environment: the outer `cargo test` sets variables meant
        // for the main crate's build and test (flags, jobserver, RUSTC…).
        .env_clear()
        .envs(std::env::vars_os().filter(|(k, _)| {
            matches!(
                k.to_str(),
                Some(
                    "PATH" | "HOME" | "CARGO_HOME" | "RUSTUP_HOME" | "RUSTUP_TOOLCHAIN" | "TMPDIR"
                )
            )
        }))
        .env("CARGO_TARGET_DIR", &target_dir)
        .stdin(std::process::Stdio::null())
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the fuzz targets failed");
    eprintln!("fuzz targets built in {:.1?}", started.elapsed());
    for name in TARGETS {
        let bin = target_dir.join("replay").join(name);
        let dir = fuzz.join("corpus").join(name);
        // A failing input is written to the artifact prefix (by default the
        // working directory, which is the repository here).
        let artifacts = target_dir.join("artifacts");
        std::fs::create_dir_all(&artifacts).expect("artifact directory");
        let mut replay = Command::new(&bin);
        replay
            .arg("-runs=0")
            .arg(format!("-artifact_prefix={}/{name}-", artifacts.display()))
            .arg(&dir);
        if WITH_SAMPLES.contains(name) {
            replay.arg(samples_dir());
        }
        let out = replay
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        assert!(
            out.status.success(),
            "fuzz target {name} failed on its corpus {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
