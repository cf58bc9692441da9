#!/usr/bin/env bash
# A private PostgreSQL 15 cluster owned by the `postgres` user (PostgreSQL refuses to run as
# root), on a Unix socket in its own directory and on loopback TCP (for JDBC).
#
#   scripts/cluster.sh start DIR PORT   initdb if needed, then start (no-op when running)
#   scripts/cluster.sh stop DIR         stop if running
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?start|stop}
dir=$(realpath -m "${2:?data directory}")
# The postgres user may not enter the caller's directory (say, under /root).
cd /
as_postgres() { runuser -u postgres -- "$@"; }
# A self-contained server tree (scripts/pg-versions.sh) ships its own libpq, which some of its
# modules (postgres_fdw) find only through their build-time run path: point them at it.
if [ -e "$PGBIN/../lib/libpq.so.5" ]; then
    export LD_LIBRARY_PATH="$(realpath "$PGBIN/../lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

case "$cmd" in
start)
    port=${3:?port}
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
        cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_worker_processes = 8
max_parallel_workers = 4
shared_buffers = 1GB
work_mem = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    if ! as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    fi
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ] &&
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
