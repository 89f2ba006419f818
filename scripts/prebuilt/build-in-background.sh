#!/usr/bin/env bash
# Starts building the prebuilt addons of the given targets (build-linux.sh, one after the other)
# in the background, and returns at once. scripts/setup.sh --test uses it for the arm targets:
# on a fresh machine their FFmpeg cross-compiles take about 12 minutes of both cores, which the
# test run, mostly waiting on real-time video, leaves idle; nothing in `npm test` needs them until
# the packaging test, which runs last and waits for them (as the platform tests do).
#
# The build holds an exclusive flock(1) on $cache/background.lock from before this script returns
# until it ends (a waiter takes it shared: `flock -s background.lock true`), writes its output to
# $cache/background.log, and its outcome to $cache/background.status: `running <targets>`, `ok`
# or `failed <target>`. Bounded by timeout(1): it cannot outlive an hour.
#
#   bash scripts/prebuilt/build-in-background.sh linux-arm64 linux-arm
set -euo pipefail
cd "$(dirname "$0")"
cache=${CAMERA_MOSAIC_PREBUILT_CACHE:-/var/cache/camera-mosaic/prebuilt}
mkdir -p "$cache"
lock=$cache/background.lock log=$cache/background.log status=$cache/background.status

# Taken here, before the build starts, so that no waiter can look between this script returning
# and the build taking it; the build inherits the descriptor and holds the lock until it exits.
exec 9>"$lock"
if ! flock -n 9; then
  echo "setup: a background build of the prebuilt addons is already running (log: $log)" >&2
  exit 1
fi
targets=("$@")
echo "running ${targets[*]}" >"$status"
# The whole chain, compilers included, at the lowest CPU and I/O priority: the tests come first.
setsid nice -n 19 ionice -c 3 timeout 3600 bash -c '
  status=$1 log=$2
  shift 2
  for target in "$@"; do
    echo "=== $(date -u +%T) build-linux.sh $target"
    if ! bash build-linux.sh "$target"; then
      echo "failed $target" >"$status"
      exit 1
    fi
  done
  echo "=== $(date -u +%T) done"
  echo ok >"$status"
' background "$status" "$log" "${targets[@]}" >"$log" 2>&1 </dev/null &
echo "setup: building the prebuilt addons for ${targets[*]} in the background (log: $log)"
