import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import type { AppAbility } from '../authz/ability.factory.js';
import type { BreakoutSubject } from '../authz/subjects.js';
import { Attribution } from '../charter/charter-policy.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortRole } from '../cohorts/cohort-role.js';
import { toMembershipModel } from '../cohorts/dto/membership.model.js';
import { Clock } from '../common/clock.js';
import { badInput, conflict, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog } from '../realtime/event-log.service.js';
import { attributeTo } from '../threads/dto/author.model.js';
import { assignBreakouts } from './breakout-assignment.js';
import { BreakoutGroupEntity, BreakoutMemberEntity, BreakoutNoteEntity } from './breakout.entity.js';
import type { BreakoutGroupModel, BreakoutNoteModel } from './dto/breakout.model.js';
import { SessionEntity, SessionState } from './session.entity.js';
import { sessionShape, SessionsService } from './sessions.service.js';

const membershipShape = (m: { id: string; cohortId: string; userId: string; status: 'ACTIVE' | 'REMOVED' }) => ({
  id: m.id,
  cohortId: m.cohortId,
  userId: m.userId,
  status: m.status,
});

/** Who automatic assignment places: the session's attendees who take part (not facilitators, guests by hand). */
const AUTO_ROLES = [CohortRole.MEMBER, CohortRole.SCHOLAR];

/** A group's change, on its own topic and, for the plenary, on the session's. */
function breakoutEvent(events: EventLog, manager: EntityManager, group: BreakoutGroupEntity): Promise<void> {
  return events.append(manager, {
    cohortId: group.cohortId,
    type: 'breakout.updated',
    ref: { groupId: group.id },
    topics: [
      ['breakout', group.id],
      ['session', group.sessionId],
    ],
  });
}

/** Closes a session's open groups, in the transaction that ends (or cancels) it. */
export async function closeBreakouts(
  events: EventLog,
  manager: EntityManager,
  session: { id: string },
  now: Date,
): Promise<void> {
  const open = await manager.find(BreakoutGroupEntity, { where: { sessionId: session.id, closedAt: IsNull() } });
  for (const group of open) {
    group.closedAt = now;
    await manager.update(BreakoutGroupEntity, { id: group.id }, { closedAt: now });
    await breakoutEvent(events, manager, group);
  }
}

/**
 * Breakout groups of live sessions: split by hand or automatically (mixing ministries, then
 * countries), each with notes for its members and a report-back to the plenary. The charter
 * applies inside: vendors and observers are only where a facilitator puts them, and notes are
 * attributed with the cohort's rule.
 */
