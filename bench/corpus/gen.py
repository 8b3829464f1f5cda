#!/usr/bin/env python3
"""Generate a synthetic web corpus with a known duplicate structure.

    gen.py --docs N --seed S --shards K --eval DIR OUT_DIR

Writes OUT_DIR/shards/shard-XX.jsonl (records {id, url, html}), the truth
(OUT_DIR/truth.json, OUT_DIR/bodies/bodies-XX.jsonl) and OUT_DIR/gen-stats.json.
Everything is a pure function of (N, seed, shards, the eval texts), so the
same arguments give byte-identical shards.

Ingredients (see README.md beside this file):
- Sentences: the hand-annotated article bodies of ../shared/eval
  (scrapinghub + wcxb-dev), split into sentences, filtered to Latin-script
  prose of 8-60 words, deduplicated. 90% of them feed story bodies; the other
  10% feed junk (titles, comments, captions, teasers, subheads), so chrome
  never shares a sentence with a body.
- Stories: a length (words, log-normal, median ~650, 120-2800) and sentences
  read off a stream of successive random permutations of the body pool, so
  every sentence is used about equally often and two stories share a
  sentence only by chance (checked and reported: see gen-stats.json).
  Sentences are grouped into paragraphs of 1-5; some stories get subheads, a
  bulleted list or a block quote.
- Hosts: ~N/35 synthetic sites with Zipf-like page counts (a few big sites,
  a long tail with 1-3 pages). Each has its own chrome: header/nav, sidebar,
  a footer of 4-9 lines (copyright, "Advertise with ...", newsletter pitch,
  publisher line, ...) in one of several markups (some with no class hints,
  some placed right after the article), sometimes two footer variants, plus
  per-page junk (breadcrumb, byline, related links from other titles,
  "most read", inline "Read more", ads, captions, comments, tags).
- Near-duplicates: dup_frac of the documents are copies of an earlier story
  (or of an earlier copy) on a different host, with 2-10% of the body's
  words substituted/inserted/deleted.
- Shared-paragraph pairs: sp_frac*N pairs of different stories where one
  paragraph (25-120 words, at most a third of the shorter story) of A is
  inserted into B. These must not be flagged as duplicates.
"""

import argparse
import bisect
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from multiprocessing import Pool

SENT_SPLIT = re.compile(r'(?<=[.!?])["\u201d\u2019]?\s+(?=["\u201c\u2018(]?[A-Z])')
WORD = re.compile(r"\w+")

# --------------------------------------------------------------------------
# Word lists for synthetic sites
PLACES = """Harbor Riverside Northfield Lakeview Westbrook Eastgate Pinecrest Summit Oakdale
Brookline Fairview Greenwood Highland Maple Cedar Granite Silverton Clearwater Redwood
Stonebridge Ashford Bayside Cliffton Elmhurst Foxhill Glenmore Hartwell Ironwood Juniper
Kingsport Larkspur Millbrook Newhaven Orchard Parkside Queensbury Ravenwood Seacliff
Thornbury Upland Valemont Willowdale Yarrow Zenith Meridian Beacon Canyon Delta Everett
Frontier Garnet Horizon Inland Jasper Keystone Lowell Midland Northstar Pacific Prairie
Coastal Metro Capital Valley County Union Liberty Heritage Pioneer Sterling""".split()
NOUNS = """Ledger Courier Gazette Herald Tribune Observer Chronicle Post Times Journal
Dispatch Sentinel Register Record Examiner Bulletin Monitor Review Standard Star Sun
Telegraph Mirror Express Inquirer Leader Independent Advocate Press Digest Wire Report
Beat Signal Brief Insider Weekly Daily Voice Outlook Compass Current Pulse""".split()
TOPICS = """local news|politics and policy|business and technology|health and science|arts and
culture|sport|the regional economy|education|climate and the environment|crime and
justice|food and travel|personal finance|consumer technology|housing and planning""".replace("\n", " ").split("|")
SECTIONS = """News Politics Business Sport Culture Opinion Tech Science Health Travel Food Video
Podcasts Weather Obituaries Events Lifestyle Money Property Education World Local Arts
Books Music Film Motoring Jobs Puzzles Environment""".split()
FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy
Anthony Betty Mark Sandra Paul Ashley Steven Emily Andrew Kimberly Joshua Donna Kevin
Michelle Brian Carol George Amanda Priya Wei Ahmed Sofia Lucas Ines Kenji Amara Olu""".split()
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
Okafor Tanaka Kowalski Novak Haddad Fischer Rossi Silva Patel Chen""".split()
TLDS = ["com"] * 8 + ["org", "net", "co.uk", "news", "com.au", "ca", "info", "media"]
HOST_PREFIX = ["www."] * 6 + ["", "", "news.", "m."]

# Footer line templates ({B} brand, {C} company, {H} host, {Y} year, ...).
COPYRIGHT = [
    "\u00a9 {Y} {B}. All rights reserved.",
    "Copyright \u00a9 {Y} {C}. All rights reserved.",
    "All content copyright {Y} {C} unless otherwise stated.",
    "\u00a9 {C} {Y0}\u2013{Y}. All rights reserved.",
]
ADVERTISE = [
    "Advertise with {B}",
    "Advertise with us: reach {n}k readers every month",
    "Advertising and sponsorship enquiries: advertise with {B}",
    "Want to advertise with {B}? See our media kit.",
]
NEWSLETTER = [
    "Sign up for the {B} newsletter and get the day's top stories delivered to your inbox every morning.",
    "Subscribe to our free weekly digest for the best of {B}, delivered every {day}.",
    "Get {B} in your inbox: sign up for our daily briefing.",
    "Never miss a story. Join {n},000 readers who get our newsletter every {day}.",
]
OTHER_FOOTER = [
    "{B} is published by {C}, {street}, {city}. Registered in England and Wales No. {reg}.",
    "{B} is an independent newsroom covering {topic} in {city} since {Y0}. Our journalism is funded by readers like you, so please consider becoming a member today.",
    "Got a news tip? Email newsdesk@{H} or call our newsroom on {phone}.",
    "Reproduction in whole or in part without written permission is prohibited.",
    "{B} is part of the {net} Media Network.",
    "Our journalists follow the Editors' Code of Practice. If you have a complaint about editorial content, please contact our readers' editor.",
    "{C} may earn a commission from purchases made through links on this site.",
    "The views expressed in opinion pieces are those of the authors and not necessarily those of {B}.",
    "Support local journalism: subscribe to {B} from just {price} a month.",
    "Registered office: {street}, {city}. VAT number GB{reg}.",
]
LINK_ROW = ["About us", "Contact", "Careers", "Privacy Policy", "Terms of Use",
            "Cookie Settings", "Accessibility", "Sitemap", "Corrections", "RSS",
            "Help", "Archive", "Masthead", "Ethics Policy"]
