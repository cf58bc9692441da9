"""`make load`: pgbench, 8 clients for 60 s, over a mix of every KPI query in bench/load/*.sql
(one-step, two-step, windows, rollups) on the demo database. Passes when no transaction failed
and the backends' resident memory at the end is within 10% of what it was after 5 s (a leak
per query would grow it steadily)."""
import argparse
import pathlib
import re
import subprocess
import sys
import time

import psycopg

HERE = pathlib.Path(__file__).resolve().parent


def rss_kib(conn):
    """Resident memory of each pgbench backend, from /proc (we run as root)."""
    pids = [r[0] for r in conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'")]
    sizes = {}
    for pid in pids:
        try:
            status = pathlib.Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        sizes[pid] = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)[1])
    return sizes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--pgbin", required=True)
    ap.add_argument("--db", default="csmetrics_demo")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    scripts = sorted(HERE.glob("load/*.sql"))
    command = [f"{args.pgbin}/pgbench", "-n", "-h", args.host, "-p", args.port, "-U", "postgres",
               "-c", str(args.clients), "-j", "2", "-T", str(args.seconds), "-P", "10"]
    for s in scripts:
        command += ["-f", str(s)]
    print(f"load: {args.clients} clients, {args.seconds} s, {len(scripts)} query scripts:",
          ", ".join(s.stem for s in scripts), flush=True)
    conn = psycopg.connect(f"host={args.host} port={args.port} user=postgres dbname={args.db}",
                           autocommit=True)
    run = subprocess.Popen(command + [args.db], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    time.sleep(5)
    early = rss_kib(conn)
    time.sleep(max(1, args.seconds - 8))
    late = rss_kib(conn)
    output, _ = run.communicate()
    print(output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    common = sorted(set(early) & set(late))
    early_kib = sum(early[p] for p in common)
    late_kib = sum(late[p] for p in common)
    growth = (late_kib - early_kib) / early_kib if early_kib else float("inf")
    print(f"backends measured: {len(common)}; resident memory after 5 s: {early_kib / 1024:.1f} MiB, "
          f"near the end: {late_kib / 1024:.1f} MiB ({growth:+.1%})")
    ok = (run.returncode == 0 and failed is not None and failed[1] == "0" and processed
          and len(common) == args.clients and abs(growth) <= 0.10)
    print("load: " + ("passed" if ok else "FAILED") +
          f" ({processed[1] if processed else '?'} transactions, "
          f"{failed[1] if failed else '?'} failed)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
