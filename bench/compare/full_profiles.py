#!/usr/bin/env python3
"""full_profiles.py - complete profiles for the two-valued comparison.

Usage: full_profiles.py RULES.json AIPOLICY DATA DATE OUTDIR PROFILE...

For each PROFILE (YAML or JSON), asks `AIPOLICY --data DATA classify PROFILE
--json --compact` for the facts it gives (the "facts" member of the result,
so the profile is read by the library itself), then gives every other fact
of RULES.json (the output of `aipolicy export --jsonlogic`) a neutral value:
false, the first value of an enum, the empty set, the number's minimum (or
0), the date 2025-01-01. Writes OUTDIR/<name>.json in the JSON profile
format. Python standard library only.
"""
import json
import os
import subprocess
import sys


def neutral(fact):
    t = fact["type"]
    if t == "bool":
        return False
    if t == "enum":
        return fact["values"][0]
    if t == "set":
        return []
    if t == "number":
        x = fact.get("min", 0)
        if "max" in fact and x > fact["max"]:
            x = fact["max"]
        return x
    if t == "date":
        return "2025-01-01"
    raise ValueError("unknown fact type " + t)


def main():
    if len(sys.argv) < 7:
        sys.exit(__doc__)
    rules, tool, data, date, outdir = sys.argv[1:6]
    with open(rules, encoding="utf-8") as fh:
        facts = json.load(fh)["facts"]
    os.makedirs(outdir, exist_ok=True)
    for prof in sys.argv[6:]:
        res = subprocess.run([tool, "--data", data, "classify", prof, "--date",
                              date, "--json", "--compact"],
                             check=True, capture_output=True, text=True)
        given = json.loads(res.stdout)["facts"]
        complete = {}
        for f in facts:
            complete[f["id"]] = given[f["id"]] if f["id"] in given else neutral(f)
        name = os.path.splitext(os.path.basename(prof))[0]
        with open(os.path.join(outdir, name + ".json"), "w",
                  encoding="utf-8") as fh:
            json.dump({"profile": 1, "name": name, "facts": complete}, fh,
                      separators=(",", ":"))
            fh.write("\n")


if __name__ == "__main__":
    main()
