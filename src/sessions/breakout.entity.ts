import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { SessionEntity } from './session.entity.js';

/** A small group of a live session's attendees, with its own notes and a report-back to the plenary. */
@Entity('breakout_groups')
@Index('ix_breakout_groups_session', ['sessionId', 'position'])
export class BreakoutGroupEntity extends CohortScopedEntity {
  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<SessionEntity>;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'int' })
  position!: number;

  /** What the group tells the plenary. */
  @Column({ type: 'text', nullable: true })
  reportBack!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reportedAt!: Date | null;

  /** Set when the session ends: the group's notes stay readable and take nothing more. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** Who is in a group; one group per attendee and session. */
@Entity('breakout_members')
@Index('uq_breakout_members_session', ['sessionId', 'membershipId'], { unique: true })
export class BreakoutMemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  groupId!: string;

  @PrimaryColumn({ type: 'uuid' })
  membershipId!: string;

  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => BreakoutGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<BreakoutGroupEntity>;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;
}

/** A note in a group's notes thread. */
@Entity('breakout_notes')
@Index('ix_breakout_notes_group', ['groupId', 'createdAt', 'id'])
export class BreakoutNoteEntity extends CohortScopedEntity {
  @Column({ type: 'uuid' })
  groupId!: string;

  @ManyToOne(() => BreakoutGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<BreakoutGroupEntity>;

  @Column({ type: 'uuid' })
  authorMembershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_membership_id' })
  authorMembership?: Relation<MembershipEntity>;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
