import type { TrafficTick } from '../api';
import type { TrafficModel } from '../traffic/traffic-model';
import type { BrokerBoard } from './broker-board';
import type { ConsoleEvents } from './console-events';
import type { EventBus } from './event-bus';
import type { SourceBoard } from './source-board';

export interface ConsoleTickParts {
  board: SourceBoard;
  model: TrafficModel;
  brokers: BrokerBoard;
  events: ConsoleEvents;
  bus: EventBus;
  /** the tick interval now in force */
  intervalMs(): number;
}

/**
 * One tick of the console: sample the sources, feed new rates to the model and push the batch, keep
 * the brokers' health. Rates that are not new (the rate source failed or is late) are not ingested:
 * a repeated sample would push real history out and baselines, spike detection and flip effects
 * would judge frozen numbers. The UI is told once that the last batch is stale instead.
 *
 * Pause is a viewing aid of the renderer, not of the core: ticks keep going out while paused, so the
 * tray's spike count, other windows and a flip's switch state stay current (the renderer freezes
 * its own figures).
 */
export async function consoleTick(parts: ConsoleTickParts, now: number): Promise<void> {
  const { board, model, brokers, events, bus } = parts;
  const sample = await board.sample(now);
  let tick: TrafficTick | null = null;
  if (sample.ratesFresh) {
    events.observe(sample.rates);
    tick = model.ingest(sample.rates, parts.intervalMs());
  } else tick = model.markStale();
  if (tick) bus.emit('traffic.onTick', tick);
  brokers.ingest(sample.brokers);
  events.afterTick(now, sample.ratesFresh);
}
