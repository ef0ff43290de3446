#!/bin/sh
# Assembles every guests/NAME.s into the flat binary NAME.bin, linked and entered at 0x1000.
# Needs GNU binutils (as, ld) with i386 support. Usage: guests/build.sh [NAME...]
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names=${*:-$(ls *.s | sed 's/\.s$//')}
for n in $names; do
    as --32 -o "$tmp/$n.o" "$n.s"
    ld -m elf_i386 -Ttext 0x1000 -e _start --oformat binary -o "$n.bin" "$tmp/$n.o"
    echo "$n.bin: $(wc -c < "$n.bin") bytes"
done
