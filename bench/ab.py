#!/usr/bin/env python3
"""Alternating A/B timing: runs each command N times, interleaved (A, B, A,
B, ...), so that a machine whose speed drifts affects every variant alike,
and prints mean, median and min of the wall and user CPU seconds.

    bench/ab.py N 'name::command' 'name::command' ...

e.g. bench/ab.py 8 'old::/tmp/old/refrain scan --quiet --no-claims --out /tmp/a X.jsonl.zst' \\
                   'new::build/refrain scan --quiet --no-claims --out /tmp/b X.jsonl.zst'

Commands run through bash from the repository root; their output is
discarded. Uses GNU time (/usr/bin/time, Debian package `time`).
"""
import os
import statistics
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    variants = [a.split("::", 1) for a in sys.argv[2:]]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    results = {name: ([], []) for name, _ in variants}
    with tempfile.NamedTemporaryFile() as tf:
        for _ in range(n):
            for name, cmd in variants:
                subprocess.run(
                    ["/usr/bin/time", "-f", "%e %U", "-o", tf.name, "bash", "-c", cmd],
                    cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    check=False)
                with open(tf.name) as f:
                    wall, user = map(float, f.read().split()[-2:])
                results[name][0].append(wall)
                results[name][1].append(user)
    for name, (wall, user) in results.items():
        print(f"{name:12s} wall mean {statistics.mean(wall):.3f} "
              f"med {statistics.median(wall):.3f} min {min(wall):.3f} | "
              f"user mean {statistics.mean(user):.3f} min {min(user):.3f}")


if __name__ == "__main__":
    main()
