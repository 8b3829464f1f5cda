#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: fuzz/corpus/<target>/<name>.

Run from anywhere: `python3 fuzz/make_seeds.py`. It rewrites the seeds it
makes (deterministically: same script, same bytes) and leaves other files in
the corpus directories alone, such as the inputs found while fuzzing that
were kept (named `found-*`). Excerpts come from the repository's samples/
and tests/merge-set/; everything else is written here.

Each seed is small (a few KB at most), aimed at one path of its stage:
charsets and their declarations, tricky markup, text layouts, good and bad
JSONL lines, WARC records of every kind, and whole documents.
"""

import gzip
import os
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")


def repo_text(path, limit=None):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    if limit is not None and len(text) > limit:
        # Cut at a paragraph break, so the excerpt still reads as text.
        cut = text.rfind("\n\n", 0, limit)
        text = text[: cut if cut > 0 else limit]
    return text


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


# ---------------------------------------------------------------- charset

CAFE = "Le café où l'été déçoit: naïve façade, œuvre à Noël. "
RU = "Привет мир, это проверка кодировки текста на русском языке. "
JA = "日本語のテキストです。文字コードの判定を試します。東京は晴れ。"
ZH = "这是一个中文网页，用于测试字符编码的检测。北京天气晴朗。"
KO = "한국어 텍스트입니다. 문자 인코딩을 시험합니다."
TW = "這是一個繁體中文網頁，用於測試字元編碼。"


def html_page(body, meta=""):
    return f"<!DOCTYPE html><html><head>{meta}<title>T</title></head><body><p>{body}</p></body></html>"


def charset_seeds():
    t = "charset"
    write(t, "utf8-plain.txt", CAFE * 3)
    write(t, "utf8-bom.html", b"\xef\xbb\xbf" + html_page(CAFE).encode())
    write(t, "cp1252-meta.html", html_page(CAFE, '<meta charset="windows-1252">').encode("cp1252"))
    write(t, "latin1-undeclared.txt", (CAFE * 4).encode("latin-1", "replace"))
    write(t, "shift-jis-meta.html", html_page(JA, '<meta charset="Shift_JIS">').encode("shift_jis"))
    write(t, "shift-jis-undeclared.txt", (JA * 3).encode("shift_jis"))
    write(t, "gbk-meta.html", html_page(ZH, "<meta http-equiv='Content-Type' content='text/html; charset=gbk'>").encode("gbk"))
    write(t, "gbk-undeclared.txt", (ZH * 3).encode("gbk"))
    write(t, "koi8r-meta.html", html_page(RU, '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">').encode("koi8_r"))
    write(t, "cp1251-undeclared.txt", (RU * 4).encode("cp1251"))
    write(t, "euc-kr.txt", (KO * 3).encode("euc_kr"))
    write(t, "big5-meta.html", html_page(TW, "<meta charset=big5>").encode("big5"))
    write(t, "iso-2022-jp.txt", (JA * 2).encode("iso2022_jp"))
    write(t, "utf16le-bom.html", b"\xff\xfe" + html_page(CAFE + JA).encode("utf-16-le"))
    write(t, "utf16be-bom.txt", b"\xfe\xff" + (RU * 2).encode("utf-16-be"))
    write(t, "utf16le-no-bom.html", html_page("plain ascii text in utf-16").encode("utf-16-le"))
    write(t, "utf16be-no-bom.txt", ("plain ascii text in big-endian utf-16. " * 3).encode("utf-16-be"))
    # Declarations the bytes contradict.
    write(t, "meta-utf8-but-latin1.html", html_page(CAFE, '<meta charset="utf-8">').encode("latin-1", "replace"))
    write(t, "meta-latin1-but-utf8.html", html_page(CAFE, '<meta charset="iso-8859-1">').encode())
    write(t, "meta-utf16-in-ascii.html", html_page(CAFE, '<meta charset="utf-16">').encode())
    write(t, "meta-replacement.html", html_page("ascii only", "<meta charset=iso-2022-kr>").encode())
    write(t, "meta-broken.html", b"<meta charset=\"\xff\x00'><meta charset = 'x-user-defined' ><meta charset=" + b"\x80\x81" * 20)
    write(t, "nul-bytes.txt", b"a\x00b\x00c\x00d\x00" * 8 + b"caf\xe9\x00")
    write(t, "invalid-utf8.txt", b"valid start \xc3\xa9 then \xc3\x28 and \xf0\x28\x8c\x28 and \xed\xa0\x80 end")
    write(t, "odd-length-utf16.txt", b"\xff\xfeh\x00i\x00!")


# ------------------------------------------------------------------- html

TRICKY_HTML = {
    "tables.html": """<html><body>
