import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import { AccessWindow } from '../cohorts/access-window.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { Clock } from '../common/clock.js';
import { AppError, ErrorCode } from '../common/errors.js';
import type { ActorMembership } from '../authz/subjects.js';
import type { AuthUser } from '../common/request-context.js';
import { BreakoutsService } from '../sessions/breakouts.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ThreadsService } from '../threads/threads.service.js';
import { EventRenderer } from './renderer.service.js';
import { RENDER_SHARING_MS, SharedWork } from './shared-work.js';
import { parseTopic, type RawEvent, type Topic } from './topics.js';

/** Limits that keep one client from costing the server without bound. */
export const REALTIME_LIMITS = {
  subscriptionsPerSocket: 50,
  /** Client events (subscribe, unsubscribe) per second, with bursts up to `clientEventBurst`. */
  clientEventsPerSecond: 10,
  clientEventBurst: 20,
  /** Packets waiting to be written to one socket before it is dropped as too slow. */
  maxQueuedPackets: 2000,
  /** Events fetched per query when replaying. */
  replayPage: 500,
};

/** How often tokens and access windows of connected sockets are checked. */
const SWEEP_MS = 500;
const TOKEN_CHECK_MS = 500;

/** Events that can change who may read what in a cohort: every subscription there is checked again. */
const ACCESS_EVENTS = new Set(['membership.updated', 'charter.ratified', 'session.updated', 'cohort.updated']);

