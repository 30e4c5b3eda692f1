'use strict';
// classifyAsync() runs aip_classify on libuv's thread pool: several
// classifications against one knowledge base at the same time.
const test = require('node:test');
const assert = require('node:assert/strict');
const { aipolicy, profiles, DATE } = require('./common.js');
const { KnowledgeBase } = aipolicy;

test('parallel classifications give the sequential results', async () => {
  const kb = KnowledgeBase.load();
  try {
    const expected = new Map(profiles.map((p) =>
      [p, kb.classifyFile(p, { date: DATE, pretty: false }).json]));
    const jobs = [];
    for (let round = 0; round < 4; round++) {
      for (const p of profiles) {
        jobs.push(kb.classifyFileAsync(p, { date: DATE, pretty: false })
          .then((r) => [p, r.json]));
      }
    }
    const results = await Promise.all(jobs);
    assert.equal(results.length, profiles.length * 4);
    for (const [p, json] of results) assert.equal(json, expected.get(p), p);
  } finally {
    kb.close();
  }
});

test('close() while classifications are running', async () => {
  const kb = KnowledgeBase.load();
  const pending = profiles.map((p) => kb.classifyFileAsync(p, { date: DATE }));
  kb.close(); // the running queries hold their own reference
  const results = await Promise.all(pending);
  assert.equal(results.length, profiles.length);
  assert.throws(() => kb.classify({}), /closed/);
  await assert.rejects(kb.classifyAsync({}), /closed/);
});
