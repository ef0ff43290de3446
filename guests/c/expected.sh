#!/bin/sh
# Writes guests/NAME-O0.expected, NAME-O2.expected, NAME-Os.expected: the output of the same C source built as a
# hosted 32-bit Linux program (-DHOSTED: the runtime prints with write(2) and uses libc's mem*/str*) at each level,
# run under Debian's qemu-i386 (these machines' kernels do not run 32-bit programs natively). The three levels must
# print the same text, or the program has undefined behaviour. Needs gcc-multilib and qemu-user. Not part of the
# test suite: the .expected files are checked in, and the tests compare the guests' output with them.
# Usage: guests/c/expected.sh [NAME...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
names=${*:-$(cd "$here" && ls *.c | sed 's/\.c$//')}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in $names; do
    for o in O0 O2 Os; do
        gcc -m32 -static -$o -DHOSTED -Wall -Wextra -Werror -I"$here" -o "$tmp/$n-$o" "$here/rt/rt.c" "$here/$n.c"
        qemu-i386 "$tmp/$n-$o" > "$tmp/$n-$o.out"
    done
    cmp -s "$tmp/$n-O0.out" "$tmp/$n-O2.out" && cmp -s "$tmp/$n-O0.out" "$tmp/$n-Os.out" \
        || { echo "$n: the -O0, -O2 and -Os builds print different text" >&2; exit 1; }
    for o in O0 O2 Os; do cp "$tmp/$n-$o.out" "$here/../$n-$o.expected"; done
    echo "$n: $(wc -c < "$here/../$n-O0.expected") bytes of output"
done