COMMENT_SUFFIX = ["Reply", "Report", "Like"]
SHARE = ["Share on Facebook", "Share on X", "Share on LinkedIn", "Email this story",
         "Copy link", "Print"]
COOKIE = ["We use cookies to give you the best experience on our site. By continuing to browse you agree to our use of cookies.",
          "This website uses cookies to improve your experience and to show you relevant advertising.",
          "We and our partners use cookies. Manage your preferences in Cookie Settings."]


def norm_tokens(text):
    return WORD.findall(text.lower())


def load_sentences(eval_dir):
    """Sentences of the eval ground-truth bodies, filtered and deduplicated,
    in a fixed order (dataset, then sorted page id, then position)."""
    out = []
    seen = set()
    for ds in ("scrapinghub", "wcxb-dev"):
        path = os.path.join(eval_dir, ds, "ground-truth.json")
        gt = json.load(open(path, encoding="utf-8"))
        for key in sorted(gt):
            body = gt[key].get("articleBody") or ""
            for para in re.split(r"\n+", body):
                for s in SENT_SPLIT.split(para.strip()):
                    s = " ".join(s.split())
                    w = s.split()
                    if not 8 <= len(w) <= 60:
                        continue
                    letters = [c for c in s if c.isalpha()]
                    if not letters or sum(c.isascii() for c in letters) / len(letters) < 0.97:
                        continue
                    if not (s[0].isupper() or s[0] in "\"\u201c\u2018("):
                        continue
                    if s[-1] not in ".!?\"\u201d\u2019)":
                        continue
                    if "http" in s or "@" in s or "|" in s or "<" in s:
                        continue
                    k = " ".join(norm_tokens(s))
                    if k in seen:
                        continue
                    seen.add(k)
                    out.append(s)
    return out


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slug(s, n=8):
    return "-".join(norm_tokens(s)[:n]) or "story"


TAIL_SHARE = 0.03  # share of pages on a long tail of tiny hosts (Poisson(2.5) pages each)


def zipf_weights(n, a=1.1, offset=2.0):
    return [1.0 / (i + offset) ** a for i in range(n)]


def sub_rng(seed, *parts):
    h = hashlib.sha256(("%s|" % seed + "|".join(map(str, parts))).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "little"))


# --------------------------------------------------------------------------
# Sites

def obf_class(rng):
    a = "abcdefghijklmnopqrstuvwxyz"
    style = rng.randrange(3)
    if style == 0:
        return "css-" + "".join(rng.choice(a + "0123456789") for _ in range(6))
    if style == 1:
        return "".join(rng.choice(a) for _ in range(2)) + "".join(rng.choice(a + "0123456789") for _ in range(5))
    return "sc-" + "".join(rng.choice(a + a.upper()) for _ in range(6))


SEMANTIC = {
    "header": ["site-header", "masthead", "header", "top-bar"],
    "nav": ["main-nav", "navigation", "menu", "primary-menu", "nav-bar"],
    "main": ["content", "main-content", "page-content", "container"],
    "article": ["article", "post", "story", "entry"],
    "body": ["entry-content", "article-body", "story-body", "post-content", "text"],
    "byline": ["byline", "meta", "author-info", "post-meta"],
    "sidebar": ["sidebar", "widget-area", "rail", "secondary", "col-right"],
    "footer": ["site-footer", "footer", "page-footer", "bottom", "colophon"],
    "related": ["related", "more-stories", "recommended", "read-next"],
    "comments": ["comments", "discussion", "comment-list"],
    "ad": ["ad-slot", "advert", "ad-container", "sponsored"],
    "share": ["share", "social-share", "share-tools"],
    "popular": ["most-read", "popular", "trending"],
    "crumbs": ["breadcrumb", "breadcrumbs", "crumbs"],
    "newsletter": ["newsletter", "signup", "subscribe-box"],
    "tags": ["tags", "topics", "keywords"],
    "about": ["about-box", "site-info", "about"],
}


