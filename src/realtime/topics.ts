import { isUuid } from '../common/ids.js';

export type TopicKind = 'cohort' | 'thread' | 'session' | 'breakout';

export interface Topic {
  kind: TopicKind;
  id: string;
  name: string;
}

const KINDS: readonly TopicKind[] = ['cohort', 'thread', 'session', 'breakout'];

export const topicName = (kind: TopicKind, id: string): string => `${kind}:${id}`;

/** Ids as Convene writes them: lower-case UUIDs, so a topic has exactly one name. */
const CANONICAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `cohort:<id>`, `thread:<id>`, `session:<id>` or `breakout:<id>` with a lower-case id; anything else is not a topic. */
export function parseTopic(value: unknown): Topic | null {
  if (typeof value !== 'string' || value.length > 60) return null;
  const [kind, id, ...rest] = value.split(':');
  if (rest.length > 0 || !KINDS.includes(kind as TopicKind) || !CANONICAL_ID.test(id) || !isUuid(id)) return null;
  return { kind: kind as TopicKind, id, name: value };
}

/** The event types clients receive. */
export type EventType =
  | 'post.created'
  | 'post.updated'
  | 'post.hidden'
  | 'thread.updated'
  | 'question.created'
  | 'question.updated'
  | 'session.updated'
  | 'charter.ratified'
  | 'membership.updated'
  | 'cohort.updated'
  | 'notification.created'
  | 'breakout.updated'
  | 'breakout.note';

/** An event as the outbox stores and the dispatcher fans out: what changed, not how it looks. */
export interface RawEvent {
  topic: string;
  seq: number;
  cohortId: string;
  type: EventType;
  ref: Record<string, string>;
}
