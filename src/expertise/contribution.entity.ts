import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';

/** A member a facilitator brought in as a named contributor: a segment of a session, or a thread. */
@Entity('contributions')
@Index('ix_contributions_session', ['sessionId', 'createdAt'])
@Index('ix_contributions_thread', ['threadId', 'createdAt'])
export class ContributionEntity extends CohortScopedEntity {
  @Column({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  @Column({ type: 'uuid', nullable: true })
  sessionId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  threadId!: string | null;

  /** The segment or the question the contributor is asked to bring. */
  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'uuid' })
  invitedById!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
