#!/usr/bin/env bash
# `make test-bi`: csmetrics through the tools analysts use. Installs Superset, pandas and dbt
# into cached virtualenvs (scripts/bi-venvs.sh), starts the test cluster if it is not running,
# starts a throwaway Superset (sqlite metadata in a temporary directory) on 127.0.0.1, and runs
# tests/bi. Everything it started is stopped on exit, whatever happens.
#
#   scripts/test-bi.sh PGBIN CLUSTER_DIR PORT SUPERSET_PORT
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
pgbin=${1:?PGBIN}
cluster=${2:?cluster directory}
port=${3:?cluster port}
superset_port=${4:?Superset port}

scripts/bi-venvs.sh
echo "test-bi: virtualenvs ready (${SECONDS}s)"

work=$(mktemp -d /tmp/csm-superset.XXXXXX)
started_cluster=
superset_pid=
cleanup() {
    if [ -n "$superset_pid" ]; then
        # superset run was started in its own process group: stop the group (its reloader
        # and worker threads), then wait so the port is free when we return.
        kill -TERM -- "-$superset_pid" 2>/dev/null || true
        wait "$superset_pid" 2>/dev/null || true
    fi
    if [ -n "$started_cluster" ]; then
        PGBIN=$pgbin scripts/cluster.sh stop "$cluster"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! (cd / && runuser -u postgres -- "$pgbin/pg_ctl" -D "$cluster/data" status >/dev/null 2>&1); then
    PGBIN=$pgbin scripts/cluster.sh start "$cluster" "$port"
    started_cluster=1
fi

# A throwaway Superset: its own secret, sqlite metadata database and home in $work. CSRF is off
# so the REST API can be scripted without a browser session.
cat >"$work/superset_config.py" <<CONF
SECRET_KEY = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SQLALCHEMY_DATABASE_URI = "sqlite:///$work/superset.db"
WTF_CSRF_ENABLED = False
CONF
export SUPERSET_CONFIG_PATH=$work/superset_config.py SUPERSET_HOME=$work/home FLASK_APP=superset
superset=$root/.venv-bi/superset/bin/superset
# The metadata database starts as a copy of an empty one, migrated and initialised once per
# Superset install (1-2 minutes saved on every later run). It holds only Superset's roles and
# a local admin whose random password is kept beside it; databases and datasets are made fresh
# by each run. Reinstalling Superset (scripts/bi-venvs.sh) drops it with the virtualenv.
template=$root/.venv-bi/superset/csm-metadata
if [ ! -f "$template/superset.db" ]; then
    echo "test-bi: preparing Superset's metadata database (first time only)"
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    {
        "$superset" db upgrade &&
        "$superset" fab create-admin --username admin --firstname csm --lastname test \
            --email admin@example.invalid --password "$password" &&
        "$superset" init
    } >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
    rm -rf "$template.tmp" && mkdir -p "$template.tmp" && chmod 700 "$template.tmp"
    cp "$work/superset.db" "$template.tmp/superset.db"
    printf '%s' "$password" >"$template.tmp/admin-password"
    rm -rf "$template" && mv "$template.tmp" "$template"
else
    cp "$template/superset.db" "$work/superset.db"
fi
password=$(cat "$template/admin-password")

# Is Superset answering? (Python from the tools' venv: curl is not on every clean machine.)
healthy() {
    .venv-bi/tools/bin/python -c 'import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=5).read()
except Exception:
    sys.exit(1)' "http://127.0.0.1:$superset_port/health"
}

setsid "$superset" run -h 127.0.0.1 -p "$superset_port" --with-threads >"$work/superset.log" 2>&1 &
superset_pid=$!
for _ in $(seq 120); do
    if healthy; then
        break
    fi
    if ! kill -0 "$superset_pid" 2>/dev/null; then
        cat "$work/superset.log"; exit 1
    fi
    sleep 1
done
healthy || { cat "$work/superset.log"; exit 1; }
echo "test-bi: Superset is up on 127.0.0.1:$superset_port (${SECONDS}s since the start)"

# dbt writes its logs and compiled SQL next to the project unless told otherwise; it must not
# phone home either.
export CSM_PGHOST=$cluster CSM_PGPORT=$port CSM_PGBIN=$pgbin \
    CSM_SUPERSET_URL=http://127.0.0.1:$superset_port CSM_SUPERSET_USER=admin \
    CSM_SUPERSET_PASSWORD=$password CSM_DBT_WORK=$work/dbt \
    DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false
status=0
# CSM_PYTEST_ARGS narrows a run while debugging, e.g. "-k superset -x".
# shellcheck disable=SC2086
.venv-bi/tools/bin/pytest -q -p no:cacheprovider tests/bi ${CSM_PYTEST_ARGS:-} || status=$?
if [ "$status" -ne 0 ]; then
    echo "test-bi: Superset's log (last 40 lines):"
    tail -40 "$work/superset.log"
fi
echo "test-bi: finished in ${SECONDS}s"
exit "$status"
