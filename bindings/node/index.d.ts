// Type declarations for the aipolicy Node.js bindings.
// The result types mirror doc/json-output.md (format_version 1). Fields may be
// added within a format version, so every object may carry more keys.

/// <reference types="node" />

/** aip_status values (include/aipolicy.h). */
export declare const STATUS: Readonly<{
  AIP_OK: 0;
  AIP_ENOMEM: -1;
  AIP_EINVAL: -2;
  AIP_EIO: -3;
  AIP_EYAML: -4;
  AIP_ESCHEMA: -5;
  AIP_EVERSION: -6;
  AIP_EDUPLICATE: -7;
  AIP_ENOTFOUND: -8;
  AIP_ERANGE: -9;
  AIP_ELIMIT: -10;
  AIP_EPROFILE: -11;
  AIP_EINTERNAL: -99;
}>;
export type StatusName = keyof typeof STATUS;

/** Oldest library version (MAJOR*10000+MINOR*100+PATCH) this package accepts. */
export declare const MIN_VERSION: number;
/** The shared library loaded ($AIPOLICY_LIB or the loader's search). */
export declare const libraryPath: string;
/** Runtime library version "MAJOR.MINOR.PATCH". */
export declare function version(): string;
/** Runtime library version as MAJOR*10000+MINOR*100+PATCH. */
export declare function versionNumber(): number;
/** The knowledge-file schema_version the library reads. */
export declare function schemaVersion(): number;
/** $AIPOLICY_DATA if set, else the installed knowledge directory. */
export declare function defaultDataDir(): string;
/** Whether the library has aip_result_explain (KnowledgeBase.explain). */
export declare const hasExplain: boolean;

/** A failure reported by libaipolicy, with its position when known. */
export declare class AipolicyError extends Error {
  constructor(code: number, message: string,
              where?: { file?: string | null; line?: number; column?: number;
                        path?: string | null });
  readonly name: 'AipolicyError';
  /** The aip_status value (negative), see STATUS. */
  readonly code: number;
  /** "AIP_EPROFILE"... */
  readonly codeName: StatusName | string;
  /** The library's message alone (message adds file:line:column: path:). */
  readonly detail: string;
  /** File or buffer name the error is in, or null. */
  readonly file: string | null;
  /** 1-based line; 0 when not applicable. */
  readonly line: number;
  /** 1-based column; 0 when not applicable. */
  readonly column: number;
  /** YAML path of the offending node ("/facts/x"), or null. */
  readonly path: string | null;
}

export type Lang = 'en' | 'fr';
/** A fact value in a profile; null means "not given". */
export type FactInput = boolean | number | string | Date | string[] | Set<string> | null;
/** Facts alone, or a whole profile document (doc/knowledge-format.md §6). */
export type Profile =
  | { [fact: string]: FactInput | undefined }
  | { profile?: 1; name?: string; description?: string; date?: string | Date;
      facts: { [fact: string]: FactInput | undefined } }
  | string
  | Buffer;

export interface ClassifyOptions {
  /** As-of date, overriding the profile's; default: the profile's, else today (UTC). */
  date?: string | Date;
  /** Language of titles, labels and questions (default "en"). */
  lang?: Lang;
  /** Layout of result.json: indented (default) or one line. */
  pretty?: boolean;
  /** Name used in error positions for in-memory profiles (default "<profile>"). */
  name?: string;
}

export interface RuleInfo { id: string; citation: string | null; }
export interface RegulationInfo { id: string; title: string | null; rules: RuleInfo[]; }
export interface FactInfo {
  id: string;
  type: 'bool' | 'enum' | 'set' | 'number' | 'date';
  label: string | null;
  question: string | null;
}

// ---- result (doc/json-output.md) ------------------------------------------

export type FactValue = boolean | number | string | string[] | null;

export interface Citation { ref: string; url?: string; }

export interface LawVersion {
  id: string;
  law_version: string;
  law_version_title: string;
  law_version_in_force: string;
}

export interface Provenance {
  library_version: string;
  knowledge_fingerprint: string;
  as_of: string;
  lang: Lang;
  regulations: LawVersion[];
}

export interface ScopeRule { id: string; scope: string; value: 'true' | 'unknown'; }

export interface Applicability {
  status: 'applies' | 'does_not_apply' | 'undetermined';
  scope_rules: ScopeRule[];
}

