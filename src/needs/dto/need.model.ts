import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ConnectionType, PageArgs } from '../../common/pagination.js';
import { type NeedEntity, NeedStatus } from '../need.entity.js';

registerEnumType(NeedStatus, {
  name: 'NeedStatus',
  description: 'OPEN; SCHEDULED once a session is planned for it; ADDRESSED once a session or thread is linked to it.',
});

/** Text fields are checked and stored trimmed, so "   " counts as empty. */
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

@ObjectType('NeedAuthor')
export class NeedAuthorModel {
  @Field()
  displayName!: string;

  @Field(() => String, { nullable: true })
  ministry!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;
}

@ObjectType('Need')
export class NeedModel {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field()
  theme!: string;

  @Field(() => NeedStatus)
  status!: NeedStatus;

  @Field(() => Int)
  supportCount!: number;

  @Field({ description: 'Whether the caller supports this need.' })
  supportedByMe!: boolean;

  @Field(() => NeedAuthorModel, {
    nullable: true,
    description: 'Who submitted the need; shown to facilitators and members, null for anyone else.',
  })
  submittedBy!: NeedAuthorModel | null;

  @Field()
  createdAt!: Date;
}

/** A need as one caller sees it. */
export interface NeedView {
  need: NeedEntity;
  supportedByMe: boolean;
  seesAuthor: boolean;
}

export function toNeedModel({ need, supportedByMe, seesAuthor }: NeedView): NeedModel {
  const membership = need.submittedByMembership;
  const user = need.submittedByUser;
  return {
    id: need.id,
    title: need.title,
    description: need.description,
    theme: need.theme,
    status: need.status,
    supportCount: need.supportCount,
    supportedByMe,
    submittedBy:
      seesAuthor && membership && user
        ? { displayName: user.displayName, ministry: membership.ministry, country: membership.country }
        : null,
    createdAt: need.createdAt,
  };
}

@ObjectType()
export class NeedConnection extends ConnectionType(NeedModel, 'Need') {}

@ArgsType()
export class NeedsArgs extends PageArgs {
  @Field(() => NeedStatus, { nullable: true, description: 'Only needs in this status.' })
  @IsOptional()
  @IsEnum(NeedStatus)
  status?: NeedStatus | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Leave out ADDRESSED needs.' })
  @IsOptional()
  @IsBoolean()
  unaddressedOnly?: boolean | null;
}

@InputType()
export class SubmitNeedInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  title!: string;

  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(8000)
  description!: string;

  @Field({ description: 'Free text that groups needs, such as "teacher training"; at most 80 characters.' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(80)
  theme!: string;
}

@InputType()
export class SupportNeedInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a need id' })
  needId!: string;
}
