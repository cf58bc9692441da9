#!/usr/bin/env bash
# Installs everything csmetrics needs on Debian 12, as root, doing only what is missing:
# system packages, cargo-pgrx 0.18.1, `cargo pgrx init` against the system PostgreSQL 15,
# and a Python virtualenv with psycopg 3 and pytest for the client tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PACKAGES=(postgresql-15 postgresql-server-dev-15 libclang-dev sudo pkg-config
          libpostgresql-jdbc-java default-jdk-headless python3 python3-venv)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! cargo pgrx --version 2>/dev/null | grep -q ' 0\.18\.1$'; then
    echo "setup: installing cargo-pgrx 0.18.1 (takes a few minutes)"
    cargo install cargo-pgrx --version 0.18.1 --locked --quiet
fi

if ! grep -qs "pg15 = \"$PG_CONFIG\"" "${PGRX_HOME:-$HOME/.pgrx}/config.toml"; then
    echo "setup: cargo pgrx init"
    cargo pgrx init --pg15 "$PG_CONFIG" >/dev/null
fi

if [ ! -x .venv/bin/pytest ]; then
    echo "setup: creating .venv with psycopg and pytest"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check 'psycopg[binary]>=3.1,<4' 'pytest>=7,<9'
fi
