#!/usr/bin/env python3
"""Checks that an N-rank report.json equals the single-process one.

usage: same_report.py SINGLE/report.json MPI/report.json N

Every field must be equal except params.ranks, which must be 1 and N. On a
difference, prints the first differing path and both values, and exits 1.
"""
import json
import sys


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}", a.get(key, "<missing>"), b.get(key, "<missing>")
            d = first_difference(a[key], b[key], f"{path}.{key}")
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"{path}.length", len(a), len(b)
        return None
    return None if a == b else (path, a, b)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    single, multi, ranks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(single, encoding="utf-8") as f:
        a = json.load(f)
    with open(multi, encoding="utf-8") as f:
        b = json.load(f)
    if a["params"].get("ranks") != 1 or b["params"].get("ranks") != ranks:
        sys.exit(f"params.ranks: expected 1 and {ranks}, got "
                 f"{a['params'].get('ranks')} and {b['params'].get('ranks')}")
    del a["params"]["ranks"], b["params"]["ranks"]
    d = first_difference(a, b)
    if d:
        path, x, y = d
        sys.exit(f"reports differ at {path}:\n  1 rank:  {str(x)[:300]}\n"
                 f"  {ranks} ranks: {str(y)[:300]}")
    docs = len(a["documents"])
    print(f"same report: {docs} documents, {len(a['near_duplicates']['pairs']) if 'near_duplicates' in a else '?'} pairs, "
          f"{len(a.get('claims', {}).get('matches', []))} claim matches; "
          f"1 rank = {ranks} ranks")


if __name__ == "__main__":
    main()
