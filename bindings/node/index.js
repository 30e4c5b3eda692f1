'use strict';
/*
 * aipolicy - Node.js bindings for libaipolicy over koffi (no compiled code
 * of our own).
 *
 *   const { KnowledgeBase } = require('aipolicy');
 *   const kb = KnowledgeBase.load();               // $AIPOLICY_DATA or installed
 *   const r = kb.classify({ is_ai_system: true }, { date: '2027-12-02' });
 *   console.log(r.regulations[0].applicability.status, r.json.length);
 *   kb.close();
 *
 * The shared library is $AIPOLICY_LIB (a path) when set, else libaipolicy.so.0
 * found by the system's dynamic loader.
 *
 * FFI rules followed here (include/aipolicy.h, STYLE.md 4.11):
 *   - handles are koffi opaque types; `T **out` parameters are _Out_ and read
 *     from a one-element array;
 *   - owned strings (char **out) use a disposable type bound to
 *     aip_string_free: koffi copies the string, then frees the C pointer
 *     exactly once; nothing is ever freed with the C library's free();
 *   - an aip_error is read with its getters and freed with aip_error_free in
 *     a finally block (a disposable would free it before it can be read);
 *   - queries and results live only during one call and are freed in finally
 *     blocks; the knowledge base is freed by close() or, failing that, by a
 *     FinalizationRegistry when it is garbage-collected.
 *
 * Threads: a knowledge base is immutable and may be shared. classifyAsync()
 * runs aip_classify on libuv's thread pool, so several classifications run
 * in parallel against one knowledge base; each has its own query and result.
 */

const koffi = require('koffi');

/** Oldest library version (MAJOR*10000+MINOR*100+PATCH) supported. */
const MIN_VERSION = 100;
/** Knowledge-file schema versions supported: [first, last]. */
const SCHEMA_VERSIONS = [1, 1];
const AIP_JSON_PRETTY = 1;

const STATUS = Object.freeze({
  AIP_OK: 0,
  AIP_ENOMEM: -1,
  AIP_EINVAL: -2,
  AIP_EIO: -3,
  AIP_EYAML: -4,
  AIP_ESCHEMA: -5,
  AIP_EVERSION: -6,
  AIP_EDUPLICATE: -7,
  AIP_ENOTFOUND: -8,
  AIP_ERANGE: -9,
  AIP_ELIMIT: -10,
  AIP_EPROFILE: -11,
  AIP_EINTERNAL: -99,
});
const STATUS_NAMES = new Map(Object.entries(STATUS).map(([k, v]) => [v, k]));

// ---------------------------------------------------------------------------
// Loading the library and declaring the functions
// ---------------------------------------------------------------------------

function openLibrary() {
  const candidates = process.env.AIPOLICY_LIB
    ? [process.env.AIPOLICY_LIB]
    : ['libaipolicy.so.0', 'libaipolicy.so', 'libaipolicy.0.dylib',
       'libaipolicy.dylib', 'aipolicy.dll'];
  let first;
  for (const name of candidates) {
    try {
      return { lib: koffi.load(name), path: name };
    } catch (e) {
      first = first ?? e;
    }
  }
  throw new Error(`aipolicy: cannot load ${candidates.join(', ')} ` +
                  `(${first.message}); install libaipolicy or set ` +
                  'AIPOLICY_LIB to the path of libaipolicy.so');
}

const { lib, path: libraryPath } = openLibrary();

koffi.opaque('aip_kb_builder');
koffi.opaque('aip_kb');
koffi.opaque('aip_query');
koffi.opaque('aip_result');
koffi.opaque('aip_error');

const aip_string_free = lib.func('void aip_string_free(void *str)');

// Counters for the tests: owned strings freed, knowledge bases released.
const stats = { stringsFreed: 0, kbReleased: 0 };
koffi.disposable('aip_owned_str', 'str', (ptr) => {
  stats.stringsFreed++;
  aip_string_free(ptr);
});

