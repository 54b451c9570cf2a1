import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MembershipModel } from '../../cohorts/dto/membership.model.js';
import { AuthorModel } from '../../threads/dto/author.model.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

@ObjectType('BreakoutNote')
export class BreakoutNoteModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  groupId!: string;

  @Field()
  body!: string;

  @Field(() => AuthorModel, { nullable: true, description: "As the charter's attribution rule lets this reader know." })
  author!: AuthorModel | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('BreakoutGroup', {
  description:
    'A small group of a live session. Its members and notes are for those placed in it and the facilitators; ' +
    'its report-back is for the plenary (everyone who may read the session outcome).',
})
export class BreakoutGroupModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  sessionId!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  memberCount!: number;

  @Field({ description: 'Whether the caller is in this group.' })
  mine!: boolean;

  @Field(() => [MembershipModel], { description: 'Empty unless the caller is in the group or facilitates.' })
  members!: MembershipModel[];

  @Field(() => [BreakoutNoteModel], {
    description: 'Oldest first; empty unless the caller is in the group or facilitates.',
  })
  notes!: BreakoutNoteModel[];

  @Field(() => String, { nullable: true })
  reportBack!: string | null;

  @Field(() => Date, { nullable: true })
  reportedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Set when the session ends; a closed group takes nothing more.' })
  closedAt!: Date | null;
}

@InputType()
export class AssignBreakoutsInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a session id' })
  sessionId!: string;

  @Field(() => Int, { description: 'How many groups; the attendees are mixed by ministry, then country.' })
  @IsInt()
  @Min(1, { message: 'must be at least 1' })
  @Max(50, { message: 'must be at most 50' })
  groupCount!: number;
}

@InputType()
export class BreakoutGroupInput {
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100)
  name!: string;

  @Field(() => [ID])
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'must hold membership ids' })
  membershipIds!: string[];
}

@InputType()
export class CreateBreakoutsInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a session id' })
  sessionId!: string;

  @Field(() => [BreakoutGroupInput])
  @ArrayMinSize(1, { message: 'must hold at least one group' })
  @ArrayMaxSize(50, { message: 'takes at most 50 groups' })
  @ValidateNested({ each: true })
  @Type(() => BreakoutGroupInput)
  groups!: BreakoutGroupInput[];
}

/** The group an input acts on. */
@InputType({ isAbstract: true })
abstract class BreakoutGroupRef {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a breakout group id' })
  groupId!: string;
}

@InputType()
export class MoveToBreakoutInput extends BreakoutGroupRef {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a membership id' })
  membershipId!: string;
}

@InputType()
export class AddBreakoutNoteInput extends BreakoutGroupRef {
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(20_000)
  body!: string;
}

@InputType()
export class ReportBackInput extends BreakoutGroupRef {
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(5000)
  summary!: string;
}
