#!/usr/bin/env python3
"""Precision of scan's claim matches on a real dump, from labelled samples.

MSRP fixes the default threshold (docs/quality.md), but its pairs were
chosen to be alike, so it says little about how many of the matches a scan
of a whole dump reports are the same claim. This script draws stratified
samples of a report's matches for people to label, and turns the labels
into precision per score band (Wilson 95% intervals), labeller agreement
(Cohen's kappa), and an estimate of the precision of a whole report.

    bench/claim_precision.py sample REPORT.json N SEED [--kind K]
                             [--exclude SAMPLE.tsv] [--first-id I] > sample.tsv
        N matches per score band ([0.5,0.6) ... [0.9,1.0]), drawn with
        random.Random(SEED) from the report's matches (only those of match
        kind K: sentence, quote or headline; not those listed in SAMPLE.tsv).
        Columns: id, band, score, kind, headline (y if either side is a
        headline), a, b (doc:start-end), text_a, text_b. The texts are for
        the labellers: keep them out of the repository when the dump's
        licence says so, and give labellers the id and texts only, shuffled.
    bench/claim_precision.py score LABELLED.tsv...
        Files with the sample's columns (texts optional) plus one or more
        label columns named label_* holding y (same claim) or n. Prints, per
        labeller, precision by band for all matches, for matches with a
        headline and for the others, then agreement.
    bench/claim_precision.py estimate REPORT.json LABELLED.tsv...
        The expected number of same-claim matches in REPORT: its matches
        counted by (band, headline or not), each count times the precision
        the first labeller's labels give that stratum. Labelled matches
        count in the band of their score in REPORT, and only if REPORT
        still has them, so a later build's report can be estimated too.
        Documents are matched by the last two parts of their path
        (section/file.txt), whatever path the scans named the corpus by.

A match is the same claim when both passages assert the same fact or
statement, in any wording, one possibly inside a longer sentence; not when
they share a topic, names or a speaker but state different things.
"""
import argparse
import collections
import csv
import json
import math
import random
import sys

BANDS = [(0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0001)]


def band_of(score):
    for i, (lo, hi) in enumerate(BANDS):
        if lo <= score < hi:
            return i
    return None


def band_name(i):
    lo, hi = BANDS[i]
    return f"[{lo:.1f},{min(hi, 1.0):.1f}{']' if hi > 1 else ')'}"


def span(side):
    return f"{side['doc']}:{side['start']}-{side['end']}"


def span_key(s):
    """A span "doc:start-end" by the last two parts of its document's path
    ("politics/049.txt:1423-1540"), so labels made on a scan of
    ../shared/data/bbc-news/bbc find the matches of a scan of the same
    corpus named by another path."""
    doc, _, offsets = s.rpartition(":")
    return "/".join(doc.split("/")[-2:]) + ":" + offsets


def has_headline(m):
    return "headline" in (m["a"]["kind"], m["b"]["kind"])


def load_matches(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["claims"]["matches"]


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def sample(args):
    exclude = set()
    for path in args.exclude:
        exclude |= {(r["a"], r["b"]) for r in read_tsv(path)}
    by_band = [[] for _ in BANDS]
    for m in load_matches(args.report):
        b = band_of(m["score"])
        if b is None or (args.kind and m["kind"] != args.kind):
            continue
        if (span(m["a"]), span(m["b"])) not in exclude:
            by_band[b].append(m)
    rng = random.Random(args.seed)
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["id", "band", "score", "kind", "headline", "a", "b",
                  "text_a", "text_b"])
    k = args.first_id
    for b, ms in enumerate(by_band):
        for m in rng.sample(ms, min(args.n, len(ms))):
            out.writerow([k, band_name(b), f"{m['score']:.3f}", m["kind"],
                          "y" if has_headline(m) else "n", span(m["a"]),
                          span(m["b"]), " ".join(m["a"]["text"].split()),
                          " ".join(m["b"]["text"].split())])
            k += 1


def wilson(yes, n, z=1.96):
    p = yes / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    r = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (c - r) / d, (c + r) / d


