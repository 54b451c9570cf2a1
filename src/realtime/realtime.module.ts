import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ThreadsModule } from '../threads/threads.module.js';
import { OutboxDispatcher } from './dispatcher.service.js';
import { EventLog } from './event-log.service.js';
import { OutboxSubscriber } from './outbox.subscriber.js';
import { EventPruner } from './prune.service.js';
import { RealtimeHub } from './realtime-hub.service.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { EventRenderer } from './renderer.service.js';

/** The event log every domain writes to, and the socket.io delivery of its events. */
@Global()
@Module({
  imports: [AuthModule, CohortsModule, ThreadsModule, SessionsModule, NotificationsModule],
  providers: [EventLog, OutboxDispatcher, OutboxSubscriber, EventPruner, EventRenderer, RealtimeHub, RealtimeGateway],
  exports: [EventLog, OutboxDispatcher],
})
export class RealtimeModule {}
