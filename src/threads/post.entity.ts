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
import { AuthoredEntity } from './authored.entity.js';
import { ThreadEntity } from './thread.entity.js';

/** A reply in a thread, possibly to another post of the same thread. */
@Entity('posts')
@Index('ix_posts_thread_created', ['threadId', 'createdAt', 'id'])
@Index('ix_posts_cohort', ['cohortId'])
@Index('ix_posts_search', { synchronize: false })
export class PostEntity extends AuthoredEntity {
  @Column({ type: 'uuid' })
  threadId!: string;

  @ManyToOne(() => ThreadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id' })
  thread?: Relation<ThreadEntity>;

  @Column({ type: 'uuid', nullable: true })
  parentId!: string | null;

  // A reply outlives the post it answered (retention deletes old posts, not their younger replies).
  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<PostEntity>;

  @Column({ type: 'boolean', default: false })
  isInsight!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  hiddenAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  hiddenReason!: string | null;

  @Column({ type: 'uuid', nullable: true })
  hiddenById!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  editedAt!: Date | null;
}

/** Earlier bodies of an edited post, for facilitators. */
@Entity('post_revisions')
@Index('ix_post_revisions_post', ['postId', 'createdAt'])
export class PostRevisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  postId!: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: Relation<PostEntity>;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

export enum Reaction {
  AGREE = 'AGREE',
  INSIGHTFUL = 'INSIGHTFUL',
  SAME_HERE = 'SAME_HERE',
  THANKS = 'THANKS',
}

@Entity('post_reactions')
@Index('uq_post_reactions', ['postId', 'membershipId', 'reaction'], { unique: true })
export class PostReactionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  postId!: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: Relation<PostEntity>;

  @Column({ type: 'uuid' })
  membershipId!: string;

  @Column({ type: 'enum', enum: Reaction, enumName: 'reaction' })
  reaction!: Reaction;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
