/** One dispatched server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
}

/**
 * Incremental text/event-stream parser (the WHATWG "interpret an event stream" rules that matter
 * here: CR, LF or CRLF line ends, `:` comments, `event` and multi-line `data` fields, dispatch on a
 * blank line). `id` and `retry` are ignored: the gate re-fetches everything after a reconnect and
 * keeps its own backoff.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  feed(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = /\r\n|\n|\r/.exec(this.buffer);
      if (!end) break;
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (end[0] === '\r' && end.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end[0].length);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const raw = colon < 0 ? '' : line.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return null;
  }

  private dispatch(): SseMessage | null {
    const message =
      this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n') } : null;
    this.event = '';
    this.data = [];
    return message;
  }
}
