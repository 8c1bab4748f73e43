#!/usr/bin/env python3
"""Recall of known duplicate pairs in a refrain report.

  check_pairs.py REPORT.json PAIRS [--prefix P] [--min-jaccard J]

PAIRS is either the BBC list (two paths per line, relative to the corpus
root; give --prefix to turn them into document ids) or a `refrain generate`
truth file (a, b, jaccard per TSV line; --min-jaccard selects the pairs that
must be found). A pair counts as found when both documents are in the same
near-duplicate cluster. Prints found/total, recall, and the extra clusters.
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
    with open(args.pairs, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            if len(parts) >= 3:
                if float(parts[2]) < args.min_jaccard:
                    continue
            pairs.append((args.prefix + parts[0], args.prefix + parts[1]))
    found = sum(1 for a, b in pairs
                if a in cluster_of and cluster_of.get(a) == cluster_of.get(b))
    total = len(pairs)
    recall = found / total if total else 1.0
    known = {frozenset(p) for p in pairs}
    reported = report["near_duplicates"]["pairs"]
    extra = [p for p in reported if frozenset((p["a"], p["b"])) not in known]
    print(f"found {found}/{total} known pairs (recall {recall:.4f}); "
          f"{len(reported)} reported pairs, {len(extra)} beyond the known ones, "
          f"{len(report['near_duplicates']['clusters'])} clusters")
    return 0 if found == total else 1


if __name__ == "__main__":
    sys.exit(main())
