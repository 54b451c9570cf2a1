import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import type { Connection } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { NeedModel, toNeedModel } from '../needs/dto/need.model.js';
import { NeedsService } from '../needs/needs.service.js';
import { QuestionConnection, type QuestionModel, QuestionsArgs } from './dto/question.model.js';
import {
  LinkNeedToSessionInput,
  RecordSessionOutcomeInput,
  RsvpInput,
  RsvpModel,
  ScheduleSessionInput,
  SessionConnection,
  SessionModel,
  SessionsArgs,
  SetRecordingInput,
  SetSessionStateInput,
  UpdateSessionInput,
} from './dto/session.model.js';
import { QuestionsService } from './questions.service.js';
import { SessionLifecycleService } from './session-lifecycle.service.js';
import { SessionsService } from './sessions.service.js';

@Resolver(() => SessionModel)
export class SessionsResolver {
  constructor(
    private readonly service: SessionsService,
    private readonly lifecycle: SessionLifecycleService,
    private readonly questionsService: QuestionsService,
    private readonly needs: NeedsService,
  ) {}

  @Authenticated()
  @Mutation(() => SessionModel, { description: 'FACILITATOR. The experts named are granted the session.' })
  scheduleSession(@CurrentUser() user: AuthUser, @Args('input') input: ScheduleSessionInput): Promise<SessionModel> {
    return this.service.schedule(user, input);
  }

  @Authenticated()
  @Mutation(() => SessionModel, {
    description: 'FACILITATOR, until the session ends. Only the fields sent change.',
  })
  updateSession(@CurrentUser() user: AuthUser, @Args('input') input: UpdateSessionInput): Promise<SessionModel> {
    return this.service.update(user, input);
  }

  @Authenticated()
  @Query(() => SessionModel)
  session(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string): Promise<SessionModel> {
    return this.service.get(user, id);
  }

  @Authenticated()
  @Query(() => SessionConnection, { description: "The cohort's sessions the caller may see, earliest first." })
  sessions(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() args: SessionsArgs,
  ): Promise<Connection<SessionModel>> {
    return this.service.list(user, cohortId, args);
  }

  @Authenticated()
  @Mutation(() => RsvpModel, {
    description: 'Anyone who may see the session. GOING takes a seat; a full session is CONFLICT.',
  })
  rsvp(@CurrentUser() user: AuthUser, @Args('input') input: RsvpInput): Promise<RsvpModel> {
    return this.lifecycle.rsvp(user, input);
  }

  @Authenticated()
  @Mutation(() => SessionModel, { description: 'FACILITATOR. Illegal transitions are CONFLICT.' })
  setSessionState(@CurrentUser() user: AuthUser, @Args('input') input: SetSessionStateInput): Promise<SessionModel> {
    return this.lifecycle.setState(user, input.sessionId, input.state);
  }

  @Authenticated()
  @Mutation(() => SessionModel, { description: 'FACILITATOR, while the charter allows recording (else FORBIDDEN).' })
  setRecording(@CurrentUser() user: AuthUser, @Args('input') input: SetRecordingInput): Promise<SessionModel> {
    return this.lifecycle.setRecording(user, input.sessionId, input.url);
  }

  @Authenticated()
  @Mutation(() => SessionModel, { description: 'FACILITATOR, once the session has ended.' })
  recordSessionOutcome(
    @CurrentUser() user: AuthUser,
    @Args('input') input: RecordSessionOutcomeInput,
  ): Promise<SessionModel> {
    return this.lifecycle.recordOutcome(user, input);
  }

  @Authenticated()
  @Mutation(() => NeedModel, {
    description: 'FACILITATOR. The need becomes SCHEDULED, and ADDRESSED when the session ends.',
  })
  async linkNeedToSession(
    @CurrentUser() user: AuthUser,
    @Args('input') input: LinkNeedToSessionInput,
  ): Promise<NeedModel> {
    const needId = await this.lifecycle.linkNeedToSession(user, input.needId, input.sessionId);
    return toNeedModel(await this.needs.get(user, needId));
  }

  @ResolveField(() => QuestionConnection, { description: 'Most upvoted first.' })
  questions(
    @CurrentUser() user: AuthUser,
    @Parent() session: SessionModel,
    @Args() args: QuestionsArgs,
  ): Promise<Connection<QuestionModel>> {
    // Only sessions the reader was allowed to see reach here.
    return this.questionsService.list(user, session, args);
  }
}
