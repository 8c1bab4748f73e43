#!/usr/bin/env python3
"""BBC scaled up by repetition with perturbations, for a stable timing of
the corpus datasketch is measured on (issue 4).

    bench/bbc_scaled.py BBC_DIR COPIES OUT.jsonl [REPLACE]

Copy 0 is every article as it is. Each further copy of an article gets a
new first line ("Posted on site N"), loses one sentence when it has more
than five, and has a fraction REPLACE of its words replaced by other words
of the same article.

- REPLACE 0.1 (default): about 40% of the 5-word shingles change, so the
  copies are distinct articles at the 0.8 threshold and the corpus keeps
  BBC's own duplicate rate and text: the throughput case.
- REPLACE 0.005: every copy is a near-duplicate of the other COPIES - 1,
  clusters of COPIES articles: the stress case for verification.

Fixed seed: the same bytes every run. Writes JSONL (id, title, text);
compress it with `zstd` for the bench.
"""
import json
import os
import random
import re
import sys


def articles(root):
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".txt"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    yield os.path.relpath(path, root), f.read()


def perturb(text, copy, rng, replace):
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if len(sentences) > 5:
        del sentences[rng.randrange(1, len(sentences))]
    words = " ".join(sentences).split(" ")
    for _ in range(max(1, round(replace * len(words)))):
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i] = words[j]
    return f"Posted on site {copy}\n" + " ".join(words)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    root, copies, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    replace = float(sys.argv[4]) if len(sys.argv) == 5 else 0.1
    source = list(articles(root))
    if not source:
        sys.exit(f"{root}: no .txt articles")
    rng = random.Random(42)
    with open(out, "w", encoding="utf-8") as f:
        for copy in range(copies):
            for rel, text in source:
                body = text if copy == 0 else perturb(text, copy, rng, replace)
                title = body.split("\n", 1)[0] if copy == 0 else text.split("\n", 1)[0]
                f.write(json.dumps({"id": f"{copy}/{rel}", "title": title,
                                    "text": body}, ensure_ascii=False) + "\n")
    print(f"{out}: {copies * len(source)} articles")


if __name__ == "__main__":
    main()
