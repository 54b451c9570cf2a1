import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import {
  AskQuestionInput,
  HideQuestionInput,
  MarkQuestionAnsweredInput,
  QuestionModel,
  UpvoteQuestionInput,
} from './dto/question.model.js';
import { QuestionsService } from './questions.service.js';

@Resolver(() => QuestionModel)
export class QuestionsResolver {
  constructor(private readonly questions: QuestionsService) {}

  @Authenticated()
  @Mutation(() => QuestionModel, { description: 'FACILITATOR, MEMBER, or a SCHOLAR granted the session.' })
  askQuestion(@CurrentUser() user: AuthUser, @Args('input') input: AskQuestionInput): Promise<QuestionModel> {
    return this.questions.ask(user, input.sessionId, input.body);
  }

  @Authenticated()
  @Mutation(() => QuestionModel, { description: 'Counts once per member: upvoting again changes nothing.' })
  upvoteQuestion(@CurrentUser() user: AuthUser, @Args('input') input: UpvoteQuestionInput): Promise<QuestionModel> {
    return this.questions.upvote(user, input.questionId);
  }

  @Authenticated()
  @Mutation(() => QuestionModel, { description: 'FACILITATOR. Hidden from everyone but facilitators.' })
  hideQuestion(@CurrentUser() user: AuthUser, @Args('input') input: HideQuestionInput): Promise<QuestionModel> {
    return this.questions.hide(user, input.questionId, input.reason);
  }

  @Authenticated()
  @Mutation(() => QuestionModel, { description: "FACILITATOR or one of the session's speakers." })
  markQuestionAnswered(
    @CurrentUser() user: AuthUser,
    @Args('input') input: MarkQuestionAnsweredInput,
  ): Promise<QuestionModel> {
    return this.questions.markAnswered(user, input.questionId, input.answered);
  }
}
