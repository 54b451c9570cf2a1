/**
 * Members as a programme has them, from their own process: each keeps a socket subscribed to the
 * thread they follow, reads that thread every `readEverySeconds` and replies to it every
 * `postEverySeconds`, each starting at a random moment so the load is spread as people spread it.
 * Answers with the delay of every request and every error.
 */
import { io, type Socket } from 'socket.io-client';
import { serveWorker } from '../lib/processes.js';

export interface MembersLoad {
  url: string;
  members: { token: string; threadId: string }[];
  seconds: number;
  readEverySeconds: number;
  postEverySeconds: number;
  threadDocument: string;
  replyDocument: string;
}

export interface MembersResult {
  members: number;
  socketsSubscribed: number;
  requests: number;
  errors: number;
  firstError: string | null;
  delays: number[];
  loadCpuSeconds: number;
}

async function subscribe(url: string, token: string, threadId: string): Promise<Socket | null> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect_error', () => resolve(null));
    socket.once('connect', () => {
      socket
        .timeout(30_000)
        .emitWithAck('subscribe', { topic: `thread:${threadId}` })
        .then(
          (ack: { ok: boolean }) => resolve(ack.ok ? socket : null),
          () => resolve(null),
        );
    });
  });
}

async function run(load: MembersLoad): Promise<MembersResult> {
  const sockets: (Socket | null)[] = [];
  for (let from = 0; from < load.members.length; from += 100) {
    const wave = load.members.slice(from, from + 100);
    sockets.push(...(await Promise.all(wave.map((m) => subscribe(load.url, m.token, m.threadId)))));
  }
  const delays: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const request = async (token: string, query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    try {
      const res = await fetch(`${load.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      if (!res.ok || text.includes('"errors"')) throw new Error(`${res.status} ${text.slice(0, 200)}`);
    } catch (error) {
      errors++;
      firstError ??= String(error);
    }
    delays.push(performance.now() - started);
  };
  const cpuMark = process.cpuUsage();
  const until = Date.now() + load.seconds * 1000;
  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, action: () => Promise<void>) => {
    const tick = () => {
      if (Date.now() >= until) return;
      void action();
      timers.push(setTimeout(tick, seconds * 1000));
    };
    timers.push(setTimeout(tick, Math.random() * seconds * 1000));
  };
  let n = 0;
  for (const member of load.members) {
    every(load.readEverySeconds, () => request(member.token, load.threadDocument, { id: member.threadId }));
    every(load.postEverySeconds, () =>
      request(member.token, load.replyDocument, {
        input: { threadId: member.threadId, body: `A member's reply ${n++}` },
      }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, load.seconds * 1000 + 2000));
  for (const timer of timers) clearTimeout(timer);
  const cpu = process.cpuUsage(cpuMark);
  for (const socket of sockets) socket?.close();
  return {
    members: load.members.length,
    socketsSubscribed: sockets.filter(Boolean).length,
    requests: delays.length,
    errors,
    firstError,
    delays,
    loadCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

serveWorker(run);