export interface UpcomingValue { value: string; from: string; rule: string; }

export interface Dimension {
  id: string;
  title: string;
  value: string;
  label: string;
  /** false: could still rise up to `ceiling` with the missing facts. */
  determined: boolean;
  ceiling: string;
  upcoming: UpcomingValue[];
}

export interface Deadline {
  kind: string;
  amount: number;
  unit: string;
  after?: string;
  case?: string;
}

export interface Obligation {
  id: string;
  title: string;
  summary?: string;
  /** null when the regulation has no roles. */
  role: string | null;
  citation: Citation;
  status: 'in_force' | 'upcoming';
  applies_from: string;
  /** false: depends on missing facts. */
  certain: boolean;
  rule: string;
  deadlines: Deadline[];
}

export interface Rule {
  id: string;
  title: string;
  citation: Citation;
  status: 'in_force' | 'upcoming';
  applies_from: string;
  /** Facts read by the rule; null: not given. */
  facts: { [fact: string]: FactValue };
}

export interface Note { rule: string; text: string; }

export interface PenaltyRegime {
  id: string;
  title: string;
  citation: Citation;
  status: 'in_force' | 'upcoming';
  applies_from: string;
  amount: number;
  turnover_percent: number | null;
  combine: 'higher' | 'lower' | null;
  variant_citation?: Citation;
  turnover: number | null;
  per: string | null;
  ceiling: number;
  currency: string;
  certain: boolean;
}

export interface Penalty {
  ceiling: number;
  currency: string;
  certain: boolean;
  regimes: PenaltyRegime[];
}

export interface Regulation {
  id: string;
  title: string;
  jurisdiction: string;
  law_version: string;
  applicability: Applicability;
  dimensions: Dimension[];
  obligations: Obligation[];
  fired_rules: Rule[];
  undetermined_rules: Rule[];
  notes: Note[];
  /** Ids, most decisive first, this regulation only. */
  missing_facts: string[];
  penalty: Penalty | null;
}

export interface MissingFact {
  id: string;
  label: string;
  question: string;
  score: number;
  relevant: boolean;
}

/** JSON.parse of aip_result_to_json, plus the exact text in `json`. */
export interface Result {
  format: 'aipolicy-result';
  format_version: 1;
  provenance: Provenance;
  facts: { [fact: string]: FactValue };
  regulations: Regulation[];
  missing_facts: MissingFact[];
  /** The library's JSON output, unchanged (not enumerable). */
  readonly json: string;
}

// ---- knowledge base ---------------------------------------------------------

/**
 * Loaded regulations and facts: immutable, shareable. Release it with close()
 * (a FinalizationRegistry releases it otherwise when it is garbage-collected).
 */
export declare class KnowledgeBase {
  private constructor(ptr: bigint);
  /** Loads a knowledge directory or file; no path: defaultDataDir(). */
  static load(path?: string | null): KnowledgeBase;
  /** Loads several knowledge files as one transaction (any order). */
  static fromFiles(paths: Iterable<string>): KnowledgeBase;
  /** Loads documents held in memory, {name: text}, in order. */
  static fromDocuments(documents: { [name: string]: string | Buffer }): KnowledgeBase;

  /** "sha256:" and the digest of the loaded files' bytes. */
  readonly fingerprint: string;
  readonly closed: boolean;
  regulations(lang?: Lang): RegulationInfo[];
  facts(lang?: Lang): FactInfo[];

  classify(profile: Profile, options?: ClassifyOptions): Result;
  classifyFile(path: string, options?: ClassifyOptions): Result;
  /** aip_classify runs on libuv's thread pool. */
  classifyAsync(profile: Profile, options?: ClassifyOptions): Promise<Result>;
  classifyFileAsync(path: string, options?: ClassifyOptions): Promise<Result>;
  /** The report for people (aip_result_to_text). */
  report(profile: Profile, options?: Omit<ClassifyOptions, 'pretty'>): string;
  /**
   * The reasoning as a text tree for people (aip_result_explain); throws
   * AIP_ENOTFOUND when the library predates it (see hasExplain).
   */
  explain(profile: Profile, options?: Omit<ClassifyOptions, 'pretty'>): string;

  /** Releases the knowledge base; idempotent. Running async calls finish. */
  close(): void;
}
