import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { SpaceEntity } from '../spaces/space.entity.js';

export enum ThreadKind {
  CHALLENGE = 'CHALLENGE',
  QUESTION = 'QUESTION',
  PRACTICE = 'PRACTICE',
  RESOURCE = 'RESOURCE',
}

export enum ThreadStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

/** A real challenge, question, practice or resource a member brings to a space. */
@Entity('threads')
@Index('ix_threads_space_activity', ['spaceId', 'lastActivityAt', 'id'])
@Index('ix_threads_cohort', ['cohortId'])
// Full-text search over title and body; created by its migration, left alone by schema sync.
@Index('ix_threads_search', { synchronize: false })
export class ThreadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  cohortId!: string;

  @Column({ type: 'uuid' })
  spaceId!: string;

  @ManyToOne(() => SpaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id' })
  space?: Relation<SpaceEntity>;

  @Column({ type: 'uuid' })
  authorMembershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_membership_id' })
  authorMembership?: Relation<MembershipEntity>;

  @Column({ type: 'uuid' })
  authorUserId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_user_id' })
  authorUser?: Relation<UserEntity>;

  @Column({ type: 'text' })
  title!: string;

  /** Markdown as written. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'enum', enum: ThreadKind, enumName: 'thread_kind' })
  kind!: ThreadKind;

  @Column({ type: 'enum', enum: ThreadStatus, enumName: 'thread_status', default: ThreadStatus.OPEN })
  status!: ThreadStatus;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  /** Visible replies; kept in step with the posts in the same transaction. */
  @Column({ type: 'int', default: 0 })
  replyCount!: number;

  @Column({ type: 'timestamptz', precision: 3 })
  lastActivityAt!: Date;

  @Column({ type: 'boolean', default: false })
  locked!: boolean;

  @Column({ type: 'uuid', nullable: true })
  acceptedPostId!: string | null;

  /** Members of the same cohort the body mentions as "@Display Name". */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  mentionedMembershipIds!: string[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
