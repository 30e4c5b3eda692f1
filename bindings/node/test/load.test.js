'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { aipolicy, data } = require('./common.js');
const { KnowledgeBase, AipolicyError } = aipolicy;

test('version checked at load', () => {
  assert.ok(aipolicy.versionNumber() >= aipolicy.MIN_VERSION);
  assert.match(aipolicy.version(), /^\d+\.\d+\.\d+$/);
  assert.equal(aipolicy.schemaVersion(), 1);
  assert.ok(aipolicy.libraryPath);
});

test('load() uses AIPOLICY_DATA', () => {
  assert.equal(aipolicy.defaultDataDir(), data);
  const kb = KnowledgeBase.load();
  try {
    assert.match(kb.fingerprint, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(kb.regulations().map((r) => r.id),
                     ['eu-ai-act', 'gdpr', 'ca-sb53']);
    const same = KnowledgeBase.load(data);
    assert.equal(same.fingerprint, kb.fingerprint);
    same.close();
  } finally {
    kb.close();
  }
});

test('fromFiles() is one transaction', () => {
  const files = ['eu-ai-act.yaml', 'gdpr.yaml', 'sb53.yaml', 'facts.yaml']
    .map((f) => path.join(data, f));
  const kb = KnowledgeBase.fromFiles(files);
  assert.deepEqual(new Set(kb.regulations().map((r) => r.id)),
                   new Set(['eu-ai-act', 'gdpr', 'ca-sb53']));
  kb.close();
});

test('introspection', () => {
  const kb = KnowledgeBase.load();
  const facts = new Map(kb.facts().map((f) => [f.id, f]));
  assert.equal(facts.get('is_ai_system').type, 'bool');
  assert.equal(facts.get('ai_act_role').type, 'set');
  assert.match(facts.get('is_ai_system').question, /\?$/);
  const fr = new Map(kb.facts('fr').map((f) => [f.id, f]));
  assert.notEqual(fr.get('is_ai_system').label, facts.get('is_ai_system').label);
  const aiAct = kb.regulations()[0];
  assert.ok(aiAct.title && aiAct.rules.length > 0);
  assert.ok(aiAct.rules.some((r) => /^Art\./.test(r.citation ?? '')));
  kb.close();
});

test('loading a missing directory fails with AIP_EIO', () => {
  assert.throws(() => KnowledgeBase.load('/nonexistent/aipolicy-knowledge'),
                (e) => e instanceof AipolicyError && e.code === -3 &&
                  e.codeName === 'AIP_EIO');
});
