import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { Repository } from 'typeorm';
import { type Action, type AppAbility, defineAbilityFor, isInForce } from '../authz/ability.factory.js';
import type { ActorMembership, SubjectShapes, SubjectType } from '../authz/subjects.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { MembershipEntity } from './membership.entity.js';

type Subject = Parameters<AppAbility['can']>[1];

export function asSubject<K extends SubjectType>(type: K, object: SubjectShapes[K]): Subject {
  return subject(type, { ...object }) as unknown as Subject;
}

/** Loads what the ability needs for a caller and answers "may this caller do that to this object?". */
@Injectable()
export class AccessService {
  /** One load per request: `AuthUser` objects are created per request by the guard. */
  private readonly loaded = new WeakMap<AuthUser, Promise<{ ability: AppAbility; memberships: ActorMembership[] }>>();

  constructor(
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async abilityFor(user: AuthUser): Promise<AppAbility> {
    return (await this.load(user)).ability;
  }

  /** The caller's membership in a cohort while it is in force, or null. */
  async membershipIn(user: AuthUser, cohortId: string): Promise<ActorMembership | null> {
    const now = this.clock.now();
    const { memberships } = await this.load(user);
    return memberships.find((m) => m.cohortId === cohortId && isInForce(m, now)) ?? null;
  }

  /** After the caller's own memberships change within a request. */
  forget(user: AuthUser): void {
    this.loaded.delete(user);
  }

  private load(user: AuthUser) {
    let loaded = this.loaded.get(user);
    if (!loaded) {
      loaded = this.build(user);
      this.loaded.set(user, loaded);
    }
    return loaded;
  }

  private async build(user: AuthUser): Promise<{ ability: AppAbility; memberships: ActorMembership[] }> {
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
    const ability = defineAbilityFor(
      { userId: user.id, platformRole: user.platformRole, memberships: rows },
      this.clock.now(),
    );
    return { ability, memberships: rows };
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
    readVia?: Subject,
  ): Promise<AppAbility> {
    const ability = await this.abilityFor(user);
    const target = asSubject(type, object);
    // Whoever cannot see the object gets NOT_FOUND. Something new is seen through the cohort it
    // goes into; threads and posts through their space (`readVia`).
    const readable = ability.can(
      'read',
      readVia ?? (action === 'create' ? asSubject('Cohort', { id: cohortId }) : target),
    );
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
