import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { AuthService, normalizeEmail } from '../auth/auth.service.js';
import { PlatformRole, UserEntity } from '../auth/user.entity.js';
import { accessibleBy } from '../authz/sql-conditions.js';
import { isInForce } from '../authz/ability.factory.js';
import { Clock } from '../common/clock.js';
import { hashPassword, hashSecret, newSecret } from '../common/crypto.js';
import { AppError, badInput, conflict, ErrorCode, forbidden, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, keysetPage, type PageArgs } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SessionEntity, SessionState } from '../sessions/session.entity.js';
import { EventLog, membershipEvent } from '../realtime/event-log.service.js';
import { AccessWindow } from './access-window.js';
import { vendorsShutOut } from '../charter/charter-versions.js';
import { AuditService } from '../insights/audit.service.js';
import { SpaceEntity } from '../spaces/space.entity.js';
import { AccessService } from './access.service.js';
import { refuseJoiningAfterConclusion } from './cohort-lifecycle.service.js';
import { CohortsService } from './cohorts.service.js';
import { CohortRole, GRANTED_ROLES, MembershipStatus } from './cohort-role.js';
import {
  type AcceptInvitationInput,
  InvitationStatus,
  invitationStatus,
  type InvitationModel,
  type InviteInput,
  toInvitationModel,
} from './dto/invitation.model.js';
import { InvitationEntity } from './invitation.entity.js';
import { MembershipEntity } from './membership.entity.js';

const REFUSED: Record<Exclude<InvitationStatus, InvitationStatus.PENDING>, [string, string]> = {
  [InvitationStatus.ACCEPTED]: ['This invitation has already been used', 'INVITATION_USED'],
  [InvitationStatus.REVOKED]: ['This invitation has been revoked', 'INVITATION_REVOKED'],
  [InvitationStatus.EXPIRED]: ['This invitation has expired', 'INVITATION_EXPIRED'],
};

/** The platform operator runs Convene but reads no cohort content, so it never holds a membership. */
const adminCannotJoin = () =>
  conflict('The platform admin account cannot join a cohort; invite a personal account instead', 'PLATFORM_ADMIN');

export interface Acceptance {
  user: UserEntity;
  membership: MembershipEntity;
  /** A new bearer token when the acceptance created the account. */
  newToken: string | null;
}

