/**
 * One immutable, evaluated-ready state of the flag file. The store swaps whole snapshots, so an
 * evaluation (the table's 10,000 lookups, an OFREP request) always sees one consistent file.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, type Logger } from '@openfeature/core';
import { type FeatureFlag, FlagdCore } from '@openfeature/flagd-core';
import type { FlagInfo } from '../../api';
import { DataFileError } from '../../storage/data-file-error';
import type { FlagDefinition, FlagMetadataValue, FlagsDocument } from './flags-file-schema';
import {
  isEmptyTargeting,
  overrideIndex,
  ruleAsTargeting,
  type SplitTargeting,
  splitTargeting,
} from './tenant-overrides';

export interface CompiledFlag {
  readonly key: string;
  readonly info: FlagInfo;
  /** flag-set metadata overlaid with the flag's own, as flagd serves it */
  readonly metadata: Readonly<Record<string, FlagMetadataValue>>;
  /** true when the file has any targeting for this flag (flagd then answers DEFAULT, not STATIC) */
  readonly targeted: boolean;
  readonly split: SplitTargeting;
  readonly overrideOf: ReadonlyMap<string, string>;
  /** flagd-core's evaluator for the rule alone (targeting without the override clauses), or null */
  readonly rule: FeatureFlag | null;
}

export interface FlagSnapshot {
  /** content hash of the file text: changes whenever the file does */
  readonly etag: string;
  /** epoch ms at which this content was loaded or written */
  readonly loadedAt: number;
  readonly text: string;
  readonly document: FlagsDocument;
  readonly metadata: Readonly<Record<string, FlagMetadataValue>>;
  readonly flags: ReadonlyMap<string, CompiledFlag>;
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

export function contentEtag(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Build a snapshot from a validated document; rejects targeting flagd could not compile. */
export function compileSnapshot(
  path: string,
  text: string,
  document: FlagsDocument,
  loadedAt = Date.now(),
): FlagSnapshot {
  const splits = new Map<string, SplitTargeting>();
  for (const [key, flag] of Object.entries(document.flags))
    splits.set(key, splitTargeting(flag.targeting, flag.variants));
  const rules = compileRules(path, document, splits);
  const metadata = document.metadata ?? {};
  const flags = new Map<string, CompiledFlag>();
  for (const [key, flag] of Object.entries(document.flags)) {
    const split = splits.get(key)!;
    const rule = split.rule === null ? null : (rules.getFlag(key) ?? null);
    if (rule) assertRuleCompiles(path, key, rule);
    flags.set(key, {
      key,
      info: flagInfo(key, flag),
      metadata: { ...metadata, ...(flag.metadata ?? {}) },
      targeted: !isEmptyTargeting(flag.targeting),
      split,
      overrideOf: overrideIndex(split.overrides),
      rule,
    });
  }
  return { etag: contentEtag(text), loadedAt, text, document, metadata, flags };
}

/**
 * flagd-core evaluates the rules: the same document with each flag's override clauses taken out.
 * For a tenant in no override list that is exactly what flagd answers for the whole targeting, and
 * keeping $evaluators in the document lets flagd-core resolve {"$ref": ...} as flagd does.
 */
function compileRules(
  path: string,
  document: FlagsDocument,
  splits: ReadonlyMap<string, SplitTargeting>,
): FlagdCore {
  const flags: Record<string, FlagDefinition> = {};
  for (const [key, flag] of Object.entries(document.flags)) {
    const { targeting: _overridesAndRule, ...rest } = flag;
    const rule = ruleAsTargeting(splits.get(key)!.rule);
    flags[key] = rule ? { ...rest, targeting: rule } : rest;
  }
  const core = new FlagdCore(undefined, silentLogger);
  try {
    core.setConfigurations(JSON.stringify({ ...document, flags }));
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new DataFileError(path, '(file)', `flagd could not load the flags${cause}`);
  }
  return core;
}

function assertRuleCompiles(path: string, key: string, rule: FeatureFlag): void {
  const probe = rule.evaluate({}, silentLogger);
  if (probe.reason === 'ERROR' && probe.errorCode === ErrorCode.PARSE_ERROR) {
    throw new DataFileError(
      path,
      `flags.${key}.targeting`,
      'invalid targeting rule (unknown operator or malformed logic)',
    );
  }
}

function flagInfo(key: string, flag: FlagDefinition): FlagInfo {
  const defaultValue = flag.variants[flag.defaultVariant]!;
  return {
    key,
    kind: flag.metadata?.kind ?? 'release',
    description: flag.metadata?.description ?? '',
    enabled: flag.state === 'ENABLED',
    valueType: typeof defaultValue as FlagInfo['valueType'],
    variants: { ...flag.variants },
    defaultVariant: flag.defaultVariant,
    offValue: defaultValue,
  };
}
