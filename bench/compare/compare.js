#!/usr/bin/env node
// bench/compare/compare.js - the same rules and profiles through
// json-logic-js: checks that it agrees with libaipolicy on every profile and
// measures its per-query time.
//
// Usage: node compare.js --rules RULES.json --profiles DIR --c-results FILE
//                        [--date YYYY-MM-DD] [--seconds S] [--module PATH]
//
// RULES.json is the output of "aipolicy export --jsonlogic"
// (doc/jsonlogic-export.md). DIR holds complete profiles (every fact given),
// in the JSON profile format. FILE has one line per profile, written by
// "bench --compare": {"profile": NAME, "result": <aip_result_to_json>}.
//
// The driver (what a user of json-logic-js would write around it): for each
// regulation, the version in force on the date is the last one whose
// in_force day is <= the date (the first when none is); the rules of that
// version are evaluated in the exported order with jsonLogic.apply; a rule
// that holds "fires"; if it applies on the date (its applies_from_day for
// that version <= the date) each dimension it raises goes up to at least
// that value. Dimension values are passed as "@DIM" variables (value
// indices). Compared: the set of fired rules and every dimension value.
//
// Prints "compare-js: ... median_ns N mean_ns M" and exits 1 on any
// disagreement.
"use strict";

const fs = require("fs");
const path = require("path");

function die(msg) {
  process.stderr.write("compare.js: " + msg + "\n");
  process.exit(2);
}

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i], v = process.argv[i + 1];
  if (!k.startsWith("--") || v === undefined) die("bad argument " + k);
  args[k.slice(2)] = v;
}
for (const k of ["rules", "profiles", "c-results"])
  if (!args[k]) die("--" + k + " is required");

const jsonLogic = require(args.module || "json-logic-js");
const doc = JSON.parse(fs.readFileSync(args.rules, "utf8"));
if (doc.format !== "aipolicy-jsonlogic" || doc.format_version !== 1)
  die(args.rules + ": not an aipolicy-jsonlogic document (version 1)");

function dayNumber(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) die("not a date: " + s);
  return Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000);
}

const asOf = args.date ? dayNumber(args.date)
  : doc.as_of_day !== undefined ? doc.as_of_day : die("no date given");
const seconds = args.seconds ? parseFloat(args.seconds) : 1;

// ---- the rules on that date (done once, as a user would) -----------------
const regs = doc.regulations.map((reg) => {
  let v = 0;
  reg.versions.forEach((ver, i) => { if (i > 0 && ver.in_force_day <= asOf) v = i; });
  const dimIndex = new Map(reg.dimensions.map((d, i) => [d.id, i]));
  const rules = [];
  for (const r of reg.rules) {
    const [from, until] = r.law;
    if (v < from || (until !== null && v >= until)) continue;   // not law
    const raise = Object.entries(r.raise).map(([d, val]) => {
      const di = dimIndex.get(d);
      return [di, reg.dimensions[di].values.indexOf(val)];
    });
    rules.push({ id: r.id, when: r.when, raise,
                 inForce: r.applies_from_day[v] <= asOf });
  }
  return { id: reg.id, dims: reg.dimensions, rules };
});

// ---- profiles ------------------------------------------------------------
const factByVar = new Map(doc.facts.map((f) => [f.id, f]));
function toData(facts, file) {
  const data = {};
  for (const f of doc.facts) {
    if (!(f.id in facts)) die(file + ": fact " + f.id + " is not given (profiles must be complete)");
    const x = facts[f.id];
    data[f.var] = f.type === "date" ? dayNumber(x) : x;
  }
  for (const k of Object.keys(facts))
    if (!factByVar.has(k)) die(file + ": unknown fact " + k);
  return data;
}

const files = fs.readdirSync(args.profiles).filter((n) => n.endsWith(".json")).sort();
if (files.length === 0) die("no profile in " + args.profiles);
const profiles = files.map((n) => {
  const p = JSON.parse(fs.readFileSync(path.join(args.profiles, n), "utf8"));
  return { name: n, data: toData(p.facts, n) };
});

// ---- one query -----------------------------------------------------------
function classify(data) {
  const out = [];
  for (const reg of regs) {
    const dims = reg.dims.map(() => 0);
    reg.dims.forEach((d) => { data[d.var] = 0; });
    const fired = [];
    for (const r of reg.rules) {
      if (!jsonLogic.truthy(jsonLogic.apply(r.when, data))) continue;
      fired.push(r.id);
      if (!r.inForce) continue;
      for (const [d, val] of r.raise)
        if (val > dims[d]) { dims[d] = val; data[reg.dims[d].var] = val; }
    }
    out.push({ fired, dims });
  }
  return out;
}

// ---- agreement -------------------------------------------------------------
const cLines = fs.readFileSync(args["c-results"], "utf8").split("\n").filter((l) => l);
const cByName = new Map(cLines.map((l) => { const o = JSON.parse(l); return [o.profile, o.result]; }));
let disagreements = 0, firedTotal = 0;
for (const p of profiles) {
  const c = cByName.get(p.name);
  if (!c) die("no C result for " + p.name);
  const js = classify(p.data);
  regs.forEach((reg, i) => {
    const cr = c.regulations.find((x) => x.id === reg.id);
    const problems = [];
    if (!cr) problems.push("regulation missing from the C result");
    else {
      if (cr.undetermined_rules.length)
        problems.push("C has undetermined rules (profile not complete?)");
      const a = new Set(cr.fired_rules.map((r) => r.id)), b = new Set(js[i].fired);
      const onlyC = [...a].filter((x) => !b.has(x)), onlyJs = [...b].filter((x) => !a.has(x));
      if (onlyC.length) problems.push("fired only in C: " + onlyC.join(", "));
      if (onlyJs.length) problems.push("fired only in json-logic-js: " + onlyJs.join(", "));
      reg.dims.forEach((d, k) => {
        const cd = cr.dimensions.find((x) => x.id === d.id);
        const jv = d.values[js[i].dims[k]];
        if (!cd || cd.value !== jv)
          problems.push("dimension " + d.id + ": C " + (cd && cd.value) + ", json-logic-js " + jv);
      });
      firedTotal += a.size;
    }
    if (problems.length) {
      disagreements++;
      console.log("DISAGREE " + p.name + " " + reg.id + ": " + problems.join("; "));
    }
  });
}

// ---- timing ------------------------------------------------------------------
for (let w = 0; w < 20; w++) for (const p of profiles) classify(p.data);   // JIT warm-up
const times = [];
const budget = BigInt(Math.round(seconds * 1e9));
const start = process.hrtime.bigint();
let rounds = 0;
while (rounds < 5 || process.hrtime.bigint() - start < budget) {
  for (const p of profiles) {
    const t0 = process.hrtime.bigint();
    classify(p.data);
    times.push(Number(process.hrtime.bigint() - t0));
  }
  rounds++;
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.max(0, Math.round(p * times.length) - 1))];
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const nrules = regs.reduce((a, r) => a + r.rules.length, 0);
console.log("compare-js: json-logic-js " + require(
  path.join(path.dirname(require.resolve(args.module || "json-logic-js")), "package.json")).version +
  ", node " + process.version + ", rules " + nrules + " profiles " + profiles.length +
  " calls " + times.length + " median_ns " + q(0.5) + " mean_ns " + Math.round(mean) +
  " p99_ns " + q(0.99));
console.log("compare-js: agreement on " + profiles.length + " profiles x " + regs.length +
  " regulations (" + firedTotal + " fired rules in all): " +
  (disagreements ? disagreements + " DISAGREEMENTS" : "all agree"));
process.exit(disagreements ? 1 : 0);
