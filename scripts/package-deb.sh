#!/usr/bin/env bash
# Builds postgresql-15-csmetrics_<version>_amd64.deb from the package tree `make install`
# builds (cargo pgrx package), in Debian's postgresql-15 layout, plus the install scripts of
# released versions so that upgrades and CREATE EXTENSION ... VERSION work from the package.
#
#   scripts/package-deb.sh PACKAGE_DIR OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
pkg_dir=${1:?package tree from cargo pgrx package}
out_dir=${2:?output directory}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
name=postgresql-15-csmetrics
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

libdir=/usr/lib/postgresql/15/lib
extdir=/usr/share/postgresql/15/extension
install -d "$root$libdir" "$root$extdir" "$root/usr/share/doc/$name" "$root/DEBIAN"
install -m 644 "$pkg_dir$libdir/csmetrics.so" "$root$libdir/"
install -m 644 "$pkg_dir$extdir"/csmetrics* sql/released/*.sql "$root$extdir/"
# The manual: the README and the pages it links to, in the same layout so its links work.
install -d "$root/usr/share/doc/$name/docs"
install -m 644 README.md "$root/usr/share/doc/$name/"
install -m 644 docs/*.md "$root/usr/share/doc/$name/docs/"
cat >"$root/usr/share/doc/$name/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: csmetrics
License: PostgreSQL
COPYRIGHT
size=$(du -sk "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: csmetrics developers <csmetrics@localhost>
Depends: postgresql-15, libc6, libgcc-s1
Section: database
Priority: optional
Installed-Size: $size
Description: customer-success KPIs computed inside PostgreSQL 15
 NPS, CSAT, CES and the rest as aggregates with rollups, parallel query and
 moving windows. Trusted extension: CREATE EXTENSION csmetrics.
CONTROL
mkdir -p "$out_dir"
deb="$out_dir/${name}_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
