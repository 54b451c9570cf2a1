import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortRole, MembershipStatus } from '../cohorts/cohort-role.js';
import { CohortEntity } from '../cohorts/cohort.entity.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { type MembershipModel, toMembershipModel } from '../cohorts/dto/membership.model.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { Clock } from '../common/clock.js';
import { badInput, conflict, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, keysetPage, type PageArgs } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog } from '../realtime/event-log.service.js';
import type { CharterPolicy } from './charter-policy.js';
import { policyOf, writeCharterVersion } from './charter-versions.js';
import {
  CharterNormEntity,
  CharterVersionEntity,
  NormProposalCommentEntity,
  NormProposalEntity,
  NormVoteEntity,
  ProposalStatus,
  VotePosition,
} from './charter.entity.js';
import type {
  CharterModel,
  NormProposalModel,
  ProposeNormInput,
  TallyModel,
  VoteOnNormInput,
} from './dto/charter.model.js';

const POLICY_FIELDS = [
  'attribution',
  'recording',
  'observers',
  'vendorAccess',
  'externalSharing',
  'retentionDays',
] as const;
type PolicyChange = Partial<CharterPolicy>;

const EMPTY_TALLY: TallyModel = { agree: 0, abstain: 0, disagree: 0, block: 0 };

@Injectable()
export class CharterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  /** The charter in force, or an older version; readable by everyone who can read the cohort. */
  async charterOf(user: AuthUser, cohortId: string, version?: number | null): Promise<CharterModel> {
    const { cohort } = await this.cohorts.getReadable(user, cohortId);
    const wanted = version ?? cohort.charterVersion;
    const found = await this.dataSource.manager.findOneBy(CharterVersionEntity, {
      cohortId: cohort.id,
      version: wanted,
    });
    if (!found) throw notFound();
    return this.toCharterModel(this.dataSource.manager, found);
  }

  private async toCharterModel(manager: EntityManager, version: CharterVersionEntity): Promise<CharterModel> {
    const norms = await manager.find(CharterNormEntity, {
      where: { charterVersionId: version.id },
      order: { position: 'ASC' },
    });
    return {
      version: version.version,
      ratifiedAt: version.ratifiedAt,
      norms: norms.map(({ id, title, text }) => ({ id, title, text })),
      policy: policyOf(version),
    };
  }

  /** Records that the caller accepted the version in force; only that version can be accepted. */
  async accept(user: AuthUser, cohortId: string, version: number): Promise<MembershipModel> {
    const { cohort, ability } = await this.cohorts.getReadable(user, cohortId);
    const own = await this.access.membershipIn(user, cohort.id);
    if (!own) throw notFound();
    if (version !== cohort.charterVersion) {
      throw conflict(
        `Version ${cohort.charterVersion} is the charter in force; accept that one`,
        'CHARTER_VERSION_NOT_CURRENT',
      );
    }
    const membership = await this.dataSource.transaction(async (manager) => {
      await manager.update(MembershipEntity, { id: own.id }, { acceptedCharterVersion: version });
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'charter.accepted',
        subjectType: 'Membership',
        subjectId: own.id,
        details: { version },
      });
      return manager.findOneByOrFail(MembershipEntity, { id: own.id });
    });
    this.access.forget(user);
    return toMembershipModel(membership, ability);
  }

  async propose(user: AuthUser, input: ProposeNormInput): Promise<NormProposalModel> {
    const { cohort } = await this.cohorts.getReadable(user, input.cohortId);
    await this.authorizeCharter(user, 'propose', cohort.id);
    const proposer = await this.access.membershipIn(user, cohort.id);
    if (!proposer) throw notFound();
    const change = this.cleanChange(input.policyChange ?? null);
    const proposal = await this.dataSource.manager.save(
      this.dataSource.manager.create(NormProposalEntity, {
        cohortId: cohort.id,
        proposerMembershipId: proposer.id,
        proposerUserId: user.id,
        title: input.title.trim(),
        text: input.text.trim(),
        policyChange: change,
        baseVersion: cohort.charterVersion,
      }),
    );
    return this.toModels(user, [proposal]).then(([model]) => model);
  }

  /** Only the fields a proposal actually sets; an empty change is no change. */
  private cleanChange(input: Partial<Record<(typeof POLICY_FIELDS)[number], unknown>> | null): PolicyChange | null {
    if (!input) return null;
    // Omitted fields stay as they are; an explicit null means "no limit" for retentionDays only.
    const change = Object.fromEntries(
      POLICY_FIELDS.filter(
        (field) => input[field] !== undefined && (input[field] !== null || field === 'retentionDays'),
      ).map((field) => [field, input[field]]),
    ) as PolicyChange;
    return Object.keys(change).length > 0 ? change : null;
  }

  private async authorizeCharter(user: AuthUser, action: 'propose' | 'vote' | 'ratify', cohortId: string) {
    await this.access.authorize(user, action, 'Charter', { cohortId }, cohortId, asSubject('Cohort', { id: cohortId }));
  }

  /** A proposal the caller may see: full members only (they are the ones who decide). */
  private async loadProposal(user: AuthUser, proposalId: string): Promise<NormProposalEntity> {
    const proposal = isUuid(proposalId)
      ? await this.dataSource.manager.findOneBy(NormProposalEntity, { id: proposalId })
      : null;
    if (!proposal) throw notFound();
    const ability = await this.access.abilityFor(user);
    if (!ability.can('vote', asSubject('Charter', { cohortId: proposal.cohortId }))) throw notFound();
    return proposal;
  }

  /** A vote can change until the proposal is adopted or withdrawn. */
  async vote(user: AuthUser, input: VoteOnNormInput): Promise<NormProposalModel> {
    const proposal = await this.loadProposal(user, input.proposalId);
    await this.authorizeCharter(user, 'vote', proposal.cohortId);
    const voter = await this.access.membershipIn(user, proposal.cohortId);
    if (!voter) throw notFound();
    await this.dataSource.transaction(async (manager) => {
      // Shares the lock ratification takes: a vote lands before it, or finds the proposal closed.
      const current = await manager.findOne(NormProposalEntity, {
        where: { id: proposal.id },
        lock: { mode: 'pessimistic_read' },
      });
      if (current?.status !== ProposalStatus.OPEN) throw conflict('This proposal is closed', 'PROPOSAL_CLOSED');
      await manager
        .createQueryBuilder()
        .insert()
        .into(NormVoteEntity)
        .values({
          proposalId: proposal.id,
          membershipId: voter.id,
          position: input.position,
          reason: input.reason?.trim() || null,
        })
        .orUpdate(['position', 'reason', 'updated_at'], ['proposal_id', 'membership_id'])
        .execute();
    });
    return this.toModels(user, [proposal]).then(([model]) => model);
  }

  async withdraw(user: AuthUser, proposalId: string): Promise<NormProposalModel> {
    const proposal = await this.loadProposal(user, proposalId);
    await this.access.authorize(
      user,
      'withdraw',
      'Proposal',
      { id: proposal.id, cohortId: proposal.cohortId, proposerUserId: proposal.proposerUserId },
      proposal.cohortId,
      asSubject('Cohort', { id: proposal.cohortId }),
    );
    const withdrawn = await this.dataSource.manager.update(
      NormProposalEntity,
      { id: proposal.id, status: ProposalStatus.OPEN },
      { status: ProposalStatus.WITHDRAWN },
    );
    if (!withdrawn.affected) throw conflict('This proposal is closed', 'PROPOSAL_CLOSED');
    proposal.status = ProposalStatus.WITHDRAWN;
    return this.toModels(user, [proposal]).then(([model]) => model);
  }

  async comment(user: AuthUser, proposalId: string, body: string): Promise<NormProposalCommentEntity> {
    const proposal = await this.loadProposal(user, proposalId);
    await this.authorizeCharter(user, 'vote', proposal.cohortId);
    const author = await this.access.membershipIn(user, proposal.cohortId);
    if (!author) throw notFound();
    return this.dataSource.manager.save(
      this.dataSource.manager.create(NormProposalCommentEntity, {
        proposalId: proposal.id,
        authorMembershipId: author.id,
        body,
      }),
    );
  }

  comments(proposalId: string): Promise<NormProposalCommentEntity[]> {
    return this.dataSource.manager.find(NormProposalCommentEntity, {
      where: { proposalId },
      order: { createdAt: 'ASC' },
    });
  }

  /** Proposals of a cohort, oldest first, for its full members; anyone else sees none. */
  async list(
    user: AuthUser,
    cohortId: string,
    page: PageArgs,
    status?: ProposalStatus | null,
  ): Promise<Connection<NormProposalModel>> {
    const { cohort, ability } = await this.cohorts.getReadable(user, cohortId);
    const query = this.dataSource.manager
      .createQueryBuilder(NormProposalEntity, 'p')
      .where('p.cohort_id = :cohortId', { cohortId: cohort.id })
      .andWhere(ability.can('vote', asSubject('Charter', { cohortId: cohort.id })) ? 'TRUE' : 'FALSE');
    if (status) query.andWhere('p.status = :status', { status });
    const connection = await keysetPage(
      query,
      page,
      { at: 'p.created_at', id: 'p.id', direction: 'ASC' },
      (row) => [row.createdAt, row.id],
      (row) => row,
    );
    const models = await this.toModels(
      user,
      connection.edges.map((edge) => edge.node),
    );
    return { ...connection, edges: connection.edges.map((edge, i) => ({ cursor: edge.cursor, node: models[i] })) };
  }

  /** Tallies count the votes of full members in force; everyone else's vote has lapsed. */
  private async tallies(manager: EntityManager, proposalIds: string[]): Promise<Map<string, TallyModel>> {
    const rows = await manager
      .createQueryBuilder(NormVoteEntity, 'v')
      .innerJoin(MembershipEntity, 'm', 'm.id = v.membership_id')
      .select(['v.proposal_id AS proposal_id', 'v.position AS position', 'count(*)::int AS count'])
      .where('v.proposal_id IN (:...proposalIds)', { proposalIds })
      .andWhere('m.status = :active AND m.role IN (:...roles)', {
        active: MembershipStatus.ACTIVE,
        roles: [CohortRole.FACILITATOR, CohortRole.MEMBER],
      })
      .andWhere('(m.access_expires_at IS NULL OR m.access_expires_at > :now)', { now: this.clock.now() })
      .groupBy('v.proposal_id')
      .addGroupBy('v.position')
      .getRawMany<{ proposal_id: string; position: VotePosition; count: number }>();
    const tallies = new Map<string, TallyModel>();
    for (const row of rows) {
      const tally = tallies.get(row.proposal_id) ?? { ...EMPTY_TALLY };
      tally[row.position.toLowerCase() as keyof TallyModel] = row.count;
      tallies.set(row.proposal_id, tally);
    }
    return tallies;
  }

  private async toModels(user: AuthUser, proposals: NormProposalEntity[]): Promise<NormProposalModel[]> {
    if (proposals.length === 0) return [];
    const ids = proposals.map((p) => p.id);
    const tallies = await this.tallies(this.dataSource.manager, ids);
    const mine = await this.access.membershipIn(user, proposals[0].cohortId);
    const votes = mine
      ? await this.dataSource.manager.find(NormVoteEntity, { where: { proposalId: In(ids), membershipId: mine.id } })
      : [];
    return proposals.map((proposal) => ({
      id: proposal.id,
      cohortId: proposal.cohortId,
      title: proposal.title,
      text: proposal.text,
      policyChange: proposal.policyChange,
      status: proposal.status,
      tally: tallies.get(proposal.id) ?? { ...EMPTY_TALLY },
      myVote: votes.find((vote) => vote.proposalId === proposal.id)?.position ?? null,
      adoptedInVersion: proposal.adoptedInVersion,
      createdAt: proposal.createdAt,
    }));
  }

  /**
   * Makes version N+1 from adoptable proposals: norms added, policy changes applied in the order
   * given. Refused as a whole (CONFLICT naming the reason) if any proposal is not adoptable, is
   * stale, or contradicts another. Everyone, the ratifying facilitator included, must accept N+1.
   */
  async ratify(user: AuthUser, cohortId: string, proposalIds: string[]): Promise<CharterModel> {
    const { cohort } = await this.cohorts.getReadable(user, cohortId);
    await this.authorizeCharter(user, 'ratify', cohort.id);
    const ids = [...new Set(proposalIds)];
    const result = await this.dataSource.transaction(async (manager) => {
      // One ratification at a time per cohort.
      const locked = await manager.findOne(CohortEntity, {
        where: { id: cohort.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!locked) throw notFound();
      // Locked: a vote or withdrawal in flight waits, then sees the proposal closed.
      const proposals = await manager.find(NormProposalEntity, {
        where: { id: In(ids), cohortId: cohort.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (proposals.length !== ids.length) throw badInput('proposalIds', 'names a proposal that is not in this cohort');
      const ordered = ids.map((id) => proposals.find((p) => p.id === id)!);
      const current = await manager.findOneByOrFail(CharterVersionEntity, {
        cohortId: cohort.id,
        version: locked.charterVersion,
      });
      await this.checkAdoptable(manager, ordered, cohort.id, current);
      const policy = { ...policyOf(current) };
      for (const proposal of ordered) Object.assign(policy, proposal.policyChange ?? {});
      const norms = await manager.find(CharterNormEntity, {
        where: { charterVersionId: current.id },
        order: { position: 'ASC' },
      });
      const next = locked.charterVersion + 1;
      const version = await writeCharterVersion(
        manager,
        cohort.id,
        next,
        policy,
        [...norms, ...ordered.map(({ title, text }) => ({ title, text }))],
        user.id,
      );
      await manager.update(CohortEntity, { id: cohort.id }, { charterVersion: next });
      await manager.update(
        NormProposalEntity,
        { id: In(ids) },
        { status: ProposalStatus.ADOPTED, adoptedInVersion: next },
      );
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'charter.ratified',
        subjectType: 'Charter',
        subjectId: version.id,
        details: { version: next, proposals: ids.length },
      });
      await this.events.append(manager, {
        cohortId: cohort.id,
        type: 'charter.ratified',
        ref: { version: String(next) },
        topics: [['cohort', cohort.id]],
      });
      return this.toCharterModel(manager, version);
    });
    this.access.forget(user);
    return result;
  }

  private async checkAdoptable(
    manager: EntityManager,
    proposals: NormProposalEntity[],
    cohortId: string,
    current: CharterVersionEntity,
  ): Promise<void> {
    const fullMembers = await manager
      .createQueryBuilder(MembershipEntity, 'm')
      .where('m.cohort_id = :cohortId AND m.status = :active AND m.role IN (:...roles)', {
        cohortId,
        active: MembershipStatus.ACTIVE,
        roles: [CohortRole.FACILITATOR, CohortRole.MEMBER],
      })
      .andWhere('(m.access_expires_at IS NULL OR m.access_expires_at > :now)', { now: this.clock.now() })
      .getCount();
    const tallies = await this.tallies(
      manager,
      proposals.map((p) => p.id),
    );
    const changedBy = new Map<string, { value: unknown; title: string }>();
    for (const proposal of proposals) {
      const refuse = (why: string, reason: string) => {
        throw conflict(`"${proposal.title}" cannot be adopted: ${why}`, reason);
      };
      if (proposal.status !== ProposalStatus.OPEN) refuse('it is no longer open', 'PROPOSAL_CLOSED');
      const tally = tallies.get(proposal.id) ?? EMPTY_TALLY;
      const cast = tally.agree + tally.abstain + tally.disagree + tally.block;
      if (cast * 2 < fullMembers) refuse(`${cast} of ${fullMembers} full members voted; half must`, 'NO_QUORUM');
      if (tally.block > 0) refuse('a member blocked it', 'BLOCKED');
      if (tally.agree <= tally.disagree)
        refuse('it does not have more agreement than disagreement', 'NOT_ENOUGH_AGREEMENT');
      if (proposal.policyChange && proposal.baseVersion < current.version) {
        const base = await manager.findOneByOrFail(CharterVersionEntity, { cohortId, version: proposal.baseVersion });
        const moved = Object.keys(proposal.policyChange).filter(
          (field) => policyOf(base)[field as keyof CharterPolicy] !== policyOf(current)[field as keyof CharterPolicy],
        );
        if (moved.length > 0) refuse(`the charter changed ${moved.join(', ')} since it was proposed`, 'STALE_PROPOSAL');
      }
      for (const [field, value] of Object.entries(proposal.policyChange ?? {})) {
        const earlier = changedBy.get(field);
        if (earlier && earlier.value !== value) {
          refuse(`it sets ${field} differently from "${earlier.title}"`, 'CONFLICTING_CHANGES');
        }
        changedBy.set(field, { value, title: proposal.title });
      }
    }
  }
}
