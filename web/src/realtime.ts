import { io, type Socket } from 'socket.io-client';
import { session } from './api.js';

export interface RealtimeEvent {
  id: number;
  topic: string;
  type: string;
  payload: unknown;
}

type Listener = (event: RealtimeEvent) => void;

interface Followed {
  /** The last event number seen; 0 until one arrives. */
  since: number;
  listeners: Set<Listener>;
  /** Called when events may have been missed and cannot be replayed: read the object again. */
  resync: Set<() => void>;
  /** Whether the server accepted the last subscription (it refuses, e.g., before the charter is accepted). */
  subscribed: boolean;
}

/**
 * One socket for the page. Topics are followed with the last event number seen, so after a
 * reconnect the server replays what was missed (`since`), and nothing is shown twice.
 */
class Realtime {
  private socket: Socket | null = null;
  private readonly topics = new Map<string, Followed>();
  private connectedBefore = false;
  private readonly status = new Set<(online: boolean) => void>();

  constructor() {
    // When the device says the network is back, a socket that looked alive may have lost events in
    // between: reconnect, and every topic is followed again from the last event seen (replay).
    window.addEventListener('online', () => {
      if (!this.socket) return;
      this.socket.disconnect();
      this.socket.connect();
    });
  }

  private connect(): Socket {
    if (this.socket) return this.socket;
    const socket = io({ auth: { token: session.token() }, transports: ['websocket'] });
    socket.on('connect', () => {
      const reconnect = this.connectedBefore;
      this.connectedBefore = true;
      for (const [name, topic] of this.topics) {
        this.subscribe(name);
        // Nothing seen yet, so nothing to replay from: whoever follows it reads it again.
        if (reconnect && topic.since === 0) for (const resync of topic.resync) resync();
      }
      for (const notify of this.status) notify(true);
    });
    // `resync`: events were missed and cannot be replayed. `revoked`: this reader may no longer
    // follow the topic (removed, expired, a new charter to accept). Either way the page reads its
    // object again, and shows whatever the server now answers (a refusal included).
    for (const name of ['resync', 'revoked']) {
      socket.on(name, ({ topic }: { topic: string }) => {
        const followed = this.topics.get(topic);
        if (!followed) return;
        if (name === 'revoked') followed.subscribed = false;
        for (const resync of followed.resync) resync();
      });
    }
    socket.on('disconnect', () => {
      for (const notify of this.status) notify(false);
    });
    socket.on('event', (event: RealtimeEvent) => {
      const topic = this.topics.get(event.topic);
      if (!topic || event.id <= topic.since) return;
      topic.since = event.id;
      for (const listener of topic.listeners) listener(event);
    });
    this.socket = socket;
    return socket;
  }

  private subscribe(name: string): void {
    const topic = this.topics.get(name);
    if (!topic || !this.socket?.connected) return;
    this.socket.emit(
      'subscribe',
      topic.since > 0 ? { topic: name, since: topic.since } : { topic: name },
      (ack: { ok: boolean } | undefined) => {
        topic.subscribed = ack?.ok === true;
      },
    );
  }

  /** Asks again for the topics the server refused, e.g. once the caller accepted the charter. */
  retryRefused(): void {
    for (const [name, topic] of this.topics) if (!topic.subscribed) this.subscribe(name);
  }

  follow(name: string, listener: Listener, resync?: () => void): () => void {
    const socket = this.connect();
    let topic = this.topics.get(name);
    if (!topic) {
      topic = { since: 0, listeners: new Set(), resync: new Set(), subscribed: false };
      this.topics.set(name, topic);
      if (socket.connected) this.subscribe(name);
    }
    topic.listeners.add(listener);
    if (resync) topic.resync.add(resync);
    return () => {
      topic.listeners.delete(listener);
      if (resync) topic.resync.delete(resync);
      if (topic.listeners.size === 0) {
        this.topics.delete(name);
        socket.emit('unsubscribe', { topic: name });
      }
    };
  }

  onStatus(listener: (online: boolean) => void): () => void {
    this.status.add(listener);
    return () => this.status.delete(listener);
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
    this.connectedBefore = false;
    this.topics.clear();
  }
}

export const realtime = new Realtime();
