/**
 * Realtime clients from their own process, light enough not to become the bottleneck: each speaks
 * the socket.io protocol (engine.io v4 over a WebSocket) directly, connects with a member's token,
 * subscribes to a thread and notes when each post arrives, without decoding the payload. A post
 * carries the moment it was sent in its body (`sent:<ms>`), so the delay from send to receipt is
 * measured on each client.
 */
import WebSocket from 'ws';
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

let sockets: WebSocket[] = [];
let delays: number[] = [];
let seen = new Set<string>();
let cpuMark = process.cpuUsage();

/** One client: resolves with 'subscribed' (or 'connected' without a topic), or why it was refused. */
function connectOne(url: string, token: string, index: number, topic: string | null): Promise<string> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  sockets.push(ws);
  return new Promise((resolve) => {
    ws.on('error', (error) => resolve(`connect: ${error.message}`));
    ws.on('close', () => resolve('closed'));
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('42["event"')) {
        if (!text.includes('"type":"post.created"')) return;
        const match = SENT.exec(text);
        if (!match) return;
        delays.push(Date.now() - Number(match[1]));
        seen.add(`${index}:${match[1]}`);
      } else if (text === '2') {
        ws.send('3'); // engine.io ping
      } else if (text.startsWith('0')) {
        ws.send(`40${JSON.stringify({ token })}`); // socket.io CONNECT with the token
      } else if (text.startsWith('40')) {
        if (!topic) return resolve('connected');
        ws.send(`420${JSON.stringify(['subscribe', { topic }])}`);
      } else if (text.startsWith('44')) {
        resolve(`connect: ${text.slice(2)}`);
      } else if (text.startsWith('430')) {
        const [ack] = JSON.parse(text.slice(3)) as [{ ok: boolean; code?: string }];
        resolve(ack.ok ? 'subscribed' : `subscribe: ${ack.code}`);
      }
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
      const refusals = outcomes.filter((outcome) => outcome !== 'subscribed' && outcome !== 'connected');
      cpuMark = process.cpuUsage();
      return {
        connected: sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length,
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
