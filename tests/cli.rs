//! Integration tests: run the `dechaff` binary on `samples/` and on
//! generated bad input.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dechaff"))
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("valid JSON on stdout")
}

fn jsonl(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSONL line"))
        .collect()
}

#[test]
fn seed_keeps_title_and_body_and_drops_boilerplate() {
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(samples().join("seed-article.gold.json")).unwrap(),
    )
    .unwrap();
    let seed = samples().join("seed-article.txt");
    let out = run(&["-f", "json", seed.to_str().unwrap()]);
    assert!(out.status.success());
    let doc = stdout_json(&out);
    assert_eq!(doc["title"], gold["title"]);
    let text = doc["text"].as_str().unwrap();
    assert!(
        !text.contains(gold["title"].as_str().unwrap()),
        "title repeated in text"
    );
    let body = gold["body"].as_array().unwrap();
    assert_eq!(body.len(), 15);
    let mut at = 0;
    for para in body {
        let para = para.as_str().unwrap();
        let found = text[at..].find(para);
        assert!(
            found.is_some(),
            "body paragraph missing or out of order: {para}"
        );
        at += found.unwrap() + para.len();
    }
    for junk in gold["boilerplate"].as_array().unwrap() {
        let junk = junk.as_str().unwrap().trim();
        assert!(!text.contains(junk), "boilerplate leaked: {junk}");
    }
    // Exactly the body: the summary is merged away as restatements.
    let body_text: Vec<&str> = body.iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(text, body_text.join("\n\n"));
    let blocks = doc["blocks"].as_array().unwrap();
    let merges = doc["merges"].as_array().unwrap();
    let summaries = gold["summary_restating_body"].as_array().unwrap();
    assert_eq!(merges.len(), summaries.len());
    for (m, s) in merges.iter().zip(summaries) {
        assert_eq!(m["kind"], "restatement");
        let dropped = &blocks[m["dropped"].as_u64().unwrap() as usize];
        assert_eq!(dropped["text"], s["summary"]);
        assert_eq!(dropped["verdict"], "duplicate");
        // It points at body paragraphs, most of them the ones the gold names.
        let of: Vec<&str> = m["of"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                blocks[i.as_u64().unwrap() as usize]["text"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert!(of.iter().all(|t| body_text.contains(t)));
        let named: Vec<&str> = s["restates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(of.iter().any(|t| named.contains(t)), "{of:?}");
    }
}

#[test]
fn html_samples_meet_their_expectations() {
    let mut checked = 0;
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".expect.json") else {
            continue;
        };
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let html = samples().join(format!("{stem}.html"));
        let out = run(&["-f", "json", html.to_str().unwrap()]);
        assert!(out.status.success(), "{stem}");
        let doc = stdout_json(&out);
        assert_eq!(doc["title"], expect["title"], "{stem}: title");
        let text = doc["text"].as_str().unwrap();
        for p in expect["must_contain"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            assert!(text.contains(p), "{stem}: missing content: {p}");
        }
        for p in expect["must_not_contain"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            assert!(!text.contains(p), "{stem}: boilerplate leaked: {p}");
        }
        checked += 1;
    }
    assert!(
        checked >= 4,
        "expected the four HTML samples, found {checked}"
    );
}

