"""Before/after of two builds on the survey family's transition functions (the hottest
per-row code path of the fmgr layer), interleaved in one session like `ab.py`:

    CSM_PGHOST=... CSM_PGPORT=... .venv/bin/python bench/ab_survey.py \
        --pkglib $(pg_config --pkglibdir) --so before=/tmp/old.so --so after=target/.../csmetrics.so

Prints the median time of each aggregate and its ratio to the scan of the same column.
"""
import argparse
import os
import shutil
import statistics

import ab
import bench


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pkglib", required=True)
    parser.add_argument("--so", action="append", required=True, help="name=path")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    builds = [s.split("=", 1) for s in args.so]
    # name -> (query, floor query): bench.py's survey cases and the moving-window one.
    queries = {name: (sql, floor) for name, sql, floor, _ in bench.CASES + bench.ROLLING}
    conn = bench.connect()
    bench.load(conn, args.rows)
    conn.close()
    times = {(b, q, k): [] for b, _ in builds for q in queries for k in (0, 1)}
    original = os.path.join(args.pkglib, "csmetrics.so")
    saved = original + ".ab-saved"
    shutil.copyfile(original, saved)
    try:
        for r in range(args.rounds):
            for name, so in (builds if r % 2 == 0 else builds[::-1]):
                ab.install(args.pkglib, so)
                conn = bench.connect()
                conn.execute("SET jit = off")
                conn.execute("SET max_parallel_workers_per_gather = 0")
                for q, pair in queries.items():
                    for k, sql in enumerate(pair):
                        ab.timed(conn, sql)  # warm-up
                        times[(name, q, k)].append(ab.timed(conn, sql))
                conn.close()
    finally:
        os.replace(saved, original)
    med = {key: statistics.median(v) for key, v in times.items()}
    print(f"\nsurvey before/after, {args.rows:,} rows, {args.rounds} interleaved rounds, "
          "median ms (ratio to a count() of the same column)")
    head = f"| {'query':<32} |" + "".join(f" {n:>8} | {'ratio':>6} |" for n, _ in builds)
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|")
    for q in queries:
        cells = "".join(f" {med[(n, q, 0)]:>8.1f} | {med[(n, q, 0)] / med[(n, q, 1)]:>5.2f}x |"
                        for n, _ in builds)
        print(f"| {q:<32} |{cells}")


if __name__ == "__main__":
    main()
