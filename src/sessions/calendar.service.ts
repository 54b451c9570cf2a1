import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { PlatformRole } from '../auth/user.entity.js';
import { accessibleBy } from '../authz/sql-conditions.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { AccessService } from '../cohorts/access.service.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { Clock } from '../common/clock.js';
import { hashSecret, newSecret } from '../common/crypto.js';
import { forbidden } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { CalendarFeedEntity } from './calendar-feed.entity.js';
import type { CalendarFeedModel } from './dto/calendar-feed.model.js';
import { SessionEntity, SessionState } from './session.entity.js';
import { SESSION_COLUMNS } from './sessions.service.js';

const SECRET_PREFIX = 'cal';
/** What `newSecret('cal')` makes: the prefix and 32 random bytes in base64url. */
const SECRET = /^cal_[A-Za-z0-9_-]{43}$/;

/** Ended sessions stay in the feed this long; every later one is listed. */
const PAST_WINDOW_MS = 90 * 86_400_000;
/** A bound on one feed's size, far above what a cohort schedules in that window. */
const MAX_EVENTS = 1000;

/** The feed acts as its owner without a bearer token; this stands in for the token id. */
const FEED_TOKEN_ID = 'calendar-feed';

export const PRODID = '-//Convene//Sessions//EN';

export const calendarPath = (secret: string) => `/calendar/${secret}.ics`;

interface FeedOwner {
  user_id: string;
  platform_role: PlatformRole;
  cohort_id: string;
  cohort_name: string;
}

/**
 * Per-member iCalendar feeds of the sessions that member may see. The secret in the URL is the
 * only credential (calendar apps send no bearer token), so only its hash is stored, a new one
 * replaces the old, and the feed answers only while the membership is in force.
 */
@Injectable()
export class CalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly window: AccessWindow,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A new secret for the caller's membership; the previous URL, if any, stops working at once. */
  async createFeed(user: AuthUser, cohortId: string): Promise<CalendarFeedModel> {
    const { cohort } = await this.cohorts.getContentScope(user, cohortId);
    const membershipId = await this.ownMembership(user, cohort.id);
    const secret = newSecret(SECRET_PREFIX);
    const createdAt = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(CalendarFeedEntity)
        .values({ membershipId, tokenHash: hashSecret(secret), createdAt })
        .orUpdate(['token_hash', 'created_at'], ['membership_id'])
        .execute();
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'calendar_feed.created',
        subjectType: 'CalendarFeed',
        subjectId: membershipId,
      });
    });
    return { url: calendarPath(secret), createdAt };
  }

  /** Deletes the caller's feed; true whether or not there was one. Not behind the charter gate. */
  async revokeFeed(user: AuthUser, cohortId: string): Promise<boolean> {
    const { cohort } = await this.cohorts.getReadable(user, cohortId);
    const membershipId = await this.ownMembership(user, cohort.id);
    await this.dataSource.transaction(async (manager) => {
      const deleted = await manager.delete(CalendarFeedEntity, { membershipId });
      // Only a feed that existed leaves an entry: repeating the call changes nothing.
      if (!deleted.affected) return;
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'calendar_feed.revoked',
        subjectType: 'CalendarFeed',
        subjectId: membershipId,
      });
    });
    return true;
  }

  /**
   * The feed behind a secret, or null (answered as 404) when the secret is malformed or unknown,
   * or its membership is removed, out of its access window, behind on the charter, or was
   * readmitted after the feed was made.
   */
  async render(secret: string): Promise<string | null> {
    if (!SECRET.test(secret)) return null;
    const now = this.clock.now();
    const owner = await this.dataSource.manager
      .createQueryBuilder(CalendarFeedEntity, 'f')
      .innerJoin('memberships', 'm', 'm.id = f.membership_id')
      .innerJoin('cohorts', 'c', 'c.id = m.cohort_id')
      .innerJoin('users', 'u', 'u.id = m.user_id')
      .select(['u.id AS user_id', 'u.platform_role AS platform_role', 'c.id AS cohort_id', 'c.name AS cohort_name'])
      .where('f.token_hash = :hash', { hash: hashSecret(secret) })
      .andWhere(this.window.inForceSql('m'), { windowNow: now })
      .andWhere('m.accepted_charter_version >= c.charter_version')
      // A removed member who is invited back gets the same membership row: a feed made before
      // that return must stay dead, since removal is what was meant to end it.
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM invitations i WHERE i.cohort_id = m.cohort_id
           AND i.accepted_by_user_id = m.user_id AND i.accepted_at > f.created_at)`,
      )
      .getRawOne<FeedOwner>();
    if (!owner) return null;

    const user: AuthUser = { id: owner.user_id, platformRole: owner.platform_role, tokenId: FEED_TOKEN_ID };
    const ability = await this.access.abilityFor(user);
    const allowed = accessibleBy(ability, 'read', 'Session', SESSION_COLUMNS);
    const sessions = await this.dataSource.manager
      .createQueryBuilder(SessionEntity, 's')
      .where('s.cohort_id = :cohortId', { cohortId: owner.cohort_id })
      .andWhere(allowed.sql, allowed.params)
      .andWhere('s.ends_at > :since', { since: new Date(now.getTime() - PAST_WINDOW_MS) })
      .orderBy('s.starts_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(MAX_EVENTS)
      .getMany();
    return toICalendar(owner.cohort_name, sessions);
  }

  /** The caller's membership in force; the platform admin reads the cohort but is no member. */
  private async ownMembership(user: AuthUser, cohortId: string): Promise<string> {
    const membership = await this.access.membershipIn(user, cohortId);
    if (!membership) throw forbidden('Only members of the cohort have a calendar feed');
    return membership.id;
  }
}

/**
 * Text people wrote, safe for a content line: the library escapes commas, semicolons and line
 * feeds, but passes a bare carriage return or other control characters through.
 */
const plain = (text: string) => text.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]/gu, '');

const utc = (date: Date) => ICAL.Time.fromJSDate(date, true);

function toEvent(session: SessionEntity): InstanceType<typeof ICAL.Component> {
  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', `${session.id}@convene`);
  // Without a METHOD, DTSTAMP is when the event last changed in our store (RFC 5545 3.8.7.2).
  event.addPropertyWithValue('dtstamp', utc(session.updatedAt));
  event.addPropertyWithValue('last-modified', utc(session.updatedAt));
  event.addPropertyWithValue('dtstart', utc(session.startsAt));
  event.addPropertyWithValue('dtend', utc(session.endsAt));
  event.addPropertyWithValue('summary', plain(session.title));
  event.addPropertyWithValue('description', plain(session.abstract));
  event.addPropertyWithValue('status', session.state === SessionState.CANCELLED ? 'CANCELLED' : 'CONFIRMED');
  return event;
}

/** One VCALENDAR with a VEVENT per session, times in UTC. */
export function toICalendar(cohortName: string, sessions: SessionEntity[]): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', PRODID);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  // The library does not know this extension and would write its value unescaped: type it as TEXT.
  const name = new ICAL.Property('x-wr-calname');
  name.resetType('text');
  name.setValue(plain(cohortName));
  calendar.addProperty(name);
  for (const session of sessions) calendar.addSubcomponent(toEvent(session));
  // Every content line ends in CRLF, the last one included.
  return `${calendar.toString()}\r\n`;
}