def make_site(idx, seed, used_hosts, junk_titles):
    rng = sub_rng(seed, "site", idx)
    while True:
        place = rng.choice(PLACES)
        noun = rng.choice(NOUNS)
        form = rng.randrange(5)
        if form == 0:
            brand = "The %s %s" % (place, noun)
        elif form == 1:
            brand = "%s %s" % (place, noun)
        elif form == 2:
            brand = "The Daily %s" % place if rng.random() < 0.5 else "%s Daily %s" % (place, noun)
        elif form == 3:
            brand = "%s%s" % (place, noun)
        else:
            brand = "%s %s" % (rng.choice(TOPICS).split()[0].capitalize(), noun)
        words = [w for w in norm_tokens(brand) if w != "the"]
        base = ("-" if rng.random() < 0.3 else "").join(words)
        host = rng.choice(HOST_PREFIX) + base + "." + rng.choice(TLDS)
        if host not in used_hosts:
            used_hosts.add(host)
            break
    company = rng.choice([brand + " Ltd", "%s Media Group" % place, "%s Publishing Co." % rng.choice(LAST),
                          "%s Holdings" % noun, "%s Press Inc." % place])
    y = rng.choice([2024, 2025])
    fmt = dict(B=brand, C=company, H=host.removeprefix("www.").removeprefix("m."), Y=y,
               Y0=rng.randrange(1890, 2016), n=rng.randrange(12, 950),
               day=rng.choice(["Friday", "Sunday", "Monday", "weekday morning"]),
               street="%d %s Street" % (rng.randrange(1, 300), rng.choice(LAST)),
               city=rng.choice(PLACES) + rng.choice([" City", "ton", "", " Bay"]),
               reg="%07d" % rng.randrange(10**7), topic=rng.choice(TOPICS),
               phone="0%d %03d %04d" % (rng.randrange(100, 999), rng.randrange(1000), rng.randrange(10000)),
               net=rng.choice(PLACES + NOUNS), price=rng.choice(["\u00a31", "$2", "$4.99", "\u00a33.50"]))
    copyright = rng.choice(COPYRIGHT).format(**fmt)
    lines = [copyright, rng.choice(ADVERTISE).format(**fmt),
             rng.choice(NEWSLETTER).format(**fmt)]
    lines += [t.format(**fmt) for t in rng.sample(OTHER_FOOTER, rng.randrange(1, 6))]
    rng.shuffle(lines)
    variants = [lines]
    if rng.random() < 0.12:
        # A/B test: the newsletter pitch differs on about half the pages.
        alt = list(lines)
        i = next(i for i, l in enumerate(lines) if l == NEWSLETTER_LINE(lines, fmt))
        alt[i] = rng.choice([t for t in NEWSLETTER if t.format(**fmt) != lines[i]]).format(**fmt)
        variants.append(alt)
    style = rng.random()
    naming = "obf" if style < 0.3 else ("bem" if style < 0.45 else "sem")
    classes = {}
    for role, opts in SEMANTIC.items():
        if naming == "obf":
            classes[role] = obf_class(rng)
        elif naming == "bem":
            classes[role] = "c-%s__inner" % rng.choice(opts)
        else:
            classes[role] = rng.choice(opts)
    nsec = rng.randrange(6, 15)
    site = {
        "idx": idx, "host": host, "brand": brand, "fmt": fmt,
        "footer_variants": variants,
        "link_row": rng.sample(LINK_ROW, rng.randrange(4, 10)),
        "sections": rng.sample(SECTIONS, nsec),
        "authors": ["%s %s" % (rng.choice(FIRST), rng.choice(LAST)) for _ in range(rng.randrange(2, 20))],
        "cls": classes, "naming": naming,
        "template": rng.randrange(6),
        "footer_markup": rng.randrange(7),
        "sidebar_first": rng.random() < 0.3,
        "sidebar_about": rng.random() < 0.5,
        "comments": rng.random() < 0.25,
        "inline_readmore": rng.random() < 0.5,
        "inline_newsletter": rng.random() < 0.15,
        "figure": rng.random() < 0.5,
        "cookie": rng.choice(COOKIE) if rng.random() < 0.4 else None,
        # Some CMSs print the article's year in the copyright line.
        "copyright": copyright, "year_in_copyright": rng.random() < 0.1,
        # A paywall meter near the footer, with a per-page count (not a tracked footer line).
        "meter": rng.random() < 0.1,
        "share": rng.sample(SHARE, rng.randrange(2, 6)),
        "teasers": rng.random() < 0.4,
        "tags": rng.random() < 0.5,
        "page_target": int(rng.gauss(19500, 1800)),
        "css": make_css(rng, classes),
        "topic": fmt["topic"],
        "about": "%s is %s covering %s. %s" % (
            brand, rng.choice(["an independent publication", "a reader-funded newsroom", "a daily news site",
                               "the region's leading news source"]), fmt["topic"],
            rng.choice(junk_titles) + "."),
    }
    return site


def NEWSLETTER_LINE(lines, fmt):
    for l in lines:
        for t in NEWSLETTER:
            if l == t.format(**fmt):
                return l
    return None


def make_css(rng, classes):
    parts = []
    props = ["margin", "padding", "color", "font-size", "line-height", "display", "border",
             "background", "max-width", "grid-template-columns", "letter-spacing", "z-index"]
    for role, c in classes.items():
        for sub in ("", " a", " p", ":hover", " .x%d" % rng.randrange(99)):
            decl = ";".join("%s:%s" % (rng.choice(props), rng.choice(
                ["0", "auto", "1.4", "#%06x" % rng.randrange(1 << 24), "%dpx" % rng.randrange(40), "flex", "none"]))
                for _ in range(rng.randrange(2, 6)))
            parts.append(".%s%s{%s}" % (c.split()[0], sub, decl))
    return "".join(parts)


# --------------------------------------------------------------------------
# Stories

def plan_story(rng, stream, sentences, junk, nwords_target):
    """A story as blocks: ('p', text) / ('h2', text) / ('ul', [items]) / ('quote', text).
    Returns (blocks, sentence ids used)."""
    ids = []
    words = 0
    while words < nwords_target:
        s = stream.next()
        ids.append(s)
        words += len(sentences[s].split())
    blocks = []
    i = 0
    while i < len(ids):
        k = rng.choice([1, 2, 2, 3, 3, 3, 4, 5])
        blocks.append(["p", ids[i:i + k]])
        i += k
    if rng.random() < 0.1 and len(blocks) > 3:
        j = rng.randrange(1, len(blocks))
        blocks[j][0] = "ul"
    if rng.random() < 0.1 and len(blocks) > 2:
        j = rng.randrange(len(blocks))
        if blocks[j][0] == "p":
            blocks[j][0] = "quote"
    out = []
    for kind, sids in blocks:
        if kind == "ul":
            out.append(("ul", [sentences[s] for s in sids]))
        else:
            out.append((kind, " ".join(sentences[s] for s in sids)))
    if rng.random() < 0.2 and len(out) > 4:
        for _ in range(rng.randrange(1, 4)):
            j = rng.randrange(2, len(out))
            w = rng.choice(junk).split()
            out.insert(j, ("h2", " ".join(w[:rng.randrange(3, 8)]).rstrip(".,;:!?")))
    return out, ids