/** Packets engine.io holds for a socket that it has not written yet. */
const queuedPackets = (socket: Socket): number =>
  (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;

interface Subscription {
  topic: Topic;
  cohortId: string;
  /** The role the subscription was authorized under; a change means checking again. */
  role: string | null;
  /** The last event number delivered (or skipped as before the subscription). */
  lastSeq: number;
  /** Deliveries run one after another, replay first, so the order holds and nothing is doubled. */
  queue: Promise<void>;
  /** Deliveries queued and not finished; with none, a live event can go out with the others. */
  queued: number;
  /** When the member's access window in this cohort closes (null: no end). */
  windowEndsAt: Date | null;
  closed: boolean;
}

interface Client {
  socket: Socket;
  user: AuthUser;
  subscriptions: Map<string, Subscription>;
  /** Topics being subscribed right now. */
  pending: Set<string>;
  tokens: number;
  tokensAt: number;
}

export interface Ack {
  ok: boolean;
  code?: string;
  resync?: boolean;
}

/**
 * Which sockets hear which topics, and what each of them receives. The server decides: a client
 * asks for a topic, the topic is authorized for its account (CASL and the charter gate), and from
 * then on every event is checked against the member's standing, read fresh for each event, and
 * rendered for the member's view of the cohort before it is sent.
 */
@Injectable()
export class RealtimeHub implements OnModuleDestroy {
  private readonly logger = new Logger(RealtimeHub.name);
  private readonly clients = new Map<string, Client>();
  private readonly byTopic = new Map<string, Set<Client>>();
  /** Per topic, the delivery in progress; the next one waits for it. */
  private readonly deliveries = new Map<string, Promise<void>>();
  /** Each account object's view key per cohort (see `viewKey`). */
  private readonly viewKeys = new WeakMap<AuthUser, Map<string, string>>();
  /** One rendering per event and view, shared by every recipient with that view. */
  private readonly renders = new SharedWork<unknown>(RENDER_SHARING_MS);
  private readonly sweeper: NodeJS.Timeout;
  private lastTokenCheck = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly window: AccessWindow,
    private readonly cohorts: CohortsService,
    private readonly threads: ThreadsService,
    private readonly sessions: SessionsService,
    private readonly breakouts: BreakoutsService,
    private readonly renderer: EventRenderer,
    private readonly clock: Clock,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * Stopping: each socket is told so and its transport closed, which socket.io clients answer by
   * reconnecting (to another instance) and resubscribing with the last id they saw.
   */
  async closeSockets(): Promise<void> {
    for (const client of this.clients.values()) client.socket.emit('shutdown', { reconnect: true });
    // A moment for the notice to be written before the transports close.
    if (this.clients.size > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    for (const client of this.clients.values()) client.socket.conn.close();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  connected(socket: Socket, user: AuthUser): void {
    const now = Date.now();
    this.clients.set(socket.id, {
      socket,
      user,
      subscriptions: new Map(),
      pending: new Set(),
      tokens: REALTIME_LIMITS.clientEventBurst,
      tokensAt: now,
    });
  }

  disconnected(socket: Socket): void {
    const client = this.clients.get(socket.id);
    if (!client) return;
    for (const subscription of client.subscriptions.values()) this.drop(client, subscription);
    this.clients.delete(socket.id);
  }

  async subscribe(socket: Socket, body: unknown): Promise<Ack> {
    const client = this.clients.get(socket.id);
    if (!client) return { ok: false, code: ErrorCode.UNAUTHENTICATED };
    if (!this.takeToken(client)) return { ok: false, code: ErrorCode.RATE_LIMITED };
    const request = (body ?? {}) as { topic?: unknown; since?: unknown };
    const topic = parseTopic(request.topic);
    if (!topic) return { ok: false, code: ErrorCode.BAD_USER_INPUT };
    const since = request.since;
    if (since !== undefined && since !== null && !(Number.isSafeInteger(since) && (since as number) >= 0)) {
      return { ok: false, code: ErrorCode.BAD_USER_INPUT };
    }
    if (client.subscriptions.has(topic.name) || client.pending.has(topic.name)) return { ok: true };
    if (client.subscriptions.size + client.pending.size >= REALTIME_LIMITS.subscriptionsPerSocket) {
      return { ok: false, code: ErrorCode.BAD_USER_INPUT };
    }
    // Reserved before the first await, so concurrent subscribes to one topic make one subscription.
    client.pending.add(topic.name);
    try {
      return await this.open(client, topic, since as number | null | undefined);
    } finally {
      client.pending.delete(topic.name);
    }
  }

  private async open(client: Client, topic: Topic, since: number | null | undefined): Promise<Ack> {
    const socket = client.socket;
    if (!(await this.tokenAlive(client))) {
      socket.disconnect(true);
      return { ok: false, code: ErrorCode.UNAUTHENTICATED };
    }
    client.user = { ...client.user }; // a fresh object: the ability is loaded anew
    let cohortId: string;
    try {
      cohortId = await this.authorize(client.user, topic);
    } catch (error) {
      return { ok: false, code: error instanceof AppError ? error.code : ErrorCode.NOT_FOUND };
    }
    const membership = await this.access.membershipIn(client.user, cohortId);
    // Standing read again once the log position is known: a removal that committed meanwhile
    // cannot slip a replay through.
    const [row] = await this.dataSource.query<{ last_seq: string; pruned_seq: string }[]>(
      'SELECT last_seq, pruned_seq FROM realtime_topics WHERE topic = $1',
      [topic.name],
    );
    if (membership) {
      const now = (await this.standing(cohortId, [client.user.id])).get(client.user.id);
      if (!now?.inForce || !now.charterAccepted || now.role !== membership.role) {
        return { ok: false, code: ErrorCode.NOT_FOUND };
      }
    }
    // The socket may have gone while this was checked.
    if (!this.clients.has(client.socket.id)) return { ok: false, code: ErrorCode.UNAUTHENTICATED };
    const latest = Number(row?.last_seq ?? 0);
    const pruned = Number(row?.pruned_seq ?? 0);
    const resync = typeof since === 'number' && since < pruned;
    const subscription: Subscription = {
      topic,
      cohortId,
      role: membership?.role ?? null,
      // Without `since`, or when the history asked for is gone, the client starts from now.
      lastSeq: typeof since === 'number' && !resync ? Math.min(since, latest) : latest,
      queue: Promise.resolve(),
      queued: 0,
      windowEndsAt: membership?.accessExpiresAt ?? null,
      closed: false,
    };
    client.subscriptions.set(topic.name, subscription);
    let listeners = this.byTopic.get(topic.name);
    if (!listeners) this.byTopic.set(topic.name, (listeners = new Set()));
    listeners.add(client);
    if (resync) socket.emit('resync', { topic: topic.name, latest });
    // Replay runs first in the subscription's queue; live events queue up behind it.
    if (subscription.lastSeq < latest) this.enqueue(client, subscription, latest);
    return resync ? { ok: true, resync: true } : { ok: true };
  }

  unsubscribe(socket: Socket, body: unknown): Ack {
    const client = this.clients.get(socket.id);
    if (!client) return { ok: false, code: ErrorCode.UNAUTHENTICATED };
    if (!this.takeToken(client)) return { ok: false, code: ErrorCode.RATE_LIMITED };
    const topic = parseTopic((body as { topic?: unknown } | null)?.topic);
    if (!topic) return { ok: false, code: ErrorCode.BAD_USER_INPUT };
    const subscription = client.subscriptions.get(topic.name);
    if (subscription) this.drop(client, subscription);
    return { ok: true };
  }

  /**
   * An event published by a dispatcher, on this instance or another. Events of one topic are
   * handed to subscriptions in the order they were published, so each is sent as it is (the next
   * one of its topic) rather than read back from the log by every subscriber.
   */
  deliver(event: RawEvent): Promise<void> {
    const previous = this.deliveries.get(event.topic) ?? Promise.resolve();
    const next = previous
      .then(() => this.deliverNow(event))
      .catch((error: unknown) => this.logger.error({ err: error, topic: event.topic }, 'Delivery failed'))
      .finally(() => {
        if (this.deliveries.get(event.topic) === next) this.deliveries.delete(event.topic);
      });
    this.deliveries.set(event.topic, next);
    return next;
  }

  private async deliverNow(event: RawEvent): Promise<void> {
    // A change of who may read what is applied to every subscription it touches before the
    // event itself goes out, so nobody receives it under the rights they just lost.
    if (ACCESS_EVENTS.has(event.type)) await this.recheckCohort(event.cohortId);
    // A move changes who may follow the thread; a group's change, who is in it.
    if (event.type === 'thread.updated' || event.type === 'breakout.updated') await this.recheckTopic(event.topic);
    const listeners = [...(this.byTopic.get(event.topic) ?? [])];
    if (listeners.length === 0) return;
    // Each recipient's standing in the cohort, read fresh for this event in one query: a member
    // removed, expired or gated by a new charter before this event committed never receives it.
    const outOfStanding = await this.outOfStanding(
      event.cohortId,
      await Promise.all(
        listeners.map(async (client) => ({
          userId: client.user.id,
          role: client.subscriptions.get(event.topic)?.role ?? null,
          // What the socket's cached rights and view were read under; anything newer means reading them again.
          revision: (await this.access.membershipIn(client.user, event.cohortId))?.revision ?? null,
        })),
      ),
    );
    const upToDate: { client: Client; subscription: Subscription }[] = [];
    for (const client of listeners) {
      const subscription = client.subscriptions.get(event.topic);
      if (!subscription || subscription.closed) continue;
      if (outOfStanding.has(`${client.user.id}:${subscription.role}`)) {
        // Checked again with fresh rights; if it still holds (say, a charter since accepted), the
        // event follows from the log, rendered for the renewed view.
        void this.recheck(client, subscription).then(() => {
          if (!subscription.closed) this.enqueue(client, subscription, event.seq);
        });
        continue;
      }
      if (subscription.queued === 0 && subscription.lastSeq === event.seq - 1) upToDate.push({ client, subscription });
      else this.enqueue(client, subscription, event.seq, event);
    }
    await this.broadcast(event, upToDate);
  }

  /**
   * Queues delivery of every event of the subscription's topic up to `through`. `live`: the event
   * just published, sent as it is when it is the next one (renderings may be shared); without it
   * (a replay), or after a gap, the events are read from the log.
   */
  private enqueue(client: Client, subscription: Subscription, through: number, live?: RawEvent): void {
    subscription.queued++;
    subscription.queue = subscription.queue
      .then(() => this.catchUp(client, subscription, through, live))
      .catch((error: unknown) => this.logger.error({ err: error, topic: subscription.topic.name }, 'Delivery failed'))
      .finally(() => subscription.queued--);
  }

  /**
   * A live event to the subscriptions that are up to date with their topic (nothing queued, the
   * event is the next one): grouped by view, each group's payload rendered once and written to
   * its sockets as one encoded packet. The same checks as `send`, without a queue per socket.
   */
  private async broadcast(event: RawEvent, recipients: { client: Client; subscription: Subscription }[]) {
    const groups = new Map<string, { reader: AuthUser; members: { client: Client; subscription: Subscription }[] }>();
    for (const recipient of recipients) {
      const { client, subscription } = recipient;
      if (!(await this.mayReceive(client.user, event))) {
        subscription.lastSeq = event.seq;
        continue;
      }
      const view = await this.viewKey(client.user, event);
      const group = groups.get(view);
      if (group) group.members.push(recipient);
      else groups.set(view, { reader: client.user, members: [recipient] });
    }
    for (const [view, group] of groups) {
      const key = `${event.topic}#${event.seq}#${view}`;
      const payload = await this.renders.get(key, () => this.renderer.render(event, group.reader, true));
      const sockets: string[] = [];
      for (const { client, subscription } of group.members) {
        if (subscription.closed) continue;
        subscription.lastSeq = event.seq;
        if (payload === null) continue;
        if (queuedPackets(client.socket) > REALTIME_LIMITS.maxQueuedPackets) {
          this.logger.warn({ socket: client.socket.id }, 'Dropping a socket that does not keep up');
          client.socket.disconnect(true);
          continue;
        }
        sockets.push(client.socket.id);
      }
      if (sockets.length === 0) continue;
      // Only this instance's sockets: each instance delivers to its own.
      group.members[0].client.socket.nsp.local
        .to(sockets)
        .emit('event', { id: event.seq, topic: event.topic, type: event.type, payload });
    }
  }

  /** Sends, in order, the events after the last one sent, up to `through`. */
  private async catchUp(client: Client, subscription: Subscription, through: number, live?: RawEvent): Promise<void> {
    if (live && !subscription.closed && subscription.lastSeq === live.seq - 1) {
      await this.send(client, subscription, live, true);
      subscription.lastSeq = live.seq;
      return;
    }
    while (!subscription.closed && subscription.lastSeq < through) {
      const events = await this.dataSource.query<
        { seq: string; cohort_id: string; type: RawEvent['type']; ref: Record<string, string> }[]
      >(
        `SELECT seq, cohort_id, type, ref FROM realtime_events
          WHERE topic = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
        [subscription.topic.name, subscription.lastSeq, through, REALTIME_LIMITS.replayPage],
      );
      if (events.length === 0) return;
      for (const row of events) {
        if (subscription.closed) return;
        const event: RawEvent = {
          topic: subscription.topic.name,
          seq: Number(row.seq),
          cohortId: row.cohort_id,
          type: row.type,
          ref: row.ref,
        };
        await this.send(client, subscription, event, live !== undefined);
        subscription.lastSeq = event.seq;
      }
    }
  }

  private async send(client: Client, subscription: Subscription, event: RawEvent, live: boolean): Promise<void> {
    if (!(await this.mayReceive(client.user, event))) return;
    const view = await this.viewKey(client.user, event);
    const key = `${event.topic}#${event.seq}#${view}`;
    // Live deliveries of one event share a rendering per view, while it renders and a moment
    // after; a replay always renders the object and the charter as they are now.
    const rendered = await (live
      ? this.renders.get(key, () => this.renderer.render(event, client.user, true))
      : this.renderer.render(event, client.user, false));
    if (rendered === null || subscription.closed) return;
    if (queuedPackets(client.socket) > REALTIME_LIMITS.maxQueuedPackets) {
      // Too slow to keep up: drop it rather than hold its backlog; it reconnects with `since`.
      this.logger.warn({ socket: client.socket.id }, 'Dropping a socket that does not keep up');
      client.socket.disconnect(true);
      return;
    }
    client.socket.emit('event', { id: event.seq, topic: event.topic, type: event.type, payload: rendered });
  }

  /**
   * Events on a cohort topic are about different objects; each recipient gets only those it may
   * read. Thread and session topics are about one object, authorized with the subscription.
   */
  private async mayReceive(user: AuthUser, event: RawEvent): Promise<boolean> {
    switch (event.type) {
      case 'session.updated':
        return (await this.access.abilityFor(user)).can(
          'read',
          asSubject('Session', { id: event.ref.sessionId, cohortId: event.cohortId }),
        );
      case 'membership.updated':
        return (await this.access.abilityFor(user)).can(
          'read',
          asSubject('Membership', {
            id: event.ref.membershipId,
            cohortId: event.cohortId,
            userId: event.ref.userId,
            status: event.ref.status as 'ACTIVE' | 'REMOVED',
          }),
        );
      case 'notification.created':
        // A notification is for its recipient alone.
        return user.id === event.ref.userId;
      case 'breakout.updated':
      case 'breakout.note':
      case 'charter.ratified':
      case 'cohort.updated':
      case 'post.created':
      case 'post.updated':
      case 'post.hidden':
      case 'thread.updated':
      case 'question.created':
      case 'question.updated':
        return true;
    }
  }

  /**
   * Readers with the same key are entitled to the same payload: everything the rules read about
   * them in this cohort (role, ministry, grants, the charter's switches), and for memberships
   * whether it is their own.
   */
  private async viewKey(user: AuthUser, event: RawEvent): Promise<string> {
    // A notification's payload is its recipient's alone, and what a breakout group shows depends on
    // whether the reader is in it: never shared with another reader.
    if (event.type === 'notification.created' || event.type.startsWith('breakout.')) return `user:${user.id}`;
    const self = event.type === 'membership.updated';
    // Kept per account object and cohort: a socket's account object is replaced whenever its
    // rights are read again (a recheck, a new subscription), which starts a new cache.
    let keys = this.viewKeys.get(user);
    if (!keys) this.viewKeys.set(user, (keys = new Map<string, string>()));
    let key = self ? undefined : keys.get(event.cohortId);
    if (key === undefined) {
      const m = await this.access.membershipIn(user, event.cohortId);
      key = m
        ? JSON.stringify([
            m.role,
            m.ministry,
            [...m.grantedSpaceIds].sort(),
            [...m.grantedSessionIds].sort(),
            m.charterAccepted,
            m.attribution,
            m.observersAllowed,
            m.vendorsShutOut,
            self && m.id === event.ref.membershipId ? m.id : null,
          ])
        : 'none';
      if (!self) keys.set(event.cohortId, key);
    }
    return key;
  }

  /** Which cohort a topic belongs to, if this caller may follow it; throws NOT_FOUND and the like. */
  private async authorize(user: AuthUser, topic: Topic): Promise<string> {
    switch (topic.kind) {
      case 'cohort': {
        // The cohort's stream carries content (sessions) and is for its members only.
        const { cohort } = await this.cohorts.getContentScope(user, topic.id);
        if (!(await this.access.membershipIn(user, cohort.id))) throw new AppError(ErrorCode.NOT_FOUND, 'Not found');
        return cohort.id;
      }
      case 'thread':
        return (await this.threads.readable(user, topic.id)).cohortId;
      case 'session':
        return (await this.sessions.loadAuthorized(user, 'read', topic.id)).cohortId;
      case 'breakout':
        return (await this.breakouts.loadGroup(user, 'read', topic.id)).group.cohortId;
    }
  }

  /** Authorizes a subscription again with fresh rules; if it no longer holds, stops it and says so. */
  private async recheck(client: Client, subscription: Subscription): Promise<void> {
    if (subscription.closed) return;
    client.user = { ...client.user };
    try {
      await this.authorize(client.user, subscription.topic);
      const membership = await this.access.membershipIn(client.user, subscription.cohortId);
      if (!membership || membership.role !== subscription.role) throw new AppError(ErrorCode.NOT_FOUND, 'Not found');
      subscription.windowEndsAt = membership.accessExpiresAt;
    } catch {
      if (subscription.closed) return;
      this.drop(client, subscription);
      client.socket.emit('revoked', { topic: subscription.topic.name });
    }
  }

  private async recheckCohort(cohortId: string): Promise<void> {
    const checks = [];
    for (const client of this.clients.values()) {
      for (const subscription of client.subscriptions.values()) {
        if (subscription.cohortId === cohortId) checks.push(this.recheck(client, subscription));
      }
    }
    await Promise.all(checks);
  }

  private async recheckTopic(topic: string): Promise<void> {
    await Promise.all(
      [...(this.byTopic.get(topic) ?? [])].map((client) => {
        const subscription = client.subscriptions.get(topic);
        return subscription ? this.recheck(client, subscription) : Promise.resolve();
      }),
    );
  }

  private drop(client: Client, subscription: Subscription): void {
    subscription.closed = true;
    client.subscriptions.delete(subscription.topic.name);
    const listeners = this.byTopic.get(subscription.topic.name);
    listeners?.delete(client);
    if (listeners?.size === 0) this.byTopic.delete(subscription.topic.name);
  }

  /** Closes access windows as they pass, and disconnects sockets whose token expired or was revoked. */
  private async sweep(): Promise<void> {
    try {
      const now = this.clock.now();
      for (const client of this.clients.values()) {
        for (const subscription of client.subscriptions.values()) {
          if (subscription.windowEndsAt && subscription.windowEndsAt.getTime() <= now.getTime()) {
            await this.recheck(client, subscription);
          }
        }
      }
      if (Date.now() - this.lastTokenCheck >= TOKEN_CHECK_MS && this.clients.size > 0) {
        this.lastTokenCheck = Date.now();
        await this.checkTokens(now);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Realtime sweep failed');
    }
  }

  private async tokenAlive(client: Client): Promise<boolean> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM access_tokens WHERE id = $1 AND expires_at > $2',
      [client.user.tokenId, this.clock.now()],
    );
    return rows.length === 1;
  }

  private async checkTokens(now: Date): Promise<void> {
    const clients = [...this.clients.values()];
    const valid = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM access_tokens WHERE id = ANY($1) AND expires_at > $2',
      [clients.map((client) => client.user.tokenId), now],
    );
    const alive = new Set(valid.map((row) => row.id));
    for (const client of clients) {
      if (!alive.has(client.user.tokenId)) client.socket.disconnect(true);
    }
  }

  /** The recipients' standing in a cohort now: in force, charter accepted, role. */
  private async standing(
    cohortId: string,
    userIds: string[],
  ): Promise<Map<string, { inForce: boolean; charterAccepted: boolean; role: string }>> {
    const rows = await this.dataSource.query<
      { user_id: string; in_force: boolean; charter_accepted: boolean; role: string }[]
    >(
      `SELECT m.user_id, ${this.window.inForceSql('m', '$3')} AS in_force,
              m.accepted_charter_version >= c.charter_version AS charter_accepted, m.role
         FROM memberships m JOIN cohorts c ON c.id = m.cohort_id
        WHERE m.cohort_id = $1 AND m.user_id = ANY($2)`,
      [cohortId, userIds, this.clock.now()],
    );
    return new Map(
      rows.map((row) => [
        row.user_id,
        { inForce: row.in_force, charterAccepted: row.charter_accepted, role: row.role },
      ]),
    );
  }

  /**
   * Of these recipients (account, role subscribed under, and the revision their cached rights
   * were read under), those not in good standing in the cohort now: no membership in force under
   * that role, the charter in force not accepted, or the membership or the charter changed since
   * the socket read them. Usually none, so the answer stays small whatever the audience.
   */
  private async outOfStanding(
    cohortId: string,
    recipients: { userId: string; role: string | null; revision: ActorMembership['revision'] | null }[],
  ): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ user_id: string; role: string | null }[]>(
      `SELECT DISTINCT r.user_id, r.role
         FROM unnest($2::uuid[], $3::text[], $5::int[], $6::text[]) AS r(user_id, role, charter_version, changed_at)
        WHERE NOT EXISTS (
          SELECT 1 FROM memberships m JOIN cohorts c ON c.id = m.cohort_id
           WHERE m.cohort_id = $1 AND m.user_id = r.user_id AND m.role::text = r.role
             AND ${this.window.inForceSql('m', '$4')}
             AND m.accepted_charter_version >= c.charter_version
             AND c.charter_version = r.charter_version
             AND extract(epoch FROM m.updated_at)::text = r.changed_at)`,
      [
        cohortId,
        recipients.map((r) => r.userId),
        recipients.map((r) => r.role),
        this.clock.now(),
        recipients.map((r) => r.revision?.charterVersion ?? null),
        recipients.map((r) => r.revision?.changedAt ?? null),
      ],
    );
    return new Set(rows.map((row) => `${row.user_id}:${row.role}`));
  }

  private takeToken(client: Client): boolean {
    const now = Date.now();
    client.tokens = Math.min(
      REALTIME_LIMITS.clientEventBurst,
      client.tokens + ((now - client.tokensAt) / 1000) * REALTIME_LIMITS.clientEventsPerSecond,
    );
    client.tokensAt = now;
    if (client.tokens < 1) return false;
    client.tokens -= 1;
    return true;
  }
}
