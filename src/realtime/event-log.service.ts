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
    // Always in the same order, so two transactions writing to the same topics cannot deadlock.
    const topics = [...event.topics].sort(([a, x], [b, y]) => `${a}:${x}`.localeCompare(`${b}:${y}`));
    for (const [kind, id] of topics) {
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

/** A membership changed (joined, role, removed): the cohort's followers hear it, as the list allows. */
export function membershipEvent(
  events: EventLog,
  manager: EntityManager,
  membership: { id: string; cohortId: string; userId: string; status: string },
): Promise<void> {
  return events.append(manager, {
    cohortId: membership.cohortId,
    type: 'membership.updated',
    ref: { membershipId: membership.id, userId: membership.userId, status: membership.status },
    topics: [['cohort', membership.cohortId]],
  });
}

/** A session changed (scheduled, edited, state, recording, outcome, seats). */
export function sessionEvent(
  events: EventLog,
  manager: EntityManager,
  session: { id: string; cohortId: string },
): Promise<void> {
  return events.append(manager, {
    cohortId: session.cohortId,
    type: 'session.updated',
    ref: { sessionId: session.id },
    topics: [
      ['session', session.id],
      ['cohort', session.cohortId],
    ],
  });
}

/** A question was asked or changed (votes, answered, hidden). */
export function questionEvent(
  events: EventLog,
  manager: EntityManager,
  type: 'question.created' | 'question.updated',
  question: { id: string; cohortId: string; sessionId: string },
): Promise<void> {
  return events.append(manager, {
    cohortId: question.cohortId,
    type,
    ref: { questionId: question.id, sessionId: question.sessionId },
    topics: [['session', question.sessionId]],
  });
}
