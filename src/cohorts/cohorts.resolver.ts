import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, PlatformAdmin } from '../authz/policy.decorator.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { MembershipStatus } from './cohort-role.js';
import { CohortLifecycleService } from './cohort-lifecycle.service.js';
import { CohortsService } from './cohorts.service.js';
import {
  CohortModel,
  ConcludeCohortInput,
  CreateCohortInput,
  MembershipConnection,
  MinistryModel,
  toCohortModel,
} from './dto/cohort.model.js';
import { MembershipModel } from './dto/membership.model.js';
import { MINISTRIES } from './ministries.js';

@Resolver(() => CohortModel)
export class CohortsResolver {
  constructor(
    private readonly cohorts: CohortsService,
    private readonly lifecycle: CohortLifecycleService,
  ) {}

  @PlatformAdmin()
  @Mutation(() => CohortModel)
  async createCohort(@CurrentUser() user: AuthUser, @Args('input') input: CreateCohortInput): Promise<CohortModel> {
    return toCohortModel(await this.cohorts.create(user, input));
  }

  @Authenticated()
  @Mutation(() => CohortModel, {
    description:
      'FACILITATOR. Ends the programme: every guest (SCHOLAR, VENDOR, OBSERVER) loses access at once, the ' +
      'alumni space opens, and a charter proposal on what the archive keeps is put to the vote.',
  })
  async concludeCohort(@CurrentUser() user: AuthUser, @Args('input') input: ConcludeCohortInput): Promise<CohortModel> {
    return toCohortModel(await this.lifecycle.conclude(user, input.cohortId, input.archiveRetentionDays ?? null));
  }

  @Authenticated()
  @Mutation(() => CohortModel, {
    description: 'FACILITATOR. Makes a concluded cohort read-only, once the archive proposal is decided.',
  })
  async archiveCohort(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
  ): Promise<CohortModel> {
    return toCohortModel(await this.lifecycle.archive(user, cohortId));
  }

  @Authenticated()
  @Query(() => CohortModel, { description: 'A cohort the caller belongs to (or manages, as platform admin).' })
  async cohort(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string): Promise<CohortModel> {
    const { cohort } = await this.cohorts.getReadable(user, id);
    return toCohortModel(cohort);
  }

  @Authenticated()
  @Query(() => [MinistryModel], { description: 'The ministry codes a membership may carry.' })
  ministries(): MinistryModel[] {
    return [...MINISTRIES];
  }

  @ResolveField(() => MembershipModel, { nullable: true, description: "The caller's own membership, if any." })
  myMembership(@Parent() cohort: CohortModel, @CurrentUser() user: AuthUser): Promise<MembershipModel | null> {
    return this.cohorts.myMembership(user, cohort.id);
  }

  @ResolveField(() => MembershipConnection, {
    description:
      'Members the caller may see, oldest first. Removed members are listed only to those who manage the cohort.',
  })
  members(
    @Parent() cohort: CohortModel,
    @CurrentUser() user: AuthUser,
    @Args() page: PageArgs,
    @Args('status', { type: () => MembershipStatus, nullable: true, defaultValue: MembershipStatus.ACTIVE })
    status: MembershipStatus,
  ): Promise<Connection<MembershipModel>> {
    return this.cohorts.members(user, cohort.id, page, status);
  }
}
