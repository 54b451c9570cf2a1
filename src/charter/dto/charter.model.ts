import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ConnectionType } from '../../common/pagination.js';
import { Attribution, type CharterPolicy, ExternalSharing, Permission, VendorAccess } from '../charter-policy.js';
import { ProposalStatus, VotePosition } from '../charter.entity.js';

registerEnumType(ProposalStatus, { name: 'ProposalStatus' });
registerEnumType(VotePosition, { name: 'VotePosition' });

@ObjectType('CharterPolicy')
export class CharterPolicyModel implements CharterPolicy {
  @Field(() => Attribution)
  attribution!: Attribution;

  @Field(() => Permission)
  recording!: Permission;

  @Field(() => Permission)
  observers!: Permission;

  @Field(() => VendorAccess)
  vendorAccess!: VendorAccess;

  @Field(() => ExternalSharing)
  externalSharing!: ExternalSharing;

  @Field(() => Int, { nullable: true, description: 'Days content is kept; null keeps it.' })
  retentionDays!: number | null;
}

@ObjectType('Norm')
export class NormModel {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  text!: string;
}

@ObjectType('Charter')
export class CharterModel {
  @Field(() => Int)
  version!: number;

  @Field()
  ratifiedAt!: Date;

  @Field(() => [NormModel])
  norms!: NormModel[];

  @Field(() => CharterPolicyModel)
  policy!: CharterPolicyModel;
}

@ObjectType('PolicyChange', { description: 'The policy fields a proposal changes; the others are null.' })
export class PolicyChangeModel {
  @Field(() => Attribution, { nullable: true })
  attribution?: Attribution | null;

  @Field(() => Permission, { nullable: true })
  recording?: Permission | null;

  @Field(() => Permission, { nullable: true })
  observers?: Permission | null;

  @Field(() => VendorAccess, { nullable: true })
  vendorAccess?: VendorAccess | null;

  @Field(() => ExternalSharing, { nullable: true })
  externalSharing?: ExternalSharing | null;

  @Field(() => Int, { nullable: true })
  retentionDays?: number | null;
}

@ObjectType('Tally')
export class TallyModel {
  @Field(() => Int)
  agree!: number;

  @Field(() => Int)
  abstain!: number;

  @Field(() => Int)
  disagree!: number;

  @Field(() => Int)
  block!: number;
}

@ObjectType('NormProposalComment')
export class ProposalCommentModel {
  @Field(() => ID)
  id!: string;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('NormProposal')
export class NormProposalModel {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  text!: string;

  @Field(() => PolicyChangeModel, { nullable: true })
  policyChange!: PolicyChangeModel | null;

  @Field(() => ProposalStatus)
  status!: ProposalStatus;

  @Field(() => TallyModel)
  tally!: TallyModel;

  @Field(() => VotePosition, { nullable: true, description: "The caller's vote, if any." })
  myVote!: VotePosition | null;

  @Field(() => Int, { nullable: true })
  adoptedInVersion!: number | null;

  @Field()
  createdAt!: Date;

  cohortId!: string;
}

@ObjectType()
export class NormProposalConnection extends ConnectionType(NormProposalModel, 'NormProposal') {}

@InputType()
export class CharterPolicyInput {
  @Field(() => Attribution, { nullable: true })
  @IsOptional()
  @IsEnum(Attribution)
  attribution?: Attribution | null;

  @Field(() => Permission, { nullable: true })
  @IsOptional()
  @IsEnum(Permission)
  recording?: Permission | null;

  @Field(() => Permission, { nullable: true })
  @IsOptional()
  @IsEnum(Permission)
  observers?: Permission | null;

  @Field(() => VendorAccess, { nullable: true })
  @IsOptional()
  @IsEnum(VendorAccess)
  vendorAccess?: VendorAccess | null;

  @Field(() => ExternalSharing, { nullable: true })
  @IsOptional()
  @IsEnum(ExternalSharing)
  externalSharing?: ExternalSharing | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Days to keep content (1 to 3650); an explicit null keeps it forever.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number | null;
}

@InputType()
export class ProposeNormInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be empty' })
  @MaxLength(200)
  title!: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be empty' })
  @MaxLength(4000)
  text!: string;

  @Field(() => CharterPolicyInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CharterPolicyInput)
  policyChange?: CharterPolicyInput | null;
}

@InputType()
export class VoteOnNormInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a proposal id' })
  proposalId!: string;

  @Field(() => VotePosition)
  @IsEnum(VotePosition)
  position!: VotePosition;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class RatifyCharterInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field(() => [ID])
  @ArrayMinSize(1, { message: 'must name at least one proposal' })
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'must be proposal ids' })
  proposalIds!: string[];
}

@InputType()
export class AcceptCharterInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  version!: number;
}

@InputType()
export class CommentOnProposalInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a proposal id' })
  proposalId!: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be empty' })
  @MaxLength(4000)
  body!: string;
}
