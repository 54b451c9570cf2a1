import {
  ArgsType,
  Field,
  ID,
  InputType,
  Int,
  ObjectType,
  OmitType,
  PartialType,
  registerEnumType,
} from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  Max,
  Min,
} from 'class-validator';
import { MembershipModel } from '../../cohorts/dto/membership.model.js';
import { DateField, IdField, TextField } from '../../common/input-fields.js';
import { ConnectionType, PageArgs } from '../../common/pagination.js';
import { RsvpStatus, SessionFormat, SessionState } from '../session.entity.js';

registerEnumType(SessionState, {
  name: 'SessionState',
  description: 'SCHEDULED → LIVE → ENDED; SCHEDULED → CANCELLED. Any other change is a CONFLICT.',
});
registerEnumType(SessionFormat, { name: 'SessionFormat' });
registerEnumType(RsvpStatus, { name: 'RsvpStatus' });

@ObjectType('Session')
export class SessionModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  cohortId!: string;

  @Field()
  title!: string;

  @Field()
  abstract!: string;

  @Field({ description: 'UTC.' })
  startsAt!: Date;

  @Field({ description: 'UTC.' })
  endsAt!: Date;

  @Field({ description: "The organiser's IANA time zone, for display." })
  timeZone!: string;

  @Field(() => SessionFormat)
  format!: SessionFormat;

  @Field(() => Int, { nullable: true, description: 'Seats for GOING; null for no limit.' })
  capacity!: number | null;

  @Field(() => Int)
  goingCount!: number;

  @Field(() => SessionState)
  state!: SessionState;

  @Field({ description: 'Whether the charter in force allows recording.' })
  recordingAllowed!: boolean;

  @Field({ description: 'Whether the charter in force admits observers.' })
  observersAllowed!: boolean;

  @Field(() => String, { nullable: true, description: 'Shown only while the charter in force allows recording.' })
  recordingUrl!: string | null;

  @Field(() => [MembershipModel], { description: 'The SCHOLARs and VENDORs who speak.' })
  experts!: MembershipModel[];

  @Field(() => RsvpStatus, { nullable: true, description: "The caller's answer, if any." })
  myRsvp!: RsvpStatus | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The thread where the discussion continues; not shown to vendors.',
  })
  followUpThreadId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What came of the session, recorded by a facilitator once it ended. Not shown to vendors.',
  })
  outcomeSummary!: string | null;

  @Field(() => [String], { description: 'Key takeaways, recorded with the outcome. Not shown to vendors.' })
  keyTakeaways!: string[];

  @Field()
  createdAt!: Date;
}

@ObjectType('Rsvp')
export class RsvpModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  sessionId!: string;

  @Field(() => RsvpStatus)
  status!: RsvpStatus;

  @Field(() => Int, { description: "The session's GOING count after this answer." })
  goingCount!: number;
}

@ObjectType()
export class SessionConnection extends ConnectionType(SessionModel, 'Session') {}

@ArgsType()
export class SessionsArgs extends PageArgs {
  @DateField({ nullable: true, description: 'Only sessions that end after this moment.' })
  from?: Date | null;

  @DateField({ nullable: true, description: 'Only sessions that start before this moment.' })
  to?: Date | null;
}

@InputType()
export class ScheduleSessionInput {
  @IdField('cohort')
  cohortId!: string;

  @TextField(200)
  title!: string;

  @TextField(8000)
  abstract!: string;

  @DateField({ description: 'UTC.' })
  startsAt!: Date;

  @DateField({ description: 'UTC; after startsAt, at most 7 days later.' })
  endsAt!: Date;

  @Field(() => [ID], {
    nullable: true,
    description: 'Memberships of SCHOLARs or VENDORs of the cohort who speak; each is granted the session.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true, message: 'must be a list of membership ids' })
  expertMembershipIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'An IANA time zone such as Africa/Nairobi; UTC by default.' })
  @IsOptional()
  @IsTimeZone({ message: 'must be an IANA time zone such as Africa/Nairobi' })
  timeZone?: string | null;

  @Field(() => SessionFormat, { nullable: true })
  @IsOptional()
  @IsEnum(SessionFormat)
  format?: SessionFormat | null;

  @Field(() => Int, { nullable: true, description: 'Seats for GOING; none for no limit.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacity?: number | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'Needs of the cohort this session addresses; they become SCHEDULED.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'must be a list of need ids' })
  needIds?: string[] | null;

  @IdField('thread', { nullable: true })
  followUpThreadId?: string | null;
}

@InputType()
export class RsvpInput {
  @IdField('session')
  sessionId!: string;

  @Field(() => RsvpStatus)
  @IsEnum(RsvpStatus)
  status!: RsvpStatus;
}

@InputType()
export class SetSessionStateInput {
  @IdField('session')
  sessionId!: string;

  @Field(() => SessionState)
  @IsEnum(SessionState)
  state!: SessionState;
}

@InputType()
export class SetRecordingInput {
  @IdField('session')
  sessionId!: string;

  @Field({ description: 'An http(s) link to the recording.' })
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'must be an http(s) URL' })
  url!: string;
}

@InputType()
export class RecordSessionOutcomeInput {
  @IdField('session')
  sessionId!: string;

  @TextField(8000)
  summary!: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/\S/, { each: true, message: 'must not hold an empty takeaway' })
  @MaxLength(500, { each: true })
  keyTakeaways?: string[] | null;
}

@InputType()
export class LinkNeedToSessionInput {
  @IdField('need')
  needId!: string;

  @IdField('session')
  sessionId!: string;
}

/** Every scheduling field but the cohort, needs and thread, each optional: only those sent change. */
@InputType()
export class UpdateSessionInput extends PartialType(
  OmitType(ScheduleSessionInput, ['cohortId', 'needIds', 'followUpThreadId'] as const),
  InputType,
) {
  @IdField('session')
  sessionId!: string;
}
