#!/usr/bin/env python3
"""Writes one tool's man page, gzipped, from its own --help and --version (help2man), with a
COMMANDS section holding each subcommand's --help, which help2man alone does not show.

    make-man.py --help2man PATH --bin-dir DIR --tool NAME --out FILE.1.gz

The tool runs by its bare name from DIR (so its usage lines say `utxo-indexer ...`, not a build
path). Exits 2 with one line on stderr when the tool or help2man fails.
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile

TOOLS = ["utxo-indexer", "utxo-signer", "utxo-trustnet", "utxo-seeder", "utxo-verifier"]


def run_tool(env, args):
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(args)}` exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def subcommands(top_help):
    """The names listed under `Subcommands:` in CLI11's help."""
    names, inside = [], False
    for line in top_help.splitlines():
        if re.match(r"^\S.*:$", line):
            inside = line == "Subcommands:"
            continue
        m = re.match(r"^  ([a-z][a-z0-9-]*)(\s|$)", line)
        if inside and m:
            names.append(m.group(1))
    return names


def roff_literal(text):
    """Plain text as roff lines shown as they are (.nf): backslashes escaped, control characters
    at a line's start neutralised."""
    out = []
    for line in text.rstrip("\n").splitlines():
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def include_text(env, tool, names):
    parts = []
    if names:
        parts.append("[COMMANDS]")
        for name in names:
            help_text = run_tool(env, [tool, name, "--help"])
            parts += [f".SS {name}", ".nf", roff_literal(help_text), ".fi"]
    others = [t for t in TOOLS if t != tool]
    parts += ["[SEE ALSO]", ", ".join(f"\\fB{t}\\fR(1)" for t in others) + ".",
              ".PP",
              "The full documentation, with every format and exit code:",
              ".IR /usr/share/doc/utxo-torrent/ ."]
    return "\n".join(parts) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--help2man", required=True)
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--tool", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    env = dict(os.environ, PATH=os.path.abspath(a.bin_dir) + os.pathsep + os.environ.get("PATH", ""),
               NO_COLOR="1")
    try:
        top = run_tool(env, [a.tool, "--help"])
        first = top.splitlines()[0] if top else ""
        # CLI11's first help line is "utxo-indexer: keep a Bitcoin UTXO set ...".
        summary = first.split(": ", 1)[1] if first.startswith(a.tool + ": ") else first
        with tempfile.TemporaryDirectory() as tmp:
            include = os.path.join(tmp, "include.h2m")
            page = os.path.join(tmp, a.tool + ".1")
            with open(include, "w", encoding="utf-8") as f:
                f.write(include_text(env, a.tool, subcommands(top)))
            run_tool(env, [a.help2man, "--no-info", "--section=1", "--name=" + summary,
                           "--include=" + include, "--output=" + page, a.tool])
            with open(page, "rb") as f:
                data = f.read()
        # mtime 0 and no file name in the header: the same page gives the same bytes.
        with open(a.out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                    compresslevel=9) as gz:
            gz.write(data)
    except (OSError, RuntimeError) as e:
        print(f"make-man: {a.tool}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
