import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ConveneIoAdapter } from './realtime/io-adapter.js';
import type { Clock } from './common/clock.js';
import type { AppConfig } from './config/config.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres.js';

const REQUEST_BODY_LIMIT = '1mb';

export const HTTP_TIMEOUTS = { requestMs: 30_000, headersMs: 20_000, keepAliveMs: 5_000 };

/** A body that is too large or not JSON gets a GraphQL-shaped error, never Express's stack page. */
function bodyErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const status = (error as { status?: number; type?: string } | null)?.status;
  if (status !== 400 && status !== 413) {
    next(error);
    return;
  }
  const message =
    status === 413 ? `Request body is larger than ${REQUEST_BODY_LIMIT}` : 'Request body is not valid JSON';
  res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
}

/**
 * The client's scripts and styles carry a hash of their content in their names, so a browser keeps
 * them for a year; the page that names them is checked every time, so a new release shows at once.
 */
function cacheWebClient(webDir: string) {
  return (response: ServerResponse, path: string): void => {
    const hashed = relative(webDir, path).startsWith(`assets${sep}`);
    response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
}

/** Where the built web client is (web/dist), from the compiled server or from its sources; null if not built. */
function webClientDir(): string | null {
  for (const relative of ['../../web/dist', '../web/dist']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

export interface RunningApp {
  app: INestApplication;
  /** Stops the HTTP server, the database pool and, if it was started, the embedded database. */
  close(): Promise<void>;
}

/** Builds and initialises Convene without listening; `main.ts` and the tests both start here. */
export async function createApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<RunningApp> {
  let embedded: EmbeddedPostgres | null = null;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        config,
        databaseUrl: config.databaseUrl ?? embedded!.url,
        embedded: embedded !== null,
        clock: options.clock,
      }),
      { bufferLogs: true, abortOnError: false, bodyParser: false },
    );
    // Security headers; the development landing page loads Apollo's scripts, so its CSP is off there.
    app.use(helmet({ contentSecurityPolicy: config.nodeEnv === 'production' ? undefined : false }));
    // Ministry links are often 3G-class: answers over 1 KB (the client's script, a thread's page)
    // travel compressed when the browser accepts it.
    app.use(compression());
    app.use(json({ limit: REQUEST_BODY_LIMIT }));
    app.use(bodyErrors);
    app.useLogger(app.get(Logger));
    // The web client, when it has been built: static files at `/` (GraphQL stays at `/graphql`).
    const web = webClientDir();
    if (web) app.useStaticAssets(web, { index: 'index.html', setHeaders: cacheWebClient(web) });
    app.useWebSocketAdapter(new ConveneIoAdapter(app, config));
    app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
    await app.init();
    // Slow clients cannot hold connections open: whole request 30 s, headers 20 s, idle 5 s.
    const server = app.getHttpServer();
    server.requestTimeout = HTTP_TIMEOUTS.requestMs;
    server.headersTimeout = HTTP_TIMEOUTS.headersMs;
    server.keepAliveTimeout = HTTP_TIMEOUTS.keepAliveMs;
    return {
      app,
      async close() {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
