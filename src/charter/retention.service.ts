import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { Clock } from '../common/clock.js';
import { BreakoutNoteEntity } from '../sessions/breakout.entity.js';
import { QuestionEntity } from '../sessions/question.entity.js';
import { PostEntity } from '../threads/post.entity.js';
import { ThreadEntity } from '../threads/thread.entity.js';

const BATCH = 1000;
/** What an expired thread opening shows in place of its title. */
export const EXPIRED_TITLE = '(opening past the retention period)';
const DAY_MS = 86_400_000;

export interface RetentionReport {
  cohorts: number;
  posts: number;
  threads: number;
  /** Threads kept for their newer replies whose own opening text expired. */
  openings: number;
  /** Session questions, with their upvotes. */
  questions: number;
  /** Notes of breakout groups. */
  breakoutNotes: number;
  /** Report-backs of breakout groups, emptied. */
  reportBacks: number;
}

/**
 * Enforces `retentionDays`: posts, session questions and breakout notes older than the horizon are deleted for
 * good, and so are threads whose every word is older than it. Runs hourly, in batches, each batch in its own transaction.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async scheduled(): Promise<void> {
    const report = await this.purge();
    if (report.posts + report.threads + report.questions > 0)
      this.logger.log(report, 'Retention: deleted content past its horizon');
  }

  async purge(): Promise<RetentionReport> {
    const cohorts = await this.dataSource.query<{ cohort_id: string; retention_days: number }[]>(
      `SELECT c.id AS cohort_id, v.retention_days FROM cohorts c
         JOIN charter_versions v ON v.cohort_id = c.id AND v.version = c.charter_version
        WHERE v.retention_days IS NOT NULL`,
    );
    const report: RetentionReport = {
      cohorts: cohorts.length,
      posts: 0,
      threads: 0,
      openings: 0,
      questions: 0,
      breakoutNotes: 0,
      reportBacks: 0,
    };
    for (const { cohort_id: cohortId, retention_days: days } of cohorts) {
      const horizon = new Date(this.clock.now().getTime() - days * DAY_MS);
      report.posts += await this.inBatches(() => this.deletePosts(cohortId, horizon));
      report.threads += await this.inBatches(() => this.deleteThreads(cohortId, horizon));
      report.openings += await this.inBatches(() => this.expireOpenings(cohortId, horizon));
      report.questions += await this.inBatches(() =>
        this.deleteOld(QuestionEntity, 'session_questions', cohortId, horizon),
      );
      report.breakoutNotes += await this.inBatches(() =>
        this.deleteOld(BreakoutNoteEntity, 'breakout_notes', cohortId, horizon),
      );
      report.reportBacks += await this.expireReportBacks(cohortId, horizon);
    }
    return report;
  }

  private async inBatches(batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let deleted = await batch(); deleted > 0; deleted = await batch()) total += deleted;
    return total;
  }

  /** One batch of old posts, with the reply counts of their threads kept true. */
  private deletePosts(cohortId: string, horizon: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const doomed = await manager
        .createQueryBuilder(PostEntity, 'p')
        .select(['p.id', 'p.threadId'])
        .where('p.cohort_id = :cohortId AND p.created_at < :horizon', { cohortId, horizon })
        .orderBy('p.created_at', 'ASC')
        .limit(BATCH)
        .getMany();
      if (doomed.length === 0) return 0;
      await manager.delete(
        PostEntity,
        doomed.map((post) => post.id),
      );
      const perThread = new Map<string, number>();
      for (const post of doomed) perThread.set(post.threadId, (perThread.get(post.threadId) ?? 0) + 1);
      for (const [threadId, count] of perThread) {
        await manager.update(
          ThreadEntity,
          { id: threadId },
          { replyCount: () => `greatest(reply_count - ${count}, 0)` },
        );
      }
      return doomed.length;
    });
  }

  /** One batch of threads with nothing newer than the horizon left in them. */
  private deleteThreads(cohortId: string, horizon: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Locked, so a reply arriving now waits and then finds the thread gone, not half-deleted.
      const doomed = await manager
        .createQueryBuilder(ThreadEntity, 't')
        .select('t.id')
        .where('t.cohort_id = :cohortId AND t.created_at < :horizon', { cohortId, horizon })
        .andWhere('NOT EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = t.id)')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .getMany();
      if (doomed.length > 0)
        await manager.delete(
          ThreadEntity,
          doomed.map((thread) => thread.id),
        );
      return doomed.length;
    });
  }

  /** One batch of old rows of a table of the cohort (session questions with their upvotes, breakout notes). */
  private async deleteOld(
    entity: EntityTarget<ObjectLiteral>,
    table: 'session_questions' | 'breakout_notes',
    cohortId: string,
    horizon: Date,
  ): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(entity)
      .where(`id IN (SELECT id FROM ${table} WHERE cohort_id = :cohortId AND created_at < :horizon LIMIT ${BATCH})`, {
        cohortId,
        horizon,
      })
      .execute();
    return result.affected ?? 0;
  }

  /** A breakout group's report-back is said like a post: it goes once it is older than the horizon. */
  private async expireReportBacks(cohortId: string, horizon: Date): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `UPDATE breakout_groups SET report_back = NULL, reported_at = NULL
        WHERE cohort_id = $1 AND reported_at < $2`,
      [cohortId, horizon],
    );
    return result[1];
  }

  /** A thread kept alive by newer replies loses its own expired opening: title, body, tags. */
  private async expireOpenings(cohortId: string, horizon: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ThreadEntity)
      .set({ title: EXPIRED_TITLE, body: '', mentionedMembershipIds: [], tags: [] })
      .where(
        `id IN (SELECT id FROM threads WHERE cohort_id = :cohortId AND created_at < :horizon AND title <> :expired LIMIT ${BATCH})`,
        { cohortId, horizon, expired: EXPIRED_TITLE },
      )
      .execute();
    return result.affected ?? 0;
  }
}
