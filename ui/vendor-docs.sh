#!/usr/bin/env bash
# Vendors Swagger UI (the npm package swagger-ui-dist) for the /docs page into
# pb_public/assets/vendor/swagger-ui/, which the binary embeds: the page loads
# nothing from another host.
#
# The tarball comes from the npm registry through `npm pack` and must match
# the sha512 integrity pinned below (the "integrity" of `npm view
# swagger-ui-dist@VERSION dist.integrity`). To upgrade: set VERSION and
# INTEGRITY to the new release's values, run this script, check /docs in a
# browser and run `go test ./ui/ ./e2e/ -run Docs`. Needs npm and openssl.
#
# Only what the page uses is copied, byte for byte as released: the bundle
# (Swagger UI with React and its other dependencies), the stylesheets
# (index.css is the package's 202-byte page reset: no body margin), and the
# licence texts (Apache-2.0 LICENSE and NOTICE, and the bundled packages'
# licences). No source maps, no standalone preset (its top bar is a URL box
# for loading other documents), no sample page.
set -euo pipefail

VERSION=5.35.0
INTEGRITY=sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==
FILES=(swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css index.css LICENSE NOTICE)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=$root/pb_public/assets/vendor/swagger-ui
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tarball=$(cd "$tmp" && npm pack --silent "swagger-ui-dist@$VERSION" | tail -n 1)
[ -f "$tmp/$tarball" ] || { echo "vendor-docs: npm pack swagger-ui-dist@$VERSION gave no tarball" >&2; exit 1; }

got="sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | base64 | tr -d '\n')"
if [ "$got" != "$INTEGRITY" ]; then
	echo "vendor-docs: swagger-ui-dist@$VERSION integrity mismatch" >&2
	echo "  pinned: $INTEGRITY" >&2
	echo "  got:    $got" >&2
	exit 1
fi

mkdir -p "$tmp/x"
tar -xzf "$tmp/$tarball" -C "$tmp/x"
rm -rf "$dest"
mkdir -p "$dest"
for f in "${FILES[@]}"; do
	cp "$tmp/x/package/$f" "$dest/$f"
done
chmod 644 "$dest"/*
echo "vendor-docs: swagger-ui-dist@$VERSION ($INTEGRITY) into ${dest#"$root"/}:"
(cd "$dest" && wc -c "${FILES[@]}")
