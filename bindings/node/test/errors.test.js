'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { aipolicy, DATE } = require('./common.js');
const { KnowledgeBase, AipolicyError, STATUS } = aipolicy;

const kb = KnowledgeBase.load();
test.after(() => kb.close());

function throwsAip(fn, check) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof AipolicyError, `expected AipolicyError, got ${caught}`);
  check(caught);
}

test('unknown fact: code, file, line, column, path', () => {
  throwsAip(() => kb.classify(
    'profile: 1\nfacts:\n  is_ai_system: true\n  no_such_fact: 3\n',
    { name: 'system.yaml' }), (e) => {
    assert.equal(e.code, STATUS.AIP_EPROFILE);
    assert.equal(e.codeName, 'AIP_EPROFILE');
    assert.equal(e.file, 'system.yaml');
    assert.equal(e.line, 4);
    assert.equal(e.column, 3);
    assert.equal(e.path, '/facts/no_such_fact');
    assert.match(e.detail, /no_such_fact/);
    assert.equal(e.message, `system.yaml:4:3: /facts/no_such_fact: ${e.detail}`);
    assert.ok(e instanceof Error);
  });
});

test('wrong type in an object profile', () => {
  throwsAip(() => kb.classify({ is_ai_system: 'yes' }), (e) => {
    assert.equal(e.code, STATUS.AIP_EPROFILE);
    assert.equal(e.path, '/facts/is_ai_system');
    assert.equal(e.file, '<profile>');
    assert.equal(e.line, 3);
  });
});

test('YAML syntax error', () => {
  throwsAip(() => kb.classify('facts:\n  a: [1, 2\n', { name: 'broken.yaml' }),
            (e) => {
              assert.equal(e.code, STATUS.AIP_EYAML);
              assert.equal(e.file, 'broken.yaml');
              assert.ok(e.line >= 2);
            });
});

test('missing profile file', () => {
  throwsAip(() => kb.classifyFile('/nonexistent/profile.yaml'),
            (e) => assert.equal(e.code, STATUS.AIP_EIO));
});

test('bad date and bad lang', () => {
  throwsAip(() => kb.classify({}, { date: '2027-02-30' }), (e) => {
    assert.equal(e.code, STATUS.AIP_EINVAL);
    assert.match(e.message, /2027-02-30/);
  });
  throwsAip(() => kb.classify({}, { date: DATE, lang: 'de' }),
            (e) => assert.equal(e.code, STATUS.AIP_EINVAL));
});

test('bad knowledge has a position', () => {
  const facts = 'schema_version: 1\nfacts:\n  - id: flag\n    type: bool\n' +
    '    label: {en: Flag, fr: Drapeau}\n' +
    '    question: {en: Flag?, fr: Drapeau ?}\n';
  const ok = KnowledgeBase.fromDocuments({ 'facts.yaml': facts });
  assert.deepEqual(ok.facts().map((f) => f.id), ['flag']);
  ok.close();
  throwsAip(() => KnowledgeBase.fromDocuments(
    { 'facts.yaml': facts.replace('type: bool', 'type: boolean') }), (e) => {
    assert.equal(e.code, STATUS.AIP_ESCHEMA);
    assert.equal(e.file, 'facts.yaml');
    assert.equal(e.line, 4);
    assert.equal(e.column, 11);
    assert.equal(e.path, '/facts/0/type');
  });
});

test('JavaScript-side errors', () => {
  assert.throws(() => kb.classify(42), TypeError);
  assert.throws(() => kb.classify({ worldwide_turnover_eur: NaN }), TypeError);
  assert.throws(() => new KnowledgeBase(null), TypeError);
});

test('async errors reject', async () => {
  await assert.rejects(kb.classifyAsync({ no_fact: 1 }),
                       (e) => e instanceof AipolicyError &&
                         e.path === '/facts/no_fact');
  await assert.rejects(kb.classifyAsync(42), TypeError);
  await assert.rejects(kb.classifyFileAsync('/nonexistent.yaml'),
                       (e) => e.code === STATUS.AIP_EIO);
});
