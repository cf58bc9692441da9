#!/usr/bin/env bash
# Runs make targets as the first commands of a fresh clone of this checkout's HEAD, so that no
# target can depend on files another target happened to leave in the work tree (target/, say).
# The clone shares this checkout's cargo build directory, so compiled dependencies are reused;
# the clone's own tree starts empty.
#
#   scripts/fresh-clone.sh TARGET [TARGET ...]     (each in its own fresh clone)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
for target in "$@"; do
    clone=$(mktemp -d /tmp/csmetrics-clone.XXXXXX)
    trap 'rm -rf "$clone"' EXIT
    git clone -q --no-hardlinks . "$clone"
    echo "fresh-clone: make $target in a fresh clone of $(git rev-parse --short HEAD)"
    make -C "$clone" "$target"
    rm -rf "$clone"
    trap - EXIT
done
