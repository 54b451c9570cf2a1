import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/**
 * Deletes published events older than the replay horizon. Each topic remembers how far it was
 * pruned, so a client asking to replay from before that point is told to resync instead of
 * silently missing events.
 */
@Injectable()
export class EventPruner {
  private readonly logger = new Logger(EventPruner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async scheduled(): Promise<void> {
    const pruned = await this.prune();
    if (pruned > 0) this.logger.log({ pruned }, 'Pruned realtime events past the replay horizon');
  }

  async prune(): Promise<number> {
    const horizon = new Date(this.clock.now().getTime() - this.config.realtimeReplaySeconds * 1000);
    return this.dataSource.transaction(async (manager) => {
      const pruned = await manager.query<{ topic: string; seq: string; n: number }[]>(
        `WITH gone AS (
           DELETE FROM realtime_events e USING realtime_topics t
            WHERE t.topic = e.topic AND e.seq <= t.published_seq AND e.created_at < $1
           RETURNING e.topic, e.seq)
         SELECT topic, max(seq) AS seq, count(*)::int AS n FROM gone GROUP BY topic`,
        [horizon],
      );
      for (const { topic, seq } of pruned) {
        await manager.query('UPDATE realtime_topics SET pruned_seq = greatest(pruned_seq, $2) WHERE topic = $1', [
          topic,
          seq,
        ]);
      }
      return pruned.reduce((sum, row) => sum + row.n, 0);
    });
  }
}
