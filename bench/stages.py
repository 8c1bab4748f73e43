#!/usr/bin/env python3
"""Alternating runs of `refrain scan` builds, reporting the median of each
stage time the scan's summary prints (the `stages:` and `claims:` lines)
and of its total, in milliseconds.

    bench/stages.py N INPUT BINARY [BINARY ...] [-- SCAN FLAGS]

e.g. bench/stages.py 15 ../shared/data/bbc-news/bbc /tmp/old/refrain build/refrain

Each run writes its reports to a temporary directory. Runs alternate
(A, B, A, B, ...) so that a machine whose speed drifts affects every build
alike.
"""
import re
import statistics
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    if len(args) < 3:
        sys.exit(__doc__)
    n, path, binaries = int(args[0]), args[1], args[2:]
    times = {b: {} for b in binaries}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(n):
            for b in binaries:
                run = subprocess.run([b, "scan", "--out", out, path] + extra,
                                     capture_output=True, text=True)
                if run.returncode != 0:
                    # The scan's own reason ("cannot open"), not a traceback.
                    sys.stderr.write(run.stderr)
                    sys.exit(f"stages.py: {b} exited {run.returncode}")
                for line in run.stdout.splitlines():
                    if "stages:" in line or "claims: load" in line:
                        for name, sec in re.findall(r"([a-z+]+) ([0-9.]+) s", line):
                            times[b].setdefault(name, []).append(float(sec))
                    total = re.search(r"MB, ([0-9.]+) s\)", line)
                    if total:
                        times[b].setdefault("total", []).append(float(total.group(1)))
    for b in binaries:
        print(b, " ".join(f"{k}={statistics.median(v) * 1000:.1f}"
                          for k, v in times[b].items()))


if __name__ == "__main__":
    main()
