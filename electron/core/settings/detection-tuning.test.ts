import { describe, expect, it } from 'vitest';
import { NEAR_CHANNEL_MAX_SHARE } from '../traffic/broker-health/broker-health-detector';
import { DEFAULT_LEAK_OPTIONS } from '../traffic/broker-health/channel-leak';
import { resolveDetectionOptions } from '../traffic/detection-options';
import {
  brokerDetectorOptions,
  detectionConflict,
  mergeDetectionSettings,
  trafficDetectionOptions,
} from './detection-tuning';

describe('detection settings over the detectors', () => {
  it('leaves every default as README and the settings doc say when nothing is set', () => {
    const traffic = resolveDetectionOptions(trafficDetectionOptions({}));
    expect(traffic).toMatchObject({
      spike: { ratio: 4, excess: 10, sigmas: 8, enterTicks: 2 },
      elevated: { ratio: 1.8, excess: 5, sigmas: 6, enterTicks: 3 },
      holdFraction: 0.5,
      calmTicks: 5,
      overLimitEnterTicks: 2,
      overLimitCalmTicks: 15,
      baselineTauMs: 300_000,
    });
    expect(brokerDetectorOptions({})).toEqual({});
    expect([DEFAULT_LEAK_OPTIONS.churnNetPerSec, NEAR_CHANNEL_MAX_SHARE]).toEqual([5, 0.8]);
  });

  it('hands the traffic model its fields over the defaults, and the broker detector its own', () => {
    const settings = {
      spike: { ratio: 2.5 },
      calmTicks: 8,
      broker: { churnNetPerSec: 12, nearChannelMaxShare: 0.6 },
    };
    const traffic = resolveDetectionOptions(trafficDetectionOptions(settings));
    expect(traffic.spike).toEqual({ ratio: 2.5, excess: 10, sigmas: 8, enterTicks: 2 });
    expect(traffic.calmTicks).toBe(8);
    expect(traffic).not.toHaveProperty('broker');
    expect(brokerDetectorOptions(settings)).toEqual({
      leak: { churnNetPerSec: 12 },
      nearChannelMaxShare: 0.6,
    });
    expect(brokerDetectorOptions({ broker: { nearChannelMaxShare: 0.5 } })).toEqual({
      nearChannelMaxShare: 0.5,
    });
  });

  it('merges an update: values replace, null removes, absent stays, empty sections go', () => {
    const current = { spike: { ratio: 3, excess: 20 }, calmTicks: 4 };
    expect(mergeDetectionSettings(current, undefined)).toBe(current);
    expect(mergeDetectionSettings(current, null)).toEqual({});
    expect(
      mergeDetectionSettings(current, { spike: { excess: null, sigmas: 10 }, calmTicks: undefined }),
    ).toEqual({
      spike: { ratio: 3, sigmas: 10 },
      calmTicks: 4,
    });
    expect(mergeDetectionSettings(current, { spike: { ratio: null, excess: null } })).toEqual({
      calmTicks: 4,
    });
    expect(current).toEqual({ spike: { ratio: 3, excess: 20 }, calmTicks: 4 });
  });

  it('blames the field that was set when the spike ratio falls under the elevated one', () => {
    expect(detectionConflict({})).toBeNull();
    expect(detectionConflict({ spike: { ratio: 1.8 } })).toBeNull();
    expect(detectionConflict({ spike: { ratio: 1.6 } })?.field).toBe('detection.spike.ratio');
    expect(detectionConflict({ elevated: { ratio: 5 } })?.field).toBe('detection.elevated.ratio');
    expect(detectionConflict({ spike: { ratio: 2 }, elevated: { ratio: 2.2 } })).toEqual({
      field: 'detection.elevated.ratio',
      problem: 'at most the spike ratio (2): elevated is the milder level',
    });
  });
});