<table><caption>Prices <a href="/p">2024</a></caption>
<tr><th>Name</th><th>Price</th></tr><tr><td>Tea</td><td>3 | 4</td></tr>
<tr><td></td><td></td></tr><tr><td colspan=2>Total <b>7</b></td></tr></table>
<table role="presentation"><tr><td><h2>Layout</h2><p>One</p><p>Two</p></td>
<td><ul><li>x<li>y</ul><table><tr><td>nested</td><td>cell</td></tr></table></td></tr></table>
<table><tr><td>lonely</td></tr></table><table><tbody></tbody></table>
</body></html>""",
    "lists-and-breaks.html": """<div>one<br>two<br><br>three<br> <br>four
<ul><li>a<ul><li>a.1<ol><li>a.1.i</li></ol></li></ul><li>b<dl><dt>Term<dd>Definition<dd>More</dl></ul>
<menu><li><a href=/x>menu link</a></li></menu></div><p>para<br><br><br>after breaks</p><hr>tail""",
    "hidden.html": """<html lang="de-AT"><body>
<div hidden>soft hidden</div><div style="DISPLAY : none">styled hidden</div>
<div style="visibility:hidden">invisible</div><div class="hidden sr-only">class hidden</div>
<span aria-hidden="TRUE">aria</span><div aria-hidden="false">shown</div>
<noscript><p>Please enable JavaScript to read this article, which is long enough.</p></noscript>
<template><p>template text</p></template><script>document.write("<p>x</p>")</script>
<style>p { color: red }</style><article hidden><p>The whole article is hidden until a script shows it,
a paragraph long enough to read as prose, with a comma, and a full stop.</p></article></body></html>""",
    "head-meta.html": """<html><head><title>Big News Today | Example Site</title>
