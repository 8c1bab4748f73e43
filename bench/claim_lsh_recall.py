#!/usr/bin/env python3
"""What the claim LSH's settings cost and find: a recall/cost table.

  claim_lsh_recall.py NEWS_DIR MSRP_FILE [REFRAIN]

Scans NEWS_DIR (e.g. the BBC corpus) once per candidate setting below and
once with a near-exhaustive one (stems alone, LSH tuned to Jaccard 0.05,
which on BBC scores about 2.3 times the pairs of any default). The reference
is the union of every run's claim matches: the pairs the scorer accepts when
it sees nearly every pair with some word in common. Each row gives the
share of the reference a setting finds, its candidate and scored pairs and
the claims stage's time (from the summary line), and the recall of MSRP
paraphrase pairs when every MSRP sentence is a document of one scan
(bench/msrp_scan_recall.py; `refrain eval-pairs`, which scores every pair,
is the ceiling). Prints one markdown table. One run per row.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SETTINGS = [
    ("default (stems + bigrams, 0.2)", []),
    ("stems + bigrams, 0.15", ["--claim-lsh-threshold", "0.15"]),
    ("stems + bigrams, 0.1", ["--claim-lsh-threshold", "0.1"]),
    ("stems alone, 0.3", ["--no-claim-bigrams", "--claim-lsh-threshold", "0.3"]),
    ("stems alone, 0.2", ["--no-claim-bigrams"]),
    ("stems alone, 0.15", ["--no-claim-bigrams", "--claim-lsh-threshold", "0.15"]),
    ("stems alone, 0.05 (reference)",
     ["--no-claim-bigrams", "--claim-lsh-threshold", "0.05"]),
]


def scan(refrain, news, flags, out):
    done = subprocess.run(
        [refrain, "scan", news, "--out", out] + flags,
        check=True, capture_output=True, text=True)
    stages = re.search(r"claims ([0-9.]+) s", done.stdout)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        c = json.load(f)["claims"]
    matches = {(m["a"]["doc"], m["a"]["start"], m["a"]["end"], m["b"]["doc"],
                m["b"]["start"], m["b"]["end"]) for m in c["matches"]}
    return matches, c["candidate_pairs"], c["scored_pairs"], float(stages.group(1))


def msrp_recall(refrain, msrp, flags):
    here = os.path.dirname(os.path.abspath(__file__))
    done = subprocess.run(
        [sys.executable, os.path.join(here, "msrp_scan_recall.py"), msrp, refrain]
        + flags, check=True, capture_output=True, text=True)
    return float(re.search(r"paraphrase pairs matched ([0-9.]+)", done.stdout).group(1))


def main():
    news, msrp = sys.argv[1], sys.argv[2]
    refrain = sys.argv[3] if len(sys.argv) > 3 else "build/refrain"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, flags) in enumerate(SETTINGS):
            m, cand, scored, secs = scan(refrain, news, flags, os.path.join(tmp, str(i)))
            rows.append((name, m, cand, scored, secs, msrp_recall(refrain, msrp, flags)))
    reference = set().union(*(r[1] for r in rows))
    print(f"reference: {len(reference)} claim matches (union of all rows)\n")
    print("| claim LSH | matches | share of reference | candidate pairs | scored | "
          "claims stage s | MSRP paraphrase recall |")
    print("|---|---|---|---|---|---|---|")
    for name, m, cand, scored, secs, rec in rows:
        print(f"| {name} | {len(m)} | {len(m) / len(reference):.3f} | {cand} | "
              f"{scored} | {secs:.2f} | {rec:.4f} |")


if __name__ == "__main__":
    main()
