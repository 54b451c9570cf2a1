import { registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';

export enum NotificationKind {
  /** Someone asked for the recipient's help with a thread or a need (never saying who). */
  HELP_REQUESTED = 'HELP_REQUESTED',
  /** A facilitator invited the recipient to contribute to a session or a thread. */
  CONTRIBUTION_INVITED = 'CONTRIBUTION_INVITED',
}

export enum NotificationTarget {
  THREAD = 'THREAD',
  NEED = 'NEED',
  SESSION = 'SESSION',
}

registerEnumType(NotificationKind, { name: 'NotificationKind' });
registerEnumType(NotificationTarget, { name: 'NotificationTarget' });

/** Something for one member to look at; it names what, never who sent it. */
@Entity('notifications')
@Index('ix_notifications_recipient', ['membershipId', 'createdAt', 'id'])
@Index('uq_notifications_once', ['membershipId', 'kind', 'targetId'], { unique: true })
export class NotificationEntity extends CohortScopedEntity {
  @Column({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  @Column({ type: 'enum', enum: NotificationKind, enumName: 'notification_kind' })
  kind!: NotificationKind;

  @Column({ type: 'enum', enum: NotificationTarget, enumName: 'notification_target' })
  targetKind!: NotificationTarget;

  @Column({ type: 'uuid' })
  targetId!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}
