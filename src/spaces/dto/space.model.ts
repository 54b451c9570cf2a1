import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { CohortRole } from '../../cohorts/cohort-role.js';
import { MINISTRY_CODES } from '../../cohorts/ministries.js';
import { ConnectionType } from '../../common/pagination.js';
import type { SpaceEntity } from '../space.entity.js';

@ObjectType('Space')
export class SpaceModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  cohortId!: string;

  @Field()
  title!: string;

  @Field()
  purpose!: string;

  @Field(() => [CohortRole], { description: 'Roles admitted; empty means the whole cohort.' })
  audienceRoles!: CohortRole[];

  @Field(() => [String], { description: 'Ministry codes admitted; empty means every ministry.' })
  audienceMinistries!: string[];

  @Field()
  createdAt!: Date;
}

export const toSpaceModel = (space: SpaceEntity): SpaceModel => ({
  id: space.id,
  cohortId: space.cohortId,
  title: space.title,
  purpose: space.purpose,
  audienceRoles: space.audienceRoles,
  audienceMinistries: space.audienceMinistries,
  createdAt: space.createdAt,
});

@ObjectType()
export class SpaceConnection extends ConnectionType(SpaceModel, 'Space') {}

@InputType()
export class CreateSpaceInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  title!: string;

  @Field()
  @IsString()
  @MaxLength(4000)
  purpose!: string;

  @Field(() => [CohortRole], {
    nullable: true,
    description: 'Roles that may enter; omitted or empty, the whole cohort.',
  })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsEnum(CohortRole, { each: true })
  audienceRoles?: CohortRole[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Ministry codes that may enter; omitted or empty, every ministry.',
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsIn(MINISTRY_CODES, { each: true, message: 'must be codes from the ministries list' })
  audienceMinistries?: string[] | null;
}
