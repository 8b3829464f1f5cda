#!/usr/bin/env python3
"""Throughput on all cores and peak memory of the Python peers.

    peers_parallel.py DATASET PEER[,PEER...] [--workers N] [--json OUT]

For each peer, N worker processes (default: all cores) start together and
each cleans an interleaved share of the pages, streaming them: read, gunzip,
decode and extract one page at a time, as dechaff does. The time is from the
common start to the last worker's end, so pages/s is what the machine does
with every core busy. Each worker reports its own peak resident memory
(ru_maxrss): interpreter, libraries and the working set of the pages it saw.

The extraction functions come from ../shared/eval/run_peers.py, so the peers
run exactly as in the single-core figures.
"""

import argparse
import gzip
import json
import multiprocessing as mp
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "eval"))
import run_peers  # noqa: E402


def page_paths(dataset):
    d = os.path.join(dataset, "html")
    return [os.path.join(d, n) for n in sorted(os.listdir(d))
            if n.endswith(".html.gz") or n.endswith(".html")]


def read_page(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        return fh.read().decode("utf-8", errors="replace")


def worker(peer, paths, start, results):
    extract = run_peers.PEERS[peer][1]()
    try:
        extract(read_page(paths[0]))  # warm-up, as run_peers does
    except Exception:
        pass
    start.wait()
    t0 = time.perf_counter()
    for p in paths:
        try:
            extract(read_page(p))
        except Exception:
            pass
    secs = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results.put((secs, peak_kb))


def measure(peer, paths, workers):
    ctx = mp.get_context("fork")
    start = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(peer, paths[i::workers], start, results))
             for i in range(workers)]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    got = [results.get() for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    return {
        "peer": peer,
        "workers": workers,
        "pages": len(paths),
        "seconds": round(wall, 3),
        "pages_per_s": round(len(paths) / wall, 2),
        "peak_rss_mb_per_worker": round(max(kb for _, kb in got) / 1024, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("peers")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    paths = page_paths(args.dataset)
    out = []
    for peer in args.peers.split(","):
        r = measure(peer, paths, args.workers)
        print(json.dumps(r), flush=True)
        out.append(r)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)


if __name__ == "__main__":
    main()
