import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { accessibleBy } from '../authz/sql-conditions.js';
import { AccessService } from '../cohorts/access.service.js';
import { CohortRole } from '../cohorts/cohort-role.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, type KeyPart, keysetPageBy } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { ThreadEntity } from '../threads/thread.entity.js';
import { type NeedModel, type NeedsArgs, type NeedView, type SubmitNeedInput, toNeedModel } from './dto/need.model.js';
import { NeedEntity, NeedStatus, NeedSupportEntity } from './need.entity.js';

/** How the ability's Need fields map onto the `n` alias of need queries. */
export const NEED_COLUMNS = { id: 'n.id', cohortId: 'n.cohort_id' };

/** The agenda's order: most supported first, then first submitted; the id makes it total. */
const BY_SUPPORT: KeyPart<NeedEntity>[] = [
  { column: 'n.support_count', direction: 'DESC', kind: 'int', of: (need) => need.supportCount },
  { column: 'n.created_at', direction: 'ASC', kind: 'timestamp', of: (need) => need.createdAt },
  { column: 'n.id', direction: 'ASC', kind: 'id', of: (need) => need.id },
];

/** Roles that see who submitted a need. */
const SEES_AUTHORS: readonly CohortRole[] = [CohortRole.FACILITATOR, CohortRole.MEMBER];

/** The caller's standing in one cohort, for what a need shows them. */
interface Viewer {
  /** Their membership while in force; supports belong to it. */
  membershipId: string | null;
  seesAuthors: boolean;
}

