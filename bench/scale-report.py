#!/usr/bin/env python3
"""Prints the results file of bench/scale.sh as a table: each figure beside its goal, PASS or MISS,
and, given a baseline results file (the 10 M-coin run, bench/results/scale-10m.tsv), the
baseline's figure and the ratio to it.

    bench/scale-report.py RESULTS.tsv [BASELINE.tsv] [--markdown]

Results file: one tab-separated row per figure, `step figure unit value goal`, with a header
row. A goal is empty (no goal), or parts separated by `;`, each `<= X` or `>= X` (the value
against X), `base>= X` (the ratio to the baseline's figure against X; needs a baseline), or any
other text (printed beside the figure, never judged). A figure misses if any part misses.
Exit status: 0, whatever is missed (the table says it); 2 on a malformed file.
"""
import csv
import re
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if not rows or rows[0][:4] != ["step", "figure", "unit", "value"]:
        sys.exit(f"{path}: not a results file of bench/scale.sh")
    out = []
    for r in rows[1:]:
        r += [""] * (5 - len(r))
        out.append({"step": r[0], "figure": r[1], "unit": r[2], "value": r[3], "goal": r[4]})
    return out


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def fmt(v, unit=""):
    x = num(v)
    if x is None:
        return v
    if x == int(x):
        return f"{int(x):,}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.1f}"
    if abs(x) >= 10:
        return f"{x:.2f}"
    return f"{x:.3g}"


def judge_one(goal, row, base):
    v = num(row["value"])
    m = re.fullmatch(r"(base)?\s*(<=|>=)\s*([0-9.eE+-]+)", goal)
    if not m or v is None:
        return goal, "info"
    is_base, op, limit = m.group(1), m.group(2), float(m.group(3))
    if is_base:
        text = f"{op} {limit:g} x 10 M"
        b = num(base["value"]) if base else None
        if not b:
            return text, "n/a"
        v = v / b
    else:
        unit = row["unit"] if row["unit"] in ("s", "ms", "MB", "%", "req/s", "coins/s") else ""
        text = f"{op} {fmt(str(limit))} {unit}".strip()
    ok = v <= limit if op == "<=" else v >= limit
    return text, "PASS" if ok else "MISS"


def judge(row, base):
    """The goal's text and PASS, MISS (any part missed), n/a (nothing to judge against) or info."""
    parts = [judge_one(g.strip(), row, base) for g in row["goal"].split(";") if g.strip()]
    if not parts:
        return "", ""
    statuses = [s for _, s in parts]
    for s in ("MISS", "PASS", "n/a", "info"):
        if s in statuses:
            return "; ".join(t for t, _ in parts), s
    return "", ""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv
    if not args:
        sys.exit(__doc__)
    rows = read(args[0])
    baseline = {(r["step"], r["figure"]): r for r in read(args[1])} if len(args) > 1 else {}
    table = []
    for r in rows:
        base = baseline.get((r["step"], r["figure"]))
        goal, status = judge(r, base)
        ratio = ""
        if base and num(base["value"]) and num(r["value"]) is not None:
            ratio = f"{num(r['value']) / num(base['value']):.2f}"
        table.append([r["step"], r["figure"], fmt(r["value"]), r["unit"], goal, status,
                      fmt(base["value"]) if base else "", ratio])
    head = ["step", "figure", "value", "unit", "goal", "status"]
    if baseline:
        head += ["10 M", "ratio"]
    else:
        table = [t[:6] for t in table]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for t in table:
            t = [f"**{c}**" if c == "MISS" else c for c in t]
            print("| " + " | ".join(t) + " |")
    else:
        widths = [max(len(str(x[i])) for x in table + [head]) for i in range(len(head))]
        right = {2, 6, 7}
        for t in [head] + table:
            print("  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                            for i, (c, w) in enumerate(zip(t, widths))).rstrip())
    missed = [t for t in table if t[5] == "MISS"]
    print(f"\n{sum(t[5] == 'PASS' for t in table)} PASS, {len(missed)} MISS" +
          (": " + "; ".join(f"{t[0]} {t[1]}" for t in missed) if missed else ""))


if __name__ == "__main__":
    main()
