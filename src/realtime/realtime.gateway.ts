import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service.js';
import { Authenticated } from '../authz/policy.decorator.js';
import { ErrorCode } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { OutboxDispatcher } from './dispatcher.service.js';
import { type Ack, RealtimeHub } from './realtime-hub.service.js';
import type { RawEvent } from './topics.js';

/** What instances tell each other through the Redis adapter. */
const REMOTE_EVENT = 'convene:event';

/**
 * The socket.io protocol of the contract: a token at the handshake, `subscribe` and
 * `unsubscribe` with acks, `event` and `revoked` from the server. Thin: the hub decides.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(
    private readonly auth: AuthService,
    private readonly hub: RealtimeHub,
    private readonly dispatcher: OutboxDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    // Every socket is authenticated at the handshake; a missing, bad, expired or revoked token
    // is refused with `connect_error` "UNAUTHENTICATED".
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const refuse = () => next(new Error(ErrorCode.UNAUTHENTICATED));
      if (typeof token !== 'string' || token.length > 200) return refuse();
      this.auth.authenticate(token).then(
        (user) => {
          if (!user) return refuse();
          (socket.data as { user?: AuthUser }).user = user;
          next();
        },
        (error: unknown) => {
          this.logger.error({ err: error }, 'Socket authentication failed');
          refuse();
        },
      );
    });
    // A dispatcher publishes each event once: to this instance's sockets, and through the Redis
    // adapter to the other instances, which deliver it to theirs.
    const remote = this.config.redisUrl !== null;
    if (remote) server.on(REMOTE_EVENT, (event: RawEvent) => void this.hub.deliver(event));
    this.dispatcher.attach((event) => {
      void this.hub.deliver(event);
      if (remote) server.serverSideEmit(REMOTE_EVENT, event);
    });
  }

  handleConnection(socket: Socket): void {
    const user = (socket.data as { user?: AuthUser }).user;
    if (!user) {
      socket.disconnect(true);
      return;
    }
    this.hub.connected(socket, user);
  }

  handleDisconnect(socket: Socket): void {
    this.hub.disconnected(socket);
  }

  @Authenticated()
  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    return this.hub.subscribe(socket, body);
  }

  @Authenticated()
  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Ack {
    return this.hub.unsubscribe(socket, body);
  }
}
