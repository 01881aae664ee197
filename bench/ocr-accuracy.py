#!/usr/bin/env python3
"""OCR accuracy on the rendered images of tests/fixtures/attachments/images.

For each image in truth.json, and the scanned page of
tests/fixtures/attachments/patient-list-scanned.pdf (its truth is the data
make.py drew it from), runs the real binary's sandboxed extraction
(`leakguard extract`, which reads the image twice, --psm 6 and --psm 4) and
prints, per reading, the character error rate against the drawn lines
(edit distance / characters of the truth, whitespace removed, ASCII and
full-width punctuation folded) and, over both readings, how many of the
sensitive strings were found.

    cargo build --release && python3 bench/ocr-accuracy.py
"""

import json
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IMAGES = os.path.join(ROOT, "tests", "fixtures", "attachments", "images")
BIN = os.path.join(ROOT, "target", "release", "leakguard")


def fold(text):
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace())


def distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def scanned_pdf_truth():
    """What make_pdfs.py drew on the scanned page, from make.py's data."""
    sys.path.insert(0, os.path.dirname(IMAGES))
    import make

    rows = make.patient_rows()
    lines = [make.PATIENT_HEADER_TEXT, make.PATIENT_TITLE, make.PATIENT_INTRO,
             "".join(make.PATIENT_COLS)] + ["".join(r) for r in rows] + [make.PATIENT_FOOT]
    keys = [r[0] for r in rows] + [r[1] for r in rows] + [r[2] for r in rows]
    return {"lines": lines, "keys": keys}


def main():
    truth = json.load(open(os.path.join(IMAGES, "truth.json"), encoding="utf-8"))
    truth["../patient-list-scanned.pdf"] = scanned_pdf_truth()
    env = dict(os.environ, MIMALLOC_ARENA_RESERVE="64MiB", OMP_THREAD_LIMIT="1")
    print("| image | CER --psm 6 | CER --psm 4 | keys found (either) |")
    print("|---|---|---|---|")
    for name, t in truth.items():
        with open(os.path.join(IMAGES, name), "rb") as f:
            out = subprocess.run([BIN, "extract"], stdin=f, capture_output=True, env=env, check=True)
        result = json.loads(out.stdout)
        sections = result.get("extracted", {}).get("sections", [])
        reference = fold("".join(t["lines"]))
        cers = []
        for s in sections[:2]:
            read = fold(s["text"])
            cers.append(f"{distance(reference, read) / max(len(reference), 1):.1%}")
        while len(cers) < 2:
            cers.append("—")
        both = fold("".join(s["text"] for s in sections))
        keys = t["keys"]
        found = sum(1 for k in keys if fold(k) in both)
        print(f"| {name} | {cers[0]} | {cers[1]} | {found}/{len(keys)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
