import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessWindow } from '../cohorts/access-window.js';
import { Clock } from '../common/clock.js';
import { type Connection, keysetPage } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { EventLog } from '../realtime/event-log.service.js';
import { type NotificationModel, type NotificationsArgs, toNotificationModel } from './dto/notification.model.js';
import { NotificationEntity, type NotificationKind, type NotificationTarget } from './notification.entity.js';

export interface NewNotification {
  cohortId: string;
  /** The recipient's membership, and its account (who the realtime event is for). */
  membershipId: string;
  userId: string;
  kind: NotificationKind;
  targetKind: NotificationTarget;
  targetId: string;
}

/** Notifications of one member: written with the change that causes them, read only by that member. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLog,
    private readonly window: AccessWindow,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes notifications in the caller's transaction, each at most once per recipient, kind and
   * target, and announces the new ones on the cohort topic (delivered to the recipient only).
   * Returns how many were new.
   */
  async notify(manager: EntityManager, notifications: NewNotification[]): Promise<number> {
    let created = 0;
    for (const n of notifications) {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(NotificationEntity)
        .values({
          cohortId: n.cohortId,
          membershipId: n.membershipId,
          kind: n.kind,
          targetKind: n.targetKind,
          targetId: n.targetId,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const [row] = inserted.raw as { id: string }[];
      if (!row) continue;
      created++;
      await this.events.append(manager, {
        cohortId: n.cohortId,
        type: 'notification.created',
        ref: { notificationId: row.id, userId: n.userId },
        topics: [['cohort', n.cohortId]],
      });
    }
    return created;
  }

  /** The caller's notifications from memberships in force, newest first. */
  list(user: AuthUser, args: NotificationsArgs): Promise<Connection<NotificationModel>> {
    const query = this.dataSource.manager
      .createQueryBuilder(NotificationEntity, 'n')
      .innerJoin('memberships', 'm', 'm.id = n.membership_id')
      .where('m.user_id = :userId', { userId: user.id })
      .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() });
    if (args.unreadOnly) query.andWhere('n.read_at IS NULL');
    return keysetPage(
      query,
      args,
      { at: 'n.created_at', id: 'n.id', direction: 'DESC' },
      (row) => [row.createdAt, row.id],
      toNotificationModel,
    );
  }

  /** One notification as its recipient sees it (for realtime), or null for anyone else. */
  async forRecipient(user: AuthUser, id: string): Promise<NotificationModel | null> {
    const row = await this.dataSource.manager
      .createQueryBuilder(NotificationEntity, 'n')
      .innerJoin('memberships', 'm', 'm.id = n.membership_id')
      .where('n.id = :id AND m.user_id = :userId', { id, userId: user.id })
      .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() })
      .getOne();
    return row ? toNotificationModel(row) : null;
  }

  /** Marks the caller's own notifications read (or unread again); ids of others change nothing. */
  async mark(user: AuthUser, ids: string[], unread: boolean): Promise<NotificationModel[]> {
    if (ids.length === 0) return [];
    await this.dataSource.query(
      `UPDATE notifications n SET read_at = $3
         FROM memberships m
        WHERE m.id = n.membership_id AND m.user_id = $1 AND n.id = ANY($2::uuid[])`,
      [user.id, ids, unread ? null : this.clock.now()],
    );
    const rows = await this.dataSource.manager
      .createQueryBuilder(NotificationEntity, 'n')
      .innerJoin('memberships', 'm', 'm.id = n.membership_id')
      .where('m.user_id = :userId AND n.id IN (:...ids)', { userId: user.id, ids })
      .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() })
      .orderBy('n.created_at', 'DESC')
      .getMany();
    return rows.map(toNotificationModel);
  }
}
