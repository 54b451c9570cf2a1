import { subject } from '@casl/ability';
import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsEnum, IsUUID } from 'class-validator';
import type { AppAbility } from '../../authz/ability.factory.js';
import { CohortRole, MembershipStatus } from '../cohort-role.js';
import type { UserEntity } from '../../auth/user.entity.js';
import type { MembershipEntity } from '../membership.entity.js';

@ObjectType('Membership')
export class MembershipModel {
  @Field(() => ID)
  id!: string;

  @Field(() => CohortRole)
  role!: CohortRole;

  @Field(() => MembershipStatus)
  status!: MembershipStatus;

  @Field({ description: 'A code from `ministries`.' })
  ministry!: string;

  @Field({ description: 'ISO 3166-1 alpha-2.' })
  country!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When access ends. Shown to the member and to those who manage the cohort; null for others.',
  })
  accessExpiresAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The charter version this member accepted. Shown to the member and to managers.',
  })
  acceptedCharterVersion!: number | null;

  @Field(() => [ID], {
    description: 'Spaces granted to a SCHOLAR or VENDOR; empty for others and for readers who manage nothing.',
  })
  grantedSpaceIds!: string[];

  @Field(() => [ID], {
    description: 'Sessions granted to a SCHOLAR or VENDOR; empty for others and for readers who manage nothing.',
  })
  grantedSessionIds!: string[];

  cohortId!: string;
  userId!: string;
  /** Whether the reader may see this member's email (the member, managers). */
  showEmail!: boolean;
  /** Preloaded by list queries so `user` costs no extra query per row. */
  loadedUser?: UserEntity;
}

/** Maps a membership for one reader: fields the ability withholds come out as null or empty. */
export function toMembershipModel(membership: MembershipEntity, ability: AppAbility): MembershipModel {
  const target = subject('Membership', {
    id: membership.id,
    cohortId: membership.cohortId,
    userId: membership.userId,
    status: membership.status,
  });
  const may = (field: string) => ability.can('read', target, field);
  return {
    id: membership.id,
    role: membership.role,
    status: membership.status,
    ministry: membership.ministry,
    country: membership.country,
    accessExpiresAt: may('accessExpiresAt') ? membership.accessExpiresAt : null,
    acceptedCharterVersion: may('acceptedCharterVersion') ? membership.acceptedCharterVersion : null,
    grantedSpaceIds: may('grantedSpaceIds') ? membership.grantedSpaceIds : [],
    grantedSessionIds: may('grantedSessionIds') ? membership.grantedSessionIds : [],
    cohortId: membership.cohortId,
    userId: membership.userId,
    showEmail: may('user.email'),
    loadedUser: membership.user,
  };
}

@InputType()
export class ChangeRoleInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a membership id' })
  membershipId!: string;

  @Field(() => CohortRole)
  @IsEnum(CohortRole)
  role!: CohortRole;
}

@InputType()
export class RemoveMemberInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a membership id' })
  membershipId!: string;
}
