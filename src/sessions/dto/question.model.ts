import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsOptional } from 'class-validator';
import { IdField, TextField } from '../../common/input-fields.js';
import { ConnectionType, PageArgs } from '../../common/pagination.js';
import { AuthorModel } from '../../threads/dto/author.model.js';

@ObjectType('Question')
export class QuestionModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  sessionId!: string;

  @Field()
  body!: string;

  @Field(() => Int)
  votes!: number;

  @Field({ description: 'Whether the caller upvoted it.' })
  votedByMe!: boolean;

  @Field()
  answered!: boolean;

  @Field({ description: 'Hidden questions are shown to facilitators only.' })
  hidden!: boolean;

  @Field(() => String, { nullable: true, description: 'Shown to facilitators only.' })
  hiddenReason!: string | null;

  @Field(() => AuthorModel, {
    nullable: true,
    description: "Who asked, as far as the charter's attribution rule lets this reader know.",
  })
  author!: AuthorModel | null;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class QuestionConnection extends ConnectionType(QuestionModel, 'Question') {}

@ArgsType()
export class QuestionsArgs extends PageArgs {}

@InputType()
export class AskQuestionInput {
  @IdField('session')
  sessionId!: string;

  @TextField(2000)
  body!: string;
}

@InputType()
export class UpvoteQuestionInput {
  @IdField('question')
  questionId!: string;
}

@InputType()
export class HideQuestionInput {
  @IdField('question')
  questionId!: string;

  @TextField(500)
  reason!: string;
}

@InputType()
export class MarkQuestionAnsweredInput {
  @IdField('question')
  questionId!: string;

  @Field({ nullable: true, defaultValue: true })
  @IsOptional()
  @IsBoolean()
  answered: boolean = true;
}
