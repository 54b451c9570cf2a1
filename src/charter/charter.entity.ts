import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { Attribution, ExternalSharing, Permission, VendorAccess } from './charter-policy.js';

/** One ratified version of a cohort's charter: its policy, with its norms in `charter_norms`. */
@Entity('charter_versions')
@Index('uq_charter_versions_cohort_version', ['cohortId', 'version'], { unique: true })
export class CharterVersionEntity extends CohortScopedEntity {
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'enum', enum: Attribution, enumName: 'attribution' })
  attribution!: Attribution;

  @Column({ type: 'enum', enum: Permission, enumName: 'permission' })
  recording!: Permission;

  @Column({ type: 'enum', enum: Permission, enumName: 'permission' })
  observers!: Permission;

  @Column({ type: 'enum', enum: VendorAccess, enumName: 'vendor_access' })
  vendorAccess!: VendorAccess;

  @Column({ type: 'enum', enum: ExternalSharing, enumName: 'external_sharing' })
  externalSharing!: ExternalSharing;

  @Column({ type: 'int', nullable: true })
  retentionDays!: number | null;

  /** Null for version 1, which comes with the cohort. */
  @Column({ type: 'uuid', nullable: true })
  ratifiedById!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  ratifiedAt!: Date;
}

/** A norm as it stands in one version; each version carries all of its norms. */
@Entity('charter_norms')
@Index('ix_charter_norms_version', ['charterVersionId', 'position'])
export class CharterNormEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  charterVersionId!: string;

  @ManyToOne(() => CharterVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'charter_version_id' })
  charterVersion?: Relation<CharterVersionEntity>;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  text!: string;
}

export enum ProposalStatus {
  OPEN = 'OPEN',
  WITHDRAWN = 'WITHDRAWN',
  ADOPTED = 'ADOPTED',
}

export enum VotePosition {
  AGREE = 'AGREE',
  ABSTAIN = 'ABSTAIN',
  DISAGREE = 'DISAGREE',
  BLOCK = 'BLOCK',
}

/** A proposed norm, possibly with a change to the policy, put to the full members' vote. */
@Entity('norm_proposals')
@Index('ix_norm_proposals_cohort_created', ['cohortId', 'createdAt', 'id'])
export class NormProposalEntity extends CohortScopedEntity {
  @Column({ type: 'uuid' })
  proposerMembershipId!: string;

  @Column({ type: 'uuid' })
  proposerUserId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  text!: string;

  /** Only the fields the proposal changes. */
  @Column({ type: 'jsonb', nullable: true })
  policyChange!: Partial<Record<string, string | number | null>> | null;

  @Column({ type: 'enum', enum: ProposalStatus, enumName: 'proposal_status', default: ProposalStatus.OPEN })
  status!: ProposalStatus;

  /** The charter version in force when it was proposed; a policy change against an older one may be stale. */
  @Column({ type: 'int' })
  baseVersion!: number;

  @Column({ type: 'int', nullable: true })
  adoptedInVersion!: number | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

@Entity('norm_votes')
export class NormVoteEntity {
  @PrimaryColumn({ type: 'uuid' })
  proposalId!: string;

  @PrimaryColumn({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => NormProposalEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposal_id' })
  proposal?: Relation<NormProposalEntity>;

  @Column({ type: 'enum', enum: VotePosition, enumName: 'vote_position' })
  position!: VotePosition;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}

/** Discussion on a proposal. */
@Entity('norm_proposal_comments')
@Index('ix_norm_proposal_comments_proposal', ['proposalId', 'createdAt', 'id'])
export class NormProposalCommentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  proposalId!: string;

  @ManyToOne(() => NormProposalEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposal_id' })
  proposal?: Relation<NormProposalEntity>;

  @Column({ type: 'uuid' })
  authorMembershipId!: string;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
