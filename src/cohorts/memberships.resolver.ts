import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { toUserModel, UserModel } from '../auth/dto/user.model.js';
import { AuthService } from '../auth/auth.service.js';
import { Authenticated } from '../authz/policy.decorator.js';
import { notFound } from '../common/errors.js';
import { type AuthUser, CurrentUser, OptionalUser } from '../common/request-context.js';
import { CohortsService } from './cohorts.service.js';
import { CohortModel, toCohortModel } from './dto/cohort.model.js';
import { ChangeRoleInput, MembershipModel, RemoveMemberInput } from './dto/membership.model.js';
import { MembershipsService } from './memberships.service.js';

@Resolver(() => MembershipModel)
export class MembershipsResolver {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly cohorts: CohortsService,
    private readonly auth: AuthService,
  ) {}

  @Authenticated()
  @Mutation(() => MembershipModel, { description: 'FACILITATOR or platform admin.' })
  changeRole(@CurrentUser() user: AuthUser, @Args('input') input: ChangeRoleInput): Promise<MembershipModel> {
    return this.memberships.changeRole(user, input.membershipId, input.role);
  }

  @Authenticated()
  @Mutation(() => MembershipModel, { description: 'FACILITATOR or platform admin. Access ends at once.' })
  removeMember(@CurrentUser() user: AuthUser, @Args('input') input: RemoveMemberInput): Promise<MembershipModel> {
    return this.memberships.remove(user, input.membershipId);
  }

  @ResolveField(() => CohortModel)
  async cohort(@Parent() membership: MembershipModel): Promise<CohortModel> {
    // Only memberships the reader was allowed to see reach here, and each names its own cohort.
    const cohort = await this.cohorts.findCohort(membership.cohortId);
    if (!cohort) throw notFound();
    return toCohortModel(cohort);
  }

  @ResolveField(() => UserModel)
  async user(@Parent() membership: MembershipModel): Promise<UserModel> {
    const user = membership.loadedUser ?? (await this.auth.findUser(membership.userId));
    if (!user) throw notFound();
    return toUserModel(user, { showEmail: membership.showEmail });
  }
}

@Resolver(() => UserModel)
export class UserMembershipsResolver {
  constructor(private readonly cohorts: CohortsService) {}

  @ResolveField(() => [MembershipModel], {
    description: "The caller's memberships that are in force (active and inside their access window).",
  })
  async memberships(@Parent() account: UserModel, @OptionalUser() user: AuthUser | null): Promise<MembershipModel[]> {
    // Only one's own memberships, and only on authenticated requests (login's payload shows none).
    if (!user || account.id !== user.id) return [];
    return (await this.cohorts.membershipsOf(user)).map(({ membership }) => membership);
  }
}
