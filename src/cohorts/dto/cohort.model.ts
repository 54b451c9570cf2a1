import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ConnectionType } from '../../common/pagination.js';
import { type CohortEntity, CohortStatus, DEFAULT_ARCHIVE_RETENTION_DAYS } from '../cohort.entity.js';
import { MembershipModel } from './membership.model.js';

@ObjectType('Cohort')
export class CohortModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  purpose!: string;

  @Field(() => CohortStatus, {
    description:
      'ACTIVE while the programme runs; CONCLUDED once guests have left and members carry on in the alumni ' +
      'space; ARCHIVED when read-only.',
  })
  status!: CohortStatus;

  @Field(() => Date, { nullable: true })
  concludedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  archivedAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The space where members keep talking after the cohort concluded.' })
  alumniSpaceId!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The charter proposal on what the archive keeps, started at conclusion (full members see it).',
  })
  archiveProposalId!: string | null;
}

export const toCohortModel = (cohort: CohortEntity): CohortModel => ({
  id: cohort.id,
  name: cohort.name,
  purpose: cohort.purpose,
  status: cohort.status,
  concludedAt: cohort.concludedAt,
  archivedAt: cohort.archivedAt,
  alumniSpaceId: cohort.alumniSpaceId,
  archiveProposalId: cohort.archiveProposalId,
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

@InputType()
export class ConcludeCohortInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_ARCHIVE_RETENTION_DAYS,
    description:
      'What the archive proposal offers to the vote: days the archive keeps content (null: no limit). Members decide.',
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1, { message: 'must be at least 1 day' })
  @Max(36500, { message: 'must be at most 36500 days' })
  archiveRetentionDays!: number | null;
}
