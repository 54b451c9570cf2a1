import { DateField } from '../../common/input-fields.js';
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsEmail,
  IsEnum,
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { UserModel } from '../../auth/dto/user.model.js';
import { ConnectionType } from '../../common/pagination.js';
import { CohortRole } from '../cohort-role.js';
import type { InvitationEntity } from '../invitation.entity.js';
import { MINISTRY_CODES } from '../ministries.js';
import { MembershipModel } from './membership.model.js';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType('Invitation')
export class InvitationModel {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field(() => CohortRole)
  role!: CohortRole;

  @Field()
  ministry!: string;

  @Field()
  country!: string;

  @Field(() => InvitationStatus)
  status!: InvitationStatus;

  @Field(() => Date, { description: 'When the invitation token stops working.' })
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: "When the membership's access will end." })
  accessExpiresAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'The secret to send to the invitee. Returned once, by `invite`; only its hash is stored.',
  })
  token!: string | null;
}

export function invitationStatus(invitation: InvitationEntity, now: Date): InvitationStatus {
  if (invitation.acceptedAt) return InvitationStatus.ACCEPTED;
  if (invitation.revokedAt) return InvitationStatus.REVOKED;
  if (invitation.expiresAt.getTime() <= now.getTime()) return InvitationStatus.EXPIRED;
  return InvitationStatus.PENDING;
}

export const toInvitationModel = (
  invitation: InvitationEntity,
  now: Date,
  token: string | null = null,
): InvitationModel => ({
  id: invitation.id,
  email: invitation.email,
  role: invitation.role,
  ministry: invitation.ministry,
  country: invitation.country,
  status: invitationStatus(invitation, now),
  expiresAt: invitation.expiresAt,
  accessExpiresAt: invitation.accessExpiresAt,
  token,
});

@ObjectType()
export class InvitationConnection extends ConnectionType(InvitationModel, 'Invitation') {}

@InputType()
export class InviteInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(320)
  email!: string;

  @Field(() => CohortRole)
  @IsEnum(CohortRole)
  role!: CohortRole;

  @Field({ description: 'A code from `ministries`.' })
  @IsIn(MINISTRY_CODES, { message: 'must be a code from the ministries list' })
  ministry!: string;

  @Field({ description: 'ISO 3166-1 alpha-2, e.g. KE, RW, SN.' })
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  country!: string;

  @DateField({ nullable: true })
  accessExpiresAt?: Date | null;

  @Field(() => [ID], { nullable: true, description: 'Spaces a SCHOLAR or VENDOR may see.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'must be a list of space ids' })
  spaceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Sessions a SCHOLAR or VENDOR may see.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'must be a list of session ids' })
  sessionIds?: string[] | null;
}

@InputType()
export class AcceptInvitationInput {
  @Field()
  @IsString()
  @MaxLength(200)
  token!: string;

  @Field(() => String, { nullable: true, description: 'For a new account.' })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(120)
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'For a new account; at least 12 characters.' })
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters long' })
  @MaxLength(1024)
  password?: string | null;
}

@ObjectType()
export class AcceptInvitationPayload {
  @Field({ description: 'A bearer token for the account (the one sent, when accepting while logged in).' })
  token!: string;

  @Field(() => UserModel)
  user!: UserModel;

  @Field(() => MembershipModel)
  membership!: MembershipModel;
}
