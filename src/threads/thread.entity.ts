import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { AuthoredEntity } from './authored.entity.js';
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
export class ThreadEntity extends AuthoredEntity {
  @Column({ type: 'uuid' })
  spaceId!: string;

  @ManyToOne(() => SpaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id' })
  space?: Relation<SpaceEntity>;

  @Column({ type: 'text' })
  title!: string;

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
}
