import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventType, topicName, type TopicKind } from './topics.js';

/** Set on a transaction's query runner when it wrote events, so its commit wakes the dispatcher. */
export const EVENTS_WRITTEN = 'conveneEventsWritten';

export interface NewEvent {
  cohortId: string;
  type: EventType;
  ref: Record<string, string>;
  /** Where the event goes: each topic gets it with that topic's next number. */
  topics: [TopicKind, string][];
}

/**
 * The transactional outbox: events are written by the transaction that makes the change, so an
 * event exists exactly when its change committed. The topic's counter row is bumped under its
 * lock, so a topic's events commit in the order of their numbers and a reader that has seen
 * number n has seen everything before it.
 */
@Injectable()
export class EventLog {
  async append(manager: EntityManager, event: NewEvent): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('Events are written inside a transaction');
    for (const [kind, id] of event.topics) {
      const topic = topicName(kind, id);
      const [{ seq }] = await manager.query<{ seq: string }[]>(
        `INSERT INTO realtime_topics (topic, last_seq) VALUES ($1, 1)
         ON CONFLICT (topic) DO UPDATE SET last_seq = realtime_topics.last_seq + 1
         RETURNING last_seq AS seq`,
        [topic],
      );
      await manager.query(
        'INSERT INTO realtime_events (topic, seq, cohort_id, type, ref) VALUES ($1, $2, $3, $4, $5)',
        [topic, seq, event.cohortId, event.type, JSON.stringify(event.ref)],
      );
    }
    manager.queryRunner.data[EVENTS_WRITTEN] = true;
  }
}
