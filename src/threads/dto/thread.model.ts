import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsBoolean, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Attribution } from '../../charter/charter-policy.js';
import { IdField } from '../../common/input-fields.js';
import { type Connection, ConnectionType, PageArgs } from '../../common/pagination.js';
import { Reaction } from '../post.entity.js';
import { ThreadKind, ThreadStatus } from '../thread.entity.js';
import { AuthorModel } from './author.model.js';

registerEnumType(ThreadKind, { name: 'ThreadKind' });
registerEnumType(ThreadStatus, { name: 'ThreadStatus' });
registerEnumType(Reaction, { name: 'Reaction' });

export const MAX_BODY_LENGTH = 20_000;

@ObjectType('Thread')
export class ThreadModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  spaceId!: string;

  @Field()
  title!: string;

  @Field({ description: 'Markdown as written.' })
  body!: string;

  @Field({ description: 'The body rendered to sanitised HTML.' })
  bodyHtml!: string;

  @Field(() => ThreadKind)
  kind!: ThreadKind;

  @Field(() => ThreadStatus)
  status!: ThreadStatus;

  @Field(() => [String])
  tags!: string[];

  @Field(() => Int)
  replyCount!: number;

  @Field()
  lastActivityAt!: Date;

  @Field()
  locked!: boolean;

  @Field(() => ID, { nullable: true })
  acceptedPostId!: string | null;

  @Field(() => Attribution, { description: "The charter's attribution rule applied to this reader." })
  attribution!: Attribution;

  @Field(() => AuthorModel, { nullable: true })
  author!: AuthorModel | null;

  @Field()
  createdAt!: Date;

  @Field(() => ID, { description: 'The cohort the thread belongs to.' })
  cohortId!: string;

  mentionedMembershipIds!: string[];
  /** The page of replies read with the thread, when the document asked for one. */
  postsRead?: { page: PageArgs; posts: Connection<PostModel> };
}

@ObjectType('PostReference', { description: 'Another post of the same thread.' })
export class PostReference {
  @Field(() => ID)
  id!: string;
}

@ObjectType('Post')
export class PostModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  threadId!: string;

  @Field(() => String, { nullable: true, description: 'Null while hidden (except for facilitators) and once deleted.' })
  body!: string | null;

  @Field(() => String, { nullable: true })
  bodyHtml!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  isInsight!: boolean;

  @Field()
  hidden!: boolean;

  @Field(() => String, { nullable: true, description: 'Why a facilitator hid it; shown to facilitators.' })
  hiddenReason!: string | null;

  @Field()
  deleted!: boolean;

  @Field(() => Date, { nullable: true })
  editedAt!: Date | null;

  @Field(() => AuthorModel, { nullable: true })
  author!: AuthorModel | null;

  @Field(() => [ReactionCountModel], { description: 'Reactions by kind; who reacted is not shown.' })
  reactions!: ReactionCountModel[];

  @Field(() => PostReference, { nullable: true })
  parent!: PostReference | null;

  mentionedMembershipIds!: string[];

  parentId!: string | null;
  cohortId!: string;
}

@ObjectType('Mention')
export class MentionModel {
  @Field(() => ID)
  membershipId!: string;

  @Field()
  displayName!: string;
}

@ObjectType('ReactionCount')
export class ReactionCountModel {
  @Field(() => Reaction)
  reaction!: Reaction;

  @Field(() => Int)
  count!: number;

  @Field()
  reactedByMe!: boolean;
}

@ObjectType()
export class ThreadConnection extends ConnectionType(ThreadModel, 'Thread') {}

@ObjectType()
export class PostConnection extends ConnectionType(PostModel, 'Post') {}

@ObjectType('PostRevision')
export class PostRevisionModel {
  @Field()
  body!: string;

  @Field({ description: 'When this earlier version was replaced.' })
  replacedAt!: Date;
}

/** Markdown written by a member: not blank, within the length limit. */
const MarkdownField = () =>
  applyDecorators(Field(), IsString(), Matches(/\S/, { message: 'must not be empty' }), MaxLength(MAX_BODY_LENGTH));

const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u;

@InputType()
export class StartThreadInput {
  @IdField('space')
  spaceId!: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be empty' })
  @MaxLength(200)
  title!: string;

  @MarkdownField()
  body!: string;

  @Field(() => ThreadKind)
  @IsEnum(ThreadKind)
  kind!: ThreadKind;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @Matches(TAG, { each: true, message: 'must be words of letters, digits, spaces, _ or -, up to 40 characters' })
  tags?: string[] | null;
}

@InputType()
export class ReplyInput {
  @IdField('thread')
  threadId!: string;

  @MarkdownField()
  body!: string;

  @IdField('post', { nullable: true })
  parentId?: string | null;
}

@InputType()
export class MarkInsightInput {
  @IdField('post')
  postId!: string;

  @Field()
  @IsBoolean()
  isInsight!: boolean;
}

@InputType()
export class ResolveThreadInput {
  @IdField('thread')
  threadId!: string;

  @IdField('post', { nullable: true })
  acceptedPostId?: string | null;
}

@InputType()
export class HidePostInput {
  @IdField('post')
  postId!: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be empty' })
  @MaxLength(500)
  reason!: string;
}

@InputType()
export class EditPostInput {
  @IdField('post')
  postId!: string;

  @MarkdownField()
  body!: string;
}

@InputType()
export class ReactInput {
  @IdField('post')
  postId!: string;

  @Field(() => Reaction)
  @IsEnum(Reaction)
  reaction!: Reaction;
}

@InputType()
export class MoveThreadInput {
  @IdField('thread')
  threadId!: string;

  @IdField('space')
  spaceId!: string;
}

@ArgsType()
export class ThreadsArgs extends PageArgs {
  @IdField('space')
  spaceId!: string;

  @Field(() => ThreadKind, { nullable: true })
  @IsOptional()
  @IsEnum(ThreadKind)
  kind?: ThreadKind | null;

  @Field(() => ThreadStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ThreadStatus)
  status?: ThreadStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  tag?: string | null;
}
