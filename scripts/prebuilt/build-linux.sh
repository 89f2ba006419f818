#!/usr/bin/env bash
# Builds the prebuilt addon for one Linux target, as sharp does for libvips: a static,
# position-independent x264, a minimal FFmpeg (only what camera-mosaic uses) and FreeType (tile
# labels), all from Debian 12's source packages at pinned versions, linked into
# prebuilds/<target>/camera_mosaic.node. Targets other than this machine's are cross-compiled with
# Debian's cross toolchains (crossbuild-essential-<arch>) against the target's multiarch GnuTLS.
# The only shared libraries the addon needs beyond glibc and libstdc++ are GnuTLS (rtsps://), which
# every Debian / Raspberry Pi OS has (apt itself depends on libgnutls30).
#
# Rerunnable: each library stage leaves a stamp under /var/cache/camera-mosaic/prebuilt/<target>/
# stamps/ (CAMERA_MOSAIC_PREBUILT_CACHE moves it), named after the pinned versions and configure
# lines, and is skipped while that stamp exists; changing a pin or a flag rebuilds what depends on
# it. The sources are unpacked once and built out of tree, so the targets share them. The addon is
# built in native/build-prebuilt/<target>/ and relinked every run.
# Compiles run under `nice -n 19` with JOBS (default 2) jobs.
#
#   bash scripts/prebuilt/build-linux.sh [linux-x64|linux-arm64|linux-arm]   # default: this machine
#   (as root on Debian 12 x64: it installs the build tools, and for arm the cross toolchains)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

FFMPEG_VERSION='7:5.1.9-0+deb12u1'
X264_VERSION='2:0.164.3095+gitbaee400-3'
FREETYPE_VERSION='2.12.1+dfsg-5+deb12u4'
JOBS=${JOBS:-2}

host_target=$(node -p '"linux-" + process.arch')
target=${1:-$host_target}
# Per target: Debian's architecture, the GNU triplet of its toolchain, FFmpeg's --arch (and CPU
# flags), and the ELF machine readelf must report for the result.
case $target in
  linux-x64)
    deb_arch=amd64 triplet=x86_64-linux-gnu ffmpeg_arch=(--arch=x86_64) elf_machine='X86-64'
    ;;
  linux-arm64)
    # ARMv8 always has NEON (Advanced SIMD); FFmpeg and x264 use it unconditionally there.
    deb_arch=arm64 triplet=aarch64-linux-gnu ffmpeg_arch=(--arch=aarch64) elf_machine='AArch64'
    ;;
  linux-arm)
    # Debian's armhf baseline is ARMv7 with VFPv3-D16. NEON is optional in ARMv7 but present in
    # every Raspberry Pi from the 2 on; FFmpeg checks for it at run time, x264 builds for it.
    deb_arch=armhf triplet=arm-linux-gnueabihf elf_machine='ARM'
    ffmpeg_arch=(--arch=arm --enable-neon)
    ;;
  *)
    echo "prebuilt: unknown target '$target' (linux-x64, linux-arm64 or linux-arm)" >&2
    exit 2
    ;;
esac
cross=$([[ $target != "$host_target" ]] && echo yes || echo no)

# The libraries depend only on the pins and flags their stamps name, not on this checkout, so they
# are built once per machine under /var/cache (CI builds in a fresh clone every run); the addon is
# built in the checkout.
build=${CAMERA_MOSAIC_PREBUILT_CACHE:-/var/cache/camera-mosaic/prebuilt}
work=$build/$target
prefix=$work/prefix
stamps=$work/stamps
addon_build=$root/native/build-prebuilt/$target
out=$root/prebuilds/$target
mkdir -p "$build/src" "$build/stamps" "$prefix" "$stamps"
make_j=(nice -n 19 make -j"$JOBS")

elapsed() { echo "prebuilt[$target]: $1 took $(($(date +%s) - $2)) s"; }
total_start=$(date +%s)

