import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import type { Connection } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import {
  NeedConnection,
  NeedModel,
  NeedsArgs,
  SubmitNeedInput,
  SupportNeedInput,
  toNeedModel,
} from './dto/need.model.js';
import { NeedsService } from './needs.service.js';

@Resolver(() => NeedModel)
export class NeedsResolver {
  constructor(private readonly service: NeedsService) {}

  @Authenticated()
  @Mutation(() => NeedModel, { description: 'FACILITATOR or MEMBER.' })
  async submitNeed(@CurrentUser() user: AuthUser, @Args('input') input: SubmitNeedInput): Promise<NeedModel> {
    return toNeedModel(await this.service.submit(user, input));
  }

  @Authenticated()
  @Mutation(() => NeedModel, {
    description: 'FACILITATOR or MEMBER. Counts once per member: supporting again returns the need unchanged.',
  })
  async supportNeed(@CurrentUser() user: AuthUser, @Args('input') input: SupportNeedInput): Promise<NeedModel> {
    return toNeedModel(await this.service.support(user, input.needId));
  }

  @Authenticated()
  @Mutation(() => NeedModel, {
    description: "Withdraws the caller's support; without one, returns the need unchanged.",
  })
  async unsupportNeed(@CurrentUser() user: AuthUser, @Args('input') input: SupportNeedInput): Promise<NeedModel> {
    return toNeedModel(await this.service.unsupport(user, input.needId));
  }

  @Authenticated()
  @Mutation(() => NeedModel, {
    description: 'FACILITATOR. Links a thread of the same cohort that addresses the need, and marks it ADDRESSED.',
  })
  async linkNeedToThread(
    @CurrentUser() user: AuthUser,
    @Args('needId', { type: () => ID }) needId: string,
    @Args('threadId', { type: () => ID }) threadId: string,
  ): Promise<NeedModel> {
    return toNeedModel(await this.service.linkToThread(user, needId, threadId));
  }

  @Authenticated()
  @Query(() => NeedModel)
  async need(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string): Promise<NeedModel> {
    return toNeedModel(await this.service.get(user, id));
  }

  @Authenticated()
  @Query(() => NeedConnection, {
    description: "The cohort's needs the caller may read: most supported first, then oldest first.",
  })
  needs(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() args: NeedsArgs,
  ): Promise<Connection<NeedModel>> {
    return this.service.list(user, cohortId, args);
  }
}