@Injectable()
export class NeedsService {
  constructor(
    @InjectRepository(NeedEntity) private readonly needs: Repository<NeedEntity>,
    @InjectRepository(NeedSupportEntity) private readonly supports: Repository<NeedSupportEntity>,
    @InjectRepository(ThreadEntity) private readonly threads: Repository<ThreadEntity>,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async submit(user: AuthUser, input: SubmitNeedInput): Promise<NeedView> {
    const { cohort } = await this.cohorts.getReadable(user, input.cohortId);
    await this.access.authorize(user, 'create', 'Need', { id: '', cohortId: cohort.id }, cohort.id);
    const viewer = await this.viewer(user, cohort.id);
    if (!viewer.membershipId) throw notFound(); // the ability lets only members in force create
    const membershipId = viewer.membershipId;
    const id = await this.needs.manager.transaction(async (manager) => {
      const need = await manager.save(
        manager.create(NeedEntity, {
          cohortId: cohort.id,
          title: input.title.trim(),
          description: input.description.trim(),
          theme: input.theme.trim(),
          submittedByMembershipId: membershipId,
          submittedByUserId: user.id,
        }),
      );
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'need.submitted',
        subjectType: 'Need',
        subjectId: need.id,
      });
      return need.id;
    });
    return this.view(await this.load(id), viewer);
  }

  /** A need the caller may read, or NOT_FOUND as for a missing id. */
  async get(user: AuthUser, id: string): Promise<NeedView> {
    const need = await this.loadAuthorized(user, 'read', id);
    return this.view(need, await this.viewer(user, need.cohortId));
  }

  /** The cohort's agenda, most supported first, filtered in SQL by the ability's rules. */
  async list(user: AuthUser, cohortId: string, args: NeedsArgs): Promise<Connection<NeedModel>> {
    const { cohort, ability } = await this.cohorts.getContentScope(user, cohortId);
    const allowed = accessibleBy(ability, 'read', 'Need', NEED_COLUMNS);
    const query = this.needs
      .createQueryBuilder('n')
      .leftJoinAndSelect('n.submittedByMembership', 'sm')
      .leftJoinAndSelect('n.submittedByUser', 'su')
      .where('n.cohort_id = :cohortId', { cohortId: cohort.id })
      .andWhere(allowed.sql, allowed.params);
    if (args.status) query.andWhere('n.status = :status', { status: args.status });
    if (args.unaddressedOnly) query.andWhere('n.status <> :addressed', { addressed: NeedStatus.ADDRESSED });
    const page = await keysetPageBy(query, args, BY_SUPPORT, (need) => need);
    const viewer = await this.viewer(user, cohort.id);
    const supported = await this.supportedAmong(
      viewer,
      page.edges.map((edge) => edge.node.id),
    );
    return {
      pageInfo: page.pageInfo,
      edges: page.edges.map(({ cursor, node }) => ({
        cursor,
        node: toNeedModel({ need: node, supportedByMe: supported.has(node.id), seesAuthor: viewer.seesAuthors }),
      })),
    };
  }

  /**
   * Adds the caller's support once. The insert and the count move together in one transaction,
   * and the unique key decides between concurrent supports: only the one that inserted counts.
   */
  async support(user: AuthUser, needId: string): Promise<NeedView> {
    const need = await this.loadAuthorized(user, 'support', needId);
    const viewer = await this.viewer(user, need.cohortId);
    const membershipId = viewer.membershipId;
    if (!membershipId) throw notFound(); // the ability lets only members in force support
    await this.needs.manager.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(NeedSupportEntity)
        .values({ needId: need.id, membershipId })
        .orIgnore()
        .returning('need_id')
        .execute();
      if ((inserted.raw as unknown[]).length > 0) {
        await manager.increment(NeedEntity, { id: need.id }, 'supportCount', 1);
      }
    });
    return this.view(await this.load(need.id), viewer);
  }

  /** Withdraws the caller's support, if given; withdrawing twice changes nothing. */
  async unsupport(user: AuthUser, needId: string): Promise<NeedView> {
    const need = await this.loadAuthorized(user, 'support', needId);
    const viewer = await this.viewer(user, need.cohortId);
    const membershipId = viewer.membershipId;
    if (!membershipId) throw notFound();
    await this.needs.manager.transaction(async (manager) => {
      const deleted = await manager
        .createQueryBuilder()
        .delete()
        .from(NeedSupportEntity)
        .where({ needId: need.id, membershipId })
        .returning('need_id')
        .execute();
      if ((deleted.raw as unknown[]).length > 0) {
        await manager.decrement(NeedEntity, { id: need.id }, 'supportCount', 1);
      }
    });
    return this.view(await this.load(need.id), viewer);
  }

  /** Marks a need ADDRESSED by a thread of the same cohort (FACILITATOR). */
  async linkToThread(user: AuthUser, needId: string, threadId: string): Promise<NeedView> {
    const need = await this.loadAuthorized(user, 'link', needId);
    // Scoped by the need's cohort: a thread elsewhere answers exactly as one that does not exist.
    const thread = isUuid(threadId) ? await this.threads.findOneBy({ id: threadId, cohortId: need.cohortId }) : null;
    if (!thread) throw notFound();
    await this.needs.manager.transaction(async (manager) => {
      await manager.update(
        NeedEntity,
        { id: need.id, cohortId: need.cohortId },
        { linkedThreadId: thread.id, status: NeedStatus.ADDRESSED },
      );
      await this.audit.record(manager, {
        cohortId: need.cohortId,
        actorId: user.id,
        action: 'need.linked',
        subjectType: 'Need',
        subjectId: need.id,
        details: { threadId: thread.id, previousStatus: need.status },
      });
    });
    return this.view(await this.load(need.id), await this.viewer(user, need.cohortId));
  }

  /** A need the caller may act on: NOT_FOUND for those who may not read it, FORBIDDEN for the rest. */
  async loadAuthorized(user: AuthUser, action: 'read' | 'support' | 'link', id: string): Promise<NeedEntity> {
    const need = isUuid(id) ? await this.load(id) : null;
    if (!need) throw notFound();
    await this.access.authorize(user, action, 'Need', { id: need.id, cohortId: need.cohortId }, need.cohortId);
    return need;
  }

  private load(id: string): Promise<NeedEntity | null> {
    return this.needs.findOne({ where: { id }, relations: { submittedByMembership: true, submittedByUser: true } });
  }

  private async view(need: NeedEntity | null, viewer: Viewer): Promise<NeedView> {
    if (!need) throw notFound();
    const supported = await this.supportedAmong(viewer, [need.id]);
    return { need, supportedByMe: supported.has(need.id), seesAuthor: viewer.seesAuthors };
  }

  private async viewer(user: AuthUser, cohortId: string): Promise<Viewer> {
    const membership = await this.access.membershipIn(user, cohortId);
    if (!membership) return { membershipId: null, seesAuthors: false };
    return { membershipId: membership.id, seesAuthors: SEES_AUTHORS.includes(membership.role as CohortRole) };
  }

  /** Which of these needs the viewer supports. */
  private async supportedAmong(viewer: Viewer, needIds: string[]): Promise<Set<string>> {
    if (!viewer.membershipId || needIds.length === 0) return new Set();
    const rows = await this.supports.find({
      select: { needId: true },
      where: { membershipId: viewer.membershipId, needId: In(needIds) },
    });
    return new Set(rows.map((row) => row.needId));
  }
}
