'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { aipolicy, cv, profiles, DATE } = require('./common.js');
const { KnowledgeBase } = aipolicy;

const kb = KnowledgeBase.load();
test.after(() => kb.close());

test('cv-screening is high risk', () => {
  const r = kb.classifyFile(cv, { date: DATE });
  assert.equal(r.format, 'aipolicy-result');
  assert.equal(r.format_version, 1);
  assert.equal(r.provenance.as_of, DATE);
  assert.equal(r.provenance.knowledge_fingerprint, kb.fingerprint);
  const ai = r.regulations.find((x) => x.id === 'eu-ai-act');
  assert.equal(ai.applicability.status, 'applies');
  const tier = ai.dimensions.find((d) => d.id === 'tier');
  assert.equal(tier.value, 'high');
  assert.equal(tier.determined, true);
  const art9 = ai.obligations.find((o) => o.id === 'art9-risk-management');
  assert.equal(art9.citation.ref, 'Art. 9');
  assert.equal(art9.status, 'in_force');
  assert.equal(ai.penalty.currency, 'EUR');
  assert.ok(ai.penalty.ceiling > 0);
  assert.deepEqual(r.facts.annex_iii_area, ['recruitment']);
});

test('.json is the library output and the object is its parse', () => {
  const pretty = kb.classifyFile(cv, { date: DATE });
  const compact = kb.classifyFile(cv, { date: DATE, pretty: false });
  assert.ok(pretty.json.endsWith('}\n') && pretty.json.includes('\n  '));
  assert.ok(!compact.json.includes('\n'));
  assert.deepEqual(JSON.parse(pretty.json), JSON.parse(compact.json));
  assert.deepEqual({ ...pretty }, JSON.parse(pretty.json));
  assert.ok(!Object.keys(pretty).includes('json'), 'json is not enumerable');
  assert.equal(JSON.stringify(pretty), JSON.stringify(JSON.parse(pretty.json)));
});

test('facts object, profile object and YAML text agree', () => {
  const facts = { ai_act_role: ['provider'], is_ai_system: true,
                  annex_iii_area: ['recruitment'], employee_count: 400 };
  const a = kb.classify(facts, { date: DATE });
  const b = kb.classify({ profile: 1, name: 'x', date: DATE, facts });
  const c = kb.classify('profile: 1\ndate: 2027-12-02\nfacts:\n' +
                        '  ai_act_role: [provider]\n  is_ai_system: true\n' +
                        '  annex_iii_area: [recruitment]\n' +
                        '  employee_count: 400\n');
  const d = kb.classify(Buffer.from(fs.readFileSync(cv)), { date: DATE });
  assert.equal(a.json, b.json);
  assert.equal(b.json, c.json);
  assert.deepEqual(a.facts, facts);
  assert.equal(d.json, kb.classifyFile(cv, { date: DATE }).json);
});

test('JavaScript values are converted', () => {
  const r = kb.classify({
    placed_on_market_date: new Date(Date.UTC(2025, 2, 1)),
    ai_act_role: new Set(['provider']),
    worldwide_turnover_eur: 3e9,
    is_gpai_model: null,
    employee_count: undefined,
  }, { date: new Date(Date.UTC(2027, 11, 2)) });
  assert.equal(r.provenance.as_of, DATE);
  assert.deepEqual(r.facts, { placed_on_market_date: '2025-03-01',
                              ai_act_role: ['provider'],
                              worldwide_turnover_eur: 3000000000 });
});

test('the date option overrides the profile date', () => {
  assert.equal(kb.classify({ date: '2026-01-01', facts: {} },
                           { date: '2030-06-30' }).provenance.as_of,
               '2030-06-30');
  assert.equal(kb.classify({ date: '2026-01-01', facts: {} })
    .provenance.as_of, '2026-01-01');
});

test('obligations depend on the date', () => {
  const early = kb.classifyFile(cv, { date: '2025-01-01' }).regulations[0];
  const late = kb.classifyFile(cv, { date: DATE }).regulations[0];
  assert.deepEqual(new Set(early.obligations.map((o) => o.status)),
                   new Set(['upcoming']));
  assert.ok(late.obligations.some((o) => o.status === 'in_force'));
});

test('French', () => {
  const en = kb.classifyFile(cv, { date: DATE });
  const fr = kb.classifyFile(cv, { date: DATE, lang: 'fr' });
  assert.equal(fr.provenance.lang, 'fr');
  assert.notEqual(fr.regulations[0].title, en.regulations[0].title);
  assert.deepEqual(fr.regulations[0].obligations.map((o) => o.id),
                   en.regulations[0].obligations.map((o) => o.id));
});

test('missing facts', () => {
  const r = kb.classify({ is_ai_system: true }, { date: DATE });
  const ai = r.regulations[0];
  assert.equal(ai.applicability.status, 'undetermined');
  assert.ok(ai.missing_facts.length > 0);
  assert.ok(r.missing_facts.length > 0);
  // most decisive first: relevant facts, then descending score
  for (let i = 1; i < r.missing_facts.length; i++) {
    const p = r.missing_facts[i - 1];
    const q = r.missing_facts[i];
    assert.ok(p.relevant > q.relevant ||
              (p.relevant === q.relevant && p.score >= q.score));
  }
  const first = r.missing_facts[0];
  assert.ok(first.label && first.question);
  const all = new Set(r.missing_facts.map((m) => m.id));
  assert.ok(ai.missing_facts.every((id) => all.has(id)));
});

test('every example profile', () => {
  assert.ok(profiles.length > 10);
  for (const p of profiles) {
    const r = kb.classifyFile(p, { date: DATE });
    for (const reg of r.regulations) {
      assert.ok(['applies', 'does_not_apply', 'undetermined']
        .includes(reg.applicability.status));
    }
  }
});

test('report for people', () => {
  const text = kb.report(fs.readFileSync(cv, 'utf8'), { date: DATE });
  assert.ok(text.startsWith(`As of: ${DATE}\n`));
  assert.match(text, /Artificial Intelligence Act/);
});

test('explain', { skip: !aipolicy.hasExplain }, () => {
  const text = kb.explain(fs.readFileSync(cv, 'utf8'), { date: DATE });
  assert.match(text, /Artificial Intelligence Act/);
  assert.notEqual(kb.explain(fs.readFileSync(cv, 'utf8'),
                             { date: DATE, lang: 'fr' }), text);
});

test('every owned string is freed once', () => {
  const before = aipolicy._stats.stringsFreed;
  for (let i = 0; i < 5; i++) {
    kb.classifyFile(cv, { date: DATE });
    kb.report({}, { date: DATE });
    if (aipolicy.hasExplain) kb.explain({}, { date: DATE });
  }
  assert.equal(aipolicy._stats.stringsFreed - before,
               aipolicy.hasExplain ? 15 : 10);
});