@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly window: AccessWindow,
    private readonly events: EventLog,
  ) {}

  async invite(user: AuthUser, input: InviteInput): Promise<InvitationModel> {
    const cohort = isUuid(input.cohortId) ? await this.cohorts.findCohort(input.cohortId) : null;
    if (!cohort) throw notFound();
    await this.access.authorize(user, 'invite', 'Cohort', { id: cohort.id }, cohort.id);
    const now = this.clock.now();
    const email = normalizeEmail(input.email);
    const spaceIds = input.spaceIds ?? [];
    const sessionIds = input.sessionIds ?? [];
    if ((spaceIds.length > 0 || sessionIds.length > 0) && !GRANTED_ROLES.includes(input.role)) {
      throw badInput(spaceIds.length > 0 ? 'spaceIds' : 'sessionIds', 'grants apply only to SCHOLAR and VENDOR');
    }
    if (input.role === CohortRole.VENDOR && (await vendorsShutOut(this.dataSource.manager, cohort.id))) {
      throw badInput('role', 'the cohort charter admits no vendors (vendorAccess NONE)');
    }
    if (input.accessExpiresAt && input.accessExpiresAt.getTime() <= now.getTime()) {
      throw badInput('accessExpiresAt', 'must be in the future');
    }
    const token = newSecret('inv');
    const invitation = await this.dataSource.transaction(async (manager) => {
      await refuseJoiningAfterConclusion(manager, cohort.id, input.role);
      await this.validateGrants(manager, cohort.id, spaceIds, sessionIds);
      await this.refuseExistingMember(manager, cohort.id, email, now);
      if (await manager.existsBy(UserEntity, { email, platformRole: PlatformRole.ADMIN })) throw adminCannotJoin();
      const saved = await manager.save(
        manager.create(InvitationEntity, {
          cohortId: cohort.id,
          email,
          role: input.role,
          ministry: input.ministry,
          country: input.country.toUpperCase(),
          accessExpiresAt: input.accessExpiresAt ?? null,
          spaceIds,
          sessionIds,
          tokenHash: hashSecret(token),
          expiresAt: new Date(now.getTime() + this.config.invitationTtlSeconds * 1000),
          invitedById: user.id,
        }),
      );
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'invitation.created',
        subjectType: 'Invitation',
        subjectId: saved.id,
        details: { email, role: input.role },
      });
      return saved;
    });
    return toInvitationModel(invitation, now, token);
  }

  /** Granted spaces and sessions must belong to this cohort; a session must not be over or cancelled. */
  private async validateGrants(manager: EntityManager, cohortId: string, spaceIds: string[], sessionIds: string[]) {
    const spaces = new Set(spaceIds);
    if (spaces.size > 0 && (await manager.countBy(SpaceEntity, { cohortId, id: In([...spaces]) })) !== spaces.size) {
      throw badInput('spaceIds', 'names a space that is not in this cohort');
    }
    const sessions = new Set(sessionIds);
    if (sessions.size === 0) return;
    const found = await manager.findBy(SessionEntity, { cohortId, id: In([...sessions]) });
    if (found.length !== sessions.size) throw badInput('sessionIds', 'names a session that is not in this cohort');
    if (found.some((session) => session.state === SessionState.ENDED || session.state === SessionState.CANCELLED)) {
      throw badInput('sessionIds', 'names a session that has ended or was cancelled');
    }
  }

  private async refuseExistingMember(manager: EntityManager, cohortId: string, email: string, now: Date) {
    const existing = await manager
      .createQueryBuilder(MembershipEntity, 'm')
      .innerJoin('m.user', 'u')
      .where('m.cohort_id = :cohortId AND u.email = :email', { cohortId, email })
      .andWhere(this.window.inForceSql('m'), { windowNow: now })
      .getOne();
    if (existing) {
      throw conflict('This person is already a member of the cohort', 'ALREADY_MEMBER');
    }
  }

  /**
   * Accepts with the invitation token: a new account (display name and password), or the caller's
   * existing account when a bearer token was sent. All of it happens in one transaction with the
   * invitation locked, so a token is used once even when two acceptances race.
   */
  async accept(caller: AuthUser | null, input: AcceptInvitationInput): Promise<Acceptance> {
    const tokenHash = hashSecret(input.token);
    const now = this.clock.now();
    const result = await this.dataSource.transaction(async (manager) => {
      // The cohort first, then the invitation: the order a conclusion takes them in.
      const cohort = await manager.findOne(InvitationEntity, {
        where: { tokenHash },
        select: { cohortId: true, role: true },
      });
      if (!cohort) throw notFound('Invitation not found');
      await refuseJoiningAfterConclusion(manager, cohort.cohortId, cohort.role);
      const invitation = await manager.findOne(InvitationEntity, {
        where: { tokenHash },
        lock: { mode: 'pessimistic_write' },
      });
      if (!invitation) throw notFound('Invitation not found');
      const status = invitationStatus(invitation, now);
      if (status !== InvitationStatus.PENDING) throw conflict(...REFUSED[status]);
      if (invitation.role === CohortRole.VENDOR && (await vendorsShutOut(manager, invitation.cohortId))) {
        throw conflict('The cohort charter no longer admits vendors', 'VENDORS_NOT_ADMITTED');
      }

      const user = caller
        ? await this.callerAccount(manager, caller, invitation)
        : await this.newAccount(manager, invitation, input);
      const membership = await this.join(manager, invitation, user.id, now);
      await membershipEvent(this.events, manager, membership);
      await manager.update(InvitationEntity, { id: invitation.id }, { acceptedAt: now, acceptedByUserId: user.id });
      await this.audit.record(manager, {
        cohortId: invitation.cohortId,
        actorId: user.id,
        action: 'invitation.accepted',
        subjectType: 'Invitation',
        subjectId: invitation.id,
        details: { membershipId: membership.id, role: membership.role },
      });
      return { user, membership };
    });
    if (caller) this.access.forget(caller);
    return { ...result, newToken: caller ? null : await this.auth.issueToken(result.user.id) };
  }

  private async callerAccount(manager: EntityManager, caller: AuthUser, invitation: InvitationEntity) {
    const user = await manager.findOneByOrFail(UserEntity, { id: caller.id });
    if (user.platformRole === PlatformRole.ADMIN) throw adminCannotJoin();
    if (user.email !== invitation.email) {
      throw new AppError(ErrorCode.FORBIDDEN, 'This invitation was sent to another email address', {
        reason: 'INVITATION_EMAIL_MISMATCH',
      });
    }
    return user;
  }

  private async newAccount(manager: EntityManager, invitation: InvitationEntity, input: AcceptInvitationInput) {
    // Input first: a probe without a name and password learns nothing about existing accounts.
    if (!input.displayName?.trim()) throw badInput('displayName', 'is required to create an account');
    if (!input.password) throw badInput('password', 'is required to create an account');
    if (await manager.existsBy(UserEntity, { email: invitation.email })) {
      throw conflict(
        'An account with this email exists: log in and accept the invitation with its token',
        'ACCOUNT_EXISTS',
      );
    }
    return manager.save(
      manager.create(UserEntity, {
        email: invitation.email,
        displayName: input.displayName.trim(),
        passwordHash: await hashPassword(input.password),
      }),
    );
  }

  /** Creates the membership, or brings back a removed or expired one with the invitation's terms. */
  private async join(manager: EntityManager, invitation: InvitationEntity, userId: string, now: Date) {
    const existing = await manager.findOne(MembershipEntity, {
      where: { cohortId: invitation.cohortId, userId },
      lock: { mode: 'pessimistic_write' },
    });
    const accessEndsAt = existing ? await this.window.endsAt(manager, existing.id) : null;
    if (existing && isInForce({ status: existing.status, accessExpiresAt: accessEndsAt }, now)) {
      throw conflict('You are already a member of this cohort', 'ALREADY_MEMBER');
    }
    // Only an invitation issued after access ended can bring a member back: an older one still
    // pending must not undo a removal or reopen a closed access window.
    const endedAt = existing ? (existing.removedAt ?? accessEndsAt) : null;
    if (endedAt && invitation.createdAt.getTime() <= endedAt.getTime()) {
      throw conflict('This invitation was issued before your access ended; ask for a new one', 'INVITATION_SUPERSEDED');
    }
    const terms = {
      role: invitation.role,
      ministry: invitation.ministry,
      country: invitation.country,
      accessExpiresAt: invitation.accessExpiresAt,
      grantedSpaceIds: invitation.spaceIds,
      grantedSessionIds: invitation.sessionIds,
      status: MembershipStatus.ACTIVE,
      removedAt: null,
      acceptedCharterVersion: 0,
    };
    if (existing) {
      await manager.update(MembershipEntity, { id: existing.id }, terms);
      return manager.findOneByOrFail(MembershipEntity, { id: existing.id });
    }
    return manager.save(manager.create(MembershipEntity, { ...terms, cohortId: invitation.cohortId, userId }));
  }

  /** Pending invitations of a cohort, for those who manage it. */
  async pending(user: AuthUser, cohortId: string, page: PageArgs): Promise<Connection<InvitationModel>> {
    const { ability } = await this.cohorts.getReadable(user, cohortId);
    if (!ability.can('read', subject('Invitation', { id: '', cohortId }))) throw forbidden();
    const allowed = accessibleBy(ability, 'read', 'Invitation', { id: 'i.id', cohortId: 'i.cohort_id' });
    const now = this.clock.now();
    const query = this.dataSource
      .getRepository(InvitationEntity)
      .createQueryBuilder('i')
      .where('i.cohort_id = :cohortId', { cohortId })
      .andWhere({ acceptedAt: IsNull(), revokedAt: IsNull() })
      .andWhere('i.expires_at > :now', { now })
      .andWhere(allowed.sql, allowed.params);
    return keysetPage(
      query,
      page,
      { at: 'i.created_at', id: 'i.id', direction: 'ASC' },
      (row) => [row.createdAt, row.id],
      (row) => toInvitationModel(row, now),
    );
  }

  async revoke(user: AuthUser, invitationId: string): Promise<InvitationModel> {
    const repo = this.dataSource.getRepository(InvitationEntity);
    const found = isUuid(invitationId) ? await repo.findOneBy({ id: invitationId }) : null;
    if (!found) throw notFound();
    await this.access.authorize(user, 'revoke', 'Invitation', found, found.cohortId);
    const now = this.clock.now();
    const revoked = await this.dataSource.transaction(async (manager) => {
      const invitation = await manager.findOneOrFail(InvitationEntity, {
        where: { id: found.id },
        lock: { mode: 'pessimistic_write' },
      });
      const status = invitationStatus(invitation, now);
      if (status !== InvitationStatus.PENDING) throw conflict(...REFUSED[status]);
      invitation.revokedAt = now;
      await manager.update(InvitationEntity, { id: invitation.id }, { revokedAt: now });
      await this.audit.record(manager, {
        cohortId: invitation.cohortId,
        actorId: user.id,
        action: 'invitation.revoked',
        subjectType: 'Invitation',
        subjectId: invitation.id,
      });
      return invitation;
    });
    return toInvitationModel(revoked, now);
  }
}
