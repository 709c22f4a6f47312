#!/usr/bin/env bash
# Installs what zrun needs on Debian 12 and builds the hardened libzmq (drafts on) once.
# Idempotent: a second run installs nothing and reuses the cached libzmq build.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="${ZRUN_DEPS_DIR:-$repo/.deps}"
patch="$repo/tools/libzmq-4.3.4-udp-hardening.patch"
packages=(build-essential cmake pkg-config dpkg-dev libczmq-dev libmicrohttpd-dev
          libcmocka-dev libcurl4-openssl-dev libjansson-dev libsodium-dev openjdk-17-jdk-headless
          libseccomp-dev valgrind curl procps iproute2 nftables
          chromium chromium-driver python3-selenium fonts-dejavu-core   # the status page's browser test
          prometheus)                                                   # promtool, which checks /metrics

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_deb_src() {
    if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        return 0
    fi
    say "adding a deb-src entry for Debian's archive (needed by apt-get source zeromq3)"
    as_root tee /etc/apt/sources.list.d/zrun-deb-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    as_root apt-get update -q
}

build_libzmq() {
    local prefix="$deps/libzmq" stamp key
    key="zeromq3-4.3.4 drafts $(sha256sum "$patch" | cut -c1-16)"
    # ZRUN_LIBZMQ_UNPATCHED=1 builds the stock library, only to show the crash it has.
    [ "${ZRUN_LIBZMQ_UNPATCHED:-0}" = 1 ] && key="zeromq3-4.3.4 drafts unpatched"
    stamp="$prefix/.zrun-stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && [ -f "$prefix/lib/libzmq.so" ]; then
        say "hardened libzmq is cached in $prefix"
        return 0
    fi
    ensure_deb_src
    local work="$deps/libzmq-src"
    rm -rf "$work" "$prefix"
    mkdir -p "$work"
    say "fetching Debian's zeromq3 source package"
    (cd "$work" && apt-get source -q zeromq3=4.3.4-6 >/dev/null 2>&1 || apt-get source -q zeromq3 >/dev/null)
    local src
    src=$(find "$work" -maxdepth 1 -type d -name 'zeromq3-4.3.4*' | head -n 1)
    [ -n "$src" ] || { say "error: apt-get source zeromq3 did not unpack zeromq3-4.3.4"; exit 1; }
    if [ "${ZRUN_LIBZMQ_UNPATCHED:-0}" = 1 ]; then
        say "NOT applying $(basename "$patch") (ZRUN_LIBZMQ_UNPATCHED=1)"
    else
        say "applying $(basename "$patch")"
        patch -d "$src" -p1 --quiet < "$patch"
    fi
    say "building libzmq with drafts into $prefix (about 30 s)"
    cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENABLE_DRAFTS=ON \
        -DBUILD_TESTS=OFF -DBUILD_STATIC=OFF -DWITH_PERF_TOOL=OFF -DENABLE_CPACK=OFF \
        -DWITH_LIBSODIUM=OFF -DWITH_DOCS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" \
        -DCMAKE_INSTALL_LIBDIR=lib >"$work/cmake.log" 2>&1 \
        || { tail -20 "$work/cmake.log"; exit 1; }
    cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 \
        || { tail -30 "$work/build.log"; exit 1; }
    cmake --install "$work/build" >/dev/null
    echo "$key" >"$stamp"
    rm -rf "$work"
}

install_packages
build_libzmq
[ "${ZRUN_SETUP_QUIET:-0}" = 1 ] || say "done"
