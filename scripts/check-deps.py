#!/usr/bin/env python3
"""Fails (exit 1) when the code breaks the dependency rules of docs/architecture.md.

Checked, from the sources alone:
  1. every `#include "part/..."` and every `utxo_<part>` in a CMakeLists.txt is an allowed edge
     (components depend on core/ and net/ only, never on each other; signer and trustnet have no
     network layer);
  2. heavy or command-line headers stay where they belong: libtorrent, Boost.Beast/Asio and
     Catch2 only in .cpp files, CLI11 only in the files of an executable (add_executable), never
     in a library;
  3. with a build tree (BUILD=dir, default build/), the binaries themselves: utxo-verifier and
     utxo-trustnet import no signing function, utxo-signer no socket function.
Usage: scripts/check-deps.py [ROOT]
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))

# Who may use whom: the graph of docs/architecture.md.
ALLOWED = {
    "core": set(),
    "net": {"core"},
    "indexer": {"core", "net"},
    "seeder": {"core", "net"},
    "verifier": {"core", "net"},
    "signer": {"core"},
    "trustnet": {"core"},
    "cli": {"core"},
}
# The executables' shared main (cli/tool.h) may be used by an executable's own files and targets
# only, never by a library: that keeps CLI11 out of library code.
EXECUTABLE_ONLY = {"cli"}
PARTS = set(ALLOWED)

# Headers that may appear only in .cpp files (slow to compile, or with ABI defines that leak).
CPP_ONLY = [r"<libtorrent/", r"<boost/beast", r"<boost/asio", r"<catch2/"]
# Headers whose interface is libtorrent's own (a disk backend is a libtorrent type, the DHT settings
# apply to a libtorrent session): they may name libtorrent, but only .cpp files may include them, so
# it still never reaches a plain header.
LIBTORRENT_INTERFACES = {"verifier/hashing_disk_io.h", "net/dht_settings.h"}
# What the binaries must not import: signing in the verify-only tools, sockets in the signer.
SIGNING = {"crypto_sign_detached", "crypto_sign_keypair", "crypto_sign_seed_keypair", "crypto_sign",
           "crypto_pwhash_scryptsalsa208sha256", "crypto_sign_ed25519_sk_to_seed"}
NETWORK = {"socket", "connect", "bind", "listen", "accept", "accept4", "getaddrinfo", "gethostbyname"}
FORBIDDEN_IMPORTS = {"utxo-verifier": SIGNING, "utxo-trustnet": SIGNING, "utxo-signer": NETWORK}

problems = []


def source_files(part):
    folder = os.path.join(ROOT, part)
    for name in sorted(os.listdir(folder)):
        if name.endswith((".h", ".cpp")):
            yield os.path.join(folder, name)


def strip_cmake_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def executable_files(part, cmake_text):
    """Files of one part that belong to its executable, not its library: the .cpp files named in
    add_executable(...), and the headers that only those files include."""
    files = set()
    for args in re.findall(r"add_executable\(([^)]*)\)", cmake_text):
        files.update(word for word in args.split()[1:] if word.endswith(".cpp"))
    includers = {}
    for path in source_files(part):
        for line in open(path, encoding="utf-8"):
            quoted = re.match(r'\s*#\s*include\s*"' + part + r'/([^"]+)"', line)
            if quoted:
                includers.setdefault(quoted.group(1), set()).add(os.path.basename(path))
    changed = True
    while changed:
        changed = False
        for header, users in includers.items():
            if header not in files and users and users <= files:
                files.add(header)
                changed = True
    return files


def check_part(part):
    rel = lambda path: os.path.relpath(path, ROOT)
    cmake_path = os.path.join(ROOT, part, "CMakeLists.txt")
    cmake = strip_cmake_comments(open(cmake_path).read())
    for args in re.findall(r"target_link_libraries\(([^)]*)\)", cmake):
        target = args.split()[0] if args.split() else ""
        for used in re.findall(r"\butxo_(\w+)", args):
            if used in EXECUTABLE_ONLY and target.startswith("utxo-"):
                continue
            if used in PARTS and used != part and used not in ALLOWED[part]:
                problems.append(f"{rel(cmake_path)}: {part} may not link utxo_{used} "
                                f"(allowed: {', '.join(sorted(ALLOWED[part])) or 'nothing of ours'})")
    in_executable = executable_files(part, cmake)
    for path in source_files(part):
        name = os.path.basename(path)
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            include = re.match(r'\s*#\s*include\s*(["<][^">]+[">])', line)
            if not include:
                continue
            target = include.group(1)
            quoted = re.match(r'"(\w+)/', target)
            if quoted and quoted.group(1) in PARTS:
                used = quoted.group(1)
                if used in EXECUTABLE_ONLY and used != part and name not in in_executable:
                    problems.append(f"{rel(path)}:{number}: {target} is for an executable's own files, "
                                    f"not for library code")
                elif used in EXECUTABLE_ONLY and used != part:
                    pass
                elif used != part and used not in ALLOWED[part]:
                    problems.append(f"{rel(path)}:{number}: {part} may not include {target} "
                                    f"(allowed: {', '.join(sorted(ALLOWED[part])) or 'nothing of ours'})")
            if quoted and target.strip('"') in LIBTORRENT_INTERFACES and name.endswith(".h"):
                problems.append(f"{rel(path)}:{number}: {target} exposes libtorrent; include it from a .cpp file only")
            if name.endswith(".h") and rel(path) not in LIBTORRENT_INTERFACES and any(re.match(p, target) for p in CPP_ONLY):
                problems.append(f"{rel(path)}:{number}: {target} belongs in a .cpp file, behind a plain header")
            if target.startswith("<CLI/") and name not in in_executable and part not in EXECUTABLE_ONLY:
                problems.append(f"{rel(path)}:{number}: CLI11 belongs in the executable's own files, "
                                f"not in library code")


def check_binaries():
    for binary, forbidden in FORBIDDEN_IMPORTS.items():
        path = os.path.join(BUILD, "bin", binary)
        if not os.path.exists(path):
            continue
        out = subprocess.run(["nm", "-D", "--undefined-only", path], capture_output=True, text=True, check=True)
        imported = {line.split()[-1].split("@")[0] for line in out.stdout.splitlines() if line.strip()}
        for symbol in sorted(imported & forbidden):
            problems.append(f"{os.path.relpath(path, ROOT)}: imports {symbol}, which this tool must not contain")


for part in sorted(PARTS):
    if os.path.isdir(os.path.join(ROOT, part)):
        check_part(part)
check_binaries()
for problem in problems:
    print(f"check-deps: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