@Injectable()
export class BreakoutsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly window: AccessWindow,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly events: EventLog,
    private readonly audit: AuditService,
  ) {}

  /** Splits the attendees who said they are GOING (members and scholars) into `groupCount` groups. */
  async assignAutomatically(user: AuthUser, sessionId: string, groupCount: number): Promise<BreakoutGroupModel[]> {
    const session = await this.liveSessionToSplit(user, sessionId);
    const attendees = await this.dataSource.query<{ id: string; ministry: string; country: string }[]>(
      `SELECT m.id, m.ministry, m.country FROM session_rsvps r JOIN memberships m ON m.id = r.membership_id
        WHERE r.session_id = $1 AND r.status = 'GOING' AND m.cohort_id = $2 AND m.role = ANY($3::cohort_role[])
          AND ${this.window.inForceSql('m', '$4')}
          AND (m.role = 'MEMBER' OR $1 = ANY(m.granted_session_ids))`,
      [session.id, session.cohortId, AUTO_ROLES, this.clock.now()],
    );
    if (groupCount > attendees.length) {
      throw badInput('groupCount', `must be at most the ${attendees.length} attendee(s) going to the session`);
    }
    const groups = assignBreakouts(attendees, groupCount).map((members, i) => ({
      name: `Group ${i + 1}`,
      membershipIds: members.map((m) => m.id),
    }));
    return this.create(user, session, groups, 'automatic');
  }

  /** Splits by hand: each membership named must be able to read the session; each in one group. */
  async createByHand(
    user: AuthUser,
    sessionId: string,
    groups: { name: string; membershipIds: string[] }[],
  ): Promise<BreakoutGroupModel[]> {
    const session = await this.liveSessionToSplit(user, sessionId);
    const all = groups.flatMap((g) => g.membershipIds);
    if (new Set(all).size !== all.length) throw badInput('groups', 'names a membership in more than one group');
    await this.requirePlaceable(session, all);
    return this.create(user, session, groups, 'by hand');
  }

  /** Places an attendee in a group, moving them out of another group of the session. */
  async move(user: AuthUser, groupId: string, membershipId: string): Promise<BreakoutGroupModel> {
    const { group } = await this.loadGroup(user, 'moderate', groupId);
    const session = await this.dataSource.manager.findOneByOrFail(SessionEntity, { id: group.sessionId });
    await this.requirePlaceable(session, [membershipId]);
    await this.dataSource.transaction(async (manager) => {
      await this.requireOpen(manager, group);
      const previous = await manager.findOneBy(BreakoutMemberEntity, { sessionId: group.sessionId, membershipId });
      if (previous?.groupId === group.id) return;
      if (previous) {
        await manager.delete(BreakoutMemberEntity, { groupId: previous.groupId, membershipId });
        await breakoutEvent(
          this.events,
          manager,
          await manager.findOneByOrFail(BreakoutGroupEntity, { id: previous.groupId }),
        );
      }
      await manager.insert(BreakoutMemberEntity, { groupId: group.id, membershipId, sessionId: group.sessionId });
      await breakoutEvent(this.events, manager, group);
      await this.audit.record(manager, {
        cohortId: group.cohortId,
        actorId: user.id,
        action: 'breakout.member_moved',
        subjectType: 'BreakoutGroup',
        subjectId: group.id,
        details: { membershipId, from: previous?.groupId ?? null },
      });
    });
    return this.group(user, group.id);
  }

  async addNote(user: AuthUser, groupId: string, body: string): Promise<BreakoutNoteModel> {
    const { group } = await this.loadGroup(user, 'post', groupId);
    const author = await this.access.membershipIn(user, group.cohortId);
    if (!author) throw notFound();
    const id = await this.dataSource.transaction(async (manager) => {
      await this.requireOpen(manager, group);
      const note = await manager.save(
        manager.create(BreakoutNoteEntity, {
          cohortId: group.cohortId,
          groupId: group.id,
          authorMembershipId: author.id,
          body,
        }),
      );
      await this.events.append(manager, {
        cohortId: group.cohortId,
        type: 'breakout.note',
        ref: { groupId: group.id, noteId: note.id },
        topics: [['breakout', group.id]],
      });
      return note.id;
    });
    return (await this.note(user, id))!;
  }

  /** The group's report to the plenary; a later one replaces it while the group is open. */
  async reportBack(user: AuthUser, groupId: string, summary: string): Promise<BreakoutGroupModel> {
    const { group } = await this.loadGroup(user, 'post', groupId);
    await this.dataSource.transaction(async (manager) => {
      await this.requireOpen(manager, group);
      await manager.update(
        BreakoutGroupEntity,
        { id: group.id },
        { reportBack: summary, reportedAt: this.clock.now() },
      );
      await breakoutEvent(this.events, manager, group);
    });
    return this.group(user, group.id);
  }

  /** One group, for those who may read it (its members and the facilitators); NOT_FOUND otherwise. */
  async group(user: AuthUser, groupId: string): Promise<BreakoutGroupModel> {
    const { group } = await this.loadGroup(user, 'read', groupId);
    const [model] = await this.models(user, [group]);
    return model;
  }

  /** A group as the plenary sees it (for the session's realtime topic): null for those who may not read the session. */
  async summary(user: AuthUser, groupId: string): Promise<BreakoutGroupModel | null> {
    const group = isUuid(groupId)
      ? await this.dataSource.manager.findOneBy(BreakoutGroupEntity, { id: groupId })
      : null;
    if (!group) return null;
    const ability = await this.access.abilityFor(user);
    if (!ability.can('read', asSubject('Session', sessionShape({ id: group.sessionId, cohortId: group.cohortId })))) {
      return null;
    }
    const [model] = await this.models(user, [group]);
    return model;
  }

  /** The groups of a session the caller reads, in order. */
  async ofSession(user: AuthUser, session: { id: string; cohortId: string }): Promise<BreakoutGroupModel[]> {
    const groups = await this.dataSource.manager.find(BreakoutGroupEntity, {
      where: { sessionId: session.id, cohortId: session.cohortId },
      order: { position: 'ASC' },
    });
    return this.models(user, groups);
  }

  /** A note, for a reader of its group (realtime and the answer to addBreakoutNote). */
  async note(user: AuthUser, noteId: string): Promise<BreakoutNoteModel | null> {
    const note = isUuid(noteId) ? await this.dataSource.manager.findOneBy(BreakoutNoteEntity, { id: noteId }) : null;
    if (!note) return null;
    const { group } = await this.loadGroup(user, 'read', note.groupId);
    const [model] = (await this.notesOf(user, [group], note.id)).get(group.id)!;
    return model ?? null;
  }

  /** A group with its members, after checking `action` on it; NOT_FOUND for those who may not read it. */
  async loadGroup(
    user: AuthUser,
    action: 'read' | 'post' | 'moderate',
    groupId: string,
  ): Promise<{ group: BreakoutGroupEntity; ability: AppAbility }> {
    const group = isUuid(groupId)
      ? await this.dataSource.manager.findOneBy(BreakoutGroupEntity, { id: groupId })
      : null;
    if (!group) throw notFound();
    const ability = await this.access.authorize(user, action, 'Breakout', await this.subject(group), group.cohortId);
    return { group, ability };
  }

  private async subject(group: BreakoutGroupEntity): Promise<BreakoutSubject> {
    const members = await this.dataSource.manager.findBy(BreakoutMemberEntity, { groupId: group.id });
    return {
      id: group.id,
      cohortId: group.cohortId,
      sessionId: group.sessionId,
      memberIds: members.map((m) => m.membershipId),
    };
  }

  private async liveSessionToSplit(user: AuthUser, sessionId: string): Promise<SessionEntity> {
    const session = await this.sessions.loadAuthorized(user, 'moderate', sessionId);
    if (session.state !== SessionState.LIVE) {
      throw conflict('Breakout groups are made while the session is LIVE', 'SESSION_NOT_LIVE');
    }
    return session;
  }

  /**
   * Attendees placed by hand must be in force in the cohort and able to attend the session under
   * the charter in force: observers only while it admits observers, guests only where granted.
   */
  private async requirePlaceable(session: SessionEntity, membershipIds: string[]): Promise<void> {
    if (membershipIds.length === 0) return;
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT m.id FROM memberships m
         JOIN cohorts c ON c.id = m.cohort_id
         JOIN charter_versions v ON v.cohort_id = c.id AND v.version = c.charter_version
        WHERE m.id = ANY($1::uuid[]) AND m.cohort_id = $2 AND ${this.window.inForceSql('m', '$3')}
          AND (m.role IN ('FACILITATOR', 'MEMBER')
               OR (m.role = 'OBSERVER' AND v.observers = 'ALLOWED')
               OR (m.role = 'SCHOLAR' AND $4 = ANY(m.granted_session_ids))
               OR (m.role = 'VENDOR' AND $4 = ANY(m.granted_session_ids) AND v.vendor_access <> 'NONE'))`,
      [membershipIds, session.cohortId, this.clock.now(), session.id],
    );
    if (rows.length !== new Set(membershipIds).size) {
      throw badInput('membershipId', 'names someone who is not a member in force able to attend this session');
    }
  }

  /** Writes to a group need it open and its session still LIVE; the group's row is locked meanwhile. */
  private async requireOpen(manager: EntityManager, group: BreakoutGroupEntity): Promise<void> {
    const [row] = await manager.query<{ closed_at: Date | null; state: SessionState }[]>(
      `SELECT g.closed_at, s.state FROM breakout_groups g JOIN sessions s ON s.id = g.session_id
        WHERE g.id = $1 FOR SHARE OF g`,
      [group.id],
    );
    if (!row || row.closed_at !== null || row.state !== SessionState.LIVE) {
      throw conflict('This breakout group has closed with its session', 'BREAKOUT_CLOSED');
    }
  }

  private async create(
    user: AuthUser,
    session: SessionEntity,
    groups: { name: string; membershipIds: string[] }[],
    how: 'automatic' | 'by hand',
  ): Promise<BreakoutGroupModel[]> {
    const ids = await this.dataSource.transaction(async (manager) => {
      // One split per session: the session row is locked while it is made.
      const locked = await manager.findOne(SessionEntity, {
        where: { id: session.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (locked?.state !== SessionState.LIVE) {
        throw conflict('Breakout groups are made while the session is LIVE', 'SESSION_NOT_LIVE');
      }
      if (await manager.existsBy(BreakoutGroupEntity, { sessionId: session.id })) {
        throw conflict('This session already has breakout groups; move people between them', 'BREAKOUTS_EXIST');
      }
      const made: string[] = [];
      for (const [position, spec] of groups.entries()) {
        const group = await manager.save(
          manager.create(BreakoutGroupEntity, {
            cohortId: session.cohortId,
            sessionId: session.id,
            name: spec.name,
            position,
          }),
        );
        if (spec.membershipIds.length > 0) {
          await manager.insert(
            BreakoutMemberEntity,
            spec.membershipIds.map((membershipId) => ({ groupId: group.id, membershipId, sessionId: session.id })),
          );
        }
        await breakoutEvent(this.events, manager, group);
        made.push(group.id);
      }
      await this.audit.record(manager, {
        cohortId: session.cohortId,
        actorId: user.id,
        action: 'breakout.created',
        subjectType: 'Session',
        subjectId: session.id,
        details: { groups: groups.length, how },
      });
      return made;
    });
    const rows = await this.dataSource.manager.find(BreakoutGroupEntity, {
      where: { id: In(ids) },
      order: { position: 'ASC' },
    });
    return this.models(user, rows);
  }

  /** Groups as this reader may see them: members and notes only where the reader may read the group. */
  private async models(user: AuthUser, groups: BreakoutGroupEntity[]): Promise<BreakoutGroupModel[]> {
    if (groups.length === 0) return [];
    const ability = await this.access.abilityFor(user);
    const own = await this.access.membershipIn(user, groups[0].cohortId);
    const placed = await this.dataSource.manager.find(BreakoutMemberEntity, {
      where: { groupId: In(groups.map((g) => g.id)) },
      relations: { membership: { user: true } },
    });
    // Only memberships in force count, as in the member list: an expired one, or a guest after the
    // cohort concluded, is no longer shown nor counted.
    const inForce = new Set(
      (
        await this.dataSource.query<{ id: string }[]>(
          `SELECT m.id FROM memberships m WHERE m.id = ANY($1::uuid[]) AND ${this.window.inForceSql('m', '$2')}`,
          [placed.map((m) => m.membershipId), this.clock.now()],
        )
      ).map((row) => row.id),
    );
    const members = placed.filter((m) => inForce.has(m.membershipId));
    const readable = groups.filter((group) =>
      ability.can(
        'read',
        asSubject('Breakout', {
          id: group.id,
          cohortId: group.cohortId,
          sessionId: group.sessionId,
          memberIds: members.filter((m) => m.groupId === group.id).map((m) => m.membershipId),
        }),
      ),
    );
    const notes = await this.notesOf(user, readable);
    return groups.map((group) => {
      const inGroup = members.filter((m) => m.groupId === group.id);
      const mayRead = readable.includes(group);
      // The plenary hears the report-back: everyone who may read the session's outcome.
      const plenary = ability.can(
        'readOutcome',
        asSubject('Session', sessionShape({ id: group.sessionId, cohortId: group.cohortId })),
      );
      return {
        id: group.id,
        sessionId: group.sessionId,
        name: group.name,
        memberCount: inGroup.length,
        mine: own !== null && inGroup.some((m) => m.membershipId === own.id),
        // Who is in it, as far as the member list rules let this reader know (a vendor: only itself).
        members: mayRead
          ? inGroup
              .filter((m) => ability.can('read', asSubject('Membership', membershipShape(m.membership!))))
              .map((m) => toMembershipModel(m.membership!, ability))
          : [],
        notes: mayRead ? (notes.get(group.id) ?? []) : [],
        reportBack: mayRead || plenary ? group.reportBack : null,
        reportedAt: mayRead || plenary ? group.reportedAt : null,
        closedAt: group.closedAt,
      };
    });
  }

  /** Notes of groups the reader may read, attributed with the cohort's rule (pseudonyms per group). */
  private async notesOf(
    user: AuthUser,
    groups: BreakoutGroupEntity[],
    only?: string,
  ): Promise<Map<string, BreakoutNoteModel[]>> {
    const byGroup = new Map<string, BreakoutNoteModel[]>(groups.map((g) => [g.id, []]));
    if (groups.length === 0) return byGroup;
    const groupIds = groups.map((g) => g.id);
    const reader = await this.access.membershipIn(user, groups[0].cohortId);
    const rule = (reader?.attribution as Attribution | undefined) ?? Attribution.ANONYMOUS;
    const notes = await this.dataSource.manager.find(BreakoutNoteEntity, {
      where: { groupId: In(groupIds), ...(only ? { id: only } : {}) },
      relations: { authorMembership: { user: true } },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const numbers = rule === Attribution.ANONYMOUS ? await this.speakerNumbers(groupIds) : new Map<string, number>();
    for (const note of notes) {
      byGroup.get(note.groupId)!.push({
        id: note.id,
        groupId: note.groupId,
        body: note.body,
        createdAt: note.createdAt,
        author: attributeTo(
          rule,
          { role: (reader?.role as CohortRole | undefined) ?? null },
          { membership: note.authorMembership!, user: note.authorMembership!.user! },
          () => `Participant ${numbers.get(`${note.groupId}:${note.authorMembershipId}`)}`,
        ),
      });
    }
    return byGroup;
  }

  /**
   * Pseudonym numbers within each group (`<group>:<membership>`): the order in which people first
   * wrote in it. Read from each author's first note, so one note renders without reading them all.
   */
  private async speakerNumbers(groupIds: string[]): Promise<Map<string, number>> {
    const firsts = await this.dataSource.query<{ group_id: string; author_membership_id: string }[]>(
      `SELECT group_id, author_membership_id FROM (
         SELECT DISTINCT ON (group_id, author_membership_id) group_id, author_membership_id, created_at, id
           FROM breakout_notes WHERE group_id = ANY($1::uuid[])
          ORDER BY group_id, author_membership_id, created_at, id) f
        ORDER BY group_id, created_at, id`,
      [groupIds],
    );
    const numbers = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const row of firsts) {
      const next = (counts.get(row.group_id) ?? 0) + 1;
      counts.set(row.group_id, next);
      numbers.set(`${row.group_id}:${row.author_membership_id}`, next);
    }
    return numbers;
  }
}
