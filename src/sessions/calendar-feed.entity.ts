import { Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { MembershipEntity } from '../cohorts/membership.entity.js';

/**
 * A member's secret iCalendar feed of the sessions they may see. Only the SHA-256 of the secret
 * is stored; creating a new feed replaces the old secret, and revoking deletes the row.
 */
@Entity('calendar_feeds')
export class CalendarFeedEntity {
  @PrimaryColumn({ type: 'uuid' })
  membershipId!: string;

  @OneToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  @Index('uq_calendar_feeds_token_hash', { unique: true })
  @Column({ type: 'text' })
  tokenHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
