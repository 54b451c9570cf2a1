import { useEffect, useState } from 'react';
import { realtime } from './realtime.js';

/**
 * What was read, with the items of one event type that arrived on a topic since, each once and
 * in order. When events may have been missed (a reconnect without replay) or one of `refetchOn`
 * arrives, the page's query is read again.
 */
export function useLiveAppended<T extends { id: string }>(
  topic: string,
  type: string,
  loaded: T[],
  refetch: () => unknown,
  refetchOn: readonly string[] = [],
): T[] {
  const [live, setLive] = useState<T[]>([]);
  useEffect(() => {
    setLive([]);
    return realtime.follow(
      topic,
      (event) => {
        if (refetchOn.includes(event.type)) void refetch();
        if (event.type !== type || !event.payload) return;
        const item = event.payload as T;
        setLive((current) => (current.some((i) => i.id === item.id) ? current : [...current, item]));
      },
      () => void refetch(),
    );
    // `refetchOn` is a constant of the caller.
  }, [topic, type, refetch]);
  return [...loaded, ...live.filter((item) => !loaded.some((l) => l.id === item.id))];
}
