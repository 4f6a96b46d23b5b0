#!/usr/bin/env bash
# Installs what weft's build and tests need on a fresh Debian machine, and
# nothing that is already there: cmake and a C compiler, Emscripten (Debian's
# `emscripten` package, 3.1.6 on bookworm) when emcc is missing, Node packages
# with `npm ci` (playwright-core and puppeteer-core among them: they drive
# the system's browsers and never download one). Debian's `chromium` and
# `firefox-esr` for the browser tests are installed by
# `ensure-toolchain.sh --browser`, which `npm test` passes.
# The reliability suite (scripts/reliability.mjs) needs valgrind and clang
# with libFuzzer's runtime (Debian's libclang-rt-14-dev on bookworm).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
command -v emcc >/dev/null 2>&1 || need+=(emscripten)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v clang >/dev/null 2>&1 || need+=(clang)
# The ZIP tests judge archives with Info-ZIP's unzip (and zip for the
# benchmark's peer); zlib lets the native ZIP writer deflate.
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v zip >/dev/null 2>&1 || need+=(zip)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}' |
  clang -fsanitize=fuzzer -x c - -o /tmp/weft-fuzz-probe >/dev/null 2>&1; then
  need+=(libclang-rt-dev)
fi
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v firefox-esr >/dev/null 2>&1 || need+=(firefox-esr)
fi
# Debian's gcc ships ASan/UBSan runtimes as separate libraries.
if ! echo 'int main(void){return 0;}' | cc -fsanitize=address,undefined -x c - -o /tmp/weft-asan-probe >/dev/null 2>&1; then
  need+=(libasan8 libubsan1)
fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "weft: installing ${need[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "weft: installing ${need[*]} with sudo apt-get" >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "weft: missing ${need[*]} and apt-get is not usable here; install them and retry" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ] || [ ! -d node_modules/playwright-core ] ||
  [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/typescript ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The other Node majors npm test runs the package, example and JS-bridge
# tests under (tests/majors: Node 22, 24 and 26 from npm, pinned by its lock
# file; npm ci reuses the npm cache, so a machine that has them once needs
# no network for them again).
if [ "${1:-}" = "--browser" ]; then
  if [ ! -d tests/majors/node_modules ] || [ tests/majors/package-lock.json -nt tests/majors/node_modules ]; then
    (cd tests/majors && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  fi
fi
