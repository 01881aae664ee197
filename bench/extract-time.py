#!/usr/bin/env python3
"""Extraction time per format and per image, as the server pays it.

Runs `leakguard scan --json --file` on each attachment fixture RUNS times
(default 11) and prints the median and p95 wall clock per file: the
sandboxed child's start, its limits, the reading (OCR for images, both
page segmentations) and the scan of what was read, one file at a time
on an otherwise idle machine.

    cargo build --release && python3 bench/extract-time.py [RUNS]
"""

import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "attachments")
BIN = os.path.join(ROOT, "target", "release", "leakguard")

FILES = [
    "inspection-list.xlsx", "inspection-list.xls", "inspection-list.ods",
    "inspection-list-utf8.csv", "inspection-list-big5.csv",
    "patient-list.docx", "patient-list.odt", "patient-list.pptx",
    "patient-list.zip", "secret-memo.docx", "many-cells.ods", "bomb.docx",
    "patient-list.pdf", "patient-list-cns.pdf", "harmless-notes.pdf",
    "patient-list-scanned.pdf", "bomb.pdf", "nested.pdf",
    "images/inspection-notice.png", "images/inspection-notice-photo.jpg",
    "images/inspection-notice-small.jpg", "images/inspection-table-ruled.png",
    "images/chat-footprint.png", "images/screenshot.webp",
]


def once(path):
    started = time.perf_counter()
    out = subprocess.run([BIN, "scan", "--json", "--file", path],
                         capture_output=True, check=True, cwd="/tmp")
    elapsed = time.perf_counter() - started
    v = json.loads(out.stdout)
    outcome = v.get("format") or ("not scanned: " + v["not_scanned"]["reason"])
    return elapsed, outcome, v["verdict"]


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    print(f"| file | read as | verdict | median | p95 |  ({runs} runs each)")
    print("|---|---|---|---|---|")
    for name in FILES:
        path = os.path.join(FIXTURES, name)
        times = []
        for _ in range(runs):
            t, outcome, verdict = once(path)
            times.append(t)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| {name} | {outcome} | {verdict} | "
              f"{statistics.median(times) * 1000:.0f} ms | {p95 * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
