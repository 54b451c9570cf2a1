import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ConnectionType } from '../../common/pagination.js';
import type { CohortEntity } from '../cohort.entity.js';
import { MembershipModel } from './membership.model.js';

@ObjectType('Cohort')
export class CohortModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  purpose!: string;
}

export const toCohortModel = (cohort: CohortEntity): CohortModel => ({
  id: cohort.id,
  name: cohort.name,
  purpose: cohort.purpose,
});

@ObjectType()
export class MembershipConnection extends ConnectionType(MembershipModel, 'Membership') {}

@InputType()
export class CreateCohortInput {
  @Field()
  @IsString()
  @MinLength(3, { message: 'must be at least 3 characters' })
  @MaxLength(200)
  name!: string;

  @Field()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(4000)
  purpose!: string;
}

@ObjectType('Ministry')
export class MinistryModel {
  @Field()
  code!: string;

  @Field()
  name!: string;
}
