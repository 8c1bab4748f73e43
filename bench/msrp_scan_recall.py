#!/usr/bin/env python3
"""End-to-end recall of the claims stage of `refrain scan` on MSRP pairs.

  msrp_scan_recall.py MSRP_FILE [REFRAIN] [extra scan flags...]

Writes every sentence of the MSRP file as a one-sentence document (pair i
gives documents i-a and i-b), scans them all together (so candidates come
from MinHash/LSH over the whole set, as in a real dump), and reports which
labelled pairs came out as claim matches: recall on paraphrase pairs,
the rate on non-paraphrase pairs, and how many matches join sentences of
different pairs. Compare the recall with `refrain eval-pairs` (which scores
every labelled pair directly): the gap is what candidate generation (LSH
and the cosine gate) loses.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile


def main():
    msrp = sys.argv[1]
    refrain = sys.argv[2] if len(sys.argv) > 2 else "build/refrain"
    extra = sys.argv[3:]
    pairs = []
    with open(msrp, encoding="utf-8-sig", newline="") as f:
        for i, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if i == 0 or len(row) < 5:
                continue
            pairs.append((row[0] == "1", row[3], row[4]))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "msrp.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            for i, (_, a, b) in enumerate(pairs):
                out.write(json.dumps({"id": f"{i}-a", "text": a}) + "\n")
                out.write(json.dumps({"id": f"{i}-b", "text": b}) + "\n")
        # Near-duplicate copies are not claim pairs by default; MSRP sentences
        # are not articles, so only exact copies count as near-duplicates.
        cmd = [refrain, "scan", path, "--out", os.path.join(tmp, "out"), "--quiet",
               "--threshold", "0.999", "--containment", "1", "--claim-min-words", "1",
               "--boilerplate-min-stories", "1000000"] + extra
        subprocess.run(cmd, check=True)
        with open(os.path.join(tmp, "out", "report.json"), encoding="utf-8") as f:
            report = json.load(f)
    matched = set()
    cross = 0
    for m in report["claims"]["matches"]:
        a, b = m["a"]["doc"], m["b"]["doc"]
        if a.split("-")[0] == b.split("-")[0]:
            matched.add(int(a.split("-")[0]))
        else:
            cross += 1
    pos = [i for i, p in enumerate(pairs) if p[0]]
    neg = [i for i, p in enumerate(pairs) if not p[0]]
    rp = sum(i in matched for i in pos) / len(pos)
    rn = sum(i in matched for i in neg) / len(neg)
    c = report["claims"]
    print(f"paraphrase pairs matched {rp:.4f} ({len(pos)}), non-paraphrase pairs matched "
          f"{rn:.4f} ({len(neg)}), matches across pairs {cross}, "
          f"candidates {c['candidate_pairs']}, scored {c['scored_pairs']}")


if __name__ == "__main__":
    main()
