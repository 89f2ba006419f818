#!/usr/bin/env bash
# `npm run test:sanitizers`: builds the addon with ThreadSanitizer (native/build-tsan) and with
# AddressSanitizer + UndefinedBehaviorSanitizer (native/build-asan), leaving native/build alone,
# and runs test/sanitizers/ (the stress scenario on real cameras, native objects dropped while
# they stop) once on each. Passes only when every test passes, none hangs, and no sanitizer
# reported anything. Needs the compiled TypeScript (npm run build:ts).
#
# Node itself is not instrumented, so the sanitizer's runtime is preloaded into node (it must be
# the first library loaded) and CAMERA_MOSAIC_NATIVE points the loader at the sanitizer build.
# Reports go to files under $SANITIZER_REPORTS (default: a new folder in /tmp) and are printed.
#
# SANITIZERS="thread" (or "address") runs one; SANITIZER_STRESS_MS sets the scenario's length.
set -euo pipefail
cd "$(dirname "$0")/../.."

sanitizers=(${SANITIZERS:-thread address})
reports=${SANITIZER_REPORTS:-$(mktemp -d /tmp/camera-mosaic-sanitizers.XXXXXX)}
mkdir -p "$reports"
# A reused folder must not carry an earlier run's reports into this one's verdict.
rm -f "$reports"/tsan.* "$reports"/asan.* "$reports"/ubsan.*
tests=(dist/test/sanitizers/droppedWhileStopping.test.js dist/test/sanitizers/mediaStress.test.js)
stress_ms=${SANITIZER_STRESS_MS:-30000}
# A hang is a failure too (two threads joining one media thread hang the JS thread): each file
# gets this long, the stress scenario its length on top. Then SIGABRT, which the sanitizer
# (handle_abort=1) answers with the stack of the thread that hangs.
limit_s=60
suppressions=scripts/sanitizers
failed=()

for test in "${tests[@]}"; do
  if [[ ! -f $test ]]; then
    echo "sanitizers: $test is missing; run npm run build:ts first" >&2
    exit 1
  fi
done

# The runtime the build links against, as the dynamic linker resolves it (libtsan.so.2 with
# Debian 12's gcc 12): preloading another version than the one the build expects fails.
runtime_of() {
  ldd "$1" | awk -v lib="$2" '$1 ~ "^" lib "\\.so" { print $3 }'
}

build() {
  local sanitizer=$1 out=$2
  echo "sanitizers: building the addon with -fsanitize=$sanitizer into $out"
  # nice: other work on the machine (timing-sensitive tests) keeps its CPU share.
  nice -n 10 npx --no-install cmake-js compile --directory native --out "$out" \
    --parallel "$(nproc)" --CDCAMERA_MOSAIC_SANITIZE="$sanitizer" >"$reports/build-$sanitizer.log" 2>&1 || {
    tail -40 "$reports/build-$sanitizer.log" >&2
    return 1
  }
}

# Runs each test file in its own node process (not under node --test's runner, which would be a
# second preloaded process) with the given preload and options; the tests' exit codes, a hang and
# the report files all count.
run_tests() {
  local name=$1 preload=$2 addon=$3
  shift 3
  local test started status limit
  for test in "${tests[@]}"; do
    echo "sanitizers: $test under $name"
    started=$SECONDS
    status=0
    limit=$limit_s
    [[ $test == *mediaStress* ]] && limit=$((limit_s + stress_ms / 1000))
    env "$@" LD_PRELOAD="$preload" CAMERA_MOSAIC_NATIVE="$PWD/$addon" CAMERA_MOSAIC_LOG=warn \
      SANITIZER_STRESS_MS="$stress_ms" timeout -s ABRT -k 10 "$limit" \
      node --test-reporter=spec "$test" || status=$?
    echo "sanitizers: $(basename "$test") under $name took $((SECONDS - started)) s, exit status $status"
    if ((status == 124 || status == 137)); then
      failed+=("$name: $(basename "$test") hung (killed after $limit s)")
    elif ((status != 0)); then
      failed+=("$name: $(basename "$test") failed (exit status $status)")
    fi
  done
  local found
  found=$(find "$reports" -name "$name.*" -type f -size +0 | sort)
  if [[ -n $found ]]; then
    echo "sanitizers: $name reported:" >&2
    for file in $found; do cat "$file" >&2; done
    failed+=("$name reported (files in $reports)")
  fi
}

for sanitizer in "${sanitizers[@]}"; do
  case $sanitizer in
    thread)
      build thread native/build-tsan
      addon=native/build-tsan/Release/camera_mosaic.node
      # ignore_noninstrumented_modules: accesses that node, V8, libuv, FFmpeg and GStreamer's
      # libraries make through intercepted functions (memcpy, ...) are not checked; their
      # synchronisation (pthread mutexes, condition variables, joins) still is, so our code's
      # happens-before edges through them are seen.
      run_tests tsan "$(runtime_of "$addon" libtsan)" "$addon" \
        TSAN_OPTIONS="ignore_noninstrumented_modules=1 history_size=4 second_deadlock_stack=1 \
report_signal_unsafe=0 handle_abort=1 suppressions=$PWD/$suppressions/tsan.supp log_path=$reports/tsan"
      ;;
    address)
      build address native/build-asan
      addon=native/build-asan/Release/camera_mosaic.node
      # detect_leaks=0: LeakSanitizer's exit-time check says nothing inside node (not even with
      # verbosity=1), and node frees nothing at exit anyway. What the addon owns is freed by RAII
      # at stop, while node runs; a use after that free is what ASan catches.
      run_tests asan "$(runtime_of "$addon" libasan)" "$addon" \
        ASAN_OPTIONS="detect_leaks=0 handle_abort=1 log_path=$reports/asan" \
        UBSAN_OPTIONS="print_stacktrace=1 suppressions=$PWD/$suppressions/ubsan.supp \
log_path=$reports/ubsan"
      # UBSan's reports have their own files.
      found=$(find "$reports" -name 'ubsan.*' -type f -size +0 | sort)
      if [[ -n $found ]]; then
        for file in $found; do cat "$file" >&2; done
        failed+=("ubsan (reports in $reports)")
      fi
      ;;
    *)
      echo "sanitizers: unknown sanitizer \"$sanitizer\" in SANITIZERS (thread, address)" >&2
      exit 1
      ;;
  esac
done

if ((${#failed[@]})); then
  echo "sanitizers: FAILED:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "sanitizers: clean (${sanitizers[*]})"
