# shellcheck shell=bash disable=SC2034,SC2054
# scripts/lib.sh: what scripts/run, scripts/test and scripts/bench share; sourced, never run.
# Installs missing Debian packages, creates and repairs the two build directories, knows QEMU's flags.
# Callers set `set -euo pipefail` first; every function here reports its own errors on stderr.

KOIOS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KOIOS_CROSS_DIR="$KOIOS_ROOT/build/riscv64"
KOIOS_HOST_DIR="$KOIOS_ROOT/build/host"
KOIOS_IMAGE="$KOIOS_CROSS_DIR/kernel/koios.elf"
KOIOS_QEMU="${KOIOS_QEMU:-qemu-system-riscv64}"
# The opensbi package's firmware, named explicitly so the firmware is a dependency we choose,
# not the copy QEMU bundles.
KOIOS_BIOS="${KOIOS_BIOS:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}"

# Everything the three scripts need, build and run alike; one list so that no script can forget one.
KOIOS_PACKAGES=(
  qemu-system-misc opensbi meson ninja-build catch2 g++-riscv64-linux-gnu gcc-riscv64-unknown-elf
  picolibc-riscv64-unknown-elf device-tree-compiler gdb-multiarch clang libclang-rt-14-dev python3
)

koios_say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
koios_die() { koios_say "$*"; exit 1; }

# Installs whatever of KOIOS_PACKAGES is missing: with apt-get when root, otherwise it names them and stops.
# dpkg-query is a single fast call; running each tool to see whether it works would take seconds.
koios_ensure_packages() {
  local missing=() pkg
  for pkg in "${KOIOS_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v dpkg-query >/dev/null 2>&1; then
    koios_die "this is not a Debian system; install the equivalents of: ${KOIOS_PACKAGES[*]}"
  fi
  if [ "$(id -u)" != 0 ]; then
    koios_say "missing Debian packages: ${missing[*]}"
    koios_die "install them with: sudo apt-get install ${missing[*]}"
  fi
  koios_say "installing missing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
    koios_die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    koios_die "apt-get install ${missing[*]} failed"
}

# koios_setup_build DIR cross|host: configures DIR unless it is already a working Meson build.
# A directory that exists but is not one (interrupted setup, other Meson version) is wiped and
# configured again; ninja regenerates by itself after meson.build edits, so a good one is left alone.
koios_setup_build() {
  local dir="$1" kind="$2" args=() env=()
  case "$kind" in
    cross) args=(--cross-file "$KOIOS_ROOT/cross/riscv64.ini") ;;
    host)
      env=(CC=clang CXX=clang++)
      args=(-Db_sanitize=address,undefined -Db_lundef=false)
      ;;
    *) koios_die "koios_setup_build: unknown kind $kind" ;;
  esac
  [ "${CI:-}" = true ] && args+=(--werror)

  if [ -f "$dir/build.ninja" ] && [ -f "$dir/meson-private/coredata.dat" ] &&
     meson introspect "$dir" --projectinfo >/dev/null 2>&1; then
    # CI wants warnings as errors even in a directory configured earlier without them.
    if [ "${CI:-}" = true ]; then
      meson configure "$dir" -Dwerror=true >/dev/null || koios_die "meson configure $dir failed"
    fi
    return 0
  fi
  if [ -e "$dir" ]; then
    koios_say "$dir is not a working Meson build directory; configuring it afresh"
    rm -rf "$dir"
  fi
  mkdir -p "$(dirname "$dir")"
  koios_say "configuring $dir ($kind)"
  (cd "$KOIOS_ROOT" && env "${env[@]}" meson setup "${args[@]}" "$dir" >&2) ||
    koios_die "meson setup $dir failed (see above)"
}

# koios_build DIR KIND [TARGET...]: ninja in DIR, output on stderr. When ninja cannot even
# regenerate build.ninja for a reason other than an error in one of our meson.build files (a
# damaged directory, a Meson upgrade), DIR is configured afresh once and the build retried. An
# error in a meson.build is left to its author: wiping would only cost a full rebuild later.
koios_build() {
  local dir="$1" kind="$2" out status
  shift 2
  out="$(mktemp)"
  set +e
  ninja -C "$dir" "$@" 2>&1 | tee "$out" >&2
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ] && grep -q "rebuilding 'build.ninja'" "$out" &&
     ! grep -q 'meson\.build:[0-9]*:[0-9]*: ERROR' "$out"; then
    koios_say "$dir could not regenerate itself; configuring it afresh"
    rm -rf "$dir"
    koios_setup_build "$dir" "$kind"
    set +e
    ninja -C "$dir" "$@" >&2
    status=$?
    set -e
  fi
  rm -f "$out"
  return "$status"
}

# koios_qemu_args SMP MEM BOOTARGS ICOUNT(0|1): fills the array KOIOS_QEMU_ARGS with the command
# line that boots the image, less the console flags, which differ between a terminal and a pipe.
koios_qemu_args() {
  local smp="$1" mem="$2" bootargs="$3" icount="$4"
  KOIOS_QEMU_ARGS=("$KOIOS_QEMU" -machine virt -bios "$KOIOS_BIOS" -kernel "$KOIOS_IMAGE"
                   -smp "$smp" -m "$mem")
  [ -n "$bootargs" ] && KOIOS_QEMU_ARGS+=(-append "$bootargs")
  [ "$icount" = 1 ] && KOIOS_QEMU_ARGS+=(-icount shift=0,sleep=off)
  return 0
}