def load_labelled(paths):
    rows, names = [], None
    for path in paths:
        for no, r in enumerate(read_tsv(path), 2):
            labels = sorted(k for k in r if k.startswith("label_"))
            if names is None:
                names = labels
            if labels != names:
                sys.exit(f"{path}: label columns {labels}, expected {names}")
            for k in labels:
                if r[k] not in ("y", "n"):
                    sys.exit(f"{path}:{no}: {k} is {r[k]!r}, expected y or n")
            rows.append(r)
    if not names:
        sys.exit("no label_* column")
    return rows, names


def score(args):
    rows, names = load_labelled(args.labelled)
    groups = [("all", lambda r: True),
              ("with a headline", lambda r: r["headline"] == "y"),
              ("without a headline", lambda r: r["headline"] == "n")]
    for name in names:
        print(f"\n{name}:\n")
        print("| band | " + " | ".join(f"{g}: precision [95% CI] (n)" for g, _ in groups) + " |")
        print("|---" * (1 + len(groups)) + "|")
        for b in [band_name(i) for i in range(len(BANDS))] + ["all"]:
            cells = [b]
            for _, keep in groups:
                sel = [r for r in rows if keep(r) and b in ("all", r["band"])]
                if not sel:
                    cells.append("")
                    continue
                yes = sum(r[name] == "y" for r in sel)
                lo, hi = wilson(yes, len(sel))
                cells.append(f"{yes / len(sel):.2f} [{lo:.2f}, {hi:.2f}] ({len(sel)})")
            print("| " + " | ".join(cells) + " |")
    if len(names) >= 2:
        a = [r[names[0]] == "y" for r in rows]
        b = [r[names[1]] == "y" for r in rows]
        n = len(rows)
        po = sum(x == y for x, y in zip(a, b)) / n
        pa, pb = sum(a) / n, sum(b) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe) if pe < 1 else float("nan")
        print(f"\n{names[0]} against {names[1]} over {n} pairs: agreement "
              f"{po:.3f}, Cohen's kappa {kappa:.2f}")


def estimate(args):
    rows, names = load_labelled(args.labelled)
    matches = load_matches(args.report)
    # A labelled match counts in the stratum of its score in REPORT, and not
    # at all if REPORT no longer has it (a filter added since the sample
    # was drawn): what is left is still a random sample of each stratum.
    by_spans = {}
    for m in matches:
        a, b = span_key(span(m["a"])), span_key(span(m["b"]))
        by_spans[(a, b)] = m
        by_spans[(b, a)] = m
    strata = collections.defaultdict(lambda: [0, 0])
    gone = collections.Counter()
    for r in rows:
        m = by_spans.get((span_key(r["a"]), span_key(r["b"])))
        if m is None or band_of(m["score"]) is None:
            gone[r[names[0]]] += 1
            continue
        s = strata[(band_name(band_of(m["score"])), r["headline"])]
        s[0] += r[names[0]] == "y"
        s[1] += 1
    if gone:
        print(f"{sum(gone.values())} labelled matches are not in the report "
              f"({gone['y']} labelled y, {gone['n']} n)")
    counts = collections.Counter(
        (band_name(band_of(m["score"])), "y" if has_headline(m) else "n")
        for m in matches if band_of(m["score"]) is not None)
    expected = 0.0
    for key, n in sorted(counts.items()):
        if key not in strata:
            sys.exit(f"no labelled match in stratum {key} ({n} in the report)")
        yes, labelled = strata[key]
        expected += n * yes / labelled
    total = sum(counts.values())
    print(f"{total} matches, about {expected:.0f} the same claim: precision "
          f"{expected / total:.3f} (labels: {names[0]})")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("report")
    s.add_argument("n", type=int)
    s.add_argument("seed", type=int)
    s.add_argument("--kind", choices=["sentence", "quote", "headline"])
    s.add_argument("--exclude", action="append", default=[])
    s.add_argument("--first-id", type=int, default=0)
    s.set_defaults(run=sample)
    s = sub.add_parser("score")
    s.add_argument("labelled", nargs="+")
    s.set_defaults(run=score)
    s = sub.add_parser("estimate")
    s.add_argument("report")
    s.add_argument("labelled", nargs="+")
    s.set_defaults(run=estimate)
    args = p.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
