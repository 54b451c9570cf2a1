import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { SessionEntity } from '../sessions/session.entity.js';
import { ThreadEntity } from '../threads/thread.entity.js';

export enum NeedStatus {
  OPEN = 'OPEN',
  SCHEDULED = 'SCHEDULED',
  ADDRESSED = 'ADDRESSED',
}

/** A challenge a member brings to the cohort's agenda; others support it to rank it. */
@Entity('needs')
@Index('ix_needs_cohort_support', ['cohortId', 'supportCount'])
@Check('ck_needs_support_count', '"support_count" >= 0')
export class NeedEntity extends CohortScopedEntity {
  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  /** Free text that groups needs on the agenda. */
  @Column({ type: 'text' })
  theme!: string;

  @Column({ type: 'enum', enum: NeedStatus, enumName: 'need_status', default: NeedStatus.OPEN })
  status!: NeedStatus;

  /** Rows in `need_supports`; kept in step with them in the same transaction. */
  @Column({ type: 'int', default: 0 })
  supportCount!: number;

  @Column({ type: 'uuid' })
  submittedByMembershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submitted_by_membership_id' })
  submittedByMembership?: Relation<MembershipEntity>;

  @Column({ type: 'uuid' })
  submittedByUserId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submitted_by_user_id' })
  submittedByUser?: Relation<UserEntity>;

  /** The thread that addresses this need, once a facilitator links one. */
  @Column({ type: 'uuid', nullable: true })
  linkedThreadId!: string | null;

  @ManyToOne(() => ThreadEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'linked_thread_id' })
  linkedThread?: Relation<ThreadEntity>;

  /** The session planned for this need: SCHEDULED on link, ADDRESSED when the session ends. */
  @Column({ type: 'uuid', nullable: true })
  linkedSessionId!: string | null;

  @ManyToOne(() => SessionEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'linked_session_id' })
  linkedSession?: Relation<SessionEntity>;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** One member's support for a need; the primary key keeps it to one per membership. */
@Entity('need_supports')
export class NeedSupportEntity {
  @PrimaryColumn({ type: 'uuid' })
  needId!: string;

  @ManyToOne(() => NeedEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'need_id' })
  need?: Relation<NeedEntity>;

  @PrimaryColumn({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