#[test]
fn jsonl_contract_over_a_directory_in_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.txt"), "Second doc\n\nA paragraph of text that is long enough, with a comma, to be the body of this document here.\n").unwrap();
    std::fs::copy(
        samples().join("news-article.html"),
        dir.path().join("a.html"),
    )
    .unwrap();
    let gz = {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&std::fs::read(samples().join("blog-post.html")).unwrap())
            .unwrap();
        enc.finish().unwrap()
    };
    std::fs::write(dir.path().join("c.htm.gz"), gz).unwrap();
    std::fs::write(dir.path().join("ignored.json"), "{}").unwrap();
    let out = run(&["-f", "jsonl", "-j", "2", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = jsonl(&out);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    for r in &recs {
        assert!(
            r["source"]
                .as_str()
                .unwrap()
                .ends_with(match r["id"].as_str().unwrap() {
                    "a" => "a.html",
                    "b" => "b.txt",
                    _ => "c.htm.gz",
                })
        );
        assert!(r["title"].is_string() || r["title"].is_null());
        let text = r["text"].as_str().unwrap();
        assert!(!text.is_empty());
        assert!(
            !text.contains("\n\n\n"),
            "paragraphs separated by one blank line"
        );
        assert!(r.get("blocks").is_none());
    }
    assert_eq!(
        recs[0]["title"],
        "Kestrel Bay ferry to sail again in April after long hull repair"
    );
}

#[test]
fn jsonl_shards_keep_fields_in_order_and_report_bad_lines() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(samples().join("news-article.html")).unwrap();
    let seed = std::fs::read_to_string(samples().join("seed-article.txt")).unwrap();
    let mut lines = String::new();
    lines.push_str(
        &serde_json::json!({"url": "https://example.com/a", "id": "a", "html": html, "lang": "en"})
            .to_string(),
    );
    lines.push_str("\n{broken\n\n");
    lines.push_str(&serde_json::json!({"id": 2, "text": seed}).to_string());
    lines.push_str("\n{\"no_content\": true}\n");
    let plain = dir.path().join("s1.jsonl");
    std::fs::write(&plain, &lines).unwrap();
    let gz = dir.path().join("s2.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(lines.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let zst = dir.path().join("s3.jsonl.zst");
    std::fs::write(&zst, zstd::encode_all(lines.as_bytes(), 3).unwrap()).unwrap();
    for shard in [&plain, &gz, &zst] {
        let out = run(&["-f", "jsonl", "-j", "2", shard.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "bad lines make the run fail");
        let err = String::from_utf8_lossy(&out.stderr);
        let name = shard.file_name().unwrap().to_str().unwrap();
        assert!(err.contains(&format!("{name}:2: invalid JSON")), "{err}");
        assert!(err.contains(&format!("{name}:5: no string field")), "{err}");
        let recs = jsonl(&out);
        assert_eq!(recs.len(), 2, "the good records are all written");
        let keys: Vec<&String> = recs[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["url", "id", "html", "lang", "title", "text"]);
        assert_eq!(
            recs[0]["title"],
            "Kestrel Bay ferry to sail again in April after long hull repair"
        );
        assert_eq!(recs[1]["id"], 2);
        assert!(
            recs[1]["text"]
                .as_str()
                .unwrap()
                .starts_with("China is meddling")
        );
    }
}

fn warc_record(kind: &str, uri: &str, http: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{kind}-{uri}>\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    r.extend_from_slice(http);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// A response whose gzip body inflates past `--max-page-bytes` is skipped
/// and named, not inflated whole; the next record is cleaned.
#[test]
fn warc_gzip_bodies_are_capped_once_inflated() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(b"<html><body><p>").unwrap();
    enc.write_all(&vec![b'a'; 4_000_000]).unwrap();
    enc.write_all(b"</p></body></html>").unwrap();
    let mut bomb =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    bomb.extend(enc.finish().unwrap());
    assert!(bomb.len() < 100_000);
    let mut ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
    ok.extend(std::fs::read(samples().join("news-article.html")).unwrap());
    let shard = dir.path().join("bomb.warc");
    std::fs::write(
        &shard,
        [
            warc_record("response", "http://b/", &bomb),
            warc_record("response", "http://ok/", &ok),
        ]
        .concat(),
    )
    .unwrap();
    let out = run(&[
        "-f",
        "jsonl",
        "--max-page-bytes",
        "1000000",
        shard.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bomb.warc:1") && err.contains("max-page-bytes"),
        "{err}"
    );
    let recs = jsonl(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["url"], "http://ok/");
}

#[test]
fn warc_shards_yield_html_responses_and_report_truncation() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read(samples().join("forum-thread.html")).unwrap();
    let mut latin1 =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n".to_vec();
    latin1.extend_from_slice(b"<html><body><p>Caf\xe9 cr\xe8me br\xfbl\xe9e, a long enough sentence about desserts, with commas, and more words here.</p></body></html>");
    let mut ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
    ok.extend_from_slice(&html);
    let records = [
        warc_record("request", "http://f/", b"GET / HTTP/1.1\r\n\r\n"),
        warc_record("response", "http://f/", &ok),
        warc_record(
            "response",
            "http://f/logo.png",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nPNG",
        ),
        warc_record("response", "http://f/latin1", &latin1),
    ];
    // Multi-member gzip, one member per record, as crawlers write them.
    let mut gz = Vec::new();
    for r in &records {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(r).unwrap();
        gz.extend(enc.finish().unwrap());
    }
    let shard = dir.path().join("crawl.warc.gz");
    std::fs::write(&shard, gz).unwrap();
    let out = run(&["-f", "jsonl", shard.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 WARC responses skipped: not HTML"));
    let recs = jsonl(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["url"], "http://f/");
    assert_eq!(recs[0]["id"], "urn:uuid:response-http://f/");
    assert_eq!(
        recs[0]["title"],
        "Ghost shifting on rear derailleur after new cable and housing"
    );
    assert!(
        recs[1]["text"]
            .as_str()
            .unwrap()
            .contains("Café crème brûlée"),
        "charset from HTTP"
    );

    let mut truncated: Vec<u8> = records.concat();
    truncated.truncate(truncated.len() - 40);
    let bad = dir.path().join("cut.warc");
    std::fs::write(&bad, truncated).unwrap();
    let out = run(&["-f", "jsonl", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut.warc:4: truncated record"));
    assert_eq!(jsonl(&out).len(), 1, "records before the break are written");
}

#[test]
fn json_lists_every_block_with_verdict_score_and_reasons() {
    let html = samples().join("news-article.html");
    let doc = stdout_json(&run(&["-f", "json", html.to_str().unwrap()]));
    let blocks = doc["blocks"].as_array().unwrap();
    assert!(blocks.len() > 20);
    let mut verdicts = std::collections::HashSet::new();
    for b in blocks {
        assert!(b["text"].is_string() && b["kind"].is_string());
        assert!(b["score"].is_number());
        assert!(b["reasons"].is_array());
        verdicts.insert(b["verdict"].as_str().unwrap().to_string());
    }
    assert!(verdicts.contains("content") && verdicts.contains("junk"));
    // The text is exactly the content blocks, in order.
    let kept: Vec<&str> = blocks
        .iter()
        .filter(|b| b["verdict"] == "content" && b.get("is_title").is_none())
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert!(
        blocks
            .iter()
            .all(|b| ["content", "junk", "duplicate"].contains(&b["verdict"].as_str().unwrap()))
    );
    assert_eq!(
        blocks
            .iter()
            .filter(|b| b.get("is_title").is_some())
            .count(),
        1
    );
    assert_eq!(doc["text"].as_str().unwrap(), kept.join("\n\n"));
}

#[test]
fn merges_are_listed_and_can_be_turned_off() {
    let forum = samples().join("forum-thread.html");
    let doc = stdout_json(&run(&["-f", "json", forum.to_str().unwrap()]));
    let merges = doc["merges"].as_array().unwrap();
    assert!(!merges.is_empty(), "the quoted post is merged");
    let blocks = doc["blocks"].as_array().unwrap();
    for m in merges {
        let dropped = m["dropped"].as_u64().unwrap() as usize;
        assert_eq!(blocks[dropped]["verdict"], "duplicate");
        assert!(m["kind"] == "repeat" || m["kind"] == "contained");
        assert!(m["similarity"].as_f64().unwrap() >= 0.9);
        for of in m["of"].as_array().unwrap() {
            assert_eq!(blocks[of.as_u64().unwrap() as usize]["verdict"], "content");
        }
    }
    let off = stdout_json(&run(&["-f", "json", "--no-merge", forum.to_str().unwrap()]));
    assert!(off["merges"].as_array().unwrap().is_empty());
    assert!(off["text"].as_str().unwrap().len() > doc["text"].as_str().unwrap().len());
    assert_eq!(
        run(&["--merge-threshold", "1.5", forum.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn stdin_and_input_kind_override() {
    let mut child = bin()
        .args(["-f", "jsonl", "--input-kind", "text", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"<p>Headline of the piece</p>\n\nThe body paragraph is here and it is long enough to be prose, with commas, and a full stop.\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let recs = jsonl(&out);
    assert_eq!(recs[0]["id"], "stdin");
    assert_eq!(recs[0]["source"], "-");
    // Read as text: the markup stays literal.
    assert!(
        recs[0]["text"]
            .as_str()
            .unwrap()
            .contains("long enough to be prose")
    );
}

#[test]
fn markdown_and_explain_formats() {
    let html = samples().join("blog-post.html");
    let md = run(&["-f", "markdown", html.to_str().unwrap()]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("# Finding duplicate photos"));
    assert!(md.contains("```\n"), "code fenced");
    assert!(md.contains("|---|"), "table rendered");
    let ex = run(&["--explain", html.to_str().unwrap()]);
    let ex = String::from_utf8(ex.stdout).unwrap();
    assert!(ex.contains("KEEP") && ex.contains("junk") && ex.contains("TITLE"));
    assert!(ex.contains("inside the main area"));
}

#[test]
fn bad_inputs_fail_alone_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("1-good.html"),
        std::fs::read(samples().join("news-article.html")).unwrap(),
    )
    .unwrap();
    std::fs::write(p.join("2-image.html"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(p.join("3-empty.txt"), b"").unwrap();
    std::fs::write(
        p.join("4-truncated.html.gz"),
        [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xf3],
    )
    .unwrap();
    std::fs::write(p.join("5-latin1.html"), b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 cr\xe8me br\xfbl\xe9e, a long enough sentence about desserts, with commas, and more words here.</p></body></html>").unwrap();
    std::fs::write(p.join("6-binaryish.txt"), b"\0\0\0text\0with\0nuls\xff\xfe").unwrap();
    let missing = p.join("does-not-exist.html");
    let out = run(&[
        "-f",
        "jsonl",
        p.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2-image.html") && err.contains("PNG"), "{err}");
    assert!(err.contains("4-truncated.html.gz"), "{err}");
    assert!(err.contains("does-not-exist.html"), "{err}");
    let recs = jsonl(&out);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1-good", "3-empty", "5-latin1", "6-binaryish"]);
    assert_eq!(recs[1]["text"], "");
    assert!(
        recs[2]["text"]
            .as_str()
            .unwrap()
            .contains("Café crème brûlée")
    );
}

/// A file that cannot be read: without permission (when the tests do not
/// run as root, who may read anything) and one whose reads fail with an I/O
/// error whoever reads it (`/proc/self/mem` at offset 0, linked in under an
/// `.html` name).
#[cfg(target_os = "linux")]
#[test]
fn unreadable_files_fail_alone_with_the_file_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::copy(samples().join("news-article.html"), p.join("1-good.html")).unwrap();
    let locked = p.join("2-locked.html");
    std::fs::copy(samples().join("blog-post.html"), &locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let locked_is_unreadable = std::fs::read(&locked).is_err();
    std::os::unix::fs::symlink("/proc/self/mem", p.join("3-io-error.html")).unwrap();
    std::fs::copy(samples().join("forum-thread.html"), p.join("4-good.html")).unwrap();
    let out = run(&["-f", "jsonl", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3-io-error.html"), "{err}");
    let ids: Vec<String> = jsonl(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    if locked_is_unreadable {
        assert!(err.contains("2-locked.html"), "{err}");
        assert_eq!(ids, ["1-good", "4-good"]);
    } else {
        assert_eq!(ids, ["1-good", "2-locked", "4-good"]);
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("pages");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(samples().join("news-article.html"), sub.join("a.html")).unwrap();
    std::os::unix::fs::symlink(&sub, sub.join("loop")).unwrap();
    let out = run(&["-f", "jsonl", sub.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loop"), "{err}");
    assert_eq!(jsonl(&out).len(), 1);
}

#[test]
fn page_size_cap_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "word ".repeat(10_000)).unwrap();
    let out = run(&["--max-page-bytes", "1000", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("big.txt"));
}

#[test]
fn output_file_is_written_whole_and_inputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.html");
    std::fs::copy(samples().join("forum-thread.html"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let target = dir.path().join("out.jsonl");
    let out = run(&[
        "-f",
        "jsonl",
        "-o",
        target.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 1);
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dechaff-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `-o` through a symlink replaces the link's target and keeps the link; `-o`
/// to a FIFO (like `/dev/null`, not a regular file) writes into it instead of
/// renaming a file over it, which would replace the pipe or device.
#[cfg(unix)]
#[test]
fn outputs_through_symlinks_and_into_fifos_stay_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let input = samples().join("forum-thread.html");
    let real = dir.path().join("real.jsonl");
    std::fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = run(&[
        "-f",
        "jsonl",
        "-o",
        link.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(
        written.starts_with('{') && written.lines().count() == 1,
        "{written}"
    );

    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run(&[
        "-f",
        "jsonl",
        "-o",
        fifo.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Checked before joining: had the FIFO been replaced, the reader would
    // wait for a writer for ever.
    use std::os::unix::fs::FileTypeExt;
    let is_fifo = |p: &Path| std::fs::symlink_metadata(p).unwrap().file_type().is_fifo();
    assert!(is_fifo(&fifo));
    assert_eq!(reader.join().unwrap(), written);
    let stats = dir.path().join("stats-link.json");
    std::os::unix::fs::symlink(&fifo, &stats).unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run(&[
        "-f",
        "jsonl",
        "--stats",
        stats.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(is_fifo(&fifo));
    assert!(reader.join().unwrap().contains("\"documents_read\""));
}

#[test]
fn interrupted_run_leaves_the_old_output_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.txt");
    std::fs::write(&target, "old output\n").unwrap();
    // Reading stdin that never ends keeps the run in progress.
    let mut child = bin()
        .args(["-o", target.to_str().unwrap(), "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let _stdin = child.stdin.take();
    // Wait until the temporary output exists, then interrupt.
    let started = std::time::Instant::now();
    let has_temp = || {
        std::fs::read_dir(dir.path()).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".dechaff-")
        })
    };
    while !has_temp() && started.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(has_temp(), "the run writes through a temporary file");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old output\n");
    assert!(!has_temp(), "temporary output removed");
}

#[test]
fn closed_pipe_exits_quietly() {
    let mut child = bin()
        .args([
            "-f",
            "jsonl",
            samples().to_str().unwrap(),
            samples().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn output_is_the_same_for_any_number_of_jobs() {
    let one = run(&["-f", "jsonl", "-j", "1", samples().to_str().unwrap()]);
    let two = run(&["-f", "jsonl", "-j", "2", samples().to_str().unwrap()]);
    assert!(one.status.success());
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn stats_file_and_strict_mode() {
    let dir = tempfile::tempdir().unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(&[
        "-f",
        "jsonl",
        "--stats",
        stats.to_str().unwrap(),
        samples().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let written = jsonl(&out).len() as u64;
    assert_eq!(s["written"], written);
    assert_eq!(s["documents_read"], written);
    assert_eq!(s["failed"], 0);
    assert!(s["bytes_in"].as_u64().unwrap() > s["bytes_out"].as_u64().unwrap());
    assert!(s["blocks"]["junk"].as_u64().unwrap() > 0);
    assert!(
        s["merges"]["restatement"].as_u64().unwrap() >= 3,
        "the seed's summary"
    );
    for stage in ["read", "decode", "segment", "score", "merge", "write"] {
        assert!(s["seconds"][stage].is_number(), "{stage}");
    }
    assert!(s["pages_per_second"].as_f64().unwrap() > 0.0);
    let slowest = s["slowest"].as_array().unwrap();
    assert_eq!(slowest.len(), 5);
    assert!(
        slowest
            .windows(2)
            .all(|w| w[0]["seconds"].as_f64() >= w[1]["seconds"].as_f64())
    );
    assert!(slowest[0]["source"].as_str().unwrap().contains("samples"));

    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("a.html"), b"\x89PNG\r\n").unwrap();
    std::fs::copy(samples().join("news-article.html"), bad.join("b.html")).unwrap();
    let lenient = run(&["-f", "jsonl", bad.to_str().unwrap()]);
    assert_eq!(lenient.status.code(), Some(1));
    assert_eq!(jsonl(&lenient).len(), 1, "the rest is still written");
    let strict = run(&["--strict", "-f", "jsonl", bad.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("a.html"));
    assert!(
        strict.stdout.is_empty(),
        "strict stops at the first failure"
    );
}

#[test]
fn near_duplicate_documents_are_flagged_or_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(samples().join("news-article.html")).unwrap();
    // The same story republished: a few words edited, other site chrome.
    let edited = html
        .replace("harbour authority", "port authority")
        .replace("Thursday", "Friday")
        .replace("<nav", "<nav data-site=\"other\"");
    let mut lines = String::new();
    for (id, page) in [
        ("orig", &html),
        (
            "forum",
            &std::fs::read_to_string(samples().join("forum-thread.html")).unwrap(),
        ),
        ("copy", &edited),
    ] {
        lines.push_str(&serde_json::json!({"id": id, "html": page}).to_string());
        lines.push('\n');
    }
    let shard = dir.path().join("c.jsonl");
    std::fs::write(&shard, lines).unwrap();
    let out = run(&["-f", "jsonl", "-j", "2", shard.to_str().unwrap()]);
    assert!(out.status.success());
    let recs = jsonl(&out);
    assert_eq!(recs.len(), 3);
    assert!(recs[0].get("duplicate_of").is_none());
    assert!(recs[1].get("duplicate_of").is_none());
    assert_eq!(recs[2]["duplicate_of"], "orig");
    let one = run(&["-f", "jsonl", "-j", "1", shard.to_str().unwrap()]);
    assert_eq!(one.stdout, out.stdout, "independent of --jobs");
    let dropped = run(&["-f", "jsonl", "--drop-duplicates", shard.to_str().unwrap()]);
    let ids: Vec<String> = jsonl(&dropped)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["orig", "forum"]);
    let off = run(&["-f", "jsonl", "--no-dedup", shard.to_str().unwrap()]);
    assert!(jsonl(&off).iter().all(|r| r.get("duplicate_of").is_none()));
}

#[test]
fn output_dir_writes_one_file_per_shard() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(samples().join("blog-post.html")).unwrap();
    let rec = |id: &str| serde_json::json!({"id": id, "html": html}).to_string() + "\n";
    let a = dir.path().join("part-a.jsonl");
    std::fs::write(&a, rec("a1") + &rec("a2")).unwrap();
    let b = dir.path().join("part-b.jsonl.gz");
    {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(rec("b1").as_bytes()).unwrap();
        std::fs::write(&b, enc.finish().unwrap()).unwrap();
    }
    let out_dir = dir.path().join("out");
    let out = run(&[
        "--output-dir",
        out_dir.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        samples().join("seed-article.txt").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let lines = |name: &str| -> Vec<Value> {
        std::fs::read_to_string(out_dir.join(name))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let ids = |v: Vec<Value>| -> Vec<String> {
        v.iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(lines("part-a.jsonl")), ["a1", "a2"]);
    assert_eq!(ids(lines("part-b.jsonl")), ["b1"]);
    assert_eq!(ids(lines("documents.jsonl")), ["seed-article"]);
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "no temporary files left: {names:?}");
    assert!(run(&["--output-dir", "x", "-o", "y", "-"]).status.code() == Some(2));
}

/// Six stories from one host sharing a content-like chrome paragraph, and
/// one from another host carrying the same paragraph once.
fn site_corpus(dir: &Path) -> PathBuf {
    let chrome = "The Daily Example is an independent newsroom funded by readers like you, and every story we publish is free to read for everyone.";
    let mut lines = String::new();
    for (i, topic) in [
        "bridge repairs",
        "school budget",
        "river cleanup",
        "library hours",
        "bus routes",
        "city park",
        "harbour fees",
    ]
    .iter()
    .enumerate()
    {
        let paras = [
            format!(
                "The council discussed the {topic} on Monday, and members agreed that the plan needs more work before the vote next month."
            ),
            format!(
                "Residents who spoke at the meeting said the {topic} had been neglected for years, and several asked for a public survey."
            ),
            chrome.to_string(),
            format!(
                "Officials will publish a revised proposal for the {topic} in the spring, after consultations with local groups and experts."
            ),
        ];
        let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
        let html = format!(
            "<html><body><article><h1>Story about the {topic}</h1>{body}</article></body></html>"
        );
        let host = if i == 6 {
            "other.example.net"
        } else {
            "news.example.org"
        };
        lines.push_str(&serde_json::json!({"id": format!("s{i}"), "url": format!("https://{host}/story/{i}"), "html": html}).to_string());
        lines.push('\n');
    }
    let path = dir.join("site.jsonl");
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn site_boilerplate_is_learned_per_host_in_one_run_or_through_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = site_corpus(dir.path());
    let chrome = "independent newsroom funded by readers";
    let plain = jsonl(&run(&["-f", "jsonl", corpus.to_str().unwrap()]));
    assert!(
        plain
            .iter()
            .all(|r| r["text"].as_str().unwrap().contains(chrome)),
        "single pages keep it"
    );
    let two_pass = jsonl(&run(&[
        "-f",
        "jsonl",
        "--site-boilerplate",
        corpus.to_str().unwrap(),
    ]));
    for r in &two_pass[..6] {
        let text = r["text"].as_str().unwrap();
        assert!(!text.contains(chrome), "{}", r["id"]);
        assert!(text.contains("The council discussed"), "stories stay");
    }
    assert!(
        two_pass[6]["text"].as_str().unwrap().contains(chrome),
        "not the other host's chrome"
    );

    let model = dir.path().join("model.json");
    let learned = run(&[
        "learn",
        corpus.to_str().unwrap(),
        "-o",
        model.to_str().unwrap(),
    ]);
    assert!(
        learned.status.success(),
        "{}",
        String::from_utf8_lossy(&learned.stderr)
    );
    let out = run(&[
        "-f",
        "json",
        "--site-model",
        model.to_str().unwrap(),
        corpus.to_str().unwrap(),
    ]);
    let docs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons: Vec<&str> = docs[0]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["verdict"] == "junk")
        .filter_map(|b| b["reasons"][0].as_str())
        .filter(|r| r.starts_with("site boilerplate"))
        .collect();
    assert_eq!(
        reasons,
        ["site boilerplate (on 6 of 6 pages of news.example.org)"]
    );
    // Learning from the first 4 pages of each host: the same chrome, seen
    // on 4 of 4 pages; the other 2 pages of the host are passed over.
    let sampled = run(&[
        "learn",
        "--site-sample",
        "4",
        corpus.to_str().unwrap(),
        "-o",
        model.to_str().unwrap(),
    ]);
    assert!(sampled.status.success());
    assert!(
        String::from_utf8_lossy(&sampled.stderr).contains("from 5 pages (2 more pages"),
        "{}",
        String::from_utf8_lossy(&sampled.stderr)
    );
    let model: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let host = &model["hosts"]["news.example.org"];
    assert_eq!(host["pages"], 4);
    assert_eq!(host["blocks"].as_object().unwrap().len(), 1);
    let missing = run(&[
        "--site-model",
        "/nonexistent/model.json",
        corpus.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
}

/// The first of two passes keeps the pages it learns from, cleaned, for
/// the second: the output is what cleaning them again gives, in every
/// format, from JSONL, WARC and plain files, with pages past the memory
/// budget parsed again and a page whose content shows only once its hidden
/// parts are kept (segmented twice, learned from the first segmentation).
#[test]
fn two_pass_output_is_the_same_whether_pages_are_kept_or_parsed_again() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = site_corpus(dir.path());
    let chrome = "The Daily Example is an independent newsroom funded by readers like you, and every story we publish is free to read for everyone.";
    let mut warc = Vec::new();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for i in 0..5 {
        let story = format!(
            "<p>Story {i} of the harbour: the ferry timetable changes in May, and the pier will close for two weeks of repairs in the summer months.</p>"
        );
        let hidden = if i == 4 {
            format!(
                "<div hidden><article>{story}{story}<p>Ferry passengers can check the new times online or at the harbour office, which opens at seven every weekday morning.</p><p>{chrome}</p></article></div>"
            )
        } else {
            format!("<article>{story}<p>{chrome}</p></article>")
        };
        let html = format!(
            "<html><head><link rel=canonical href=\"https://port.example.com/{i}\"></head><body><nav><a href=/>Home</a></nav>{hidden}<footer><p>{chrome}</p></footer></body></html>"
        );
        let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
        http.extend_from_slice(html.as_bytes());
        warc.extend(warc_record(
            "response",
            &format!("https://port.example.com/{i}"),
            &http,
        ));
        std::fs::write(pages.join(format!("p{i}.html")), html).unwrap();
    }
    let shard = dir.path().join("port.warc");
    std::fs::write(&shard, warc).unwrap();
    let inputs = [
        corpus.to_str().unwrap(),
        shard.to_str().unwrap(),
        pages.to_str().unwrap(),
    ];
    for format in [
        &["-f", "jsonl"][..],
        &["-f", "jsonl", "--blocks"],
        &["-f", "json"],
        &["-f", "text"],
        &["-f", "markdown"],
    ] {
        let output = |reuse: &str| {
            let mut args = vec!["--site-boilerplate", "--site-reuse-mb", reuse];
            args.extend_from_slice(format);
            args.extend_from_slice(&inputs);
            let out = run(&args);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let parsed_again = output("0");
        assert_eq!(
            String::from_utf8_lossy(&output("512")),
            String::from_utf8_lossy(&parsed_again),
            "{format:?}"
        );
        if format == ["-f", "jsonl"] {
            let recs: Vec<Value> = parsed_again
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l).unwrap())
                .collect();
            assert_eq!(recs.len(), 17);
            let texts: Vec<&str> = recs.iter().map(|r| r["text"].as_str().unwrap()).collect();
            assert!(!texts[0].contains("independent newsroom"), "{}", texts[0]);
            for hidden in [11, 16] {
                assert!(
                    texts[hidden].contains("Story 4 of the harbour"),
                    "{}",
                    texts[hidden]
                );
            }
        }
    }
}

#[test]
fn documents_over_the_time_budget_are_reported() {
    let seed = samples().join("seed-article.txt");
    let out = run(&[
        "--doc-timeout",
        "0.000001",
        "-f",
        "jsonl",
        seed.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("seed-article.txt: skipped: took") && err.contains("--doc-timeout"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let unlimited = run(&["--doc-timeout", "0", "-f", "jsonl", seed.to_str().unwrap()]);
    assert!(unlimited.status.success());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["--format", "nope"]).status.code(), Some(2));
    assert_eq!(run(&["--no-such-flag"]).status.code(), Some(2));
}
