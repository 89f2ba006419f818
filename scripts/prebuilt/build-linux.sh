#!/usr/bin/env bash
# Builds the prebuilt addon for this machine's platform, as sharp does for libvips: a static,
# position-independent x264, a minimal FFmpeg (only what camera-mosaic uses) and FreeType (tile
# labels), all from Debian's source packages at pinned versions, linked into
# prebuilds/<platform>-<arch>/camera_mosaic.node.
# The only shared libraries it needs beyond glibc and libstdc++ are GnuTLS (rtsps://), which every
# Debian / Raspberry Pi OS has (apt itself depends on libgnutls30).
#
# Rerunnable: each stage leaves a stamp under native/build-prebuilt/stamps/, named after the pinned
# versions (and, for FFmpeg and FreeType, their configure lines), and is skipped while that stamp
# exists; changing a pin or a flag rebuilds what depends on it. The addon is relinked every run.
# Compiles run under `nice -n 19` with JOBS (default 2) jobs.
#
#   bash scripts/prebuilt/build-linux.sh          # as root on Debian 12 (installs build tools)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

FFMPEG_VERSION='7:5.1.9-0+deb12u1'
X264_VERSION='2:0.164.3095+gitbaee400-3'
FREETYPE_VERSION='2.12.1+dfsg-5+deb12u4'
JOBS=${JOBS:-2}

build=$root/native/build-prebuilt
prefix=$build/prefix
stamps=$build/stamps
target=$(node -p 'process.platform + "-" + process.arch')
out=$root/prebuilds/$target
mkdir -p "$build/src" "$prefix" "$stamps"
make_j=(nice -n 19 make -j"$JOBS")

elapsed() { echo "prebuilt: $1 took $(($(date +%s) - $2)) s"; }
total_start=$(date +%s)

# --- tools ------------------------------------------------------------------------------------
# libunistring-dev: `pkg-config --static gnutls` names -lunistring, which FFmpeg's configure links.
tools=(g++ make cmake pkg-config nasm dpkg-dev libgnutls28-dev libunistring-dev)
missing=()
for package in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "prebuilt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# cmake-js and node-addon-api come from the devDependencies (scripts/setup.sh runs npm ci).
if [[ ! -x node_modules/.bin/cmake-js ]]; then
  echo "prebuilt: node_modules/.bin/cmake-js is missing: run npm ci (or scripts/setup.sh) first" >&2
  exit 1
fi

