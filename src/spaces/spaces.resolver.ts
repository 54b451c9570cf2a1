import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { CreateSpaceInput, SpaceConnection, SpaceModel, toSpaceModel } from './dto/space.model.js';
import { SpacesService } from './spaces.service.js';

@Resolver(() => SpaceModel)
export class SpacesResolver {
  constructor(private readonly service: SpacesService) {}

  @Authenticated()
  @Mutation(() => SpaceModel, { description: 'FACILITATOR.' })
  async createSpace(@CurrentUser() user: AuthUser, @Args('input') input: CreateSpaceInput): Promise<SpaceModel> {
    return toSpaceModel(await this.service.create(user, input));
  }

  @Authenticated()
  @Query(() => SpaceModel)
  async space(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string): Promise<SpaceModel> {
    return toSpaceModel(await this.service.getReadable(user, id));
  }

  @Authenticated()
  @Query(() => SpaceConnection, { description: 'The spaces of a cohort the caller may enter, oldest first.' })
  spaces(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() page: PageArgs,
  ): Promise<Connection<SpaceModel>> {
    return this.service.list(user, cohortId, page);
  }
}
