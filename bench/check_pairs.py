#!/usr/bin/env python3
"""Recall of known duplicate pairs in a refrain report.

  check_pairs.py REPORT.json PAIRS [--prefix P] [--min-jaccard J]

PAIRS is either the BBC list (two paths per line, relative to the corpus
root; give --prefix to turn them into document ids) or a `refrain generate`
truth file (a, b, jaccard per TSV line; --min-jaccard selects the pairs that
must be found). A pair counts as found when both documents are in the same
near-duplicate cluster. Prints found/total, recall ("n/a" when no pair is
to be found: exit 1, so that a table never shows 1.0000 for nothing), and
the reported pairs the file does not list at all (with --min-jaccard, the
pairs it lists under that Jaccard are not counted as beyond it).
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("pairs")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--min-jaccard", type=float, default=0.0)
    args = ap.parse_args()
    with open(args.report, encoding="utf-8") as f:
        report = json.load(f)
    cluster_of = {}
    for i, c in enumerate(report["near_duplicates"]["clusters"]):
        for m in c["members"]:
            cluster_of[m] = i
    pairs = []
    listed = set()  # Every pair of the file, whatever its Jaccard.
    with open(args.pairs, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            pair = (args.prefix + parts[0], args.prefix + parts[1])
            listed.add(frozenset(pair))
            if len(parts) >= 3:
                if float(parts[2]) < args.min_jaccard:
                    continue
            pairs.append(pair)
    found = sum(1 for a, b in pairs
                if a in cluster_of and cluster_of.get(a) == cluster_of.get(b))
    total = len(pairs)
    recall = f"{found / total:.4f}" if total else "n/a"
    reported = report["near_duplicates"]["pairs"]
    extra = [p for p in reported if frozenset((p["a"], p["b"])) not in listed]
    print(f"found {found}/{total} known pairs (recall {recall}); "
          f"{len(reported)} reported pairs, {len(extra)} beyond the known ones, "
          f"{len(report['near_duplicates']['clusters'])} clusters")
    return 0 if total and found == total else 1


if __name__ == "__main__":
    sys.exit(main())
