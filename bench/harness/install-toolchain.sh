#!/usr/bin/env bash
# Installs the tools of the measurement harness (tinymlir.bench) on Debian/Ubuntu, idempotently:
#   arm-none-eabi-gcc + newlib   bare-metal Cortex-M4 builds (libc for memcpy/memset)
#   qemu-system-arm              runs them on the mps2-an386 board (Cortex-M4) with a TCG plugin
#   valgrind                     host fallback (callgrind instruction counts)
#   gcc                          host builds and the QEMU plugin
# Does nothing (and needs no root) when every tool is already on PATH. CI calls it before pytest.
set -euo pipefail

need=()
command -v arm-none-eabi-gcc  >/dev/null 2>&1 || need+=(gcc-arm-none-eabi)
command -v arm-none-eabi-size >/dev/null 2>&1 || need+=(binutils-arm-none-eabi)
command -v qemu-system-arm    >/dev/null 2>&1 || need+=(qemu-system-arm)
command -v valgrind           >/dev/null 2>&1 || need+=(valgrind)
command -v gcc                >/dev/null 2>&1 || need+=(gcc)
# newlib has no binary to probe: ask the cross compiler where its libc.a would be.
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    libc=$(arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -print-file-name=libc.a)
    [ -f "$libc" ] || need+=(libnewlib-arm-none-eabi)
else
    need+=(libnewlib-arm-none-eabi)
fi

if [ ${#need[@]} -eq 0 ]; then
    echo "install-toolchain: all tools present"
    exit 0
fi

echo "install-toolchain: installing ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-toolchain: need root (or sudo) to install ${need[*]}" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "install-toolchain: done"
