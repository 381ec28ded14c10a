/**
 * From the `detection` settings to the detectors: laying an update over the overrides in force,
 * refusing a combination that makes no sense, and handing each detector the options it knows.
 */
import type { BrokerHealthDetectorOptions } from '../traffic/broker-health/broker-health-detector';
import { type DetectionOptionsPatch, defaultDetectionOptions } from '../traffic/detection-options';
import type { DetectionSettings, DetectionSettingsPatch } from './detection-settings';

type Overrides = { [key: string]: unknown };

/**
 * The overrides after an update: a value replaces, `null` removes (back to the default), an absent
 * or undefined field is left as it was; `detection: null` removes every override. Sections left
 * empty are dropped, so settings.json holds only what someone chose.
 */
export function mergeDetectionSettings(
  current: DetectionSettings,
  patch: DetectionSettingsPatch | null | undefined,
): DetectionSettings {
  if (patch === undefined) return current;
  if (patch === null) return {};
  return overlay(current as Overrides, patch as Overrides) as DetectionSettings;
}

function overlay(current: Overrides, patch: Overrides): Overrides {
  const next: Overrides = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else if (typeof value === 'object') {
      const inner = overlay((current[key] as Overrides | undefined) ?? {}, value as Overrides);
      if (Object.keys(inner).length > 0) next[key] = inner;
      else delete next[key];
    } else next[key] = value;
  }
  return next;
}

/** A field whose value contradicts another's once the defaults fill in the rest. */
export interface DetectionConflict {
  /** the field to change, e.g. `detection.spike.ratio` */
  field: string;
  problem: string;
}

/**
 * Elevated is the milder level: a spike ratio under the elevated ratio would mark a tenant spiking
 * before it is even elevated. Each field is valid alone, so this is judged on the merged overrides;
 * the field blamed is the one the person set (the elevated one when both were).
 */
export function detectionConflict(settings: DetectionSettings): DetectionConflict | null {
  const spike = settings.spike?.ratio ?? defaultDetectionOptions.spike.ratio;
  const elevated = settings.elevated?.ratio ?? defaultDetectionOptions.elevated.ratio;
  if (elevated <= spike) return null;
  if (settings.elevated?.ratio !== undefined)
    return {
      field: 'detection.elevated.ratio',
      problem: `at most the spike ratio (${spike}): elevated is the milder level`,
    };
  return {
    field: 'detection.spike.ratio',
    problem: `at least the elevated ratio (${elevated}): elevated is the milder level`,
  };
}

/** What the traffic model takes: every override except the broker's. */
export function trafficDetectionOptions(settings: DetectionSettings = {}): DetectionOptionsPatch {
  const { broker: _broker, ...traffic } = settings;
  return traffic;
}

/** What each RabbitMQ source's health detector takes. */
export function brokerDetectorOptions(settings: DetectionSettings = {}): BrokerHealthDetectorOptions {
  const { churnNetPerSec, nearChannelMaxShare } = settings.broker ?? {};
  return {
    ...(churnNetPerSec === undefined ? {} : { leak: { churnNetPerSec } }),
    ...(nearChannelMaxShare === undefined ? {} : { nearChannelMaxShare }),
  };
}
