import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { toMembershipModel } from '../cohorts/dto/membership.model.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import type { AuthUser } from '../common/request-context.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { BreakoutsService } from '../sessions/breakouts.service.js';
import { QuestionsService } from '../sessions/questions.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PostEntity } from '../threads/post.entity.js';
import { ThreadsService } from '../threads/threads.service.js';
import type { ReactionCountModel } from '../threads/dto/thread.model.js';
import type { ThreadEntity } from '../threads/thread.entity.js';
import { RENDER_SHARING_MS, SharedWork } from './shared-work.js';
import type { RawEvent } from './topics.js';

/**
 * Renders an event's payload for one reader, through the same services and mappers as GraphQL,
 * so the same attribution and redaction apply. Fields about the reader personally ("reacted by
 * me", "my RSVP") are left out, so one rendering serves every reader with the same view.
 * `null`: this reader gets nothing (the object is gone or not theirs to see).
 */
interface PostRows {
  thread: ThreadEntity;
  post: PostEntity;
  reactions: ReactionCountModel[];
}

@Injectable()
export class EventRenderer {
  /** A post event's rows, read once for all its live recipients. */
  private readonly postRowsOfEvent = new SharedWork<PostRows | null>(RENDER_SHARING_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly threads: ThreadsService,
    private readonly sessions: SessionsService,
    private readonly questions: QuestionsService,
    private readonly access: AccessService,
    private readonly notifications: NotificationsService,
    private readonly breakouts: BreakoutsService,
  ) {}

  /**
   * `shared`: a live delivery, whose rows are read once for every reader of the event (each is
   * still authorized and rendered for their own view); a replay reads them afresh.
   */
  async render(event: RawEvent, reader: AuthUser, shared = false): Promise<unknown> {
    try {
      return await this.renderFor(event, reader, shared);
    } catch {
      // NOT_FOUND, CHARTER_NOT_ACCEPTED or a vanished object: this reader gets nothing.
      return null;
    }
  }

  private async renderFor(event: RawEvent, reader: AuthUser, shared: boolean): Promise<unknown> {
    switch (event.type) {
      case 'post.created':
      case 'post.updated':
      case 'post.hidden': {
        const key = `${event.topic}#${event.seq}`;
        const read = () => this.threads.findWithPost(event.ref.threadId, event.ref.postId);
        const rows = await (shared ? this.postRowsOfEvent.get(key, read) : read());
        if (!rows) return null;
        // As `readable` would: the reader must be able to enter the thread's space.
        await this.threads.authorizeRead(reader, rows.thread);
        const view = { ...(await this.threads.view(reader, rows.thread.cohortId, rows.thread.id)), membershipId: null };
        // Spread, so the payload carries bodyHtml rendered once rather than at each send.
        return { ...this.threads.toPostModel(rows.post, view, rows.reactions) };
      }
      case 'thread.updated': {
        const thread = await this.threads.readable(reader, event.ref.threadId);
        return { ...this.threads.toThreadModel(thread, await this.threads.view(reader, thread.cohortId, thread.id)) };
      }
      case 'question.created':
      case 'question.updated':
        return this.questions.eventPayload(reader, event.ref.questionId);
      case 'session.updated': {
        const { experts, ...session } = await this.sessions.get(reader, event.ref.sessionId);
        // Experts as GraphQL shows them to every reader: never the account row behind them.
        return {
          ...session,
          myRsvp: null,
          experts: experts.map((expert) => ({
            id: expert.id,
            role: expert.role,
            status: expert.status,
            ministry: expert.ministry,
            country: expert.country,
            user: { id: expert.userId, displayName: expert.loadedUser?.displayName ?? null },
          })),
        };
      }
      case 'charter.ratified':
        return { cohortId: event.cohortId, version: Number(event.ref.version) };
      case 'cohort.updated':
        return { cohortId: event.cohortId, status: event.ref.status };
      case 'notification.created':
        return this.notifications.forRecipient(reader, event.ref.notificationId);
      case 'breakout.updated':
        // On the group's topic its readers get the whole group; on the session's, the plenary's view.
        return event.topic.startsWith('breakout:')
          ? this.breakouts.group(reader, event.ref.groupId)
          : this.breakouts.summary(reader, event.ref.groupId);
      case 'breakout.note':
        return this.breakouts.note(reader, event.ref.noteId);
      case 'membership.updated': {
        const membership = await this.dataSource.manager.findOne(MembershipEntity, {
          where: { id: event.ref.membershipId, cohortId: event.cohortId },
          relations: { user: true },
        });
        if (!membership) return null;
        const ability = await this.access.abilityFor(reader);
        const shape = {
          id: membership.id,
          cohortId: membership.cohortId,
          userId: membership.userId,
          status: membership.status,
        };
        if (!ability.can('read', asSubject('Membership', shape))) return null;
        const { loadedUser: _user, showEmail: _showEmail, ...model } = toMembershipModel(membership, ability);
        return { ...model, user: { id: membership.userId, displayName: membership.user?.displayName ?? null } };
      }
    }
  }
}
