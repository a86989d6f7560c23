#!/usr/bin/env python3
"""Reference benchmark: Python jieba segmentation alone on the same generated texts that
`analyze_bench` analyses (docs/BENCHMARKS.md, text analysis). Not part of CI.

    cargo run --release -p tousu-core --example analyze_bench -- --dump /tmp/tousu_texts.txt
    python3 -m venv /tmp/jiebavenv && /tmp/jiebavenv/bin/pip install jieba
    /tmp/jiebavenv/bin/python scripts/bench/jieba_bench.py /tmp/tousu_texts.txt [rounds]

Throughput is UTF-8 bytes of input per second of `jieba.lcut` (accurate mode, HMM on, the
default), one process, one core; dictionary loading is timed separately and excluded.
"""

import sys
import time

import jieba


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tousu_texts.txt"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(path, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f if line.strip()]
    size = sum(len(t.encode("utf-8")) for t in texts)
    jieba.setLogLevel(60)
    t0 = time.perf_counter()
    jieba.initialize()
    init = time.perf_counter() - t0
    for t in texts[:200]:  # warm-up
        jieba.lcut(t)
    tokens = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            tokens += len(jieba.lcut(t))
    secs = time.perf_counter() - start
    mb = size * rounds / 1e6
    print(f"jieba {jieba.__version__}, Python {sys.version.split()[0]}")
    print(f"texts: {len(texts)} ({size} bytes, avg {size // max(len(texts), 1)}), rounds: {rounds}, tokens: {tokens}")
    print(f"dictionary load: {init * 1e3:.0f} ms")
    print(f"throughput: {mb / secs:.2f} MB/s ({len(texts) * rounds / secs:.0f} texts/s) on one core")


if __name__ == "__main__":
    main()
