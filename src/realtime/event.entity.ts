import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One topic's counters. Appending an event bumps `lastSeq` under the row's lock, so the events of
 * a topic commit in the order of their numbers; the dispatcher that holds the row publishes them
 * and moves `publishedSeq`; pruning moves `prunedSeq`.
 */
@Entity('realtime_topics')
export class RealtimeTopicEntity {
  @PrimaryColumn({ type: 'text' })
  topic!: string;

  @Column({ type: 'bigint', default: 0 })
  lastSeq!: string;

  @Column({ type: 'bigint', default: 0 })
  publishedSeq!: string;

  /** Events up to this number were pruned; a `since` below it cannot be replayed. */
  @Column({ type: 'bigint', default: 0 })
  prunedSeq!: string;
}

/**
 * A domain event, written in the transaction of the change it describes (a transactional
 * outbox). It names what changed, not how it looks: each recipient's payload is rendered for
 * them when it is delivered, through the same mappers as GraphQL.
 */
@Entity('realtime_events')
@Index('ix_realtime_events_created', ['createdAt'])
export class RealtimeEventEntity {
  @PrimaryColumn({ type: 'text' })
  topic!: string;

  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'uuid' })
  cohortId!: string;

  @Column({ type: 'text' })
  type!: string;

  /** The ids of what changed, e.g. `{ "postId": "…" }`. */
  @Column({ type: 'jsonb' })
  ref!: Record<string, string>;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