const C = {};
for (const proto of [
  'const char *aip_strerror(int code)',
  'int aip_error_code(const aip_error *err)',
  'const char *aip_error_message(const aip_error *err)',
  'const char *aip_error_file(const aip_error *err)',
  'unsigned int aip_error_line(const aip_error *err)',
  'unsigned int aip_error_column(const aip_error *err)',
  'const char *aip_error_path(const aip_error *err)',
  'void aip_error_free(aip_error *err)',
  'const char *aip_version()',
  'int aip_version_number()',
  'int aip_schema_version()',
  'int aip_kb_builder_new(void *alloc, _Out_ aip_kb_builder **out)',
  'void aip_kb_builder_free(aip_kb_builder *builder)',
  'int aip_kb_builder_add_files(aip_kb_builder *builder, const char **paths, size_t count, _Out_ aip_error **err)',
  'int aip_kb_builder_add_buffer(aip_kb_builder *builder, const char *name, const char *data, size_t len, _Out_ aip_error **err)',
  'int aip_kb_builder_build(aip_kb_builder *builder, _Out_ aip_kb **out, _Out_ aip_error **err)',
  'const char *aip_default_data_dir()',
  'int aip_kb_load_path(void *alloc, const char *path, _Out_ aip_kb **out, _Out_ aip_error **err)',
  'void aip_kb_release(aip_kb *kb)',
  'const char *aip_kb_fingerprint(const aip_kb *kb)',
  'size_t aip_kb_regulation_count(const aip_kb *kb)',
  'const char *aip_kb_regulation_id(const aip_kb *kb, size_t i)',
  'const char *aip_kb_regulation_title(const aip_kb *kb, size_t i, const char *lang)',
  'size_t aip_kb_rule_count(const aip_kb *kb, size_t regulation)',
  'const char *aip_kb_rule_id(const aip_kb *kb, size_t regulation, size_t i)',
  'const char *aip_kb_rule_citation(const aip_kb *kb, size_t regulation, size_t i)',
  'size_t aip_kb_fact_count(const aip_kb *kb)',
  'const char *aip_kb_fact_id(const aip_kb *kb, size_t i)',
  'const char *aip_kb_fact_type(const aip_kb *kb, size_t i)',
  'const char *aip_kb_fact_label(const aip_kb *kb, size_t i, const char *lang)',
  'const char *aip_kb_fact_question(const aip_kb *kb, size_t i, const char *lang)',
  'int aip_query_new(aip_kb *kb, _Out_ aip_query **out)',
  'void aip_query_free(aip_query *q)',
  'int aip_query_set_as_of(aip_query *q, const char *date)',
  'int aip_query_parse(aip_query *q, const char *name, const char *data, size_t len, _Out_ aip_error **err)',
  'int aip_query_load_file(aip_query *q, const char *path, _Out_ aip_error **err)',
  'int aip_classify(const aip_query *q, _Out_ aip_result **out, _Out_ aip_error **err)',
  'void aip_result_free(aip_result *r)',
  'int aip_result_to_json(const aip_result *r, const char *lang, unsigned int flags, _Out_ aip_owned_str *out, _Out_ size_t *len)',
  'int aip_result_to_text(const aip_result *r, const char *lang, _Out_ aip_owned_str *out, _Out_ size_t *len)',
]) {
  const fn = lib.func(proto);
  C[proto.match(/(aip_\w+)\(/)[1]] = fn;
}

// Functions added after 0.1.0's first API: bound when the library has them.
for (const proto of [
  'int aip_result_explain(const aip_result *r, const char *lang, _Out_ aip_owned_str *out, _Out_ size_t *len)',
]) {
  try {
    const fn = lib.func(proto);
    C[proto.match(/(aip_\w+)\(/)[1]] = fn;
  } catch (e) {
    // an older library: the matching method throws AIP_ENOTFOUND
  }
}

const loadedVersion = C.aip_version_number();
if (loadedVersion < MIN_VERSION) {
  throw new Error(`aipolicy: ${libraryPath} is version ${C.aip_version()}; ` +
                  `this package needs ${Math.floor(MIN_VERSION / 10000)}.` +
                  `${Math.floor(MIN_VERSION / 100) % 100}.${MIN_VERSION % 100}` +
                  ' or later');
}
{
  const schema = C.aip_schema_version();
  if (schema < SCHEMA_VERSIONS[0] || schema > SCHEMA_VERSIONS[1]) {
    throw new Error(`aipolicy: ${libraryPath} reads knowledge schema ` +
                    `${schema}; this package supports ` +
                    `${SCHEMA_VERSIONS[0]}..${SCHEMA_VERSIONS[1]}`);
  }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

class AipolicyError extends Error {
  /**
   * @param {number} code aip_status value (negative)
   * @param {string} message
   * @param {{file?: string|null, line?: number, column?: number, path?: string|null}} [where]
   */
  constructor(code, message, where = {}) {
    const file = where.file ?? null;
    const line = where.line ?? 0;
    const column = where.column ?? 0;
    const path = where.path ?? null;
    let prefix = '';
    if (file) {
      prefix = file + (line ? `:${line}` + (column ? `:${column}` : '') : '') +
        ': ';
    }
    if (path) prefix += `${path}: `;
    super(prefix + message);
    this.name = 'AipolicyError';
    this.code = code;
    this.codeName = STATUS_NAMES.get(code) ?? `AIP_E${-code}`;
    this.detail = message;
    this.file = file;
    this.line = line;
    this.column = column;
    this.path = path;
  }
}

/** Builds an AipolicyError from an aip_error pointer (then frees it). */
function takeError(code, errPtr, context) {
  if (!errPtr) {
    const text = C.aip_strerror(code);
    return new AipolicyError(code, context ? `${context}: ${text}` : text);
  }
  try {
    return new AipolicyError(C.aip_error_code(errPtr) || code,
                             C.aip_error_message(errPtr) ?? '', {
                               file: C.aip_error_file(errPtr),
                               line: C.aip_error_line(errPtr),
                               column: C.aip_error_column(errPtr),
                               path: C.aip_error_path(errPtr),
                             });
  } finally {
    C.aip_error_free(errPtr);
  }
}

function check(rc, err, context) {
  if (rc !== 0) throw takeError(rc, err ? err[0] : null, context);
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

function checkLang(lang) {
  if (lang !== 'en' && lang !== 'fr') {
    throw new AipolicyError(STATUS.AIP_EINVAL,
                            `lang must be 'en' or 'fr', not ${String(lang)}`);
  }
  return lang;
}

function dayString(value) {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('invalid Date');
    return value.toISOString().slice(0, 10); // the UTC day
  }
  return String(value);
}

/**
 * A profile document (doc/knowledge-format.md §6) as YAML/JSON text. An
 * object with a "facts" or "profile" key is a whole profile; any other object
 * is the facts alone. null means "not given". Strings and Buffers are passed
 * to the library unchanged.
 */
function profileText(profile) {
  if (typeof profile === 'string') return profile;
  if (Buffer.isBuffer(profile)) return profile.toString('utf8');
  if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) {
    throw new TypeError('profile must be an object, a string or a Buffer');
  }
  const doc = ('facts' in profile || 'profile' in profile)
    ? profile : { facts: profile };
  return JSON.stringify(doc, function replacer(key, value) {
    const raw = this[key];
    if (raw instanceof Date) return dayString(raw);
    if (raw instanceof Set) return [...raw];
    if (typeof raw === 'number' && !Number.isFinite(raw)) {
      throw new TypeError(`fact ${key}: ${raw} is not a finite number`);
    }
    if (typeof raw === 'bigint') return Number(raw);
    return value;
  }, 2);
}

// ---------------------------------------------------------------------------
// Knowledge bases
// ---------------------------------------------------------------------------

function releaseKb(ptr) {
  stats.kbReleased++;
  C.aip_kb_release(ptr);
}

const released = new FinalizationRegistry(releaseKb);

class KnowledgeBase {
  #ptr;

  /** @private use KnowledgeBase.load(), fromFiles() or fromDocuments() */
  constructor(ptr) {
    if (typeof ptr !== 'bigint' || ptr === 0n) {
      throw new TypeError('use KnowledgeBase.load(), fromFiles() or ' +
                          'fromDocuments()');
    }
    this.#ptr = ptr;
    released.register(this, ptr, this);
  }

  /** Loads a knowledge directory or file; no path: defaultDataDir(). */
  static load(path) {
    const out = [null];
    const err = [null];
    check(C.aip_kb_load_path(null, path ?? null, out, err), err,
          'loading knowledge');
    return new KnowledgeBase(out[0]);
  }

  /** Loads several knowledge files as one transaction (any order). */
  static fromFiles(paths) {
    const list = [...paths].map(String);
    return KnowledgeBase.#build((b, err) =>
      C.aip_kb_builder_add_files(b, list, list.length, err));
  }

  /** Loads documents held in memory, {name: text}, in order. */
  static fromDocuments(documents) {
    return KnowledgeBase.#build((b, err) => {
      for (const [name, text] of Object.entries(documents)) {
        const data = Buffer.isBuffer(text) ? text : Buffer.from(String(text));
        const rc = C.aip_kb_builder_add_buffer(b, name, data, data.length, err);
        if (rc !== 0) return rc;
      }
      return 0;
    });
  }

  static #build(add) {
    const builder = [null];
    const out = [null];
    const err = [null];
    check(C.aip_kb_builder_new(null, builder), null, 'aip_kb_builder_new');
    try {
      check(add(builder[0], err), err, 'loading knowledge');
      check(C.aip_kb_builder_build(builder[0], out, err), err,
            'building knowledge');
    } finally {
      C.aip_kb_builder_free(builder[0]);
    }
    return new KnowledgeBase(out[0]);
  }

  /** Releases the knowledge base now; later calls throw. Idempotent. */
  close() {
    if (this.#ptr === null) return;
    const ptr = this.#ptr;
    this.#ptr = null;
    released.unregister(this);
    releaseKb(ptr);
  }

  get closed() {
    return this.#ptr === null;
  }

  #handle() {
    if (this.#ptr === null) {
      throw new AipolicyError(STATUS.AIP_EINVAL, 'the knowledge base is closed');
    }
    return this.#ptr;
  }

  /** "sha256:" and the digest of the loaded files' bytes. */
  get fingerprint() {
    return C.aip_kb_fingerprint(this.#handle());
  }

  /** The regulations loaded, with their rules, in load order. */
  regulations(lang = 'en') {
    const kb = this.#handle();
    checkLang(lang);
    const list = [];
    const n = Number(C.aip_kb_regulation_count(kb));
    for (let i = 0; i < n; i++) {
      const rules = [];
      const m = Number(C.aip_kb_rule_count(kb, i));
      for (let j = 0; j < m; j++) {
        rules.push({ id: C.aip_kb_rule_id(kb, i, j),
                     citation: C.aip_kb_rule_citation(kb, i, j) });
      }
      list.push({ id: C.aip_kb_regulation_id(kb, i),
                  title: C.aip_kb_regulation_title(kb, i, lang), rules });
    }
    return list;
  }

  /** The facts a profile may give, in declaration order. */
  facts(lang = 'en') {
    const kb = this.#handle();
    checkLang(lang);
    const list = [];
    const n = Number(C.aip_kb_fact_count(kb));
    for (let i = 0; i < n; i++) {
      list.push({ id: C.aip_kb_fact_id(kb, i), type: C.aip_kb_fact_type(kb, i),
                  label: C.aip_kb_fact_label(kb, i, lang),
                  question: C.aip_kb_fact_question(kb, i, lang) });
    }
    return list;
  }

  /**
   * Classifies a profile: an object (a profile document with "facts", or
   * just the facts), or YAML/JSON text. Options: date ("YYYY-MM-DD" or a
   * Date, overriding the profile's date), lang ("en" | "fr"), pretty
   * (layout of .json, default true), name (used in error positions).
   */
  classify(profile, options = {}) {
    const text = Buffer.from(profileText(profile), 'utf8');
    const name = options.name ?? '<profile>';
    return this.#runSync((q, err) =>
      C.aip_query_parse(q, name, text, text.length, err), options, renderJson);
  }

  /** Classifies the profile file at path (YAML or JSON). */
  classifyFile(path, options = {}) {
    return this.#runSync((q, err) => C.aip_query_load_file(q, String(path), err),
                         options, renderJson);
  }

  /** Like classify(), with aip_classify run on libuv's thread pool. */
  classifyAsync(profile, options = {}) {
    try {
      const text = Buffer.from(profileText(profile), 'utf8');
      const name = options.name ?? '<profile>';
      return this.#runAsync((q, err) =>
        C.aip_query_parse(q, name, text, text.length, err), options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Like classifyFile(), with aip_classify run on libuv's thread pool. */
  classifyFileAsync(path, options = {}) {
    try {
      return this.#runAsync((q, err) =>
        C.aip_query_load_file(q, String(path), err), options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Classifies a profile and returns the report for people. */
  report(profile, options = {}) {
    const text = Buffer.from(profileText(profile), 'utf8');
    const name = options.name ?? '<profile>';
    return this.#runSync((q, err) =>
      C.aip_query_parse(q, name, text, text.length, err), options, renderText);
  }

  /**
   * The reasoning behind the classification as a text tree for people
   * (aip_result_explain; the layout may change between versions). Throws
   * AIP_ENOTFOUND when the library predates it.
   */
  explain(profile, options = {}) {
    if (!C.aip_result_explain) {
      throw new AipolicyError(STATUS.AIP_ENOTFOUND,
                              'this libaipolicy has no aip_result_explain');
    }
    const text = Buffer.from(profileText(profile), 'utf8');
    const name = options.name ?? '<profile>';
    return this.#runSync((q, err) =>
      C.aip_query_parse(q, name, text, text.length, err), options,
    (result, { lang }) => {
      const out = [null];
      check(C.aip_result_explain(result, lang, out, null), null,
            'aip_result_explain');
      return out[0];
    });
  }

  /** Creates and fills a query; the caller frees it. */
  #prepare(fill, options) {
    const lang = checkLang(options.lang ?? 'en');
    const q = [null];
    // The query keeps its own reference to the knowledge base, so close()
    // cannot free the knowledge under a running classification.
    check(C.aip_query_new(this.#handle(), q), null, 'aip_query_new');
    const query = q[0];
    try {
      const err = [null];
      check(fill(query, err), err);
      if (options.date !== undefined && options.date !== null) {
        const day = dayString(options.date);
        const rc = C.aip_query_set_as_of(query, day);
        if (rc !== 0) {
          throw new AipolicyError(rc, 'date must be a real date YYYY-MM-DD, ' +
                                  `not '${day}'`);
        }
      }
    } catch (e) {
      C.aip_query_free(query);
      throw e;
    }
    return { query, lang, pretty: options.pretty ?? true };
  }

  #runSync(fill, options, render) {
    const job = this.#prepare(fill, options);
    const res = [null];
    try {
      const err = [null];
      check(C.aip_classify(job.query, res, err), err, 'classifying');
      return render(res[0], job);
    } finally {
      C.aip_result_free(res[0]);
      C.aip_query_free(job.query);
    }
  }

  #runAsync(fill, options) {
    const job = this.#prepare(fill, options);
    const res = [null];
    const err = [null];
    return new Promise((resolve, reject) => {
      C.aip_classify.async(job.query, res, err, (callError, rc) => {
        try {
          if (callError) throw callError;
          check(rc, err, 'classifying');
          resolve(renderJson(res[0], job));
        } catch (e) {
          reject(e);
        } finally {
          C.aip_result_free(res[0]);
          C.aip_query_free(job.query);
        }
      });
    });
  }
}

