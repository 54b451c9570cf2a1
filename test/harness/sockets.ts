import { io, type Socket } from 'socket.io-client';
import type { TestApp } from './test-app.js';

export interface ReceivedEvent {
  id: number;
  topic: string;
  type: string;
  payload: Record<string, unknown> | null;
}

export interface Ack {
  ok: boolean;
  code?: string;
  resync?: boolean;
}

/** A real socket.io client of a test server that records what it receives. */
export class TestSocket {
  readonly events: ReceivedEvent[] = [];
  readonly revoked: string[] = [];
  readonly resyncs: string[] = [];
  disconnected = false;

  private constructor(readonly socket: Socket) {
    socket.on('event', (event: ReceivedEvent) => this.events.push(event));
    socket.on('revoked', ({ topic }: { topic: string }) => this.revoked.push(topic));
    socket.on('resync', ({ topic }: { topic: string }) => this.resyncs.push(topic));
    socket.on('disconnect', () => {
      this.disconnected = true;
    });
  }

  /** Connects with a token; rejects with the `connect_error` message when refused. */
  static connect(url: string, token: string | undefined): Promise<TestSocket> {
    const socket = io(url, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      reconnection: false,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new TestSocket(socket)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  subscribe(topic: string, since?: number): Promise<Ack> {
    return this.socket.timeout(5000).emitWithAck('subscribe', since === undefined ? { topic } : { topic, since });
  }

  unsubscribe(topic: string): Promise<Ack> {
    return this.socket.timeout(5000).emitWithAck('unsubscribe', { topic });
  }

  of(topic: string, type?: string): ReceivedEvent[] {
    return this.events.filter((event) => event.topic === topic && (!type || event.type === type));
  }

  close(): void {
    this.socket.close();
  }
}

export function connectTo(t: TestApp, token: string | undefined): Promise<TestSocket> {
  return TestSocket.connect(t.url, token);
}

/** Waits until `done()` holds, checking every 20 ms; fails after `ms`. */
export async function eventually(done: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('Timed out waiting for the expected realtime traffic');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lets in-flight deliveries land, for asserting that something did NOT arrive. */
export function settle(ms = 600): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sockets a describe block opens, each closed after its test: `const sockets = openSockets(() => t)`,
 * then `await sockets.connect(token)`.
 */
export function openSockets(app: () => TestApp): { connect(token: string | undefined): Promise<TestSocket> } {
  const open: TestSocket[] = [];
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  return {
    async connect(token) {
      const socket = await connectTo(app(), token);
      open.push(socket);
      return socket;
    },
  };
}
