import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, PlatformAdmin } from '../authz/policy.decorator.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { MembershipStatus } from './cohort-role.js';
import { CohortsService } from './cohorts.service.js';
import {
  CohortModel,
  CreateCohortInput,
  MembershipConnection,
  MinistryModel,
  toCohortModel,
} from './dto/cohort.model.js';
import { MembershipModel } from './dto/membership.model.js';
import { MINISTRIES } from './ministries.js';

@Resolver(() => CohortModel)
export class CohortsResolver {
  constructor(private readonly cohorts: CohortsService) {}

  @PlatformAdmin()
  @Mutation(() => CohortModel)
  async createCohort(@CurrentUser() user: AuthUser, @Args('input') input: CreateCohortInput): Promise<CohortModel> {
    return toCohortModel(await this.cohorts.create(user, input));
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