<meta property="og:title" content="  Big   News Today ">
<meta name="twitter:title" content="Other"><meta property="og:type" content="Article">
<meta property="og:url" content="https://example.com/a"><link rel=" Canonical " href=" https://example.com/b ">
<script type="application/ld+json">{"@type": ["NewsArticle", "Thing"], "author": {"@type": "Person"}, "x": {"@type"</script>
</head><body><h1>Big News Today</h1><h1>Second h1</h1><p>Body.</p>
<script type="application/ld+json">{"@type":"BreadcrumbList"}</script></body></html>""",
    "broken-tags.html": """<p>unclosed <b>bold <i>italic</b> mis</i>nested<p>next <a href="x">link <a href=y>inner</a>
<div <p>attr soup="1" class='a b'>text</div></span></span></table></td>
<!-- comment <p>not text</p> --><![CDATA[cdata]]><?pi x?>&amp;&lt;&gt;&nbsp;&#x1F600;&#0;&#xD800;&bogus;
<textarea><p>not markup</textarea><title>in body</title><plaintext>everything after is text <p>""",
    "pre-and-quotes.html": """<pre>fn main() {
    println!("hi");<br>    x();
<span hidden>gone</span><script>gone</script>}</pre>
<blockquote><p>q1</p>q2<blockquote>nested quote</blockquote>after</blockquote>
<figure><img src=x alt=alt><figcaption>A caption, with words.</figcaption></figure>
<xmp><b>literal</b></xmp><listing>listing text</listing>""",
    "zero-width-and-entities.html": """<p>zero\u200bwidth\u200c join\u200d soft\u00adhyphen \ufeffbom
&#8203;&shy;&zwj; tabs\tand\r\nCRLF\rCR &nbsp;nbsp\u3000ideographic</p>
<p>混合 text 中文字符。 عربى עברית Ünïcödé</p>""",
    "custom-elements.html": """<my-app><x-card class="post"><h3>Card</h3><p>Custom element body.</p></x-card>
<x-card class="post"><h3>Card 2</h3><p>Second body.</p></x-card></my-app>
<svg><text>svg text</text></svg><math><mi>x</mi></math><button role="button">Click</button>
<div role="navigation">Home About</div><div role="main"><p>main role</p></div><section><header>h</header><footer>f</footer></section>""",
    "frameset.html": """<html><frameset><frame src=a><noframes><p>no frames</p></noframes></frameset></html>""",
    "deep-nesting.html": "<div>" * 300 + "deep text" + "</div>" * 300 + "<span>" * 200 + "inline" + "<a href=x>" * 50,
    "forms.html": """<form><label>Name <input name=n></label><select><option>One<option>Two</select>
<fieldset><legend>Legend</legend><textarea>area</textarea></fieldset><button>Send</button></form>
<dialog open>dialog</dialog><details><summary>More</summary>details text</details>""",
    "empty.html": "",
    "only-whitespace.html": " \n\t\r\n ",
}


def html_seeds():
    for name, body in TRICKY_HTML.items():
        write("html", name, body)
    # The sample pages in samples/ are replayed from there (html and clean
    # targets; see tests/fuzz_corpus.rs), not copied here.


# ------------------------------------------------------------------- text

def text_seeds():
    t = "text"
    write(t, "seed-article.txt", repo_text("samples/seed-article.txt", 3000))
    write(t, "merge-restatement.txt", repo_text("tests/merge-set/01-europa-water-vapor.txt", 3500))
    write(t, "markdown.txt", """# Title here

## Second level
####### seven hashes
#no space
- one
- two
* star
• bullet
– dash bullet
-not a bullet

Some short line
Another short line
""")
    write(t, "wrapped-prose.txt", """This is a long line of prose that was hard wrapped at
roughly seventy characters so it continues on the next
line and ends here. And it goes on for one more line
to close the paragraph.

A second paragraph that is not wrapped but long enough to be a body paragraph, with commas, clauses, and a full stop at the end of it.
""")
    write(t, "menu-lines.txt", "Sponsored Content\nBack to top button\nAvailable for Amazon Prime\nClose\n\nHome | About | Contact\n© 2024 Site. All rights reserved.\n")
    write(t, "crlf-and-tabs.txt", "Headline With Several Words\r\n\r\n\tIndented paragraph with tabs\tinside, and CRLF line ends, long enough to count as body text.\r\n\r\n\r\nLast\r")
    write(t, "cjk.txt", "日本語の見出し\n\n" + JA * 6 + "\n\n" + ZH * 5 + "\n\n" + KO * 4)
    write(t, "repeats.txt", ("The same paragraph appears twice on this page, once as a teaser and once in the body, with identical words.\n\n" * 3) + "A different closing paragraph, with its own words, and a period at the end.\n")
    write(t, "quotes-and-brackets.txt", "\" The site does not always share or support the views expressed here; they are the writer's.\"\n*As an Amazon Associate I earn from qualifying purchases\n\n(A bracketed sentence.)\n»Guillemets.«\n")
    write(t, "empty.txt", "")
    write(t, "whitespace-only.txt", "\n \n\t\n\u00a0\u3000\n")
    write(t, "long-line.txt", "word " * 800)


# ------------------------------------------------------------------ jsonl

def jsonl_seeds():
    t = "jsonl"
    write(t, "good.jsonl", '{"id": 7, "url": "https://a.example/x", "html": "<p>Hello <b>world</b></p>", "lang": "en"}\n'
          '{"id": "doc-2", "text": "Plain text record.\\n\\nSecond paragraph."}\n'
          '{"text": "no id, so shard:line"}\n')
    write(t, "bad-lines.jsonl", '{not json\n'
          '{"body": 1}\n'
          '[1, 2, 3]\n'
          '"a string"\n'
          '{"html": 5, "text": null}\n'
          '{"html": "<p>x</p>"} trailing\n'
          '{"id": {"nested": true}, "html": "<p>y</p>"}\n'
          '{"id": 1e400, "text": "big number"}\n'
          '{"id": -0.0, "text": "negative zero"}\n')
    write(t, "blank-and-crlf.jsonl", '\r\n\n   \n{"text": "after blanks"}\r\n\r\n{"text": "crlf"}\r')
    write(t, "no-final-newline.jsonl", '{"text": "first"}\n{"text": "last, unterminated"}')
    write(t, "escapes.jsonl", '{"text": "emoji \\ud83d\\ude00 tab\\t nul\\u0000 quote\\" slash\\/"}\n'
          '{"text": "lone surrogate \\ud800"}\n'
          '{"text": "bad escape \\x41"}\n')
    write(t, "invalid-utf8.jsonl", b'{"text": "caf\xe9 latin1"}\n{"html": "<p>\xff\xfe</p>"}\n')
    write(t, "too-long.jsonl", '{"text": "short"}\n{"text": "' + "x" * 2100 + '"}\n{"text": "after the long line"}\n')
    write(t, "deep-json.jsonl", '{"a":' * 200 + '1' + '}' * 200 + '\n' + '[' * 200 + ']' * 200 + '\n')
    write(t, "duplicate-keys.jsonl", '{"text": "one", "text": "two", "id": "a", "id": "b"}\n')
    write(t, "deeply-nested-html.jsonl", '{"html": "' + "<div>" * 400 + 'deep' + '"}\n')


# ------------------------------------------------------------------- warc

def warc_record(kind, uri, block, content_type=None, length=None, extra=b""):
    if content_type is None:
        content_type = f"application/http; msgtype={kind}"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <{uri}>\r\n"
        f"WARC-Record-ID: <urn:uuid:{zlib.crc32(uri.encode()):08x}>\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block) if length is None else length}\r\n"
    ).encode() + extra + b"\r\n"
    return head + block + b"\r\n\r\n"


def http(body, headers=b"Content-Type: text/html; charset=utf-8\r\n", status=b"HTTP/1.1 200 OK\r\n"):
    return status + headers + b"\r\n" + body


def chunked(data, sizes):
    out, i = b"", 0
    for n in sizes:
        part = data[i:i + n]
        i += n
        if not part:
            break
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    if i < len(data):
        out += b"%x;ext=1\r\n" % (len(data) - i) + data[i:] + b"\r\n"
    return out + b"0\r\n\r\n"


PAGE = b"<html><head><title>Page</title></head><body><p>Hello from a WARC record, a paragraph long enough to read as prose.</p></body></html>"


def warc_seeds():
    t = "warc"
    info = warc_record("warcinfo", "urn:x", b"software: fuzz-seeds\r\nformat: WARC File Format 1.0\r\n", content_type="application/warc-fields")
    req = warc_record("request", "http://a.example/", b"GET / HTTP/1.1\r\nHost: a.example\r\n\r\n")
    resp = warc_record("response", "http://a.example/", http(PAGE))
    write(t, "request-response.warc", info + req + resp)
    write(t, "latin1-charset.warc", warc_record("response", "http://b.example/", http("<p>café déjà vu</p>".encode("latin-1"), b"Content-Type: text/html; charset=ISO-8859-1\r\n")))
    write(t, "chunked.warc", warc_record("response", "http://c.example/", http(chunked(PAGE, [5, 17, 1, 40]), b"Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n")))
    write(t, "gzip.warc", warc_record("response", "http://d.example/", http(gz(PAGE), b"Content-Type: text/html\r\nContent-Encoding: gzip\r\n")))
    write(t, "chunked-gzip.warc", warc_record("response", "http://e.example/", http(chunked(gz(PAGE), [10, 10]), b"Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n")))
    write(t, "deflate.warc", warc_record("response", "http://f.example/", http(zlib.compress(PAGE), b"Content-Type: application/xhtml+xml\r\nContent-Encoding: deflate\r\n")))
    write(t, "not-html.warc", warc_record("response", "http://g.example/i.png", http(b"\x89PNG\r\n\x1a\n", b"Content-Type: image/png\r\n"))
          + warc_record("metadata", "http://g.example/", b"via: x\r\n", content_type="application/warc-fields")
          + warc_record("resource", "http://g.example/r", PAGE, content_type="text/html"))
    write(t, "truncated.warc", resp + resp[: len(resp) - 40])
    write(t, "truncated-header.warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Len")
    write(t, "no-content-length.warc", b"WARC/1.0\r\nWARC-Type: response\r\n\r\nbody\r\n\r\n")
    write(t, "oversize.warc", warc_record("response", "http://h.example/", http(b"<p>" + b"x" * 9000 + b"</p>")) + resp)
    write(t, "garbage.warc", b"hello world\n\nnot a WARC file at all\n")
    write(t, "malformed-http.warc", warc_record("response", "http://i.example/", b"NOT HTTP AT ALL\r\n\r\n")
          + warc_record("response", "http://i.example/2", http(b"<p>x</p>", b"".join(b"X-H%d: v\r\n" % i for i in range(130)))))
    write(t, "bad-chunks.warc", warc_record("response", "http://j.example/", http(b"zz\r\nabc\r\n0\r\n", b"Transfer-Encoding: chunked\r\n"))
          + warc_record("response", "http://j.example/2", http(b"ffffffff\r\nshort\r\n", b"Transfer-Encoding: chunked\r\n")))
    write(t, "bad-gzip.warc", warc_record("response", "http://k.example/", http(b"\x1f\x8b\x08\x00notgzip", b"Content-Encoding: gzip\r\n")))
    write(t, "odd-headers.warc", b"\r\n\r\n" + warc_record("RESPONSE", "http://l.example/", http(PAGE, b"content-type: TEXT/HTML; Charset=\"koi8-r\"\r\n"), content_type="Application/HTTP", extra=b"no colon line\r\nContent-Length: 99999999999999999999999\r\n"))
    write(t, "http10-no-headers.warc", warc_record("response", "http://m.example/", b"HTTP/1.0 404 Not Found\r\n\r\n"))


# ------------------------------------------------------------------ clean

def clean_seeds():
    t = "clean"
    write(t, "seed-article.txt", repo_text("samples/seed-article.txt", 2500))
    write(t, "merge-set-text.txt", repo_text("tests/merge-set/03-sweden-drops-assange-probe.txt", 3000))
    write(t, "fragment.html", "  <div class=x>hi</div><p>para<p>another")
    write(t, "text-with-tags.txt", "Just a title\n\nAnd a paragraph < 3 > 2, with <b> one tag.\n")
    write(t, "xml-prolog.html", '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>xhtml</p></body></html>')
    write(t, "cp1251-html.html", html_page(RU * 3, "<meta charset=windows-1251>").encode("cp1251"))
    write(t, "utf16-text.txt", b"\xff\xfe" + (CAFE * 3).encode("utf-16-le"))
    write(t, "png-magic.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(t, "pdf-magic.bin", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    write(t, "zstd-magic.bin", b"\x28\xb5\x2f\xfd\x00\x00")
    write(t, "nav-footer-boilerplate.html", """<html><head><title>Hello | Site</title></head><body>
<nav><a href='/'>Home</a> <a href='/about'>About</a></nav>
<article><h1>Hello</h1><p>This is the story itself, a paragraph long enough to read as prose, with a comma, and a full stop at the end.</p>
<p>This is the story itself, a paragraph long enough to read as prose, with a comma, and a full stop at the end.</p></article>
<aside class="sidebar related"><ul><li><a href=/1>Related one</a><li><a href=/2>Related two</a></ul></aside>
<footer>© 2024 Site. All rights reserved.</footer></body></html>""")


if __name__ == "__main__":
    charset_seeds()
    html_seeds()
    text_seeds()
    jsonl_seeds()
    warc_seeds()
    clean_seeds()
    total = 0
    for target in sorted(os.listdir(OUT)):
        files = os.listdir(os.path.join(OUT, target))
        size = sum(os.path.getsize(os.path.join(OUT, target, f)) for f in files)
        total += size
        print(f"{target:8} {len(files):3} files {size:8} bytes")
    print(f"{'total':8} {total:18} bytes")