class Stream:
    """Successive random permutations of range(n): even use, no repeats within n draws."""

    def __init__(self, rng, n):
        self.rng, self.n, self.buf, self.pos = rng, n, [], 0

    def next(self):
        if self.pos >= len(self.buf):
            self.buf = list(range(self.n))
            self.rng.shuffle(self.buf)
            self.pos = 0
        self.pos += 1
        return self.buf[self.pos - 1]


def body_words(blocks):
    n = 0
    for kind, t in blocks:
        n += sum(len(x.split()) for x in t) if kind == "ul" else len(t.split())
    return n


def body_text(blocks):
    parts = []
    for kind, t in blocks:
        parts.extend(t if kind == "ul" else [t])
    return "\n\n".join(parts)


def edit_blocks(rng, blocks, rate, vocab):
    """Edits round(rate * words) word positions of the body, each a
    substitution (1/2), deletion (1/4) or insertion after the word (1/4)."""
    flat = []
    for b, (kind, t) in enumerate(blocks):
        items = t if kind == "ul" else [t]
        for j, x in enumerate(items):
            for w in range(len(x.split())):
                flat.append((b, j, w))
    k = max(1, round(rate * len(flat)))
    ops = {}
    for pos in rng.sample(range(len(flat)), k):
        r = rng.random()
        ops[flat[pos]] = ("sub", rng.choice(vocab)) if r < 0.5 else (("del", None) if r < 0.75 else ("ins", rng.choice(vocab)))
    out = []
    for b, (kind, t) in enumerate(blocks):
        items = t if kind == "ul" else [t]
        new = []
        for j, x in enumerate(items):
            ws = []
            for w, word in enumerate(x.split()):
                op = ops.get((b, j, w))
                if op is None:
                    ws.append(word)
                elif op[0] == "sub":
                    ws.append(op[1])
                elif op[0] == "ins":
                    ws.extend((word, op[1]))
            new.append(" ".join(ws) or x.split()[0])
        out.append((kind, new if kind == "ul" else new[0]))
    return out, k / max(1, len(flat))


def edit_title(rng, title, vocab):
    w = title.split()
    w[rng.randrange(len(w))] = rng.choice(vocab)
    return " ".join(w)


def make_title(rng, junk):
    w = rng.choice(junk).split()
    t = " ".join(w[:rng.randrange(5, 12)]).rstrip(".,;:!?\"\u201d")
    return t[:1].upper() + t[1:]


# --------------------------------------------------------------------------
# Rendering

G = {}  # the plan, shared with forked workers


def c(site, role):
    return site["cls"][role]


def attr(site, role, kind="class"):
    if site["naming"] == "obf" and role in ("footer", "sidebar", "header", "nav") and kind == "id":
        return ""
    return ' %s="%s"' % (kind, c(site, role))


def render_inline(rng, text):
    """Paragraph text with occasional inline markup around whole words:
    15% of paragraphs get one link or emphasis, 5% several links."""
    t = esc(text)
    r = rng.random()
    if r < 0.2:
        w = t.split(" ")
        if len(w) > 6:
            spans = 1 if r < 0.15 else rng.randrange(2, 5)
            starts = sorted(rng.sample(range(len(w) - 3), min(spans, len(w) - 3)))
            last = -1
            for i in starts:
                if i <= last:
                    continue
                k = rng.randrange(1, 4)
                tag = rng.choice(["a", "em", "strong", "a"]) if spans == 1 else "a"
                open_ = '<a href="/topic/%s">' % slug(" ".join(w[i:i + k]), 3) if tag == "a" else "<%s>" % tag
                w[i] = open_ + w[i]
                w[i + k - 1] = w[i + k - 1] + "</%s>" % tag
                last = i + k - 1
            t = " ".join(w)
    return t


def link(site, title, rng):
    return '<a href="https://%s/%s/%s-%d">%s</a>' % (
        site["host"], rng.choice(site["sections"]).lower(), slug(title), rng.randrange(10**6), esc(title))


def render_footer(site, lines, rng):
    m = site["footer_markup"]
    links = "".join('<a href="/%s">%s</a> ' % (slug(l, 3), esc(l)) for l in site["link_row"])
    fc = c(site, "footer")
    if m == 0:
        inner = "".join("<p>%s</p>" % esc(l) for l in lines)
        return '<footer class="%s"><div class="%s-inner"><nav>%s</nav>%s</div></footer>' % (fc, fc, links, inner)
    if m == 1:
        inner = "".join("<li>%s</li>" % esc(l) for l in lines)
        return '<div id="%s"><ul class="links">%s</ul><ul>%s</ul></div>' % (fc, "".join("<li>%s</li>" % x for x in links.split("</a> ") if x), inner)
    if m == 2:
        # No hints at all: obfuscated wrappers, lines separated by <br>.
        return '<div class="%s"><div class="%s">%s<br>%s</div></div>' % (
            obf_class(rng_site(site)), obf_class(rng_site(site, 1)), links, "<br>".join("<span>%s</span>" % esc(l) for l in lines))
    if m == 3:
        rows = "".join('<tr><td class="small">%s</td></tr>' % esc(l) for l in lines)
        return '<table width="100%%" class="%s"><tr><td>%s</td></tr>%s</table>' % (fc, links, rows)
    if m == 4:
        # Newsletter box + footer with <small> lines.
        nl = [l for l in lines if l in NEWSLETTER_SET(site)]
        rest = [l for l in lines if l not in nl]
        box = "".join('<section class="%s"><h3>Newsletter</h3><p>%s</p><form><input type="email" placeholder="Email address"><button>Sign up</button></form></section>' % (c(site, "newsletter"), esc(l)) for l in nl)
        return box + '<footer>%s<div>%s</div></footer>' % (links, "".join("<small>%s</small><br>" % esc(l) for l in rest))
    if m == 5:
        inner = "".join('<div class="%s"><p>%s</p></div>' % (obf_class(rng_site(site, i + 2)), esc(l)) for i, l in enumerate(lines))
        return '<div role="contentinfo">%s<div>%s</div></div>' % (inner, links)
    # m == 6: handled in page(): lines in plain <p> right after the article body.
    return '<footer><div>%s</div></footer>' % links