# --- sources: Debian's source packages, pinned ----------------------------------------------------
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
sources_stamp=$stamps/sources-${FFMPEG_VERSION//:/_}-${X264_VERSION//:/_}
if [[ ! -e $sources_stamp ]]; then
  start=$(date +%s)
  private_apt_update
  rm -rf "$build/src" && mkdir -p "$build/src"
  (cd "$build/src" && apt-get "${apt_opts[@]}" source --download-only \
    "ffmpeg=$FFMPEG_VERSION" "x264=$X264_VERSION")
  # dpkg-source checks each .dsc's signature and checksums, then applies Debian's patches.
  (cd "$build/src" && for dsc in ./*.dsc; do dpkg-source -x "$dsc"; done)
  rm -f "$stamps"/*
  touch "$sources_stamp"
  elapsed sources "$start"
fi
# FreeType on its own stamp, so adding or moving its pin does not fetch and rebuild FFmpeg too.
freetype_sources_stamp=$stamps/sources-freetype-${FREETYPE_VERSION//:/_}
if [[ ! -e $freetype_sources_stamp ]]; then
  start=$(date +%s)
  private_apt_update
  rm -rf "$build/src"/freetype[-_]* "$stamps"/freetype-* "$stamps"/sources-freetype-*
  (cd "$build/src" &&
    apt-get "${apt_opts[@]}" source --download-only "freetype=$FREETYPE_VERSION" &&
    dpkg-source -x "freetype_${FREETYPE_VERSION#*:}.dsc")
  touch "$freetype_sources_stamp"
  elapsed "freetype sources" "$start"
fi
ffmpeg_src=$(find "$build/src" -maxdepth 1 -type d -name 'ffmpeg-*' | head -n1)
x264_src=$(find "$build/src" -maxdepth 1 -type d -name 'x264-*' | head -n1)
freetype_src=$(find "$build/src" -maxdepth 1 -type d -name 'freetype-*' | head -n1)

# --- x264: static, PIC, 8-bit 4:2:0 only (the encoder feeds it yuv420p) ---------------------------
if [[ ! -e $stamps/x264 ]]; then
  rm -f "$stamps"/ffmpeg-*
  start=$(date +%s)
  (
    cd "$x264_src"
    make distclean >/dev/null 2>&1 || true
    ./configure --prefix="$prefix" --enable-static --enable-pic --disable-cli \
      --bit-depth=8 --chroma-format=420 --disable-opencl --disable-avs --disable-swscale \
      --disable-lavf --disable-ffms --disable-gpac --disable-lsmash
    "${make_j[@]}"
    make install
  )
  touch "$stamps/x264"
  elapsed x264 "$start"
fi

# --- FFmpeg: only the parts camera-mosaic uses ----------------------------------------------------
# Inputs: RTSP/RTP (rtsps through GnuTLS), decoders H.264/H.265/MJPEG (+ rawvideo for the lavfi
# demo sources); outputs: libx264, MJPEG snapshots, RTSP/RTP publishing; the lavfi device with the
# test sources that demo: URLs name (native/src/url_text.cc).
ffmpeg_configure=(
  --prefix="$prefix" --pkg-config-flags=--static
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
)
ffmpeg_stamp=$stamps/ffmpeg-$(printf '%s\n' "${ffmpeg_configure[@]}" | sha256sum | cut -c1-12)
if [[ ! -e $ffmpeg_stamp ]]; then
  start=$(date +%s)
  (
    cd "$ffmpeg_src"
    make distclean >/dev/null 2>&1 || true
    PKG_CONFIG_PATH=$prefix/lib/pkgconfig ./configure "${ffmpeg_configure[@]}"
    "${make_j[@]}"
    make install
  )
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
freetype_stamp=$stamps/freetype-$(printf '%s\n' "${freetype_configure[@]}" | sha256sum | cut -c1-12)
if [[ ! -e $freetype_stamp ]]; then
  start=$(date +%s)
  (
    cd "$freetype_src"
    make distclean >/dev/null 2>&1 || true
    ./configure "${freetype_configure[@]}"
    "${make_j[@]}"
    make install
  )
  touch "$freetype_stamp"
  elapsed freetype "$start"
fi

# --- the addon, against that prefix ------------------------------------------------------------------
# Always rebuilt (the sources change far more often than FFmpeg); cmake only recompiles what changed.
start=$(date +%s)
CMAKE_BUILD_PARALLEL_LEVEL=$JOBS nice -n 19 npx --no-install cmake-js compile --directory native \
  --out native/build-prebuilt/addon --CDCAMERA_MOSAIC_FFMPEG_PREFIX="$prefix"
mkdir -p "$out"
# Written beside, then renamed: a process that has the old file mapped keeps it intact.
strip --strip-unneeded -o "$out/camera_mosaic.node.tmp" native/build-prebuilt/addon/Release/camera_mosaic.node
mv -f "$out/camera_mosaic.node.tmp" "$out/camera_mosaic.node"
if ldd "$out/camera_mosaic.node" | grep -Eq 'lib(av[a-z]+|swscale|x264|freetype)\.so'; then
  echo "prebuilt: $out/camera_mosaic.node still needs a shared library it should bundle:" >&2
  ldd "$out/camera_mosaic.node" >&2
  exit 1
fi
# The licences travel with the binary (GPL-2.0-or-later as a whole: x264 is GPL).
mkdir -p "$out/licenses"
cp "$ffmpeg_src/LICENSE.md" "$out/licenses/FFmpeg-LICENSE.md"
cp "$ffmpeg_src/COPYING.GPLv2" "$ffmpeg_src/COPYING.LGPLv2.1" "$out/licenses/"
cp "$x264_src/COPYING" "$out/licenses/x264-COPYING"
cp "$freetype_src/docs/FTL.TXT" "$out/licenses/FreeType-FTL.TXT"
{
  echo "camera_mosaic.node for $target, built $(date -u +%F) by scripts/prebuilt/build-linux.sh"
  echo "FFmpeg: Debian source package ffmpeg $FFMPEG_VERSION (LGPL-2.1+, GPL-2+ as configured)"
  echo "x264:   Debian source package x264 $X264_VERSION (GPL-2+)"
  echo "FreeType: Debian source package freetype $FREETYPE_VERSION (FTL or GPL-2+)"
  echo "Sources: apt-get source ffmpeg=$FFMPEG_VERSION x264=$X264_VERSION" \
    "freetype=$FREETYPE_VERSION"
  echo "FFmpeg configure: ${ffmpeg_configure[*]//$root\//}"
  echo "FreeType configure: ${freetype_configure[*]//$root\//}"
} >"$out/BUILDINFO.txt"
elapsed addon "$start"
elapsed "everything" "$total_start"
ls -l "$out"