if (typeof Symbol.dispose === 'symbol') {
  KnowledgeBase.prototype[Symbol.dispose] = KnowledgeBase.prototype.close;
}

function renderJson(result, { lang, pretty }) {
  const out = [null];
  check(C.aip_result_to_json(result, lang, pretty ? AIP_JSON_PRETTY : 0, out,
                             null), null, 'aip_result_to_json');
  const json = out[0];
  const tree = JSON.parse(json);
  Object.defineProperty(tree, 'json', { value: json, enumerable: false });
  return tree;
}

function renderText(result, { lang }) {
  const out = [null];
  check(C.aip_result_to_text(result, lang, out, null), null,
        'aip_result_to_text');
  return out[0];
}

// ---------------------------------------------------------------------------
// Module
// ---------------------------------------------------------------------------

/** Runtime library version, "MAJOR.MINOR.PATCH". */
function version() {
  return C.aip_version();
}

/** Runtime library version, MAJOR*10000+MINOR*100+PATCH. */
function versionNumber() {
  return C.aip_version_number();
}

/** The knowledge-file schema_version the library reads. */
function schemaVersion() {
  return C.aip_schema_version();
}

/** $AIPOLICY_DATA if set, else the installed knowledge directory. */
function defaultDataDir() {
  return C.aip_default_data_dir();
}

// Identifiers only, so that ES modules can import these names.
module.exports = {
  KnowledgeBase,
  AipolicyError,
  STATUS,
  MIN_VERSION,
  libraryPath,
  version,
  versionNumber,
  schemaVersion,
  defaultDataDir,
  hasExplain: Boolean(C.aip_result_explain),
  _stats: stats,
};