# --- tools ------------------------------------------------------------------------------------
# libunistring-dev: `pkg-config --static gnutls` names -lunistring, which FFmpeg's configure links.
tools=(g++ make cmake pkg-config nasm dpkg-dev "libgnutls28-dev:$deb_arch" "libunistring-dev:$deb_arch")
[[ $cross == yes ]] && tools+=("crossbuild-essential-$deb_arch")
if [[ $cross == yes ]] && ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
  echo "prebuilt: adding the $deb_arch architecture to dpkg (for libgnutls28-dev:$deb_arch)"
  dpkg --add-architecture "$deb_arch"
fi
missing=()
for package in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "prebuilt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # apt upgrades a multiarch -dev package's host twin with it: both must be the same version.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# cmake-js and node-addon-api come from the devDependencies (scripts/setup.sh runs npm ci).
if [[ ! -x node_modules/.bin/cmake-js ]]; then
  echo "prebuilt: node_modules/.bin/cmake-js is missing: run npm ci (or scripts/setup.sh) first" >&2
  exit 1
fi

# Cross builds see only the target's .pc files (GnuTLS and its dependencies for $deb_arch).
if [[ $cross == yes ]]; then
  export PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig
fi

# --- sources: Debian's source packages, pinned, unpacked once for every target ---------------------
# A private deb-src list, so the machine's own apt configuration is left as it is.
apt_dir=$build/apt
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir"
  -o Dir::State::Lists="$apt_dir/lists")
