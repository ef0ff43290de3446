#!/usr/bin/env bash
# Builds impl/vmx.o (vmx.c + vmx_asm.S) and every code mutant impl/mutants/NAME.o from its mutated source
# (impl/mutants/NAME/vmx.c or vmx_asm.S; the other file is the original). `build.sh OUTDIR` writes
# OUTDIR/vmx.o and OUTDIR/mutants/NAME.o instead (the rebuild test compares them with the checked-in ones);
# without OUTDIR it rebuilds the checked-in objects and records the toolchain in GCC_VERSION.
set -euo pipefail
shopt -s nullglob
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
mkdir -p "$out/mutants"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One object from a C and an assembly source. Both are copied under their original names first, so
# the file symbols (and hence the objects) do not depend on where a source lives.
build() {
  local target="$1" csrc="$2" ssrc="$3"
  rm -rf "$work"/*
  cp "$csrc" "$work/vmx.c"
  cp "$ssrc" "$work/vmx_asm.S"
  (cd "$work" \
    && gcc -m32 -O2 -fno-pic -fno-pie -ffreestanding -fno-asynchronous-unwind-tables -fcf-protection=none -c vmx.c -o vmx_c.o \
    && gcc -m32 -c vmx_asm.S -o vmx_asm.o \
    && ld -m elf_i386 -r vmx_c.o vmx_asm.o -o merged.o)
  cp "$work/merged.o" "$target"
}

build "$out/vmx.o" "$here/vmx.c" "$here/vmx_asm.S"
for dir in "$here"/mutants/*/; do
  name="$(basename "$dir")"
  csrc="$here/vmx.c"; ssrc="$here/vmx_asm.S"
  [ -f "$dir/vmx.c" ] && csrc="$dir/vmx.c"
  [ -f "$dir/vmx_asm.S" ] && ssrc="$dir/vmx_asm.S"
  build "$out/mutants/$name.o" "$csrc" "$ssrc"
done

if [ "$out" = "$here" ]; then
  { gcc --version | head -n 1; ld --version | head -n 1; } > "$here/GCC_VERSION"
fi
