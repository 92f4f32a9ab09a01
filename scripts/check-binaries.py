#!/usr/bin/env python3
"""Checks the five executables of a build tree (default build/) as they will be shipped:

- hardened as Debian's dpkg-buildflags (hardening=+all) make them: position-independent (PIE),
  full RELRO (a GNU_RELRO segment and BIND_NOW), the stack protector in use (__stack_chk_fail
  imported) and, in an optimised build without sanitizers, FORTIFY_SOURCE in use (a __*_chk
  function imported);
- the verifier's crash-injection hook (UTXO_VERIFIER_CRASH_AT) present only in a build made with
  the test suite (UTXO_BUILD_TESTS=ON), never in one without.

What is checked follows the build's own settings in CMakeCache.txt. Prints one line per problem
naming the binary and exits 1; prints what it checked and exits 0 when all is well.

    scripts/check-binaries.py [BUILD_DIR]
"""
import os
import re
import subprocess
import sys

EXECUTABLES = ["utxo-indexer", "utxo-signer", "utxo-trustnet", "utxo-seeder", "utxo-verifier"]
HOOK = b"UTXO_VERIFIER_CRASH_AT"


def cache_settings(build):
    settings = {}
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.strip())
            if m:
                settings[m.group(1)] = m.group(2)
    return settings


def on(settings, name):
    return settings.get(name, "").upper() in ("ON", "1", "TRUE", "YES")


def tool(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def hardening_problems(path, want_fortify):
    problems = []
    header = tool("readelf", "-hW", path)
    dynamic = tool("readelf", "-dW", path)
    segments = tool("readelf", "-lW", path)
    imports = set(tool("nm", "-D", "--undefined-only", path).split())
    if not re.search(r"Type:\s+DYN", header) or not re.search(r"FLAGS_1\).*\bPIE\b", dynamic):
        problems.append("not a position-independent executable (PIE)")
    if "GNU_RELRO" not in segments:
        problems.append("no GNU_RELRO segment (-z relro)")
    if not re.search(r"\(FLAGS\).*\bBIND_NOW\b", dynamic) and not re.search(r"FLAGS_1\).*\bNOW\b", dynamic):
        problems.append("not bound at load time (-z now): RELRO is only partial")
    if not any(s.startswith("__stack_chk_fail") for s in imports):
        problems.append("no stack protector (__stack_chk_fail is not imported)")
    if want_fortify and not any(re.match(r"^__\w+_chk(@|$)", s) and "stack_chk" not in s for s in imports):
        problems.append("no FORTIFY_SOURCE (no __*_chk function is imported)")
    return problems


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    try:
        settings = cache_settings(build)
    except OSError as e:
        print(f"check-binaries: {build}/CMakeCache.txt: {e.strerror}", file=sys.stderr)
        return 2
    harden = on(settings, "UTXO_HARDEN")
    sanitized = on(settings, "UTXO_SANITIZE") or on(settings, "UTXO_FUZZ")
    want_fortify = harden and not sanitized and settings.get("CMAKE_BUILD_TYPE", "") != "Debug"
    test_build = on(settings, "UTXO_BUILD_TESTS")

    problems = []
    for name in EXECUTABLES:
        path = os.path.join(build, "bin", name)
        if not os.path.isfile(path):
            problems.append(f"{path}: missing (build it first)")
            continue
        if harden:
            problems += [f"{path}: {p}" for p in hardening_problems(path, want_fortify)]
        if name == "utxo-verifier":
            with open(path, "rb") as f:
                has_hook = HOOK in f.read()
            if has_hook and not test_build:
                problems.append(f"{path}: has the crash-injection hook, but this build has no tests")
            if test_build and not has_hook:
                problems.append(f"{path}: the test build lacks the crash-injection hook the tests use")

    for p in problems:
        print(f"check-binaries: {p}", file=sys.stderr)
    if problems:
        return 1
    checked = "PIE, full RELRO, stack protector" + (", FORTIFY_SOURCE" if want_fortify else "") if harden else "no hardening (UTXO_HARDEN=OFF)"
    hook = "present (test build)" if test_build else "absent (no tests)"
    print(f"check-binaries: {len(EXECUTABLES)} executables in {build}/bin: {checked}; crash hook {hook}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
