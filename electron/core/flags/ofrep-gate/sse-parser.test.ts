import { describe, expect, it } from 'vitest';
import { readBulkAnswer } from './bulk-answer';
import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('dispatches events on a blank line, with their type and data', () => {
    const parser = new SseParser();
    expect(parser.feed('retry: 1000\n\nevent: message\ndata: {"a":1}\n\n')).toEqual([
      { event: 'message', data: '{"a":1}' },
    ]);
    expect(parser.feed('data: plain\n\n')).toEqual([{ event: 'message', data: 'plain' }]);
  });

  it('ignores comments and joins multi-line data', () => {
    const parser = new SseParser();
    expect(parser.feed(': keep-alive\n\ndata: one\ndata:two\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('handles CR, LF and CRLF line ends, even when a CRLF is split across chunks', () => {
    const parser = new SseParser();
    expect(parser.feed('event: ping\r\ndata: x\r')).toEqual([]);
    expect(parser.feed('\n\r\n')).toEqual([{ event: 'ping', data: 'x' }]);
    expect(parser.feed('data: y\r\rdata: z\n\n')).toEqual([
      { event: 'message', data: 'y' },
      { event: 'message', data: 'z' },
    ]);
  });

  it('keeps a partial event until the rest arrives', () => {
    const parser = new SseParser();
    expect(parser.feed('event: mess')).toEqual([]);
    expect(parser.feed('age\ndata: {"type":"refetch')).toEqual([]);
    expect(parser.feed('Evaluation"}\n\n')).toEqual([
      { event: 'message', data: '{"type":"refetchEvaluation"}' },
    ]);
  });
});

describe('readBulkAnswer', () => {
  const body = (flag: unknown, extra = {}) => JSON.stringify({ flags: [flag], ...extra });

  it('reads the flag value and the advertised stream', () => {
    expect(
      readBulkAnswer(
        body(
          { key: 'publish-events', value: false },
          { eventStreams: [{ type: 'sse', endpoint: { requestUri: '/ofrep/v1/sse?key=k' } }] },
        ),
        'publish-events',
      ),
    ).toEqual({ ok: true, allowed: false, sseUri: '/ofrep/v1/sse?key=k' });
  });

  it('treats a missing value as the code default (allowed) and anything else odd as a problem', () => {
    expect(readBulkAnswer(body({ key: 'p', reason: 'DEFAULT' }), 'p')).toMatchObject({
      ok: true,
      allowed: true,
    });
    expect(readBulkAnswer(body({ key: 'p', errorCode: 'GENERAL', errorDetails: 'boom' }), 'p')).toMatchObject(
      {
        ok: false,
        problem: 'flag "p": GENERAL boom',
      },
    );
    expect(readBulkAnswer(body({ key: 'p', value: 'yes' }), 'p')).toMatchObject({ ok: false });
    expect(readBulkAnswer(body({ key: 'other', value: true }), 'p')).toMatchObject({ ok: false });
    expect(readBulkAnswer('<html>', 'p')).toMatchObject({ ok: false });
  });
});
