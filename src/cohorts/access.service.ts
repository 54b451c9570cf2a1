import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { Repository } from 'typeorm';
import { type Action, type AppAbility, defineAbilityFor } from '../authz/ability.factory.js';
import type { SubjectShapes, SubjectType } from '../authz/subjects.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { MembershipEntity } from './membership.entity.js';

/** Loads what the ability needs for a caller and answers "may this caller do that to this object?". */
@Injectable()
export class AccessService {
  /** One ability per request: `AuthUser` objects are created per request by the guard. */
  private readonly abilities = new WeakMap<AuthUser, Promise<AppAbility>>();

  constructor(
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  abilityFor(user: AuthUser): Promise<AppAbility> {
    let ability = this.abilities.get(user);
    if (!ability) {
      ability = this.build(user);
      this.abilities.set(user, ability);
    }
    return ability;
  }

  /** After the caller's own memberships change within a request. */
  forget(user: AuthUser): void {
    this.abilities.delete(user);
  }

  private async build(user: AuthUser): Promise<AppAbility> {
    const rows = await this.memberships.find({
      select: {
        id: true,
        cohortId: true,
        role: true,
        status: true,
        accessExpiresAt: true,
        ministry: true,
        grantedSpaceIds: true,
      },
      where: { userId: user.id },
    });
    return defineAbilityFor({ userId: user.id, platformRole: user.platformRole, memberships: rows }, this.clock.now());
  }

  /**
   * Checks a loaded instance. A caller who may not even read it gets NOT_FOUND, exactly as for a
   * missing id; one who may read but not act gets FORBIDDEN. Refusals on an existing cohort
   * object are audited.
   */
  async authorize<K extends SubjectType>(
    user: AuthUser,
    action: Action,
    type: K,
    object: SubjectShapes[K],
    cohortId: string,
  ): Promise<AppAbility> {
    const ability = await this.abilityFor(user);
    const target = subject(type, { ...object }) as unknown as Parameters<AppAbility['can']>[1];
    // Creating something new is judged against the cohort it goes into: whoever can see the
    // cohort learns nothing from a refusal, anyone else gets NOT_FOUND.
    const readable =
      action === 'create' ? ability.can('read', subject('Cohort', { id: cohortId })) : ability.can('read', target);
    if (readable && ability.can(action, target)) return ability;
    await this.audit.recordDenied({
      cohortId,
      actorId: user.id,
      subjectType: type,
      subjectId: 'id' in object ? String(object.id) : cohortId,
      attempted: action,
    });
    throw readable ? forbidden() : notFound();
  }
}
