import { describe, expect, it } from 'vitest';
import { createClientOutbox, type OutboxSocket } from './client-outbox';

/** A socket whose buffer the test controls; writes complete when the test says so. */
function fakeSocket() {
  const pending: (() => void)[] = [];
  const socket = {
    bufferedAmount: 0,
    readyState: 1,
    sent: [] as string[],
    send(data: string, cb?: () => void) {
      socket.sent.push(data);
      if (cb) pending.push(cb);
    },
    drain() {
      socket.bufferedAmount = 0;
      for (const cb of pending.splice(0)) cb();
    },
  };
  return socket satisfies OutboxSocket;
}

describe('client outbox', () => {
  it('sends everything while the client keeps up', () => {
    const socket = fakeSocket();
    const outbox = createClientOutbox(socket, { highWaterBytes: 100 });
    outbox.sendTick('t1');
    outbox.send('alert');
    outbox.sendTick('t2');
    expect(socket.sent).toEqual(['t1', 'alert', 't2']);
  });

  it('keeps only the newest tick for a slow client and never drops other messages', () => {
    const socket = fakeSocket();
    const outbox = createClientOutbox(socket, { highWaterBytes: 100 });
    outbox.sendTick('t1');
    socket.bufferedAmount = 500;
    outbox.sendTick('t2');
    outbox.send('audit');
    outbox.sendTick('t3');
    outbox.sendTick('t4');
    expect(socket.sent).toEqual(['t1', 'audit']);
    socket.drain();
    expect(socket.sent).toEqual(['t1', 'audit', 't4']);
    expect(outbox.droppedTicks).toBe(2);
  });

  it('a fresh tick replaces a held one once the buffer is low again', () => {
    const socket = fakeSocket();
    const outbox = createClientOutbox(socket, { highWaterBytes: 100 });
    socket.bufferedAmount = 500;
    outbox.sendTick('old');
    socket.bufferedAmount = 0;
    outbox.sendTick('new');
    socket.drain();
    expect(socket.sent).toEqual(['new']);
  });

  it('writes nothing to a closed socket', () => {
    const socket = fakeSocket();
    const outbox = createClientOutbox(socket, { highWaterBytes: 100 });
    socket.readyState = 3;
    outbox.send('x');
    outbox.sendTick('y');
    expect(socket.sent).toEqual([]);
  });

  it('stops sending and reports once when a client would owe more than its cap', () => {
    const socket = fakeSocket();
    const overflows: number[] = [];
    const outbox = createClientOutbox(socket, {
      highWaterBytes: 100,
      maxBufferedBytes: 1_000,
      onOverflow: (bytes) => overflows.push(bytes),
    });
    outbox.send('a'.repeat(400));
    socket.bufferedAmount = 900;
    outbox.send('alert');
    expect(outbox.overflowed).toBe(false);
    outbox.send('b'.repeat(200));
    expect(overflows).toEqual([1_100]);
    expect(outbox.overflowed).toBe(true);
    outbox.send('after');
    outbox.sendTick('tick');
    socket.drain();
    expect(socket.sent).toEqual(['a'.repeat(400), 'alert']);
    expect(overflows).toHaveLength(1);
  });
});
