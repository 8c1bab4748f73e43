#!/usr/bin/env python3
"""Probe: do claim matches whose shared words lie in the attribution fail?

The Python prototype of scan's --claim-min-shared-outside-attribution,
kept to try other rules fast; scan's own rules (AttributionSpans) differ
in detail. Many wrong claim matches share a speaker
("Ian Fogg, analyst at Jupiter Research, said ...") and nothing else. This
marks each passage's attribution with a few English rules (outside a quote
that holds most of the unit; ", said X ..." tails of up to 12 words; "X
said" heads of up to 12 words without a relative clause; "according to
X"), then counts the content words (crude suffix stemming, a small stop
list) both passages share outside it, and prints how many labelled matches
a floor on that count would drop, right (y) and wrong (n), beside a floor
on all shared words; with --msrp, how many MSRP train pairs of each label
it would touch; with --report, the distribution over a report's matches.

    bench/attribution_probe.py [--root DIR] [--msrp FILE] [--report JSON]
                               LABELS.tsv...

LABELS: bench/labels/bbc-claims-*.tsv and bbc-random-*.tsv (columns a, b
as PATH:START-END relative to --root, default the repository root as run from it, score, label_1). Results and what
they mean: docs/quality.md, "Attribution".
"""
import argparse
import collections
import csv
import json
import re

STOP=set("""a an the and or but of to in on at for with by from as is are was were be been being it its this that these those he she they we i you his her their our my your him them us me not no
has have had do does did will would can could should may might must shall than then so such there here who whom which what when where why how all any both each few more most other some
into over under about after before up down out off again further once also just very too only own same if because while until""".split())
VERBS=r"(?:said|says|say|told|tells|added|adds|agreed|agrees|warned|warns|claimed|claims|argued|argues|insisted|insists|explained|explains|noted|notes|stressed|believes|believed|thinks|thought|admitted|admits|revealed|reveals|confirmed|confirms|denied|denies|predicted|predicts|suggested|suggests|commented|comments|announced|announces|stated|states|wrote|writes|hinted|hints|called|attacked|urged|urges)"
def stem(w):
    w=w.lower()
    for suf in ("ing","ed","es","s","ly"):
        if len(w)>len(suf)+3 and w.endswith(suf): return w[:-len(suf)]
    return w
QUOTES='"\u201c\u201d'
def attribution_mask(t):
    """Per character: True if in an attribution part."""
    m=[False]*len(t)
    def mark(a,b):
        for i in range(a,b): m[i]=True
    qs=[i for i,c in enumerate(t) if c in QUOTES]
    if len(qs)>=2 and len(qs)%2==0:
        inside=[False]*len(t)
        for k in range(0,len(qs),2):
            for i in range(qs[k],qs[k+1]+1): inside[i]=True
        nin=len(re.findall(r"\w+", ''.join(c if inside[i] else ' ' for i,c in enumerate(t))))
        nall=len(re.findall(r"\w+", t))
        if nin>=5 and nin>=0.5*nall:
            for i in range(len(t)):
                if not inside[i]: m[i]=True
            return m
    r=re.search(r",\s*(?:he |she |they |it )?"+VERBS+r"\b(.*)$", t)
    if r and len(re.findall(r"\w+", r.group(1)))<=12 and r.start()>0:
        mark(r.start(), len(t))
    # ", Oklahoma Gas and Electric said." / ", the company said on its Web site."
    r=re.search(r"[,\"\u201d]\s*([^,\"\u201d]*?)\b"+VERBS+r"\b([^,]*)$", t)
    if r and r.start()>0 and 1<=len(re.findall(r"\w+", r.group(1)))<=8 and len(re.findall(r"\w+", r.group(2)))<=8:
        mark(r.start(), len(t))
    r=re.search(r"\b"+VERBS+r"(?:\s+that)?\b", t)
    if r and len(re.findall(r"\w+", t[r.end():]))>=3:
        pre=t[:r.start()]
        nw=len(re.findall(r"\w+", pre))
        if 1<=nw<=12 and not re.search(r"\b(?:who|which|that|whose)\b", pre) and not re.search("[,\"\u201d]\\s*$", pre):
            mark(0, r.end())
    r=re.search(r"\baccording to [^,.;]*", t, re.I)
    if r: mark(r.start(), r.end())
    return m
def words(t):
    return [(mm.start(), stem(mm.group())) for mm in re.finditer(r"[A-Za-z][A-Za-z'\-]*|\d[\d.,]*", t) if mm.group().lower() not in STOP]
def feats(ta, tb):
    ma, mb = attribution_mask(ta), attribution_mask(tb)
    wa, wb = words(ta), words(tb)
    sa={w for _,w in wa}; sb={w for _,w in wb}
    shared=sa&sb
    # claim words: outside attribution
    ca={w for p,w in wa if not ma[p]}; cb={w for p,w in wb if not mb[p]}
    claim_shared=ca&cb
    return len(shared), len(claim_shared), len(ca), len(cb)


def text(root, spec):
    path, span = spec.rsplit(":", 1)
    a, b = map(int, span.split("-"))
    with open(root + "/" + path, "rb") as f:
        return f.read()[a:b].decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("labels", nargs="+")
    ap.add_argument("--root", default=".")
    ap.add_argument("--msrp")
    ap.add_argument("--report")
    args = ap.parse_args()
    res = []
    for f in args.labels:
        for r in csv.DictReader(open(f), delimiter="\t"):
            shared, claim, _, _ = feats(text(args.root, r["a"]), text(args.root, r["b"]))
            res.append((r["label_1"], shared, claim))
    print("labelled:", dict(collections.Counter(r[0] for r in res)))
    for k in range(0, 4):
        for name, col in (("outside attribution", 2), ("all shared", 1)):
            drop = [r for r in res if r[col] <= k]
            print(f"shared content words {name} <= {k}: drops {len(drop)}: "
                  f"n={sum(r[0] == 'n' for r in drop)} y={sum(r[0] == 'y' for r in drop)}")
    if args.msrp:
        c = collections.Counter()
        with open(args.msrp, encoding="utf-8-sig") as f:
            next(f)
            for line in f:
                q, _, _, a, b = line.rstrip("\r\n").split("\t")
                c[(q, feats(a, b)[1] <= 1)] += 1
        print("MSRP pairs with <= 1 shared outside attribution: "
              f"{c[('1', True)]} of {c[('1', True)] + c[('1', False)]} paraphrases, "
              f"{c[('0', True)]} of {c[('0', True)] + c[('0', False)]} others")
    if args.report:
        ms = json.load(open(args.report))["claims"]["matches"]
        c = collections.Counter(min(feats(m["a"]["text"], m["b"]["text"])[1], 3) for m in ms)
        print(f"report: {len(ms)} matches; by shared words outside attribution "
              "(3: 3 or more):", sorted(c.items()))


if __name__ == "__main__":
    main()
