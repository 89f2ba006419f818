#!/usr/bin/env bash
# Makes (once) a minimal Debian root for the platform tests and prints its path.
#
#   scripts/platforms/debianRoot.sh <suite> <arch> [package ...]
#
# The root is cached under $CAMERA_MOSAIC_PLATFORM_CACHE (default /var/cache/camera-mosaic)/roots,
# named by what it holds: suite, architecture, the sorted package list and this script's own hash,
# so a change to any of them makes a new root and a second run takes no time. Callers must keep a
# cached root pristine (the tests mount an overlay over it). A foreign architecture is made in two
# stages, the second run inside the root under qemu-user-static through binfmt_misc, which is
# mounted here when absent. Fails, saying why, when the root cannot be made.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <suite> <arch> [package ...]" >&2
  exit 2
fi
suite=$1
arch=$2
shift 2
mirror=${CAMERA_MOSAIC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${CAMERA_MOSAIC_PLATFORM_CACHE:-/var/cache/camera-mosaic}
packages=$(printf '%s\n' "$@" | sort -u | paste -sd, -)
script_hash=$(sha256sum "$0" | cut -c1-12)
key=$(printf '%s\n' "$suite" "$arch" "$packages" "$mirror" "$script_hash" | sha256sum | cut -c1-16)
root="$cache/roots/$suite-$arch-$key"

# A foreign root runs under qemu-user-static, cached or not: binfmt_misc must be there (it is
# gone after a reboot or in a fresh container).
host_arch=$(dpkg --print-architecture)
declare -A qemu_of=([arm64]=aarch64 [armhf]=arm [armel]=arm [i386]=i386 [ppc64el]=ppc64le [riscv64]=riscv64 [s390x]=s390x)
qemu=""
if [[ "$arch" != "$host_arch" ]]; then
  qemu=${qemu_of[$arch]:-}
  if [[ -z "$qemu" || ! -x "/usr/bin/qemu-$qemu-static" ]]; then
    echo "cannot run a $arch root: no /usr/bin/qemu-${qemu:-?}-static (apt-get install qemu-user-static binfmt-support)" >&2
    exit 1
  fi
  if [[ ! -e /proc/sys/fs/binfmt_misc/status ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  if [[ ! -e "/proc/sys/fs/binfmt_misc/qemu-$qemu" ]]; then
    update-binfmts --enable "qemu-$qemu" >&2 || true
  fi
  if [[ ! -e "/proc/sys/fs/binfmt_misc/qemu-$qemu" ]]; then
    echo "cannot run a $arch root: binfmt_misc has no qemu-$qemu entry (apt-get install binfmt-support qemu-user-static)" >&2
    exit 1
  fi
fi

if [[ -f "$root/.camera-mosaic-root" ]]; then
  echo "$root"
  exit 0
fi

for tool in debootstrap chroot flock; do
  command -v "$tool" >/dev/null || {
    echo "cannot make the $suite/$arch root: $tool is not installed (apt-get install debootstrap)" >&2
    exit 1
  }
done
mkdir -p "$cache/roots"
# One maker per root: a second run waits for the first instead of building the same root twice.
exec 9>"$root.lock"
flock -w 1800 9 || {
  echo "cannot make the $suite/$arch root: $root.lock held for 30 min" >&2
  exit 1
}
if [[ -f "$root/.camera-mosaic-root" ]]; then
  echo "$root"
  exit 0
fi


work="$root.partial"
log="$root.log"
unmount_work() {
  # Whatever the second stage left mounted (debootstrap mounts /proc and /sys itself).
  local mounted
  for mounted in $(findmnt -rn -o TARGET | grep -F "$work/" | sort -r || true); do
    umount -l "$mounted" || true
  done
}
trap unmount_work EXIT
unmount_work
rm -rf "$work"

include=()
[[ -n "$packages" ]] && include=("--include=$packages")
# Not `( … ) || …`: bash ignores set -e inside a command whose status is tested.
set +e
(
  set -e
  if [[ -z "$qemu" ]]; then
    debootstrap --variant=minbase --arch="$arch" "${include[@]}" "$suite" "$work" "$mirror"
  else
    debootstrap --foreign --variant=minbase --arch="$arch" "${include[@]}" "$suite" "$work" "$mirror"
    # The binfmt entry's interpreter is looked up inside the root (flags without F).
    interpreter=$(sed -n 's/^interpreter //p' "/proc/sys/fs/binfmt_misc/qemu-$qemu")
    mkdir -p "$work$(dirname "$interpreter")"
    cp "/usr/bin/qemu-$qemu-static" "$work$interpreter"
    cp "/usr/bin/qemu-$qemu-static" "$work/usr/bin/"
    chroot "$work" /debootstrap/debootstrap --second-stage
  fi
  unmount_work
  chroot "$work" apt-get clean
  rm -rf "$work"/var/lib/apt/lists/*
  printf 'suite=%s\narch=%s\npackages=%s\nmirror=%s\nscript=%s\nmade=%s\n' \
    "$suite" "$arch" "$packages" "$mirror" "$script_hash" "$(date -u +%FT%TZ)" >"$work/.camera-mosaic-root"
) >"$log" 2>&1
made=$?
set -e
if [[ $made -ne 0 ]]; then
  echo "cannot make the $suite/$arch root from $mirror (log: $log):" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
mv "$work" "$root"
# Roots with the same packages made by an older version of this script are never used again.
for old in "$cache/roots/$suite-$arch-"*/.camera-mosaic-root; do
  old=$(dirname "$old")
  if [[ "$old" != "$root" ]] && grep -qxF "packages=$packages" "$old/.camera-mosaic-root"; then
    rm -rf "$old" "$old.lock" "$old.log"
  fi
done
echo "$root"
