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
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { AuthoredEntity } from '../threads/authored.entity.js';
import { SessionEntity } from './session.entity.js';

/** A question asked in a session's live Q&A. */
@Entity('session_questions')
@Index('ix_session_questions_order', ['sessionId', 'votes', 'createdAt', 'id'])
@Index('ix_session_questions_cohort_created', ['cohortId', 'createdAt'])
@Check('ck_session_questions_votes', '"votes" >= 0')
export class QuestionEntity extends AuthoredEntity {
  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<SessionEntity>;

  /** Rows in `question_votes`; kept in step with them in the same transaction. */
  @Column({ type: 'int', default: 0 })
  votes!: number;

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  hiddenAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  hiddenReason!: string | null;
}

/** One member's upvote of a question; the key makes a second upvote a no-op. */
@Entity('question_votes')
export class QuestionVoteEntity {
  @PrimaryColumn({ type: 'uuid' })
  questionId!: string;

  @ManyToOne(() => QuestionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: Relation<QuestionEntity>;

  @PrimaryColumn({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
