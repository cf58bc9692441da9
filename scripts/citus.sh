#!/usr/bin/env bash
# Citus for `make test-citus`: built from the unmodified source tarballs in the vendor
# directory (Citus is in no package archive of Debian 12), and a coordinator with two workers
# on one machine.
#
#   scripts/citus.sh build PG_CONFIG   build and install Citus into that server (skipped when
#                                      the same Citus version is installed there)
#   scripts/citus.sh start DIR PORT    PGBIN=...: coordinator DIR/coordinator on PORT, workers
#                                      DIR/worker1, DIR/worker2 on PORT+1, PORT+2 (unix sockets
#                                      in those directories), shared_preload_libraries = citus
#   scripts/citus.sh stop DIR          stop the three nodes
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODES=(coordinator worker1 worker2)

# The tarballs: CITUS_VENDOR, or the shared vendor directory next to the repository.
vendor_dir() {
    for d in "${CITUS_VENDOR:-}" "$ROOT/../shared/vendor" "$ROOT/../../shared/vendor" /work/shared/vendor; do
        if [ -n "$d" ] && ls "$d"/citus-*.tar.gz >/dev/null 2>&1; then
            realpath "$d"
            return
        fi
    done
    echo "citus: no citus-*.tar.gz found; set CITUS_VENDOR to the directory holding them" >&2
    exit 1
}

build() {
    local pg_config=${1:?pg_config}
    local major version pkglib src log
    major=$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
    case "$major" in
    15) version=13.2.2 ;;           # the last Citus for 15
    16 | 17 | 18) version=14.0.1 ;;
    *) echo "citus: no Citus for PostgreSQL $major" >&2; exit 1 ;;
    esac
    pkglib=$("$pg_config" --pkglibdir)
    # citus.so carries its version string ("Citus 13.2.2 on x86_64..."): same version, no build.
    if [ -f "$pkglib/citus.so" ] && grep -aq "Citus $version " "$pkglib/citus.so"; then
        echo "citus: Citus $version already installed in $pkglib"
        return
    fi
    local packages=(liblz4-dev libzstd-dev libkrb5-dev build-essential)
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "citus: installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    src=$ROOT/target/citus/citus-$version-pg$major
    log=$ROOT/target/citus/build-$version-pg$major.log
    echo "citus: building Citus $version for PostgreSQL $major into $pkglib (log: $log)"
    rm -rf "$src" && mkdir -p "$src"
    tar xzf "$(vendor_dir)/citus-$version.tar.gz" -C "$src" --strip-components=1
    # Minor releases of 15 from 15.20 on export have_createdb_privilege(), which Citus 13.2.2
    # also defines as a static inline for older servers: rename Citus's copy there.
    if grep -qs 'have_createdb_privilege' "$("$pg_config" --includedir-server)/commands/dbcommands.h"; then
        sed -i 's/^have_createdb_privilege(void)/citus_unused_have_createdb_privilege(void)/' \
            "$src/src/include/pg_version_compat.h"
    fi
    (cd "$src" && ./configure PG_CONFIG="$pg_config" --without-libcurl && make -j"$(nproc)" && make install) \
        >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
    chmod -R a+rX "$pkglib" "$("$pg_config" --sharedir)/extension"
    echo "citus: Citus $version installed"
}

start() {
    local dir=${1:?directory} port=${2:?port} i=0 node conf
    for node in "${NODES[@]}"; do
        scripts/cluster.sh start "$dir/$node" $((port + i))
        conf=$dir/$node/data/postgresql.conf
        if ! grep -q "^shared_preload_libraries = 'citus'" "$conf"; then
            cat >>"$conf" <<CONF
shared_preload_libraries = 'citus'
max_connections = 200
CONF
            scripts/cluster.sh stop "$dir/$node"
            scripts/cluster.sh start "$dir/$node" $((port + i))
        fi
        i=$((i + 1))
    done
}

stop() {
    local dir=${1:?directory} node
    for node in "${NODES[@]}"; do
        scripts/cluster.sh stop "$dir/$node"
    done
}

cmd=${1:?build|start|stop}
shift
case "$cmd" in
build) build "$@" ;;
start) start "$@" ;;
stop) stop "$@" ;;
*) echo "usage: $0 build PG_CONFIG | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
