/**
 * Realtime clients from their own process: socket.io clients that connect with a member's token,
 * subscribe to a thread and note when each post arrives. A post carries the moment it was sent
 * in its body (`sent:<ms>`), so the delay from send to receipt is measured on each client.
 */
import { io, type Socket } from 'socket.io-client';
import { serveWorker } from '../lib/processes.js';

export type SocketMessage =
  { type: 'connect'; url: string; tokens: string[]; topic: string | null } | { type: 'collect' } | { type: 'close' };

export interface ConnectResult {
  connected: number;
  subscribed: number;
  refused: number;
  firstRefusal: string | null;
}

export interface CollectResult {
  /** Receipt delay of every post.created that reached a client, in ms. */
  delays: number[];
  /** How many distinct (client, post) pairs arrived; more deliveries than this are duplicates. */
  distinct: number;
  loadCpuSeconds: number;
}

const SENT = /sent:(\d+)/;

let sockets: Socket[] = [];
let delays: number[] = [];
let seen = new Set<string>();
let cpuMark = process.cpuUsage();

function connectOne(url: string, token: string, index: number, topic: string | null): Promise<string> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  socket.on('event', (event: { type: string; payload: { body?: string | null } | null }) => {
    const match = event.type === 'post.created' ? SENT.exec(event.payload?.body ?? '') : null;
    if (!match) return;
    delays.push(Date.now() - Number(match[1]));
    seen.add(`${index}:${match[1]}`);
  });
  return new Promise((resolve) => {
    socket.once('connect_error', (error) => resolve(`connect: ${error.message}`));
    socket.once('connect', () => {
      if (!topic) return resolve('subscribed');
      socket
        .timeout(30_000)
        .emitWithAck('subscribe', { topic })
        .then(
          (ack: { ok: boolean; code?: string }) => resolve(ack.ok ? 'subscribed' : `subscribe: ${ack.code}`),
          (error: Error) => resolve(`subscribe: ${error.message}`),
        );
    });
  });
}

async function handle(message: SocketMessage): Promise<ConnectResult | CollectResult | { closed: number }> {
  switch (message.type) {
    case 'connect': {
      const outcomes: string[] = [];
      // In waves, as people arrive, rather than all in the same millisecond.
      for (let from = 0; from < message.tokens.length; from += 100) {
        const wave = message.tokens.slice(from, from + 100);
        outcomes.push(
          ...(await Promise.all(wave.map((token, i) => connectOne(message.url, token, from + i, message.topic)))),
        );
      }
      const refusals = outcomes.filter((outcome) => outcome !== 'subscribed');
      cpuMark = process.cpuUsage();
      return {
        connected: sockets.filter((socket) => socket.connected).length,
        subscribed: outcomes.length - refusals.length,
        refused: refusals.length,
        firstRefusal: refusals[0] ?? null,
      };
    }
    case 'collect': {
      const cpu = process.cpuUsage(cpuMark);
      const result = { delays, distinct: seen.size, loadCpuSeconds: (cpu.user + cpu.system) / 1e6 };
      delays = [];
      seen = new Set();
      cpuMark = process.cpuUsage();
      return result;
    }
    case 'close': {
      const closed = sockets.length;
      for (const socket of sockets) socket.close();
      sockets = [];
      return { closed };
    }
  }
}

serveWorker(handle);
