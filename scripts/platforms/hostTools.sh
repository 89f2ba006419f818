#!/usr/bin/env bash
# Installs what the platform tests need on this machine when it is missing: debootstrap to make
# the Debian roots, qemu-user-static and binfmt-support to run the foreign ones. As root, on
# Debian or Ubuntu; a fresh CI machine has an empty apt list, hence the update first.
set -euo pipefail

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
[[ -x /usr/bin/qemu-aarch64-static && -x /usr/bin/qemu-arm-static ]] || missing+=(qemu-user-static)
command -v update-binfmts >/dev/null || missing+=(binfmt-support)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "the platform tests need root and ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
