import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Attribution } from '../charter/charter-policy.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import type { CohortRole } from '../cohorts/cohort-role.js';
import { entersSpaceSql } from '../authz/sql-conditions.js';
import { Clock } from '../common/clock.js';
import { badInput } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { NotificationKind, NotificationTarget } from '../notifications/notification.entity.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { sessionShape, SessionsService } from '../sessions/sessions.service.js';
import { attributeTo } from '../threads/dto/author.model.js';
import { ThreadsService } from '../threads/threads.service.js';
import { ContributionEntity } from './contribution.entity.js';
import type { ContributionModel, InviteContributorInput } from './dto/expertise.model.js';
import { FULL_MEMBER_ROLES } from './expertise.service.js';

/** What a contribution is attached to, once the caller's right to manage it is checked. */
interface Target {
  cohortId: string;
  sessionId: string | null;
  threadId: string | null;
  spaceId: string | null;
}

/**
 * Named contributors: a facilitator brings a member in to contribute a segment of a session or
 * to a thread. The member is notified; contributions show with the session's outcome and on the
 * thread, attributed as the charter allows each reader.
 */
@Injectable()
export class ContributionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly window: AccessWindow,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly threads: ThreadsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async invite(user: AuthUser, input: InviteContributorInput): Promise<ContributionModel> {
    const target = await this.managedTarget(user, input);
    const [invitee] = await this.dataSource.query<{ id: string; user_id: string }[]>(
      `SELECT m.id, m.user_id FROM memberships m
        WHERE m.id = $1 AND m.cohort_id = $2 AND m.role = ANY($3::cohort_role[])
          AND ${this.window.inForceSql('m', '$4')}
          AND ($5::uuid IS NULL OR ${entersSpaceSql('m', '$5')})`,
      [input.membershipId, target.cohortId, FULL_MEMBER_ROLES, this.clock.now(), target.spaceId],
    );
    if (!invitee) {
      throw badInput('membershipId', 'must be a facilitator or member of this cohort who can read what they join');
    }
    const id = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(ContributionEntity, {
          cohortId: target.cohortId,
          membershipId: invitee.id,
          sessionId: target.sessionId,
          threadId: target.threadId,
          title: input.title,
          invitedById: user.id,
        }),
      );
      await this.notifications.notify(manager, [
        {
          cohortId: target.cohortId,
          membershipId: invitee.id,
          userId: invitee.user_id,
          kind: NotificationKind.CONTRIBUTION_INVITED,
          targetKind: target.sessionId ? NotificationTarget.SESSION : NotificationTarget.THREAD,
          targetId: (target.sessionId ?? target.threadId)!,
        },
      ]);
      await this.audit.record(manager, {
        cohortId: target.cohortId,
        actorId: user.id,
        action: 'contribution.invited',
        subjectType: target.sessionId ? 'Session' : 'Thread',
        subjectId: (target.sessionId ?? target.threadId)!,
        details: { membershipId: invitee.id, title: input.title },
      });
      return saved.id;
    });
    const [model] = await this.list(user, target.cohortId, { id });
    return model;
  }

  /** Contributions to a session, for readers of its outcome (vendors see none). */
  async ofSession(user: AuthUser, session: { id: string; cohortId: string }): Promise<ContributionModel[]> {
    const ability = await this.access.abilityFor(user);
    if (!ability.can('readOutcome', asSubject('Session', sessionShape(session)))) return [];
    return this.list(user, session.cohortId, { sessionId: session.id });
  }

  /** Contributions to a thread the caller reads. */
  ofThread(user: AuthUser, thread: { id: string; cohortId: string }): Promise<ContributionModel[]> {
    return this.list(user, thread.cohortId, { threadId: thread.id });
  }

  /** The session (FACILITATOR: `update`) or thread (FACILITATOR: `moderate`) given, exactly one. */
  private async managedTarget(user: AuthUser, input: InviteContributorInput): Promise<Target> {
    if (input.sessionId) {
      const session = await this.sessions.loadAuthorized(user, 'update', input.sessionId);
      if (input.threadId) throw badInput('threadId', 'give exactly one of sessionId and threadId');
      return { cohortId: session.cohortId, sessionId: session.id, threadId: null, spaceId: null };
    }
    if (!input.threadId) throw badInput('sessionId', 'give exactly one of sessionId and threadId');
    const thread = await this.threads.readable(user, input.threadId);
    const space = thread.space!;
    await this.access.authorize(
      user,
      'moderate',
      'Thread',
      { id: thread.id, cohortId: thread.cohortId, spaceId: thread.spaceId, authorUserId: thread.authorUserId },
      thread.cohortId,
      asSubject('Space', {
        id: space.id,
        cohortId: space.cohortId,
        audienceRoles: space.audienceRoles,
        audienceMinistries: space.audienceMinistries,
      }),
    );
    return { cohortId: thread.cohortId, sessionId: null, threadId: thread.id, spaceId: thread.spaceId };
  }

  private async list(
    user: AuthUser,
    cohortId: string,
    where: { id?: string; sessionId?: string; threadId?: string },
  ): Promise<ContributionModel[]> {
    const reader = await this.access.membershipIn(user, cohortId);
    const rule = (reader?.attribution as Attribution | undefined) ?? Attribution.ANONYMOUS;
    const rows = await this.dataSource.manager.find(ContributionEntity, {
      where: { cohortId, ...where },
      relations: { membership: { user: true } },
      order: { createdAt: 'ASC' },
    });
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      createdAt: row.createdAt,
      contributor: attributeTo(
        rule,
        { role: (reader?.role as CohortRole | undefined) ?? null },
        { membership: row.membership!, user: row.membership!.user! },
        () => 'A contributor',
      ),
    }));
  }
}
