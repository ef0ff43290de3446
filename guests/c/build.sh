#!/bin/sh
# Builds every C guest guests/c/NAME.c at -O0, -O2 and -Os into the flat binaries guests/NAME-O0.bin, NAME-O2.bin,
# NAME-Os.bin: crt0 + runtime + program, linked at 0x1000 by rt/guest.ld with libgcc, then objcopy -O binary.
# Needs gcc with 32-bit support (Debian: gcc-multilib). The binaries are checked in; gcc-version.txt records the
# compiler that built them (a test rebuilds them and compares bytes when the installed gcc is that one).
# Usage: guests/c/build.sh [-o OUTDIR] [-e] [NAME...]   (-e also keeps NAME-OX.elf)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/.."
keep_elf=0
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=$2; shift 2 ;;
        -e) keep_elf=1; shift ;;
        *) break ;;
    esac
done
CFLAGS="-m32 -ffreestanding -fno-pic -fno-pie -no-pie -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables"
names=${*:-$(cd "$here" && ls *.c | sed 's/\.c$//')}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in $names; do
    for o in O0 O2 Os; do
        elf="$tmp/$n-$o.elf"
        gcc $CFLAGS -$o -Wall -Wextra -Werror -I"$here" -Wl,-T,"$here/rt/guest.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
            -o "$elf" "$here/rt/crt0.S" "$here/rt/rt.c" "$here/$n.c" -lgcc
        objcopy -O binary "$elf" "$out/$n-$o.bin"
        [ $keep_elf = 1 ] && cp "$elf" "$out/$n-$o.elf"
        echo "$n-$o.bin: $(wc -c < "$out/$n-$o.bin") bytes"
    done
done
[ "$out" = "$here/.." ] && gcc --version | head -n 1 > "$here/gcc-version.txt"
exit 0
