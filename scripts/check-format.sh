#!/usr/bin/env bash
# Fails when a C++ file of ours differs from what clang-format (Debian 12: version 14) makes of it
# with the root .clang-format, naming each such file. Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find core net cli indexer signer trustnet seeder verifier tests bench fuzz \
                       -path tests/data -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort)
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
mapfile -t bad < <(clang-format --dry-run "${files[@]}" 2>&1 | grep -oE '^[^: ]+\.(cpp|h):[0-9]+:[0-9]+: (error|warning)' |
                   cut -d: -f1 | sort -u)
if ((${#bad[@]})); then
  printf 'check-format: not formatted: %s\n' "${bad[@]}" >&2
  echo "check-format: ${#bad[@]} of ${#files[@]} files differ; scripts/check-format.sh --fix formats them" >&2
  exit 1
fi
