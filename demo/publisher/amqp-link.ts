/**
 * ONE long-lived AMQP connection with ONE confirm channel, kept up: when either goes away the link
 * reconnects with exponential backoff and jitter (the same "equal jitter" the flag client uses), and
 * it reports the broker's `connection.blocked` / `connection.unblocked`.
 *
 * A channel that closes on its own (a channel error) takes the connection down with it and the link
 * starts over: one connection, one channel, always.
 */
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { errorText } from '../../electron/core/errors/error-text';
import { backoffDelay } from '../../electron/core/retry/backoff';

export interface AmqpLinkOptions {
  url: string;
  /** shown by the broker as the connection's `user_provided_name` */
  connectionName: string;
  /** topic exchange asserted (durable) on every connect */
  exchange: string;
  /** first reconnect delay, default 100 ms; doubles up to reconnectMaxMs (default 10 s) */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** TCP connect timeout, default 5 s */
  connectTimeoutMs?: number;
  /** how long stop() waits for the broker to confirm the close before cutting the socket, default 2 s */
  closeTimeoutMs?: number;
  log?: (line: string) => void;
}

export type LinkState = 'reconnecting' | 'connected' | 'stopped';

export interface LinkListener {
  /** connected, or lost (then reconnecting) */
  state(state: LinkState, reason: string | null): void;
  blocked(blocked: boolean, reason: string | null): void;
  /** a channel was opened on the connection (the link's own, or one made with `openChannel`) */
  channelOpened(): void;
}

export class AmqpLink {
  private connection: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private current: LinkState = 'reconnecting';
  private isBlocked = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private lastError: string | null = null;
  private connects = 0;
  private readonly connectedWaiters: (() => void)[] = [];

  constructor(
    private readonly options: AmqpLinkOptions,
    private readonly listener: LinkListener,
  ) {}

  start(): void {
    void this.connect();
  }

  /** The confirm channel, or null while there is none (reconnecting, stopped). */
  get confirmChannel(): ConfirmChannel | null {
    return this.channel;
  }

  get state(): LinkState {
    return this.current;
  }

  get blocked(): boolean {
    return this.isBlocked;
  }

  /** Why the last connection or attempt failed. */
  get error(): string | null {
    return this.lastError;
  }

  /** How many connections have been established (1 + reconnects). */
  get connections(): number {
    return this.connects;
  }

  whenConnected(): Promise<void> {
    if (this.current === 'connected') return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /** A further confirm channel on the live connection: only channel-leak mode uses this. */
  async openChannel(): Promise<ConfirmChannel> {
    const connection = this.connection;
    if (!connection) throw new Error('not connected');
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    this.listener.channelOpened();
    return channel;
  }

  /**
   * Close the connection and stop reconnecting. Resolves within `closeTimeoutMs` whatever the
   * broker does: one that blocks the connection (memory alarm) stops reading from its socket, so
   * its close-ok may never come, and a publisher stopped during an alarm would hang.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    // Stopped is not "unblocked": nothing resumes, so nobody is told.
    this.isBlocked = false;
    this.setState('stopped', null);
    if (connection) await closeWithin(connection, this.options.closeTimeoutMs ?? 2_000);
    for (const resolve of this.connectedWaiters.splice(0)) resolve();
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    let connection: ChannelModel | null = null;
    try {
      connection = await amqp.connect(this.options.url, {
        clientProperties: { connection_name: this.options.connectionName },
        timeout: this.options.connectTimeoutMs ?? 5_000,
      });
      const opened = connection;
      opened.on('error', (error: Error) => {
        this.lastError = error.message;
      });
      opened.on('close', (error?: Error) => this.lost(opened, error?.message ?? 'connection closed'));
      // The broker may block a connection before it is ours (an alarm already on): remember it.
      let early: { blocked: boolean; reason: string | null } = { blocked: false, reason: null };
      opened.on('blocked', (reason: string) => {
        if (this.connection === opened) this.setBlocked(true, reason);
        else early = { blocked: true, reason };
      });
      opened.on('unblocked', () => {
        if (this.connection === opened) this.setBlocked(false, null);
        else early = { blocked: false, reason: null };
      });
      const channel = await opened.createConfirmChannel();
      this.listener.channelOpened();
      channel.on('error', (error: Error) => {
        this.lastError = error.message;
      });
      // A channel error closes only the channel: start over with a fresh connection.
      channel.on('close', () => {
        if (this.connection === opened) opened.close().catch(() => {});
      });
      await channel.assertExchange(this.options.exchange, 'topic', { durable: true });
      if (this.stopping) {
        await opened.close().catch(() => {});
        return;
      }
      this.connection = opened;
      this.channel = channel;
      this.attempt = 0;
      this.connects++;
      this.lastError = null;
      this.setState('connected', null);
      if (early.blocked) this.setBlocked(true, early.reason);
      for (const resolve of this.connectedWaiters.splice(0)) resolve();
    } catch (error) {
      this.lastError = errorText(error);
      if (connection) await connection.close().catch(() => {});
      this.scheduleReconnect();
    }
  }

  private lost(connection: ChannelModel, reason: string): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.channel = null;
    // The block went with the connection, but nothing resumes: the state change says what
    // happened ("reconnecting"), and a new connection is blocked anew if the alarm is still on.
    this.isBlocked = false;
    if (this.stopping) return;
    this.lastError = this.lastError ?? reason;
    this.setState('reconnecting', this.lastError);
    this.options.log?.(`amqp: connection lost (${this.lastError}); reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping) return;
    const delay = backoffDelay(
      this.attempt++,
      this.options.reconnectMinMs ?? 100,
      this.options.reconnectMaxMs ?? 10_000,
    );
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  private setBlocked(blocked: boolean, reason: string | null): void {
    if (this.isBlocked === blocked) return;
    this.isBlocked = blocked;
    this.listener.blocked(blocked, reason);
  }

  private setState(state: LinkState, reason: string | null): void {
    if (this.current === state) return;
    this.current = state;
    this.listener.state(state, reason);
  }
}

/**
 * Close politely; when the broker has not confirmed within `timeoutMs`, cut the socket. amqplib
 * keeps it as `connection.stream` (not in its typings); destroying it with an error makes amqplib
 * finish the connection at once (its heartbeat timer too, which would keep the process alive).
 */
async function closeWithin(connection: ChannelModel, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = connection.close().then(
    () => true,
    () => true,
  );
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const polite = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (polite) return;
  const socket = (connection.connection as unknown as { stream?: { destroy(error?: Error): void } }).stream;
  socket?.destroy(new Error(`the broker did not confirm the close within ${timeoutMs} ms`));
}
