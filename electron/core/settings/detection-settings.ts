/**
 * What a person may tune of detection: the optional `detection` object of settings.json and of
 * `settings.update`. Every field is optional and an absent one means the built-in default (the
 * defaults live with the detectors: traffic/detection-options.ts, broker-health/channel-leak.ts and
 * broker-health-detector.ts). The names are the detectors' own option names, so a setting means
 * exactly what the option means.
 *
 * In an update a field given as `null` removes the override (back to the default); `detection: null`
 * removes them all. This file imports zod only: the contract (api.ts), which the renderer reads,
 * builds on it.
 */
import { z } from 'zod';

/** The overrides in force: absent fields take the default. */
export interface DetectionSettings {
  spike?: LevelSettings;
  elevated?: LevelSettings;
  /** to stay in a level each test need only reach this fraction of its entry threshold (0.5) */
  holdFraction?: number;
  /** consecutive calm ticks before a spike or elevated mark is left (5) */
  calmTicks?: number;
  /** consecutive ticks above the limit before a tenant is marked over limit (2) */
  overLimitEnterTicks?: number;
  /** consecutive ticks at or under the limit before the over-limit mark is left (15) */
  overLimitCalmTicks?: number;
  /** time constant of the slow baseline, ms (300,000 = 5 min) */
  baselineTauMs?: number;
  broker?: BrokerDetectionSettings;
}

/** One level. Defaults: spike 4× / +10/s / 8× noise / 2 ticks; elevated 1.8× / +5/s / 6× noise / 3 ticks. */
export interface LevelSettings {
  /** rate / baseline at least this */
  ratio?: number;
  /** rate − baseline at least this many events/s (the absolute floor) */
  excess?: number;
  /** rate − baseline at least this many times the tenant's own noise spread */
  sigmas?: number;
  /** consecutive qualifying ticks before the level is entered */
  enterTicks?: number;
}

export interface BrokerDetectionSettings {
  /** the churn leak rule: channels created − closed at least this per second, sustained (5) */
  churnNetPerSec?: number;
  /** a connection holding at least this share of its channel_max is warned about (0.8) */
  nearChannelMaxShare?: number;
}

/** A field of an update: a value, `null` (back to the default) or absent (unchanged). */
const tunable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const ticks = z
  .number()
  .int('a whole number of ticks')
  .min(1, 'at least 1 tick')
  .max(3_600, 'at most 3,600 ticks');

const levelSchema = (minRatio: number, why: string) =>
  z
    .object({
      ratio: tunable(z.number().min(minRatio, `at least ${minRatio} (${why})`).max(1_000, 'at most 1,000')),
      excess: tunable(
        z.number().min(0, 'at least 0 events/s').max(1_000_000_000, 'at most 1,000,000,000 events/s'),
      ),
      sigmas: tunable(z.number().gt(0, 'above 0').max(1_000, 'at most 1,000')),
      enterTicks: tunable(ticks),
    })
    .strict();

export const detectionSettingsPatchSchema = z
  .object({
    spike: tunable(levelSchema(1.5, 'a spike is well above its baseline')),
    elevated: tunable(levelSchema(1.1, 'elevated is above its baseline')),
    holdFraction: tunable(z.number().gt(0, 'above 0').max(1, 'at most 1')),
    calmTicks: tunable(ticks),
    overLimitEnterTicks: tunable(ticks),
    overLimitCalmTicks: tunable(ticks),
    baselineTauMs: tunable(
      z
        .number()
        .int('whole milliseconds')
        .min(10_000, 'at least 10,000 ms')
        .max(86_400_000, 'at most 86,400,000 ms (a day)'),
    ),
    broker: tunable(
      z
        .object({
          churnNetPerSec: tunable(
            z.number().gt(0, 'above 0 channels/s').max(1_000_000, 'at most 1,000,000 channels/s'),
          ),
          nearChannelMaxShare: tunable(z.number().min(0.1, 'at least 0.1').max(1, 'at most 1')),
        })
        .strict(),
    ),
  })
  .strict();

export type DetectionSettingsPatch = z.infer<typeof detectionSettingsPatchSchema>;
