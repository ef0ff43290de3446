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

# Each source is compiled in a directory of its own under its original name, so the file symbol (and hence
# the object) does not depend on where the source lives.
compile_c() {    # SOURCE OBJECT
  local dir; dir="$(mktemp -d -p "$work")"
  cp "$1" "$dir/vmx.c"
  (cd "$dir" && gcc -m32 -O2 -fno-pic -fno-pie -ffreestanding -fno-asynchronous-unwind-tables -fcf-protection=none -c vmx.c -o "$2")
}
compile_asm() { # SOURCE OBJECT
  local dir; dir="$(mktemp -d -p "$work")"
  cp "$1" "$dir/vmx_asm.S"
  (cd "$dir" && gcc -m32 -c vmx_asm.S -o "$2")
}
merge() {       # C-OBJECT ASM-OBJECT TARGET
  ld -m elf_i386 -r "$1" "$2" -o "$work/merged.o"
  cp "$work/merged.o" "$3"
}

compile_c "$here/vmx.c" "$work/vmx_c.o"
compile_asm "$here/vmx_asm.S" "$work/vmx_asm.o"
merge "$work/vmx_c.o" "$work/vmx_asm.o" "$out/vmx.o"

# a mutant recompiles only its mutated file
for dir in "$here"/mutants/*/; do
  name="$(basename "$dir")"
  cobj="$work/vmx_c.o"; sobj="$work/vmx_asm.o"
  if [ -f "$dir/vmx.c" ]; then cobj="$work/$name.c.o"; compile_c "$dir/vmx.c" "$cobj"; fi
  if [ -f "$dir/vmx_asm.S" ]; then sobj="$work/$name.S.o"; compile_asm "$dir/vmx_asm.S" "$sobj"; fi
  merge "$cobj" "$sobj" "$out/mutants/$name.o"
done

if [ "$out" = "$here" ]; then
  { gcc --version | head -n 1; ld --version | head -n 1; } > "$here/GCC_VERSION"
fi
