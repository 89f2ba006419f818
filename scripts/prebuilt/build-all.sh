#!/usr/bin/env bash
# Builds the prebuilt addon of every platform the package ships (npm run build:prebuilt): linux-x64
# natively, linux-arm64 and linux-arm (armv7) cross-compiled. Each build caches its stages, so a
# second run only relinks the addons. As root on Debian 12 x64.
set -euo pipefail
cd "$(dirname "$0")"
for target in linux-x64 linux-arm64 linux-arm; do
  bash build-linux.sh "$target"
done
