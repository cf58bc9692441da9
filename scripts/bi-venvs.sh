#!/usr/bin/env bash
# The BI tools `make test-bi` drives, each in its own cached virtualenv under .venv-bi/ (they
# pin conflicting libraries: Superset 6.1 wants SQLAlchemy 1.4, the pandas checks SQLAlchemy 2).
# Installs only what is missing; a venv counts as installed once its marker file exists, so an
# interrupted install is redone from scratch.
#
#   .venv-bi/superset  Apache Superset 6.1.0 (about 800 MB, 4-5 minutes the first time)
#   .venv-bi/tools     pandas + SQLAlchemy 2 + psycopg 3, dbt-postgres 1.11, pytest
set -euo pipefail
cd "$(dirname "$0")/.."
root=.venv-bi
mkdir -p "$root"

make_venv() {  # name, pip arguments...
    local name=$1; shift
    local dir=$root/$name marker=$root/$name/.installed
    # The marker records the requirements: changing a pin below reinstalls.
    local want="$*"
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
        return
    fi
    echo "test-bi: installing $name into $dir (first time only)"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    printf '%s' "$want" >"$marker"
}

# Superset's own requirements miss rich and cachetools, and flask-caching 2.5 breaks its
# SupersetMetastoreCache: pinned here.
make_venv superset 'apache-superset[postgres]==6.1.0' rich cachetools 'flask-caching==2.3.1' &
sup=$!
# dbt-core 1.12 pulls a package that downloads from outside the package registries.
make_venv tools 'pandas>=2.2,<4' 'SQLAlchemy>=2.0,<2.1' 'psycopg[binary]>=3.1,<4' \
    'pytest>=7,<9' 'requests>=2.31,<3' 'dbt-postgres==1.11.0' 'dbt-core>=1.11,<1.12' &
tools=$!
rc=0
wait $sup || rc=1
wait $tools || rc=1
exit $rc
