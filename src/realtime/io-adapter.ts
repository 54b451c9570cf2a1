import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.js';

/** Largest message a client may send (subscribe and unsubscribe are tiny). */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/**
 * socket.io on the HTTP server of the API, with the origin allowlist of the config and, when
 * `REDIS_URL` is set, the Redis adapter that fans events out across instances.
 */
/** Whether an Origin names the host the request was sent to: the page came from this server. */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export class ConveneIoAdapter extends IoAdapter {
  private redis: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const origins = this.config.corsOrigins;
    const server: Server = super.createIOServer(port, {
      ...(options as ServerOptions),
      cors: { origin: origins.length > 0 ? origins : false },
      maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
      // Browsers send an Origin; it must be the server's own (the web client it serves) or allowed.
      // Other clients (services, tests) send none.
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        callback(null, origin === undefined || origins.includes(origin) || sameHost(origin, req.headers.host));
      },
    });
    if (this.config.redisUrl) {
      const publisher = new Redis(this.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
      const subscriber = publisher.duplicate();
      this.redis = [publisher, subscriber];
      server.adapter(createAdapter(publisher, subscriber));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.redis.map((client) => client.quit().catch(() => client.disconnect())));
    this.redis = [];
  }
}
