#!/usr/bin/env bash
# Sets up camera-mosaic on Debian 12 (as root): the system packages it builds and tests with,
# the npm dependencies, and the build (native addon + TypeScript). Safe to run again.
# --test also builds the prebuilt addons of every platform with their bundled FFmpeg
# (scripts/prebuilt/: x64, and arm64 and armv7 cross-compiled; about 20 minutes the first time on
# two cores, cached under /var/cache after), which the packaging and platform tests install as a
# user would, and the tools of the platform tests (Debian roots under qemu). The x64 one is built
# here; the arm ones go on in the background, and the tests that need them wait for them.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build: C++ toolchain, cmake for cmake-js, FFmpeg's and FreeType's (tile labels) -dev files
  g++ make cmake pkg-config
  libavformat-dev libavcodec-dev libavdevice-dev libswscale-dev libavutil-dev libfreetype-dev
  # the labels' default font (DejaVu Sans Bold), also copied into dist/fonts by the build
  fonts-dejavu-core
  # tests and benchmarks: the ffmpeg CLI (reference decoder and the xstack reference),
  # GStreamer's RTSP server for real test cameras
  ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  # a second kind of WHEP viewer: GStreamer's webrtcbin, whose ICE is libnice's
  gstreamer1.0-nice gir1.2-gst-plugins-bad-1.0
  # the player page's tests: headless Chromium, driven by playwright-core
  chromium
  # the publishing tests: a real Janus, in a network namespace the test makes (ip netns)
  janus iproute2 openssl
  # the label test: OCR reads each camera's name back from a snapshot
  tesseract-ocr tesseract-ocr-eng
  # benchmarks: GNU time reads a finished process's CPU and peak RSS from the kernel
  time
)
if [[ "${1:-}" == "--test" ]]; then
  # the platform tests: Debian roots made by debootstrap, arm ones run by qemu through binfmt_misc
  packages+=(debootstrap qemu-user-static binfmt-support)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
npm run build
if [[ "${1:-}" == "--test" ]]; then
  # The roots are mostly downloads: they overlap the prebuilts' compile rather than follow it.
  node scripts/platforms/makeRootsInBackground.mjs
  bash scripts/prebuilt/build-linux.sh linux-x64
  # Nothing in npm test needs the arm prebuilts before its packaging test, which runs last: they
  # use the cores the tests leave idle (scripts/prebuilt/build-in-background.sh says how).
  bash scripts/prebuilt/build-in-background.sh linux-arm64 linux-arm
fi
