import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { ThreadEntity } from '../threads/thread.entity.js';

export enum SessionState {
  SCHEDULED = 'SCHEDULED',
  LIVE = 'LIVE',
  ENDED = 'ENDED',
  CANCELLED = 'CANCELLED',
}

export enum SessionFormat {
  TALK = 'TALK',
  PANEL = 'PANEL',
  WORKSHOP = 'WORKSHOP',
  CLINIC = 'CLINIC',
}

export enum RsvpStatus {
  GOING = 'GOING',
  MAYBE = 'MAYBE',
  NOT_GOING = 'NOT_GOING',
}

/** An expert session: invited scholars or vendors with the cohort, at a set time, with live Q&A. */
@Entity('sessions')
@Index('ix_sessions_cohort_starts', ['cohortId', 'startsAt', 'id'])
@Check('ck_sessions_ends_after_start', '"ends_at" > "starts_at"')
@Check('ck_sessions_capacity', '"capacity" IS NULL OR "capacity" >= 1')
// The seat count can never pass the capacity, whatever the order of concurrent RSVPs.
@Check('ck_sessions_going_count', '"going_count" >= 0 AND ("capacity" IS NULL OR "going_count" <= "capacity")')
export class SessionEntity extends CohortScopedEntity {
  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  abstract!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  startsAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  endsAt!: Date;

  /** The organiser's IANA time zone, for display; times are stored and served in UTC. */
  @Column({ type: 'text', default: 'UTC' })
  timeZone!: string;

  @Column({ type: 'enum', enum: SessionFormat, enumName: 'session_format', default: SessionFormat.TALK })
  format!: SessionFormat;

  /** Seats for GOING; null for no limit. */
  @Column({ type: 'int', nullable: true })
  capacity!: number | null;

  /** RSVPs that are GOING; kept in step with them in the same transaction. */
  @Column({ type: 'int', default: 0 })
  goingCount!: number;

  @Column({ type: 'enum', enum: SessionState, enumName: 'session_state', default: SessionState.SCHEDULED })
  state!: SessionState;

  /** Memberships of the SCHOLARs and VENDORs who speak; each is granted the session. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  expertMembershipIds!: string[];

  @Column({ type: 'uuid', nullable: true })
  followUpThreadId!: string | null;

  @ManyToOne(() => ThreadEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'follow_up_thread_id' })
  followUpThread?: Relation<ThreadEntity>;

  /** Shown only while the charter in force allows recording. */
  @Column({ type: 'text', nullable: true })
  recordingUrl!: string | null;

  @Column({ type: 'text', nullable: true })
  outcomeSummary!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  keyTakeaways!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  outcomeRecordedAt!: Date | null;

  @Column({ type: 'uuid' })
  createdById!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: Relation<UserEntity>;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** One member's answer to a session: one row per member and session, changed in place. */
@Entity('session_rsvps')
@Unique('uq_session_rsvps_session_membership', ['sessionId', 'membershipId'])
export class SessionRsvpEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  cohortId!: string;

  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<SessionEntity>;

  @Index('ix_session_rsvps_membership')
  @Column({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  @Column({ type: 'enum', enum: RsvpStatus, enumName: 'rsvp_status' })
  status!: RsvpStatus;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
