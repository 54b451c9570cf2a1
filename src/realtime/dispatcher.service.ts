import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RawEvent } from './topics.js';

/** How often the outbox is read even when nothing woke the dispatcher (events of other instances). */
const POLL_MS = 250;
const BATCH = 500;

export type Publish = (event: RawEvent) => void;

/**
 * Publishes committed events. Each topic is published by one dispatcher at a time: its counter
 * row is taken with `FOR UPDATE SKIP LOCKED`, so instances share the work without a lock of their
 * own and each event is published once, in order. A crash before `published_seq` moves means the
 * batch is published again; subscribers drop numbers they have already seen.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private publish: Publish | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Where events go; set by the gateway once the socket server exists. */
  attach(publish: Publish): void {
    this.publish = publish;
    this.kick();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  /** On shutdown, what is committed is published before the connections close. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.publish && !this.stopped) await this.flush().catch(() => undefined);
    this.stopped = true;
    await this.running;
  }

  /** Drains the outbox now; calls while a drain runs make it go round once more. */
  kick(): void {
    if (!this.publish || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Publishes what is committed and not yet published; resolves when the outbox was empty. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const topics = await this.dataSource.query<{ topic: string }[]>(
          'SELECT topic FROM realtime_topics WHERE published_seq < last_seq LIMIT 100',
        );
        let published = 0;
        for (const { topic } of topics) published += await this.publishTopic(topic);
        if (published === 0 || this.stopped) return;
      }
    } catch (error) {
      if (!this.stopped) this.logger.error({ err: error }, 'Publishing events failed; retrying');
    }
  }

  private publishTopic(topic: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<{ published_seq: string }[]>(
        `SELECT published_seq FROM realtime_topics
          WHERE topic = $1 AND published_seq < last_seq FOR UPDATE SKIP LOCKED`,
        [topic],
      );
      if (!row) return 0;
      const events = await manager.query<
        { seq: string; cohort_id: string; type: RawEvent['type']; ref: Record<string, string> }[]
      >(
        `SELECT seq, cohort_id, type, ref FROM realtime_events
          WHERE topic = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [topic, row.published_seq, BATCH],
      );
      if (events.length === 0) return 0;
      for (const event of events) {
        this.publish!({ topic, seq: Number(event.seq), cohortId: event.cohort_id, type: event.type, ref: event.ref });
      }
      await manager.query('UPDATE realtime_topics SET published_seq = $2 WHERE topic = $1', [
        topic,
        events.at(-1)!.seq,
      ]);
      return events.length;
    });
  }
}
