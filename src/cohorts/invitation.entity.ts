import { CohortScopedEntity } from './cohort-scoped.entity.js';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { CohortRole } from './cohort-role.js';

/** An invitation to one cohort for one email address; only the token's hash is kept. */
@Entity('invitations')
@Index('ix_invitations_cohort_created', ['cohortId', 'createdAt', 'id'])
export class InvitationEntity extends CohortScopedEntity {
  /** Lower-cased; only the account with this email may accept. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'enum', enum: CohortRole, enumName: 'cohort_role' })
  role!: CohortRole;

  @Column({ type: 'text' })
  ministry!: string;

  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ type: 'timestamptz', nullable: true })
  accessExpiresAt!: Date | null;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  spaceIds!: string[];

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  sessionIds!: string[];

  @Index('uq_invitations_token_hash', { unique: true })
  @Column({ type: 'text' })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'uuid' })
  invitedById!: string;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  acceptedByUserId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
