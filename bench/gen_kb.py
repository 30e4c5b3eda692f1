#!/usr/bin/env python3
"""gen_kb.py - a synthetic knowledge base of N rules for the benchmarks.

Usage: gen_kb.py --rules N --out DIR [--profiles K] [--complete] [--seed S]

Writes DIR/kb/facts.yaml and DIR/kb/reg-NNNN.yaml (one regulation per file,
loaded as one directory transaction) and DIR/profiles/p-NN.json (profiles in
the JSON profile format of doc/knowledge-format.md section 6).

The shape follows the bundled knowledge (data/):
  - a shared vocabulary of max(50, N/4) facts, about 75 % bool, 5 % enum,
    15 % set, 4 % number, 1 % date, plus a role set fact and a turnover number
    fact; each regulation reads 30 shared facts and a slice of its own;
  - regulations of at most 1,000 rules (100 -> 1 regulation, 100,000 -> 100),
    two law versions, dimensions tier/gpai/derived (derived is raised by rules
    that read the other two: dimension conditions and dependency order);
  - rules whose `when` mixes all/any/not, every comparison of every fact
    type, `sum` of number facts and `known`; about 65 % raise a dimension,
    35 % trigger obligations, 10 % engage a penalty, a few decide scope, some
    have dated or amended (`law`) applicability;
  - obligations (one per 10 rules, with roles, dates, deadlines, penalties),
    three penalty regimes per regulation, one with a variant.

Profiles: without --complete each fact is given with probability 0.7 (the
others are unknown, as in real queries); with --complete every fact is given
(the two-valued case used to compare with json-logic-js).

Only the Python standard library is used; the output depends only on the
arguments (fixed seed).
"""
import argparse
import json
import os
import random
import re

