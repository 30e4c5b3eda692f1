'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { aipolicy, DATE } = require('./common.js');
const { KnowledgeBase, AipolicyError } = aipolicy;

test('close() releases once and later calls throw', () => {
  const before = aipolicy._stats.kbReleased;
  const kb = KnowledgeBase.load();
  kb.classify({}, { date: DATE });
  assert.equal(kb.closed, false);
  kb.close();
  kb.close();
  assert.equal(kb.closed, true);
  assert.equal(aipolicy._stats.kbReleased - before, 1);
  assert.throws(() => kb.fingerprint, AipolicyError);
  assert.throws(() => kb.classify({}), (e) => e.codeName === 'AIP_EINVAL');
});

test('Symbol.dispose closes', { skip: typeof Symbol.dispose !== 'symbol' }, () => {
  const kb = KnowledgeBase.load();
  kb[Symbol.dispose]();
  assert.equal(kb.closed, true);
});

test('a knowledge base dropped without close() is released by the GC', () => {
  const script = `
    const a = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    (function () { a.KnowledgeBase.load().classify({}); })();
    (async () => {
      for (let i = 0; i < 100 && a._stats.kbReleased === 0; i++) {
        global.gc();
        await new Promise((r) => setTimeout(r, 5));
      }
      process.stdout.write(String(a._stats.kbReleased));
    })();`;
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', script],
                        { encoding: 'utf8', env: process.env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '1');
});
