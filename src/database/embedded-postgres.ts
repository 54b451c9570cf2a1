import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Connections the embedded server accepts (the app, plus a tool or psql beside it). */
export const EMBEDDED_MAX_CONNECTIONS = 8;

/**
 * The app uses one pooled connection to the embedded database. PGlite runs one query at a time
 * anyway, and pglite-socket can mix up statements of concurrent connections (extended-protocol
 * messages interleave), so one connection is both as fast and correct.
 */
export const EMBEDDED_POOL_SIZE = 1;

export interface EmbeddedPostgres {
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder that keeps the data across restarts; omitted, the database lives in memory. */
  dataDir?: string;
  /** A dump made by `dumpDataDir`, to start from a prepared database. */
  loadDataDir?: Blob;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One process owns a PGlite folder: a second one would corrupt it, so it is refused. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'convene.pid');
  const holder = existsSync(lockFile) ? Number(readFileSync(lockFile, 'utf8')) : null;
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `The embedded database in ${dataDir} is in use by process ${holder}; stop it or set DATA_DIR elsewhere.`,
    );
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

/**
 * Starts PostgreSQL (PGlite) inside this process behind a socket on 127.0.0.1,
 * so the ordinary `pg` driver, TypeORM and its migrations work unchanged.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  try {
    const db = await PGlite.create({
      dataDir: options.dataDir ? join(options.dataDir, 'pg') : undefined,
      loadDataDir: options.loadDataDir,
    });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: EMBEDDED_MAX_CONNECTIONS });
    await server.start();
    const address = server.getServerConn();
    return {
      url: `postgres://postgres:postgres@${address}/postgres`,
      db,
      async stop() {
        await server.stop();
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
