import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { CohortModel } from '../cohorts/dto/cohort.model.js';
import { MembershipModel } from '../cohorts/dto/membership.model.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { ProposalStatus } from './charter.entity.js';
import { CharterService } from './charter.service.js';
import {
  AcceptCharterInput,
  CharterModel,
  CommentOnProposalInput,
  NormProposalConnection,
  NormProposalModel,
  ProposalCommentModel,
  ProposeNormInput,
  RatifyCharterInput,
  VoteOnNormInput,
} from './dto/charter.model.js';

@Resolver(() => CohortModel)
export class CohortCharterResolver {
  constructor(private readonly service: CharterService) {}

  @ResolveField(() => CharterModel, { description: 'The charter in force.' })
  charter(@Parent() cohort: CohortModel, @CurrentUser() user: AuthUser): Promise<CharterModel> {
    return this.service.charterOf(user, cohort.id);
  }
}

@Resolver(() => NormProposalModel)
export class CharterResolver {
  constructor(private readonly service: CharterService) {}

  @Authenticated()
  @Query(() => CharterModel, { description: 'A version of the charter (the one in force when no version is given).' })
  charter(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args('version', { type: () => Int, nullable: true }) version: number | null,
  ): Promise<CharterModel> {
    return this.service.charterOf(user, cohortId, version);
  }

  @Authenticated()
  @Mutation(() => MembershipModel, { description: 'Any member, for the version in force.' })
  acceptCharter(@CurrentUser() user: AuthUser, @Args('input') input: AcceptCharterInput): Promise<MembershipModel> {
    return this.service.accept(user, input.cohortId, input.version);
  }

  @Authenticated()
  @Mutation(() => NormProposalModel, { description: 'FACILITATOR or MEMBER.' })
  proposeNorm(@CurrentUser() user: AuthUser, @Args('input') input: ProposeNormInput): Promise<NormProposalModel> {
    return this.service.propose(user, input);
  }

  @Authenticated()
  @Mutation(() => NormProposalModel, { description: 'FACILITATOR or MEMBER; changeable until the proposal closes.' })
  voteOnNorm(@CurrentUser() user: AuthUser, @Args('input') input: VoteOnNormInput): Promise<NormProposalModel> {
    return this.service.vote(user, input);
  }

  @Authenticated()
  @Mutation(() => NormProposalModel, { description: 'The proposer.' })
  withdrawNorm(
    @CurrentUser() user: AuthUser,
    @Args('proposalId', { type: () => ID }) proposalId: string,
  ): Promise<NormProposalModel> {
    return this.service.withdraw(user, proposalId);
  }

  @Authenticated()
  @Mutation(() => ProposalCommentModel, { description: 'FACILITATOR or MEMBER: discussion on a proposal.' })
  commentOnProposal(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CommentOnProposalInput,
  ): Promise<ProposalCommentModel> {
    return this.service.comment(user, input.proposalId, input.body);
  }

  @Authenticated()
  @Mutation(() => CharterModel, { description: 'FACILITATOR, with adoptable proposals only; makes version N+1.' })
  ratifyCharter(@CurrentUser() user: AuthUser, @Args('input') input: RatifyCharterInput): Promise<CharterModel> {
    return this.service.ratify(user, input.cohortId, input.proposalIds);
  }

  @Authenticated()
  @Query(() => NormProposalConnection, { description: 'Proposals of a cohort, for its full members.' })
  normProposals(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() page: PageArgs,
    @Args('status', { type: () => ProposalStatus, nullable: true }) status: ProposalStatus | null,
  ): Promise<Connection<NormProposalModel>> {
    return this.service.list(user, cohortId, page, status);
  }

  @ResolveField(() => [ProposalCommentModel])
  async comments(@Parent() proposal: NormProposalModel): Promise<ProposalCommentModel[]> {
    // Only proposals the caller may read reach here (full members of the cohort).
    return (await this.service.comments(proposal.id)).map(({ id, body, createdAt }) => ({ id, body, createdAt }));
  }
}
