import { CohortScopedEntity } from './cohort-scoped.entity.js';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { CohortRole, MembershipStatus } from './cohort-role.js';

@Entity('memberships')
@Index('uq_memberships_cohort_user', ['cohortId', 'userId'], { unique: true })
@Index('ix_memberships_cohort_created', ['cohortId', 'createdAt', 'id'])
export class MembershipEntity extends CohortScopedEntity {
  @Index('ix_memberships_user_id')
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({ type: 'enum', enum: CohortRole, enumName: 'cohort_role' })
  role!: CohortRole;

  /** A code from the published ministry list. */
  @Column({ type: 'text' })
  ministry!: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ type: 'enum', enum: MembershipStatus, enumName: 'membership_status', default: MembershipStatus.ACTIVE })
  status!: MembershipStatus;

  /** Access ends at this moment on every path; null means no end set. */
  @Column({ type: 'timestamptz', nullable: true })
  accessExpiresAt!: Date | null;

  /** Spaces a SCHOLAR or VENDOR may see. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  grantedSpaceIds!: string[];

  /** Sessions a SCHOLAR or VENDOR may see. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  grantedSessionIds!: string[];

  /** The charter version this member accepted; 0 until the first acceptance. */
  @Column({ type: 'int', default: 0 })
  acceptedCharterVersion!: number;

  @Column({ type: 'timestamptz', nullable: true })
  removedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