private_apt_update() {
  rm -rf "$apt_dir" && mkdir -p "$apt_dir/lists/partial"
  # The machine's own Debian archive entries (whatever mirror it uses), as deb-src.
  for list in /etc/apt/sources.list.d/*.sources; do
    [[ -e $list ]] && grep -q 'debian-archive-keyring' "$list" &&
      sed 's/^Types: deb$/Types: deb-src/' "$list" >"$apt_dir/$(basename "$list")"
  done
  if [[ -f /etc/apt/sources.list ]]; then
    grep -E '^deb [^[:space:]]*debian' /etc/apt/sources.list | sed 's/^deb /deb-src /' >"$apt_dir/sources-list.list" || true
  fi
  apt-get "${apt_opts[@]}" update -qq
}
# Unpacked trees stay pristine (every target builds out of tree), so one unpack serves all.
sources_stamp=$build/stamps/sources-${FFMPEG_VERSION//:/_}-${X264_VERSION//:/_}-${FREETYPE_VERSION//:/_}
if [[ ! -e $sources_stamp ]]; then
  start=$(date +%s)
  private_apt_update
  rm -rf "$build/src" "$build/stamps" && mkdir -p "$build/src" "$build/stamps"
  (cd "$build/src" && apt-get "${apt_opts[@]}" source --download-only \
    "ffmpeg=$FFMPEG_VERSION" "x264=$X264_VERSION" "freetype=$FREETYPE_VERSION")
  # dpkg-source checks each .dsc's signature and checksums, then applies Debian's patches.
  (cd "$build/src" && for dsc in ./*.dsc; do dpkg-source -x "$dsc"; done)
  touch "$sources_stamp"
  elapsed sources "$start"
fi
ffmpeg_src=$(find "$build/src" -maxdepth 1 -type d -name 'ffmpeg-*' | head -n1)
x264_src=$(find "$build/src" -maxdepth 1 -type d -name 'x264-*' | head -n1)
freetype_src=$(find "$build/src" -maxdepth 1 -type d -name 'freetype-*' | head -n1)
# A stage's stamp also names the sources it was built from.
sources_id=$(basename "$sources_stamp")

# Runs a configure + make + make install in a fresh build folder of this target.
build_out_of_tree() {
  local name=$1 source=$2
  shift 2
  rm -rf "$work/$name" && mkdir -p "$work/$name"
  (
    cd "$work/$name"
    "$source/configure" "$@"
    "${make_j[@]}"
    make install
  )
}

# --- x264: static, PIC, 8-bit 4:2:0 only (the encoder feeds it yuv420p) ---------------------------
x264_configure=(
  --prefix="$prefix" --enable-static --enable-pic --disable-cli
  --bit-depth=8 --chroma-format=420 --disable-opencl --disable-avs --disable-swscale
  --disable-lavf --disable-ffms --disable-gpac --disable-lsmash
)
[[ $cross == yes ]] && x264_configure+=(--host="$triplet" --cross-prefix="$triplet-")
x264_stamp=$stamps/x264-$(printf '%s\n' "$sources_id" "${x264_configure[@]}" | sha256sum | cut -c1-12)
if [[ ! -e $x264_stamp ]]; then
  rm -f "$stamps"/ffmpeg-*
  start=$(date +%s)
  build_out_of_tree x264 "$x264_src" "${x264_configure[@]}"
  touch "$x264_stamp"
  elapsed x264 "$start"
fi

# --- FFmpeg: only the parts camera-mosaic uses ----------------------------------------------------
# Inputs: RTSP/RTP (rtsps through GnuTLS), decoders H.264/H.265/MJPEG (+ rawvideo for the lavfi
# demo sources); outputs: libx264, MJPEG snapshots, RTSP/RTP publishing; the lavfi device with the
# test sources that demo: URLs name (native/src/url_text.cc).
ffmpeg_configure=(
  --prefix="$prefix" --pkg-config-flags=--static --pkg-config=pkg-config
  --enable-static --disable-shared --enable-pic
  --enable-gpl --enable-libx264 --enable-gnutls
  --disable-autodetect --enable-pthreads
  --disable-programs --disable-doc --disable-debug --disable-everything
  --enable-avdevice --enable-avfilter --enable-swscale
  --disable-swresample --disable-postproc
  --enable-network
  --enable-protocol=tcp,udp,rtp,tls,http
  --enable-demuxer=rtsp,rtp,sdp
  --enable-muxer=rtsp,rtp
  --enable-decoder=h264,hevc,mjpeg,rawvideo,wrapped_avframe
  --enable-parser=h264,hevc,mjpeg
  --enable-encoder=libx264,mjpeg
  --enable-indev=lavfi
  --enable-filter=buffersink,format,scale,null,testsrc,testsrc2,smptebars,smptehdbars,rgbtestsrc,yuvtestsrc,color,mandelbrot,life,cellauto,pal75bars,pal100bars,allrgb,allyuv
  "${ffmpeg_arch[@]}"
)
[[ $cross == yes ]] && ffmpeg_configure+=(--enable-cross-compile --target-os=linux --cross-prefix="$triplet-")
ffmpeg_stamp=$stamps/ffmpeg-$(printf '%s\n' "$sources_id" "${ffmpeg_configure[@]}" | sha256sum | cut -c1-12)
if [[ ! -e $ffmpeg_stamp ]]; then
  start=$(date +%s)
  PKG_CONFIG_PATH=$prefix/lib/pkgconfig build_out_of_tree ffmpeg "$ffmpeg_src" "${ffmpeg_configure[@]}"
  touch "$ffmpeg_stamp"
  elapsed ffmpeg "$start"
fi

# --- FreeType: static, PIC, TrueType/OpenType rendering with no optional libraries ----------------
# Without zlib, bzip2, libpng, brotli and HarfBuzz the archive needs nothing beyond libc (gzip'd
# fonts still load through FreeType's own copy of zlib's inflate), and the .node stays free of them.
freetype_configure=(
  --prefix="$prefix" --enable-static --disable-shared --with-pic
  --without-zlib --without-bzip2 --without-png --without-brotli --without-harfbuzz
)
[[ $cross == yes ]] && freetype_configure+=(--host="$triplet")
freetype_stamp=$stamps/freetype-$(printf '%s\n' "$sources_id" "${freetype_configure[@]}" | sha256sum | cut -c1-12)
if [[ ! -e $freetype_stamp ]]; then
  start=$(date +%s)
  build_out_of_tree freetype "$freetype_src" "${freetype_configure[@]}"
  touch "$freetype_stamp"
  elapsed freetype "$start"
fi

# --- the addon, against that prefix ------------------------------------------------------------------
# Always rebuilt (the sources change far more often than FFmpeg); cmake only recompiles what changed.
start=$(date +%s)
# Hashed before compiling, so an edit made while it compiles marks this build stale, not fresh.
source_hash=$(node scripts/prebuilt/nativeSourceHash.mjs)
cmake_cross=()
if [[ $cross == yes ]]; then
  cmake_cross=(--CDCMAKE_SYSTEM_NAME=Linux --CDCMAKE_SYSTEM_PROCESSOR="${triplet%%-*}"
    --CDCMAKE_C_COMPILER="$triplet-gcc" --CDCMAKE_CXX_COMPILER="$triplet-g++")
fi
CMAKE_BUILD_PARALLEL_LEVEL=$JOBS nice -n 19 npx --no-install cmake-js compile --directory native \
  --out "$addon_build" --CDCAMERA_MOSAIC_FFMPEG_PREFIX="$prefix" "${cmake_cross[@]}"
built=$addon_build/Release/camera_mosaic.node

# What the binary needs from the machine that loads it: its ELF machine, shared libraries and the
# newest glibc symbol version (the oldest glibc it runs on).
machine=$(readelf -h "$built" | sed -n 's/^ *Machine: *//p')
needed=$(readelf -d "$built" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd ' ')
glibc=$(readelf -V "$built" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
if [[ $machine != *"$elf_machine"* ]]; then
  echo "prebuilt: $built is for '$machine', not $elf_machine" >&2
  exit 1
fi
if grep -Eq 'lib(av[a-z]+|swscale|x264|freetype)\.so' <<<"$needed"; then
  echo "prebuilt: $built still needs a shared library it should bundle: $needed" >&2
  exit 1
fi

mkdir -p "$out"
# Written beside, then renamed: a process that has the old file mapped keeps it intact.
strip_tool=strip
[[ $cross == yes ]] && strip_tool=$triplet-strip
"$strip_tool" --strip-unneeded -o "$out/camera_mosaic.node.tmp" "$built"
mv -f "$out/camera_mosaic.node.tmp" "$out/camera_mosaic.node"
# The licences travel with the binary (GPL-2.0-or-later as a whole: x264 is GPL).
mkdir -p "$out/licenses"
cp "$ffmpeg_src/LICENSE.md" "$out/licenses/FFmpeg-LICENSE.md"
cp "$ffmpeg_src/COPYING.GPLv2" "$ffmpeg_src/COPYING.LGPLv2.1" "$out/licenses/"
cp "$x264_src/COPYING" "$out/licenses/x264-COPYING"
cp "$freetype_src/docs/FTL.TXT" "$out/licenses/FreeType-FTL.TXT"
{
  echo "camera_mosaic.node for $target ($machine), built $(date -u +%F) by scripts/prebuilt/build-linux.sh"
  echo "needs: glibc $glibc or newer; shared libraries $needed"
  echo "native sources: sha256 $source_hash"
  echo "FFmpeg: Debian source package ffmpeg $FFMPEG_VERSION (LGPL-2.1+, GPL-2+ as configured)"
  echo "x264:   Debian source package x264 $X264_VERSION (GPL-2+)"
  echo "FreeType: Debian source package freetype $FREETYPE_VERSION (FTL or GPL-2+)"
  echo "Sources: apt-get source ffmpeg=$FFMPEG_VERSION x264=$X264_VERSION" \
    "freetype=$FREETYPE_VERSION"
  echo "Toolchain: $("$triplet-g++" --version | head -n1)"
  echo "FFmpeg configure: ${ffmpeg_configure[*]//$root\//}"
  echo "x264 configure: ${x264_configure[*]//$root\//}"
  echo "FreeType configure: ${freetype_configure[*]//$root\//}"
} >"$out/BUILDINFO.txt"
elapsed addon "$start"
elapsed "everything" "$total_start"
ls -l "$out"
