import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, parseClientFrame } from './ws-protocol';

const frame = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('WebSocket envelope', () => {
  it('accepts a call', () => {
    const parsed = parseClientFrame(frame({ type: 'call', id: 7, name: 'app.info', input: {} }), false);
    expect(parsed).toEqual({ ok: true, message: { type: 'call', id: 7, name: 'app.info', input: {} } });
  });

  it.each([
    ['not JSON', frame('{nope'), false, /not valid JSON/],
    ['binary', frame({ type: 'call', id: 1, name: 'app.info' }), true, /binary/],
    ['wrong type', frame({ type: 'subscribe', id: 1, name: 'x' }), false, /malformed/],
    ['fractional id', frame({ type: 'call', id: 1.5, name: 'app.info' }), false, /malformed/],
    ['extra key', frame({ type: 'call', id: 1, name: 'app.info', token: 'x' }), false, /malformed/],
    ['array', frame([1, 2]), false, /malformed/],
    ['too large', Buffer.alloc(MAX_MESSAGE_BYTES + 1, 32), false, /larger than/],
  ])('answers %s with an INVALID_INPUT error', (_label, data, isBinary, message) => {
    const parsed = parseClientFrame(data, isBinary);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reply.type).toBe('error');
    expect(parsed.reply).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) },
    });
  });

  it('echoes a usable id so the client can fail that call', () => {
    const parsed = parseClientFrame(frame({ type: 'call', id: 3, name: 42 }), false);
    expect(parsed).toMatchObject({ ok: false, reply: { type: 'error', id: 3 } });
  });

  it('names the call of a frame too large to parse, when it starts with our envelope', () => {
    const big = (head: string) => Buffer.concat([Buffer.from(head), Buffer.alloc(MAX_MESSAGE_BYTES, 32)]);
    expect(parseClientFrame(big('{"type":"call","id":12,"name":"tenants.import"'), false)).toMatchObject({
      ok: false,
      reply: { type: 'error', id: 12, error: { code: 'INVALID_INPUT' } },
    });
    const anonymous = parseClientFrame(big('{"name":"tenants.import","id":12'), false);
    expect(anonymous.ok).toBe(false);
    if (!anonymous.ok) expect(anonymous.reply).not.toHaveProperty('id');
  });
});
