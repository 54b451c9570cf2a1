/**
 * SQL statements per thread page: the product runs in this process with every statement sent to
 * PostgreSQL counted (at the `pg` client, so nothing the ORM does is missed), and the `Thread`
 * document is sent over HTTP for each page size.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { serveWorker } from '../lib/processes.js';

export interface StatementsInput {
  databaseUrl: string;
  token: string;
  threadId: string;
  document: string;
  pageSizes: number[];
}

export interface StatementsResult {
  /** Per page size: statements of the first request (cold) and of the leanest of three later ones (warm). */
  pages: { first: number; cold: number; warm: number; statements: string[] }[];
}

let counting: string[] | null = null;
const client = pg.Client.prototype as unknown as { query: (this: pg.Client, ...args: unknown[]) => unknown };
const query = client.query;
client.query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  counting?.push((typeof config === 'string' ? config : (config?.text ?? '')).replace(/\s+/g, ' ').slice(0, 160));
  return query.apply(this, args);
};

async function run(input: StatementsInput): Promise<StatementsResult> {
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: input.databaseUrl,
    RUN_MIGRATIONS: 'false',
    RATE_LIMIT_MULTIPLIER: '1000',
  });
  const running = await createApp(config);
  const { app } = running;
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const send = async (first: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${input.token}` },
      body: JSON.stringify({
        query: input.document.replace('first: 50', `first: ${first}`),
        variables: { id: input.threadId },
      }),
    });
    const text = await res.text();
    if (!res.ok || text.includes('"errors"')) throw new Error(`Thread page failed: ${text.slice(0, 300)}`);
  };
  try {
    const pages = [];
    for (const first of input.pageSizes) {
      counting = [];
      await send(first);
      const cold = counting.length;
      // The outbox poller may add a statement to any one sample: the fewest of three warm ones.
      let warm: string[] | null = null;
      for (let i = 0; i < 3; i++) {
        counting = [];
        await send(first);
        if (!warm || counting.length < warm.length) warm = counting;
      }
      pages.push({ first, cold, warm: warm!.length, statements: warm! });
      counting = null;
    }
    return { pages };
  } finally {
    await running.close();
  }
}

serveWorker(run);