def rng_site(site, k=0):
    return sub_rng(site["host"], "cls", k)


def NEWSLETTER_SET(site):
    if "nl_set" in site:
        return site["nl_set"]
    s = set()
    for v in site["footer_variants"]:
        for l in v:
            for t in NEWSLETTER:
                if l == t.format(**site["fmt"]):
                    s.add(l)
    site["nl_set"] = s
    return s


def render_body(site, doc, rng):
    parts = []
    blocks = doc["blocks"]
    ad_every = rng.randrange(3, 8)
    readmore_at = set()
    if site["inline_readmore"] and len(blocks) > 3:
        readmore_at = set(rng.sample(range(1, len(blocks)), min(len(blocks) - 1, rng.randrange(1, 3))))
    host_docs = G["host_docs"][site["idx"]]
    for j, (kind, t) in enumerate(blocks):
        if kind == "p":
            parts.append("<p>%s</p>" % render_inline(rng, t))
        elif kind == "h2":
            parts.append("<h2>%s</h2>" % esc(t))
        elif kind == "quote":
            parts.append("<blockquote><p>%s</p></blockquote>" % esc(t))
        else:
            parts.append("<ul>%s</ul>" % "".join("<li>%s</li>" % esc(x) for x in t))
        if j in readmore_at:
            other = G["titles"][rng.choice(host_docs)]
            parts.append('<p class="%s"><strong>Read more:</strong> %s</p>' % (c(site, "related"), link(site, other, rng)))
        if j and j % ad_every == 0:
            parts.append('<div class="%s"><span>Advertisement</span><div id="ad-%d"></div></div>' % (c(site, "ad"), rng.randrange(10**5)))
        if j == 2 and site["inline_newsletter"]:
            nl = [l for l in doc["footer"] if l in NEWSLETTER_SET(site)]
            for l in nl:
                parts.append('<aside class="%s"><p>%s</p></aside>' % (c(site, "newsletter"), esc(l)))
        if j == 0 and site["figure"] and rng.random() < 0.7:
            cap = rng.choice(G["junk"])
            parts.append('<figure><img src="/img/%d.jpg" alt=""><figcaption>%s <span>Photo: %s</span></figcaption></figure>' % (
                rng.randrange(10**7), esc(cap), esc(rng.choice(site["authors"]))))
    return "\n".join(parts)


