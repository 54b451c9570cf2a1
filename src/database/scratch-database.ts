import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface ScratchDatabase {
  url: string;
  /** The database's name on the server; null for an embedded one. */
  name: string | null;
  embedded: boolean;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A throw-away database: a new database on the PostgreSQL server at `serverUrl` (optionally
 * copied from a template), or, without a server, an in-memory embedded one.
 */
export async function createScratchDatabase(
  serverUrl: string | null,
  options: { prefix?: string; template?: string; embeddedDump?: Blob } = {},
): Promise<ScratchDatabase> {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ loadDataDir: options.embeddedDump });
    return { url: embedded.url, name: null, embedded: true, drop: () => embedded.stop() };
  }
  const name = `${options.prefix ?? 'convene_scratch'}_${randomBytes(6).toString('hex')}`;
  const template = options.template ? ` TEMPLATE "${options.template}"` : '';
  await admin(serverUrl, async (client) => {
    // Copying a template fails while another copy holds it for a moment; try again briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}"${template}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  return {
    url: databaseUrlFor(serverUrl, name),
    name,
    embedded: false,
    drop: () =>
      admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
