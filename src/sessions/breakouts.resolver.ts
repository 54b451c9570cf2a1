import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { BreakoutsService } from './breakouts.service.js';
import {
  AddBreakoutNoteInput,
  AssignBreakoutsInput,
  BreakoutGroupModel,
  BreakoutNoteModel,
  CreateBreakoutsInput,
  MoveToBreakoutInput,
  ReportBackInput,
} from './dto/breakout.model.js';
import { SessionModel } from './dto/session.model.js';

@Resolver(() => BreakoutGroupModel)
export class BreakoutsResolver {
  constructor(private readonly breakouts: BreakoutsService) {}

  @Authenticated()
  @Mutation(() => [BreakoutGroupModel], {
    description:
      'FACILITATOR, LIVE session. Splits the attendees going (members and granted scholars) into groups that mix ' +
      'ministries, then countries, as much as they allow. Guests join only by hand (`moveToBreakout`).',
  })
  assignBreakouts(
    @CurrentUser() user: AuthUser,
    @Args('input') input: AssignBreakoutsInput,
  ): Promise<BreakoutGroupModel[]> {
    return this.breakouts.assignAutomatically(user, input.sessionId, input.groupCount);
  }

  @Authenticated()
  @Mutation(() => [BreakoutGroupModel], { description: 'FACILITATOR, LIVE session. Breakout groups made by hand.' })
  createBreakouts(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateBreakoutsInput,
  ): Promise<BreakoutGroupModel[]> {
    return this.breakouts.createByHand(user, input.sessionId, input.groups);
  }

  @Authenticated()
  @Mutation(() => BreakoutGroupModel, {
    description: 'FACILITATOR. Places someone who may attend the session in a group (moving them from another).',
  })
  moveToBreakout(
    @CurrentUser() user: AuthUser,
    @Args('input') input: MoveToBreakoutInput,
  ): Promise<BreakoutGroupModel> {
    return this.breakouts.move(user, input.groupId, input.membershipId);
  }

  @Authenticated()
  @Mutation(() => BreakoutNoteModel, {
    description: "A note in the group's notes; for its members and the facilitators.",
  })
  addBreakoutNote(
    @CurrentUser() user: AuthUser,
    @Args('input') input: AddBreakoutNoteInput,
  ): Promise<BreakoutNoteModel> {
    return this.breakouts.addNote(user, input.groupId, input.body);
  }

  @Authenticated()
  @Mutation(() => BreakoutGroupModel, { description: "The group's report to the plenary (replaces an earlier one)." })
  reportBack(@CurrentUser() user: AuthUser, @Args('input') input: ReportBackInput): Promise<BreakoutGroupModel> {
    return this.breakouts.reportBack(user, input.groupId, input.summary);
  }

  @Authenticated()
  @Query(() => BreakoutGroupModel, { description: 'A breakout group, for its members and the facilitators.' })
  breakoutGroup(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<BreakoutGroupModel> {
    return this.breakouts.group(user, id);
  }
}

@Resolver(() => SessionModel)
export class SessionBreakoutsResolver {
  constructor(private readonly service: BreakoutsService) {}

  @ResolveField(() => [BreakoutGroupModel], {
    description: 'The breakout groups, in order: names and sizes for every reader, the rest as each group allows.',
  })
  breakouts(@CurrentUser() user: AuthUser, @Parent() session: SessionModel): Promise<BreakoutGroupModel[]> {
    // Only sessions the reader was allowed to see reach here.
    return this.service.ofSession(user, session);
  }
}