def page(i):
    d = G["docs"][i]
    site = G["sites"][d["site"]]
    rng = sub_rng(G["seed"], "page", i)
    title = d["title"]
    author = d["author"]
    date = d["date"]
    section = d["section"]
    host_docs = G["host_docs"][site["idx"]]
    inline_nl = site["inline_newsletter"]
    footer_lines = [l for l in d["footer"] if not (inline_nl and l in NEWSLETTER_SET(site))]

    nav = "".join('<li><a href="/%s">%s</a></li>' % (s.lower(), s) for s in site["sections"])
    header = '<header%s><div class="logo"><a href="/">%s</a></div><nav%s><ul>%s</ul></nav><div class="%s"><a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a></div></header>' % (
        attr(site, "header"), esc(site["brand"]), attr(site, "nav"), nav, obf_class(rng_site(site, 99)))
    crumbs = '<div class="%s"><a href="/">Home</a> &rsaquo; <a href="/%s">%s</a></div>' % (c(site, "crumbs"), section.lower(), section)
    byline = '<div class="%s">By <a href="/author/%s">%s</a> <time datetime="%s">%s</time> &middot; %d min read</div>' % (
        c(site, "byline"), slug(author), esc(author), date, date, max(1, body_words(d["blocks"]) // 230))
    share = '<div class="%s">%s</div>' % (c(site, "share"), "".join('<a href="#">%s</a>' % s for s in site["share"]))
    body = render_body(site, d, rng)
    tags = ""
    if site["tags"]:
        tags = '<div class="%s">Tags: %s</div>' % (c(site, "tags"), ", ".join(
            '<a href="/tag/%s">%s</a>' % (x.lower(), x) for x in rng.sample(site["sections"], min(4, len(site["sections"])))))
    after = ""
    if site["footer_markup"] == 6:
        # Footer-ish lines right after the article, in plain paragraphs.
        after = '<div class="%s">%s</div>' % (obf_class(rng_site(site, 7)), "".join("<p>%s</p>" % esc(l) for l in footer_lines))
    t = site["template"]
    bc = c(site, "body")
    if t == 0:
        main = '<article class="%s"><header><h1 class="entry-title">%s</h1>%s</header>%s<div class="%s">%s</div>%s%s</article>%s' % (
            c(site, "article"), esc(title), byline, share, bc, body, tags, share, after)
    elif t == 1:
        main = '<main id="main"><div class="%s">%s<h1>%s</h1>%s<div class="%s">%s</div>%s</div>%s</main>' % (
            c(site, "article"), crumbs, esc(title), byline, bc, body, tags, after)
        crumbs = ""
    elif t == 2:
        o = rng_site(site, 3)
        main = '<div id="content"><div class="%s"><h1 class="%s">%s</h1><span class="%s">By %s, %s</span><div class="%s">%s</div>%s</div>%s</div>' % (
            obf_class(o), obf_class(o), esc(title), obf_class(o), esc(author), date, obf_class(o), body, tags, after)
    elif t == 3:
        main = '<article><h1>%s</h1><p class="%s"><time>%s</time> | %s</p>%s<section>%s</section>%s</article>%s' % (
            esc(title), c(site, "byline"), date, esc(author), share, body, tags, after)
    elif t == 4:
        main = '<div class="article-wrapper"><div class="headline"><h1>%s</h1><h4>%s</h4></div><div class="%s">%s</div>%s%s</div>%s' % (
            esc(title), esc(author), bc, body, share, tags, after)
    else:
        main = '<main><div class="%s"><div class="%s"><h1>%s</h1></div>%s<div class="%s">%s</div></div>%s%s</main>' % (
            c(site, "main"), obf_class(rng_site(site, 4)), esc(title), byline, bc, body, tags, after)

    # Sidebar: most read (rotates slowly per host), about box, newsletter widget.
    window = sub_rng(G["seed"], "popular", site["idx"], i // 400)
    pop = [G["titles"][x] for x in window.sample(host_docs, min(len(host_docs), 6))]
    side = ['<div class="%s"><h3>Most read</h3><ol>%s</ol></div>' % (
        c(site, "popular"), "".join("<li>%s</li>" % link(site, x, rng) for x in pop))]
    if site["sidebar_about"]:
        side.append('<div class="%s"><h3>About</h3><p>%s</p></div>' % (c(site, "about"), esc(site["about"])))
    side.append('<div class="%s"><a href="/newsletter">Newsletters</a> <a href="/app">Get the app</a></div>' % c(site, "newsletter"))
    sidebar = '<aside class="%s">%s</aside>' % (c(site, "sidebar"), "".join(side)) if site["naming"] != "obf" else \
        '<div class="%s">%s</div>' % (obf_class(rng_site(site, 5)), "".join(side))

    # Related: titles of other pages of the host (or anywhere), some with teasers.
    nrel = rng.randrange(4, 11)
    rel = []
    for _ in range(nrel):
        x = rng.choice(host_docs) if rng.random() < 0.7 else rng.randrange(len(G["titles"]))
        item = link(site, G["titles"][x], rng)
        if site["teasers"]:
            item += "<p>%s</p>" % esc(rng.choice(G["junk"]))
        rel.append("<li>%s</li>" % item)
    related = '<section class="%s"><h2>%s</h2><ul>%s</ul></section>' % (
        c(site, "related"), rng.choice(["Related", "More stories", "You may also like", "Read next"]), "".join(rel))
    comments = ""
    if site["comments"] and rng.random() < 0.7:
        cs = []
        for _ in range(rng.randrange(1, 6)):
            who = "%s%s" % (rng.choice(FIRST), rng.choice(["", str(rng.randrange(99)), "_" + rng.choice(LAST).lower()]))
            txt = " ".join(rng.choice(G["junk"]) for _ in range(rng.randrange(1, 4)))
            cs.append('<li><b>%s</b> <span>%d hours ago</span><p>%s</p><a href="#">%s</a></li>' % (
                esc(who), rng.randrange(1, 48), esc(txt), rng.choice(COMMENT_SUFFIX)))
        comments = '<section class="%s"><h3>%d comments</h3><ol>%s</ol></section>' % (c(site, "comments"), len(cs), "".join(cs))
    cookie = '<div class="cookie-banner">%s <button>Accept</button></div>' % site["cookie"] if site["cookie"] else ""
    footer = render_footer(site, footer_lines if site["footer_markup"] != 6 else [], rng)
    if site["meter"]:
        footer = '<div class="%s">You have %d free articles remaining this month. <a href="/subscribe">Subscribe for unlimited access</a></div>' % (
            obf_class(rng_site(site, 8)), rng.randrange(1, 6)) + footer

    head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | %s</title>'
            '<meta name="description" content="%s"><meta property="og:title" content="%s">'
            '<link rel="canonical" href="%s"><style>%s</style>'
            '<script type="application/ld+json">{"@type":"NewsArticle","headline":%s,"datePublished":"%s","author":{"name":%s}}</script>') % (
        esc(title), esc(site["brand"]), esc(d["blocks"][0][1] if d["blocks"][0][0] != "ul" else title)[:160],
        esc(title), d["url"], site["css"], json.dumps(title), date, json.dumps(author))
    cols = [sidebar, main] if site["sidebar_first"] else [main, sidebar]
    bodyhtml = '<body>%s%s%s<div class="wrap">%s</div>%s%s%s' % (cookie, header, crumbs, "".join(cols), related, comments, footer)
    size = len(head) + len(bodyhtml) + 40
    pad = ""
    target = site["page_target"] + rng.randrange(-1500, 1500)
    if size < target:
        # Per-page script: tracking/config data (realistic bulk of a page).
        n = (target - size) // 17
        ids = ",".join('"%x"' % rng.getrandbits(56) for _ in range(max(1, n)))
        pad = '<script>window.__APP__={"page":%d,"ids":[%s]};</script>' % (i, ids)
    html = head + pad + "</head>" + bodyhtml + "</body></html>"
    return html


def render_shard(k):
    lo, hi = G["shard_bounds"][k]
    out_dir = G["out"]
    tmp = os.path.join(out_dir, "shards", "shard-%02d.jsonl.tmp" % k)
    nbytes = 0
    with open(tmp, "w", encoding="utf-8") as f, \
            open(os.path.join(out_dir, "bodies", "bodies-%02d.jsonl" % k), "w", encoding="utf-8") as b:
        for i in range(lo, hi):
            d = G["docs"][i]
            html = page(i)
            nbytes += len(html.encode("utf-8"))
            f.write(json.dumps({"id": d["id"], "url": d["url"], "html": html}, ensure_ascii=False) + "\n")
            b.write(json.dumps({"id": d["id"], "host": G["sites"][d["site"]]["host"], "title": d["title"],
                                "footer": d["footer"], "body": body_text(d["blocks"])}, ensure_ascii=False) + "\n")
    os.replace(tmp, os.path.join(out_dir, "shards", "shard-%02d.jsonl" % k))
    return nbytes


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shards", type=int, default=20)
    ap.add_argument("--eval", default=os.path.join(os.path.dirname(__file__), "../../../shared/eval"))
    ap.add_argument("--dup-frac", type=float, default=0.05)
    ap.add_argument("--sp-frac", type=float, default=0.01)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-check", action="store_true", help="skip the accidental-overlap check")
    a = ap.parse_args()
    t0 = time.time()
    N, seed = a.docs, a.seed
    os.makedirs(os.path.join(a.out, "shards"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "bodies"), exist_ok=True)
    for f in os.listdir(os.path.join(a.out, "shards")):
        os.remove(os.path.join(a.out, "shards", f))

    sents = load_sentences(a.eval)
    rng = sub_rng(seed, "pools")
    order = list(range(len(sents)))
    rng.shuffle(order)
    njunk = len(sents) // 10
    junk = [sents[i] for i in order[:njunk]]
    body = [sents[i] for i in order[njunk:]]
    vocab = sorted({w for s in body[:5000] for w in s.split() if w.isalpha() and len(w) > 2})

    # Sites with Zipf-like sizes.
    H = max(8, round(N / 35))
    T = max(2, round(N * TAIL_SHARE / 2.5))  # tail hosts: ~2.5 pages each
    used = set()
    sites = [make_site(h, seed, used, [make_title(sub_rng(seed, "about", h), junk)]) for h in range(H + T)]
    hrng = sub_rng(seed, "hosts")
    hweights = zipf_weights(H)
    perm = list(range(H))
    hrng.shuffle(perm)
    cum = []
    acc = 0.0
    for w in hweights:
        acc += w
        cum.append(acc)

    def draw_site(r):
        if r.random() < TAIL_SHARE:
            return H + r.randrange(T)
        return perm[min(H - 1, bisect.bisect(cum, r.random() * acc))]

    # Which positions are copies.
    prng = sub_rng(seed, "plan")
    ncopy = round(N * a.dup_frac)
    first_ok = min(N - 1, max(10, N // 50))
    copy_pos = set(prng.sample(range(first_ok, N), min(ncopy, N - first_ok)))

    # Originals.
    stream = Stream(sub_rng(seed, "stream"), len(body))
    docs = []
    prov = {}  # doc index -> sentence ids (originals)
    for i in range(N):
        r = sub_rng(seed, "doc", i)
        site = draw_site(r)
        s = sites[site]
        date = "20%d-%02d-%02d" % (r.choice([24, 25]), r.randrange(1, 13), r.randrange(1, 29))
        d = {"id": "d%07d" % i, "site": site, "date": date, "section": r.choice(s["sections"]),
             "author": r.choice(s["authors"]), "copy_of": None}
        if i not in copy_pos:
            nw = int(min(2800, max(120, r.lognormvariate(math.log(650), 0.55))))
            d["blocks"], prov[i] = plan_story(r, stream, body, junk, nw)
            d["title"] = make_title(r, junk)
        docs.append(d)

    # Shared-paragraph pairs among originals (each story in at most one pair).
    originals = [i for i in range(N) if i not in copy_pos]
    nsp = round(N * a.sp_frac)
    srng = sub_rng(seed, "sp")
    used_sp = set()
    sp_pairs = []
    tries = 0
    while len(sp_pairs) < nsp and tries < nsp * 50:
        tries += 1
        x, y = srng.sample(originals, 2)
        if x in used_sp or y in used_sp:
            continue
        A, B = docs[x], docs[y]
        wa, wb = body_words(A["blocks"]), body_words(B["blocks"])
        cands = [j for j, (k, t) in enumerate(A["blocks"]) if k == "p" and 25 <= len(t.split()) <= 120
                 and len(t.split()) <= min(wa, wb) / 3]
        if not cands:
            continue
        para = A["blocks"][srng.choice(cands)][1]
        pos = srng.randrange(1, len(B["blocks"]) + 1)
        B["blocks"].insert(pos, ("p", para))
        used_sp.update((x, y))
        sp_pairs.append([A["id"], B["id"]])

    # Copies, in input order (a copy may copy an earlier copy).
    crng = sub_rng(seed, "copies")
    root = {}
    groups = {}  # root -> members (indices, in order)
    dup_pairs = []
    edit_rates = []
    for i in sorted(copy_pos):
        grouped = [g for g in groups if g < i]
        if grouped and crng.random() < 0.25:
            g = crng.choice(grouped)
            members = [m for m in groups[g] if m < i]
            src = g if crng.random() < 0.6 else crng.choice(members)
        else:
            while True:
                src = crng.randrange(i)
                if src not in copy_pos:
                    break
        g = root.get(src, src)
        S = docs[src]
        hosts_in = {docs[m]["site"] for m in groups.get(g, [g])}
        while True:
            site = draw_site(crng)
            if site not in hosts_in:
                break
        d = docs[i]
        d["site"] = site
        s = sites[site]
        d["section"] = crng.choice(s["sections"])
        d["author"] = crng.choice(s["authors"])
        blocks, rate = edit_blocks(crng, S["blocks"], crng.uniform(0.02, 0.10), vocab)
        d["blocks"] = blocks
        edit_rates.append(rate)
        tr = crng.random()
        if tr < 0.4:
            d["title"] = S["title"]
        elif tr < 0.8:
            d["title"] = edit_title(crng, S["title"], vocab)
        else:
            d["title"] = make_title(crng, junk)
        d["copy_of"] = S["id"]
        root[i] = g
        groups.setdefault(g, [g]).append(i)
        dup_pairs.append([d["id"], S["id"]])

    # URLs, footers; per-host doc lists (for related links).
    host_docs = [[] for _ in range(H + T)]
    for i, d in enumerate(docs):
        s = sites[d["site"]]
        host_docs[d["site"]].append(i)
        d["url"] = "https://%s/%s/%s/%s-%d.html" % (s["host"], d["section"].lower(), d["date"][:7].replace("-", "/"),
                                                    slug(d["title"]), i)
        v = s["footer_variants"]
        d["footer"] = list(v[sub_rng(seed, "fv", i).randrange(len(v))])
        if s["year_in_copyright"]:
            yr = "20" + d["date"][2:4]
            d["footer"] = [l.replace(str(s["fmt"]["Y"]), yr) if l == s["copyright"] else l for l in d["footer"]]
    for h in range(H + T):
        if not host_docs[h]:
            host_docs[h] = [0]
    titles = [d["title"] for d in docs]

    G.update(docs=docs, sites=sites, host_docs=host_docs, titles=titles, junk=junk, seed=seed, out=a.out)
    per = -(-N // a.shards)
    G["shard_bounds"] = [(k * per, min(N, (k + 1) * per)) for k in range(a.shards) if k * per < N]
    t_plan = time.time() - t0

    with Pool(a.jobs) as pool:
        sizes = pool.map(render_shard, range(len(G["shard_bounds"])), chunksize=1)
    t_render = time.time() - t0 - t_plan

    # Truth.
    real_pages = {}
    for d in docs:
        real_pages[d["site"]] = real_pages.get(d["site"], 0) + 1
    truth = {
        "docs": N, "seed": seed, "shards": len(G["shard_bounds"]),
        "duplicate_pairs": dup_pairs,
        "groups": {docs[g]["id"]: [docs[m]["id"] for m in ms] for g, ms in groups.items()},
        "shared_paragraph_pairs": sp_pairs,
        "bodies": "bodies/bodies-XX.jsonl (id, host, title, footer lines on that page, body)",
        "hosts": {s["host"]: {"pages": real_pages.get(s["idx"], 0), "brand": s["brand"],
                              "footer_markup": s["footer_markup"], "naming": s["naming"], "template": s["template"],
                              "footer_variants": s["footer_variants"]}
                  for s in sites if real_pages.get(s["idx"], 0)},
    }
    with open(os.path.join(a.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False)

    pages_per_host = sorted(real_pages.values())
    small = sum(1 for p in pages_per_host if p < 3)
    stats = {
        "docs": N, "seed": seed, "bytes": sum(sizes), "mean_page_bytes": sum(sizes) / N,
        "source_sentences": len(sents), "body_pool": len(body), "junk_pool": len(junk),
        "hosts": len(pages_per_host), "hosts_under_3_pages": small,
        "pages_on_hosts_under_3_pages": sum(p for p in pages_per_host if p < 3),
        "pages_on_hosts_under_10_pages": sum(p for p in pages_per_host if p < 10),
        "largest_host_pages": pages_per_host[-1], "median_host_pages": pages_per_host[len(pages_per_host) // 2],
        "copies": len(dup_pairs), "groups": len(groups), "largest_group": max([len(m) for m in groups.values()] or [0]),
        "copy_edit_rate_mean": sum(edit_rates) / max(1, len(edit_rates)),
        "copy_edit_rate_range": [min(edit_rates or [0]), max(edit_rates or [0])],
        "shared_paragraph_pairs": len(sp_pairs),
        "body_words_mean": sum(body_words(d["blocks"]) for d in docs) / N,
        "seconds_plan": round(t_plan, 1), "seconds_render": round(t_render, 1),
    }
    if not a.no_check:
        stats["overlap_check"] = overlap_check(prov, docs, body, sp_pairs)
    stats["seconds_total"] = round(time.time() - t0, 1)
    with open(os.path.join(a.out, "gen-stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    json.dump(stats, sys.stdout, indent=1)
    print()


def overlap_check(prov, docs, body, sp_pairs):
    """How much text distinct original stories share by chance: for every
    pair of originals sharing a source sentence, the shared words over the
    union of words (sentence-level estimate of word overlap)."""
    import numpy as np
    idx = sorted(prov)
    occ_s, occ_d = [], []
    for i in idx:
        for s in set(prov[i]):
            occ_s.append(s)
            occ_d.append(i)
    occ_s = np.array(occ_s, dtype=np.int64)
    occ_d = np.array(occ_d, dtype=np.int64)
    slen = np.array([len(s.split()) for s in body], dtype=np.int64)
    o = np.argsort(occ_s, kind="stable")
    occ_s, occ_d = occ_s[o], occ_d[o]
    starts = np.flatnonzero(np.r_[True, occ_s[1:] != occ_s[:-1]])
    counts = np.diff(np.r_[starts, len(occ_s)])
    N = len(docs)
    keys, wts = [], []
    for cnt in np.unique(counts):
        if cnt < 2:
            continue
        st = starts[counts == cnt]
        mat = occ_d[st[:, None] + np.arange(cnt)[None, :]]
        a_i, b_i = np.triu_indices(cnt, 1)
        A, B = mat[:, a_i], mat[:, b_i]
        lo, hi = np.minimum(A, B), np.maximum(A, B)
        keys.append((lo * N + hi).ravel())
        wts.append(np.repeat(slen[occ_s[st]], len(a_i)))
    if not keys:
        return {"pairs_sharing_a_sentence": 0}
    keys = np.concatenate(keys)
    wts = np.concatenate(wts)
    uk, inv, nshared = np.unique(keys, return_inverse=True, return_counts=True)
    shared_words = np.bincount(inv, weights=wts)
    words = np.zeros(N, dtype=np.int64)
    for i in idx:
        words[i] = sum(slen[s] for s in prov[i])
    a_d, b_d = uk // N, uk % N
    overlap = shared_words / (words[a_d] + words[b_d] - shared_words)
    sp = {(int(x[1:]), int(y[1:])) for x, y in sp_pairs}
    sp |= {(b, a) for a, b in sp}
    hist = {str(k): int(v) for k, v in zip(*np.unique(nshared, return_counts=True))}
    top = np.argsort(-overlap)[:5]
    return {
        "pairs_sharing_a_sentence": int(len(uk)),
        "pairs_by_shared_sentences": hist,
        "max_word_overlap": float(overlap.max()),
        "pairs_word_overlap_over_0.1": int((overlap > 0.1).sum()),
        "pairs_word_overlap_over_0.2": int((overlap > 0.2).sum()),
        "top_pairs": [[int(a_d[t]), int(b_d[t]), round(float(overlap[t]), 3), int(nshared[t])] for t in top],
        "note": "originals only, before shared-paragraph insertion; overlap = shared words / union words",
    }


if __name__ == "__main__":
    main()
