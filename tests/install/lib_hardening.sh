# tests/install/lib_hardening.sh — check_hardening BINARY: what
# hardening-check (devscripts) looks for, read with readelf: PIE, RELRO,
# BIND_NOW (full RELRO), the stack protector, fortified functions and no text
# relocations. Sourced by tests/install/build.sh (the binary under test) and
# tests/deb/check (the packaged one); needs tests/lib.sh.
check_hardening() {
    local bin=$1 elf=$T/elf
    if ! readelf -hldsW --dyn-syms "$bin" >"$elf" 2>&1; then
        fail "readelf $bin"
        return
    fi
    grep -qE 'Type: +DYN ' "$elf" && grep -qE 'FLAGS_1\).*PIE' "$elf" && ok \
        || fail "$bin: not a position-independent executable (PIE)"
    grep -qE '^ +GNU_RELRO ' "$elf" && ok || fail "$bin: RELRO: no GNU_RELRO segment"
    grep -qE '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' "$elf" && ok \
        || fail "$bin: full RELRO: BIND_NOW is not set (-Wl,-z,now)"
    grep -qE ' UND __stack_chk_fail' "$elf" && ok \
        || fail "$bin: stack protector: __stack_chk_fail is not used (-fstack-protector-strong)"
    grep -qE ' UND __(s?n?printf|fprintf|vsnprintf|memcpy|strcpy|read)_chk' "$elf" && ok \
        || fail "$bin: -D_FORTIFY_SOURCE=2: no fortified (*_chk) functions"
    grep -qE 'TEXTREL' "$elf" && fail "$bin: text relocations" || ok
}