PLAIN = re.compile(r'^(?:[a-z][a-z0-9_.-]*|\d{4}-\d{2}-\d{2})$')
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def y(v):
    """Flow-style YAML: ids and dates plain, other strings double-quoted."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        if PLAIN.match(v) and v not in RESERVED:
            return v
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{" + ", ".join(k + ": " + y(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(y(x) for x in v) + "]"
    raise TypeError(type(v))


def text(en, fr):
    return {"en": en, "fr": fr}


def date_str(rng, y0, y1):
    return "%04d-%02d-%02d" % (rng.randint(y0, y1), rng.randint(1, 12),
                               rng.randint(1, 28))


class Fact:
    def __init__(self, fid, ftype, values=None):
        self.id, self.type, self.values = fid, ftype, values or []


def make_facts(rng, nfacts):
    facts = [Fact("role", "set", ["provider", "deployer", "importer"]),
             Fact("turnover", "number")]
    for i in range(nfacts - len(facts)):
        r = rng.random()
        if r < 0.75:
            facts.append(Fact("b%d" % i, "bool"))
        elif r < 0.80:
            facts.append(Fact("e%d" % i, "enum",
                              ["v%d" % k for k in range(rng.randint(3, 8))]))
        elif r < 0.95:
            facts.append(Fact("s%d" % i, "set",
                              ["v%d" % k for k in range(rng.randint(3, 10))]))
        elif r < 0.99:
            facts.append(Fact("n%d" % i, "number"))
        else:
            facts.append(Fact("d%d" % i, "date"))
    # at least two facts of every type, so that every comparison appears
    for t, pre in (("enum", "xe"), ("set", "xs"), ("number", "xn"),
                   ("date", "xd")):
        for k in range(2):
            vals = ["v0", "v1", "v2", "v3"] if t in ("enum", "set") else None
            facts.append(Fact("%s%d" % (pre, k), t, vals))
    return facts


def fact_yaml(f, rng):
    d = {"id": f.id, "type": f.type,
         "label": text("Fact " + f.id, "Fait " + f.id),
         "question": text("What is " + f.id + "?", "Quel est " + f.id + " ?")}
    if f.values:
        d["values"] = [{"id": v, "label": text("Value " + v, "Valeur " + v)}
                       for v in f.values]
    if f.type == "number":
        d["min"] = 0
        if f.id == "turnover":
            d["unit"] = "EUR"
    if f.type == "bool" and rng.random() < 0.1:
        d["relevant_if"] = {"fact": "role", "contains": "provider"}
    return "  - " + y(d)


class RuleGen:
    def __init__(self, rng, pool, numbers):
        self.rng, self.pool, self.numbers = rng, pool, numbers

    def leaf(self):
        rng = self.rng
        r = rng.random()
        if r < 0.02 and len(self.numbers) >= 2:
            a, b = rng.sample(self.numbers, 2)
            return {"sum": [a.id, b.id], rng.choice(["gt", "gte", "lt", "lte"]):
                    rng.randint(100, 1500)}
        if r < 0.04:
            return {"known": rng.choice(self.pool).id}
        f = rng.choice(self.pool)
        if f.type == "bool":
            return {"fact": f.id, rng.choice(["eq"] * 6 + ["ne"]):
                    rng.random() < 0.85}
        if f.type == "enum":
            k = rng.random()
            if k < 0.5:
                return {"fact": f.id, "eq": rng.choice(f.values)}
            if k < 0.6:
                return {"fact": f.id, "ne": rng.choice(f.values)}
            return {"fact": f.id,
                    "in": rng.sample(f.values, rng.randint(2, len(f.values) - 1))}
        if f.type == "set":
            return {"fact": f.id, "contains": rng.choice(f.values)}
        if f.type == "number":
            op = rng.choice(["gt", "gte", "lt", "lte", "eq", "ne"])
            return {"fact": f.id, op: rng.randint(0, 10) * 100}
        return {"fact": f.id, rng.choice(["gt", "gte", "lt", "lte"]):
                date_str(rng, 2018, 2028)}

    def cond(self, depth=0):
        """A rule's `when`: an `all` of 2-4 parts (most legal tests are
        conjunctions), parts being comparisons, `any` of 2-3 of them or a
        `not`; depth 1 gives one part alone."""
        rng = self.rng
        if depth == 0:
            return {"all": [self.cond(1) for _ in range(rng.randint(2, 4))]}
        r = rng.random()
        if depth >= 2 or r < 0.60:
            return self.leaf()
        if r < 0.85:
            return {"any": [self.cond(depth + 1)
                            for _ in range(rng.randint(2, 3))]}
        return {"not": self.cond(depth + 1)}


TIER = ["minimal", "limited", "high", "prohibited"]
GPAI = ["none", "gpai", "systemic"]
DERIVED = ["none", "flagged", "severe"]


def dim_yaml(did, values):
    return {"id": did, "title": text("Dimension " + did, "Dimension " + did),
            "values": [{"id": v, "label": text(v, v)} for v in values]}


def make_regulation(rng, ri, nrules, shared, own):
    pool = shared + own
    numbers = [f for f in pool if f.type == "number"]
    gen = RuleGen(rng, pool, numbers)
    rid = "reg%04d" % ri
    nobl = max(5, nrules // 10)
    npen = 3
    url = "https://example.org/%s" % rid
    out = []
    out.append("schema_version: 1")
    out.append("regulation:")
    out.append("  id: " + rid)
    out.append("  title: " + y(text("Regulation %d" % ri, "Règlement %d" % ri)))
    out.append("  jurisdiction: XX")
    out.append("  source: " + y(url))
    out.append("  role_fact: role")
    out.append("  turnover_fact: turnover")
    out.append("  versions:")
    out.append("    - " + y({"id": "original", "title": text("Original", "Initiale"),
                             "in_force": "2024-08-01"}))
    out.append("    - " + y({"id": "amended", "title": text("Amended", "Modifiée"),
                             "in_force": "2026-07-27"}))
    out.append("  dimensions:")
    for did, vals in (("tier", TIER), ("gpai", GPAI), ("derived", DERIVED)):
        out.append("    - " + y(dim_yaml(did, vals)))
    out.append("  rules:")
    nscope = max(3, nrules // 100)
    for i in range(nrules):
        rule = {"id": "r%d" % i,
                "title": text("Rule %d of %s" % (i, rid),
                              "Règle %d de %s" % (i, rid)),
                "citation": {"ref": "Art. %d" % (i + 1),
                             "url": "%s#art_%d" % (url, i + 1)}}
        effect = False
        if i < nscope:
            rule["when"] = gen.cond(1)
            rule["scope"] = "out" if i == nscope - 1 else "in"
            effect = True
        elif rng.random() < 0.05:
            # reads dimensions raised by the other rules (dependency order)
            d, vals = rng.choice((("tier", TIER), ("gpai", GPAI)))
            k = rng.random()
            if k < 0.5:
                dc = {"dimension": d, "gte": vals[rng.randint(1, len(vals) - 1)]}
            elif k < 0.8:
                dc = {"dimension": d, "eq": rng.choice(vals)}
            else:
                dc = {"dimension": d, "in": rng.sample(vals, 2)}
            rule["when"] = {"all": [dc, gen.cond(1)]}
            rule["raise"] = {"derived": rng.choice(DERIVED[1:])}
            effect = True
        else:
            rule["when"] = gen.cond(0)
            r = rng.random()
            if r < 0.55:
                rule["raise"] = {"tier": rng.choice(
                    ["limited", "limited", "high", "high", "high", "prohibited"])}
                effect = True
            elif r < 0.65:
                rule["raise"] = {"gpai": rng.choice(GPAI[1:])}
                effect = True
        if rng.random() < 0.35:
            obls = []
            for o in rng.sample(range(nobl), rng.randint(1, 2)):
                if rng.random() < 0.1:
                    obls.append({"id": "o%d" % o,
                                 "applies_from": date_str(rng, 2025, 2029)})
                else:
                    obls.append("o%d" % o)
            rule["obligations"] = obls
            effect = True
        if rng.random() < 0.10:
            rule["penalties"] = ["p%d" % rng.randrange(npen)]
            effect = True
        if not effect or rng.random() < 0.1:
            rule["note"] = text("Note on rule %d." % i, "Note sur la règle %d." % i)
        r = rng.random()
        if r < 0.05:
            rule["law"] = {"until": "amended"}
        elif r < 0.10:
            rule["law"] = {"from": "amended"}
        r = rng.random()
        if r < 0.10:
            rule["applies_from"] = date_str(rng, 2025, 2029)
        elif r < 0.15:
            rule["applies_from"] = [
                {"version": "original", "date": date_str(rng, 2025, 2027)},
                {"version": "amended", "date": date_str(rng, 2026, 2029)}]
        out.append("    - " + y(rule))
    out.append("  obligations:")
    roles = ["provider", "deployer", "importer"]
    for o in range(nobl):
        ob = {"id": "o%d" % o,
              "title": text("Obligation %d" % o, "Obligation %d" % o),
              "role": rng.choice(roles),
              "citation": {"ref": "Art. %d" % (1000 + o),
                           "url": "%s#art_%d" % (url, 1000 + o)}}
        if rng.random() < 0.5:
            ob["applies_from"] = date_str(rng, 2025, 2029)
        if rng.random() < 0.2:
            ob["deadlines"] = [{"within": {"amount": rng.randint(1, 30),
                                           "unit": "days"},
                                "after": text("an incident", "un incident")}]
        if rng.random() < 0.3:
            ob["penalty"] = "p%d" % rng.randrange(npen)
        out.append("    - " + y(ob))
    out.append("  penalties:")
    for p in range(npen):
        pen = {"id": "p%d" % p, "title": text("Penalty %d" % p, "Sanction %d" % p),
               "citation": {"ref": "Art. %d" % (2000 + p),
                            "url": "%s#art_%d" % (url, 2000 + p)},
               "amount": 1000000 * (p + 1) * 5, "currency": "EUR",
               "turnover_percent": p + 1, "combine": "higher",
               "applies_from": "2025-08-02"}
        if p == 0:
            b = next((f for f in pool if f.type == "bool"), None)
            if b:
                pen["variants"] = [{"when": {"fact": b.id, "eq": True},
                                    "combine": "lower",
                                    "citation": {"ref": "Art. 2099",
                                                 "url": url + "#art_2099"}}]
        out.append("    - " + y(pen))
    return rid, "\n".join(out) + "\n"


def profile_value(rng, f):
    if f.type == "bool":
        return rng.random() < 0.25
    if f.type == "enum":
        return rng.choice(f.values)
    if f.type == "set":
        if f.id == "role":
            return rng.sample(f.values, rng.randint(1, 2))
        return sorted(rng.sample(f.values, rng.randint(0, min(3, len(f.values)))),
                      key=f.values.index)
    if f.type == "number":
        if f.id == "turnover":
            return rng.randint(1, 5000) * 1000000
        return rng.randint(0, 12) * 100
    return date_str(rng, 2016, 2030)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--profiles", type=int, default=20)
    ap.add_argument("--complete", action="store_true",
                    help="every fact known in the profiles")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    rng = random.Random(a.seed * 1000003 + a.rules)
    nrules = a.rules
    nfacts = max(50, nrules // 4)
    facts = make_facts(rng, nfacts)
    nregs = max(1, (nrules + 999) // 1000)
    kbdir = os.path.join(a.out, "kb")
    pdir = os.path.join(a.out, "profiles")
    os.makedirs(kbdir, exist_ok=True)
    os.makedirs(pdir, exist_ok=True)
    for name in os.listdir(kbdir):
        if name.endswith(".yaml"):
            os.remove(os.path.join(kbdir, name))
    for name in os.listdir(pdir):
        if name.endswith(".json"):
            os.remove(os.path.join(pdir, name))

    with open(os.path.join(kbdir, "facts.yaml"), "w", encoding="utf-8") as fh:
        fh.write("# generated by bench/gen_kb.py --rules %d --seed %d\n"
                 % (nrules, a.seed))
        fh.write("schema_version: 1\nfacts:\n")
        for f in facts:
            fh.write(fact_yaml(f, rng) + "\n")

    # shared facts (read by every regulation) and one slice per regulation
    special = [f for f in facts if f.id.startswith("x")]
    rest = [f for f in facts[2:] if not f.id.startswith("x")]
    shared, rest = rest[:30] + special, rest[30:]
    per = max(1, len(rest) // nregs)
    left = nrules
    for ri in range(nregs):
        n = min(1000, left) if ri < nregs - 1 else left
        left -= n
        own = rest[ri * per:(ri + 1) * per] or rest[:per]
        rid, body = make_regulation(rng, ri, n, shared, own)
        with open(os.path.join(kbdir, "reg-%04d.yaml" % ri), "w",
                  encoding="utf-8") as fh:
            fh.write(body)

    prng = random.Random(a.seed + 7)
    for k in range(a.profiles):
        given = {}
        for f in facts:
            if a.complete or f.id == "role" or prng.random() < 0.7:
                given[f.id] = profile_value(prng, f)
        doc = {"profile": 1, "name": "synthetic %d" % k, "facts": given}
        with open(os.path.join(pdir, "p-%02d.json" % k), "w",
                  encoding="utf-8") as fh:
            json.dump(doc, fh, separators=(",", ":"))
            fh.write("\n")
    print("gen_kb: %d rules, %d facts, %d regulations, %d profiles -> %s"
          % (nrules, len(facts), nregs, a.profiles, a.out))


if __name__ == "__main__":
    main()
