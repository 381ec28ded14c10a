import { describe, expect, it } from 'vitest';
import { MarkerLog } from './marker-log';
import { SilenceAnnouncer } from './silence-announcer';
import { tenantRow } from './testing/tenant-row';
import { AlertQueue } from './traffic-alerts';

function announcer() {
  const alerts = new AlertQueue();
  const markers = new MarkerLog();
  const news = new SilenceAnnouncer(alerts, markers);
  const drained = () => alerts.drain().map((a) => `${a.kind} ${a.tenantId ?? '*'}`);
  return { news, markers, drained };
}

const row = (id: string) => tenantRow(id, 0, { status: 'silent', why: 'nothing for 10 s, ~100/s expected' });

describe('SilenceAnnouncer', () => {
  it('says nothing on a tick without silences', () => {
    const { news, drained } = announcer();
    news.flush(1, 0);
    expect(drained()).toEqual([]);
  });

  it('announces few silences one by one, each with its own marker and its own end', () => {
    const { news, markers, drained } = announcer();
    news.silenceStarted(row('a'), false);
    news.silenceStarted(row('b'), true);
    news.flush(1, 2);
    news.silenceEnded(row('a'), 5_000);
    news.flush(2, 1);
    expect(drained()).toEqual(['silent a', 'silent b', 'silent-ended a']);
    expect(markers.list(0).map((m) => m.tenantId)).toEqual(['a', 'b']);
  });

  it('past three, one rolling story until every one is back, with one marker where it began', () => {
    const { news, markers, drained } = announcer();
    for (const id of ['a', 'b', 'c']) news.silenceStarted(row(id), false);
    news.flush(1, 3);
    news.silenceStarted(row('d'), false);
    news.flush(2, 4);
    news.silenceStarted(row('e'), false);
    news.flush(3, 5);
    for (const id of ['a', 'b', 'c', 'd']) news.silenceEnded(row(id), 1_000);
    news.flush(4, 1);
    // the last one back is still part of the story, not a toast of its own
    news.silenceEnded(row('e'), 1_000);
    news.flush(5, 0);
    expect(drained()).toEqual([
      'silent a',
      'silent b',
      'silent c',
      'silent *',
      'silent *',
      'silent-ended *',
      'silent-ended *',
    ]);
    expect(markers.list(0).map((m) => m.label)).toEqual([
      'a silent',
      'b silent',
      'c silent',
      '4 tenants silent',
    ]);
    // the story is over: the next silence is news of its own again
    news.silenceStarted(row('a'), false);
    news.flush(6, 1);
    expect(drained()).toEqual(['silent a']);
  });
});
