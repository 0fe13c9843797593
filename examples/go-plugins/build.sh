#!/usr/bin/env bash
# Builds every example Go output plugin as a c-shared .so next to its sources:
#   examples/go-plugins/build.sh && agent -e examples/go-plugins/out_gstdout/out_gstdout.so -i cpu -o gstdout
set -euo pipefail
cd "$(dirname "$0")"
for dir in out_*/; do
  name=${dir%/}
  (cd "$name" && go build -buildmode=c-shared -o "$name.so" .)
  echo "built $name/$name.so"
done
