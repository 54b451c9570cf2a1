import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Action, isInForce } from '../authz/ability.factory.js';
import { Attribution } from '../charter/charter-policy.js';
import { CharterPolicyService } from '../charter/charter-policy.service.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortRole } from '../cohorts/cohort-role.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { Clock } from '../common/clock.js';
import { badInput, conflict, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, decodeCursor, keysetPage, type PageArgs, toConnection } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog } from '../realtime/event-log.service.js';
import { SpaceEntity } from '../spaces/space.entity.js';
import { SpacesService } from '../spaces/spaces.service.js';
import { attributeTo, type Reader } from './dto/author.model.js';
import type { PostModel, ReactionCountModel, StartThreadInput, ThreadModel, ThreadsArgs } from './dto/thread.model.js';
import { renderMarkdown } from './markdown.js';
import { findMentions } from './mentions.js';
import { PostEntity, PostReactionEntity, PostRevisionEntity, type Reaction } from './post.entity.js';
import { ThreadEntity, ThreadStatus } from './thread.entity.js';

/** How one reader sees a thread: their role and the charter's attribution rule. */
interface View {
  reader: Reader;
  /** The reader's membership in force, if any (reactions are theirs). */
  membershipId: string | null;
  attribution: Attribution;
  moderator: boolean;
  pseudonym(membershipId: string): string;
}

const spaceShape = (space: SpaceEntity) => ({
  id: space.id,
  cohortId: space.cohortId,
  audienceRoles: space.audienceRoles,
  audienceMinistries: space.audienceMinistries,
});

const threadShape = (thread: ThreadEntity) => ({
  id: thread.id,
  cohortId: thread.cohortId,
  spaceId: thread.spaceId,
  authorUserId: thread.authorUserId,
});

const postShape = (post: PostEntity, thread: ThreadEntity) => ({
  id: post.id,
  cohortId: post.cohortId,
  spaceId: thread.spaceId,
  authorUserId: post.authorUserId,
});

interface PostPageRow {
  id: string;
  cohort_id: string;
  thread_id: string;
  parent_id: string | null;
  author_membership_id: string;
  author_user_id: string;
  body: string;
  is_insight: boolean;
  hidden_at: Date | null;
  hidden_reason: string | null;
  deleted_at: Date | null;
  edited_at: Date | null;
  created_at: Date;
  mentioned_membership_ids: string[];
  ministry: string;
  country: string;
  display_name: string;
  reactions: { reaction: Reaction; count: number; mine: boolean }[];
}

/**
 * Gives a model its `bodyHtml`, rendered only when something reads it (most documents ask for
 * `body` alone), and then once. A copy made by spreading the model carries the rendered value.
 */
function withLazyHtml<T extends object, B extends string | null>(model: T, body: B): T & { bodyHtml: B } {
  let html: string | null | undefined;
  return Object.defineProperty(model, 'bodyHtml', {
    enumerable: true,
    get: () => (html ??= body === null ? null : renderMarkdown(body)),
  }) as T & { bodyHtml: B };
}

/**
 * One page of a thread's replies, oldest first: each post with its author and its reaction counts
 * (and whether one of the reader's memberships, the uuid[] `viewer`, reacted). The arguments are
 * SQL expressions (placeholders or columns).
 */
function postPageSql(threadId: string, viewer: string, limit: string, after: [string, string] | null): string {
  const where = `p.thread_id = ${threadId} ${after ? `AND (p.created_at, p.id) > (${after[0]}, ${after[1]})` : ''}`;
  return postsSql(where, viewer, limit);
}

/** Posts with their authors and reaction counts (see `postPageSql`), those `where` admits. */
function postsSql(where: string, viewer: string, limit: string): string {
  return `SELECT p.id, p.cohort_id, p.thread_id, p.parent_id, p.author_membership_id, p.author_user_id, p.body,
                 p.is_insight, p.hidden_at, p.hidden_reason, p.deleted_at, p.edited_at, p.created_at,
                 p.mentioned_membership_ids, pam.ministry, pam.country, pau.display_name,
                 (SELECT coalesce(json_agg(r ORDER BY r.reaction), '[]')
                    FROM (SELECT reaction, count(*)::int AS count,
                                 coalesce(bool_or(membership_id = ANY (${viewer}::uuid[])), false) AS mine
                            FROM post_reactions WHERE post_id = p.id GROUP BY reaction) r) AS reactions
            FROM posts p
            JOIN memberships pam ON pam.id = p.author_membership_id
            JOIN users pau ON pau.id = p.author_user_id
           WHERE ${where}
           ORDER BY p.created_at, p.id
           LIMIT ${limit}`;
}

/** A thread (the row `$1` names) with its space and author, and the posts `posts` selects as JSON. */
function threadWithPostsSql(posts: string): string {
  return `SELECT t.id, t.cohort_id, t.space_id, t.author_membership_id, t.author_user_id, t.title, t.body, t.kind,
                 t.status, t.tags, t.reply_count, t.last_activity_at, t.locked, t.accepted_post_id, t.created_at,
                 t.mentioned_membership_ids, s.audience_roles::text[] AS audience_roles, s.audience_ministries,
                 tam.ministry, tam.country, tau.display_name,
                 (SELECT coalesce(json_agg(x ORDER BY x.created_at, x.id), '[]') FROM (${posts}) x) AS posts
            FROM threads t
            JOIN spaces s ON s.id = t.space_id
            JOIN memberships tam ON tam.id = t.author_membership_id
            JOIN users tau ON tau.id = t.author_user_id
           WHERE t.id = $1`;
}

/** Posts that came through JSON, with their timestamps as dates again. */
function postsOf(row: ThreadPageRow): PostPageRow[] {
  return row.posts.map((post) => ({
    ...post,
    created_at: new Date(post.created_at),
    hidden_at: post.hidden_at === null ? null : new Date(post.hidden_at),
    deleted_at: post.deleted_at === null ? null : new Date(post.deleted_at),
    edited_at: post.edited_at === null ? null : new Date(post.edited_at),
  }));
}

interface ThreadPageRow {
  id: string;
  cohort_id: string;
  space_id: string;
  author_membership_id: string;
  author_user_id: string;
  title: string;
  body: string;
  kind: ThreadEntity['kind'];
  status: ThreadStatus;
  tags: string[];
  reply_count: number;
  last_activity_at: Date;
  locked: boolean;
  accepted_post_id: string | null;
  created_at: Date;
  mentioned_membership_ids: string[];
  audience_roles: SpaceEntity['audienceRoles'];
  audience_ministries: string[];
  ministry: string;
  country: string;
  display_name: string;
  /** The page, through JSON: timestamps arrive as text. */
  posts: (Omit<PostPageRow, 'created_at' | 'hidden_at' | 'deleted_at' | 'edited_at'> & {
    created_at: string;
    hidden_at: string | null;
    deleted_at: string | null;
    edited_at: string | null;
  })[];
}

function threadFromRow(row: ThreadPageRow): ThreadEntity {
  return Object.assign(new ThreadEntity(), {
    id: row.id,
    cohortId: row.cohort_id,
    spaceId: row.space_id,
    authorMembershipId: row.author_membership_id,
    authorUserId: row.author_user_id,
    title: row.title,
    body: row.body,
    kind: row.kind,
    status: row.status,
    tags: row.tags,
    replyCount: row.reply_count,
    lastActivityAt: row.last_activity_at,
    locked: row.locked,
    acceptedPostId: row.accepted_post_id,
    createdAt: row.created_at,
    mentionedMembershipIds: row.mentioned_membership_ids,
    space: Object.assign(new SpaceEntity(), {
      id: row.space_id,
      cohortId: row.cohort_id,
      audienceRoles: row.audience_roles,
      audienceMinistries: row.audience_ministries,
    }),
    ...authorOf(row),
  });
}

/** A raw row's reaction counts, as the API shows them. */
function reactionCounts(row: Pick<PostPageRow, 'reactions'>): ReactionCountModel[] {
  return row.reactions.map((r) => ({ reaction: r.reaction, count: r.count, reactedByMe: r.mine }));
}

/** The author columns of a raw row, as the relations the mappers read. */
function authorOf(row: { ministry: string; country: string; display_name: string }) {
  return {
    authorMembership: { ministry: row.ministry, country: row.country },
    authorUser: { displayName: row.display_name },
  };
}

/** A post read by raw SQL, in the shape the mappers take. */
function postFromRow(row: PostPageRow): PostEntity {
  return Object.assign(new PostEntity(), {
    id: row.id,
    cohortId: row.cohort_id,
    threadId: row.thread_id,
    parentId: row.parent_id,
    authorMembershipId: row.author_membership_id,
    authorUserId: row.author_user_id,
    body: row.body,
    isInsight: row.is_insight,
    hiddenAt: row.hidden_at,
    hiddenReason: row.hidden_reason,
    deletedAt: row.deleted_at,
    editedAt: row.edited_at,
    createdAt: row.created_at,
    mentionedMembershipIds: row.mentioned_membership_ids,
    ...authorOf(row),
  });
}

@Injectable()
export class ThreadsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly spaces: SpacesService,
    private readonly access: AccessService,
    private readonly policy: CharterPolicyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  private threads(manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<ThreadEntity> {
    return manager
      .createQueryBuilder(ThreadEntity, 't')
      .innerJoinAndSelect('t.space', 'space')
      .innerJoinAndSelect('t.authorMembership', 'tam')
      .innerJoinAndSelect('t.authorUser', 'tau');
  }

  /** The thread with its space, if the caller may enter the space; NOT_FOUND otherwise. */
  async readable(user: AuthUser, threadId: string): Promise<ThreadEntity> {
    const thread = await this.find(threadId);
    if (!thread) throw notFound();
    await this.authorizeRead(user, thread);
    return thread;
  }

  /**
   * A thread with its space and author, read without asking who wants it: for work shared by
   * several readers (a realtime event), each of whom is then checked with `authorizeRead`.
   */
  find(threadId: string): Promise<ThreadEntity | null> {
    return isUuid(threadId) ? this.threads().where('t.id = :threadId', { threadId }).getOne() : Promise.resolve(null);
  }

  /** Whether the caller may read a loaded thread (enter its space); NOT_FOUND otherwise. */
  async authorizeRead(user: AuthUser, thread: ThreadEntity): Promise<void> {
    await this.access.authorize(user, 'read', 'Space', spaceShape(thread.space!), thread.cohortId);
  }

  /** Checks an action on a thread the caller can see through its space. */
  private async authorizeThread(user: AuthUser, action: Action, thread: ThreadEntity): Promise<void> {
    const readVia = asSubject('Space', spaceShape(thread.space!));
    await this.access.authorize(user, action, 'Thread', threadShape(thread), thread.cohortId, readVia);
  }

  private async loadPost(user: AuthUser, postId: string): Promise<{ post: PostEntity; thread: ThreadEntity }> {
    const post = isUuid(postId) ? await this.dataSource.manager.findOneBy(PostEntity, { id: postId }) : null;
    if (!post) throw notFound();
    return { post, thread: await this.readable(user, post.threadId) };
  }

  private async authorizePost(user: AuthUser, action: Action, post: PostEntity, thread: ThreadEntity): Promise<void> {
    const readVia = asSubject('Space', spaceShape(thread.space!));
    await this.access.authorize(user, action, 'Post', postShape(post, thread), post.cohortId, readVia);
  }

  private async authorMembership(user: AuthUser, cohortId: string): Promise<string> {
    const membership = await this.access.membershipIn(user, cohortId);
    // The ability already required a membership in force to post; this cannot be missing.
    if (!membership) throw notFound();
    return membership.id;
  }

  async start(user: AuthUser, input: StartThreadInput): Promise<ThreadEntity> {
    const space = await this.spaces.getReadable(user, input.spaceId);
    await this.access.authorize(user, 'post', 'Space', spaceShape(space), space.cohortId);
    const authorMembershipId = await this.authorMembership(user, space.cohortId);
    const saved = await this.dataSource.manager.save(
      this.dataSource.manager.create(ThreadEntity, {
        cohortId: space.cohortId,
        spaceId: space.id,
        authorMembershipId,
        authorUserId: user.id,
        title: input.title.trim(),
        body: input.body,
        mentionedMembershipIds: await this.mentionsIn(space.cohortId, input.body),
        kind: input.kind,
        tags: [...new Set((input.tags ?? []).map((tag) => tag.trim().toLowerCase()))],
        lastActivityAt: this.clock.now(),
      }),
    );
    return this.threads().where('t.id = :id', { id: saved.id }).getOneOrFail();
  }

  /** A reply, as its author sees it once it is stored. */
  async reply(user: AuthUser, input: { threadId: string; body: string; parentId?: string | null }): Promise<PostModel> {
    const thread = await this.readable(user, input.threadId);
    await this.access.authorize(user, 'post', 'Space', spaceShape(thread.space!), thread.cohortId);
    const authorMembershipId = await this.authorMembership(user, thread.cohortId);
    const post = await this.dataSource.transaction(async (manager) => {
      // Counting the reply locks the thread row first, so the count and the lock state cannot race.
      const counted = await manager
        .createQueryBuilder()
        .update(ThreadEntity)
        .set({ replyCount: () => 'reply_count + 1', lastActivityAt: this.clock.now() })
        .where('id = :id', { id: thread.id })
        .returning(['locked'])
        .execute();
      const [current] = counted.raw as { locked: boolean }[];
      if (!current) throw notFound();
      if (current.locked) throw conflict('This thread is locked: no new replies', 'THREAD_LOCKED');
      if (input.parentId) {
        const parent = await manager.findOneBy(PostEntity, { id: input.parentId, threadId: thread.id });
        if (!parent) throw badInput('parentId', 'must be a post of the same thread');
      }
      const saved = await manager.save(
        manager.create(PostEntity, {
          cohortId: thread.cohortId,
          threadId: thread.id,
          parentId: input.parentId ?? null,
          authorMembershipId,
          authorUserId: user.id,
          body: input.body,
          mentionedMembershipIds: await this.mentionsIn(thread.cohortId, input.body, manager),
        }),
      );
      await this.postEvent(manager, 'post.created', saved);
      return saved;
    });
    const stored = await this.findWithPost(thread.id, post.id);
    if (!stored) throw notFound();
    return this.toPostModel(stored.post, await this.view(user, thread.cohortId, thread.id), stored.reactions);
  }

  async markInsight(user: AuthUser, postId: string, isInsight: boolean): Promise<PostEntity> {
    const { post, thread } = await this.loadPost(user, postId);
    await this.authorizeThread(user, 'markInsight', thread);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(PostEntity, { id: post.id }, { isInsight });
      await this.postEvent(manager, 'post.updated', post);
    });
    return this.postWithAuthor(post.id);
  }

  async resolve(user: AuthUser, threadId: string, acceptedPostId: string | null): Promise<ThreadEntity> {
    const thread = await this.readable(user, threadId);
    await this.authorizeThread(user, 'resolve', thread);
    if (acceptedPostId) {
      const accepted = await this.dataSource.manager.findOneBy(PostEntity, { id: acceptedPostId, threadId: thread.id });
      if (!accepted) throw badInput('acceptedPostId', 'must be a post of this thread');
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        ThreadEntity,
        { id: thread.id },
        { status: ThreadStatus.RESOLVED, acceptedPostId, lastActivityAt: this.clock.now() },
      );
      await this.threadEvent(manager, thread);
    });
    return this.readable(user, thread.id);
  }

  async hide(user: AuthUser, postId: string, reason: string): Promise<PostEntity> {
    const { post, thread } = await this.loadPost(user, postId);
    await this.authorizePost(user, 'moderate', post, thread);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        PostEntity,
        { id: post.id },
        { hiddenAt: this.clock.now(), hiddenReason: reason.trim(), hiddenById: user.id },
      );
      await this.audit.record(manager, {
        cohortId: post.cohortId,
        actorId: user.id,
        action: 'post.hidden',
        subjectType: 'Post',
        subjectId: post.id,
        details: { reason: reason.trim() },
      });
      await this.postEvent(manager, 'post.hidden', post);
    });
    return this.postWithAuthor(post.id);
  }

  async setLocked(user: AuthUser, threadId: string, locked: boolean): Promise<ThreadEntity> {
    const thread = await this.readable(user, threadId);
    await this.authorizeThread(user, 'moderate', thread);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(ThreadEntity, { id: thread.id }, { locked });
      await this.audit.record(manager, {
        cohortId: thread.cohortId,
        actorId: user.id,
        action: locked ? 'thread.locked' : 'thread.unlocked',
        subjectType: 'Thread',
        subjectId: thread.id,
      });
      await this.threadEvent(manager, thread);
    });
    return this.readable(user, thread.id);
  }

  async move(user: AuthUser, threadId: string, spaceId: string): Promise<ThreadEntity> {
    const thread = await this.readable(user, threadId);
    await this.authorizeThread(user, 'moderate', thread);
    const target = await this.spaces.getReadable(user, spaceId);
    if (target.cohortId !== thread.cohortId) throw notFound();
    // Moderating the thread where it would land: after conclusion, only within the alumni space.
    await this.authorizeThread(user, 'moderate', { ...thread, spaceId: target.id, space: target });
    await this.dataSource.transaction(async (manager) => {
      await manager.update(ThreadEntity, { id: thread.id }, { spaceId: target.id });
      await this.audit.record(manager, {
        cohortId: thread.cohortId,
        actorId: user.id,
        action: 'thread.moved',
        subjectType: 'Thread',
        subjectId: thread.id,
        details: { from: thread.spaceId, to: target.id },
      });
      await this.threadEvent(manager, thread);
    });
    return this.readable(user, thread.id);
  }

  /** The author edits; the earlier body is kept as a revision for facilitators. */
  async edit(user: AuthUser, postId: string, body: string): Promise<PostEntity> {
    const { post, thread } = await this.loadPost(user, postId);
    await this.authorizePost(user, 'edit', post, thread);
    if (post.deletedAt) throw conflict('This post was deleted', 'POST_DELETED');
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(PostRevisionEntity, { postId: post.id, body: post.body });
      await manager.update(
        PostEntity,
        { id: post.id },
        {
          body,
          editedAt: this.clock.now(),
          mentionedMembershipIds: await this.mentionsIn(post.cohortId, body, manager),
        },
      );
      await this.postEvent(manager, 'post.updated', post);
    });
    return this.postWithAuthor(post.id);
  }

  /** Soft delete by the author: the post keeps its place in the thread, its text is gone. */
  async delete(user: AuthUser, postId: string): Promise<PostEntity> {
    const { post, thread } = await this.loadPost(user, postId);
    await this.authorizePost(user, 'delete', post, thread);
    // Deleted means gone: the earlier versions go with it.
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        PostEntity,
        { id: post.id },
        { deletedAt: this.clock.now(), body: '', mentionedMembershipIds: [] },
      );
      await manager.delete(PostRevisionEntity, { postId: post.id });
      await this.postEvent(manager, 'post.updated', post);
    });
    return this.postWithAuthor(post.id);
  }

  /** Tells the thread's followers, in the transaction of the change, that a post changed. */
  private postEvent(manager: EntityManager, type: 'post.created' | 'post.updated' | 'post.hidden', post: PostEntity) {
    return this.events.append(manager, {
      cohortId: post.cohortId,
      type,
      ref: { postId: post.id, threadId: post.threadId },
      topics: [['thread', post.threadId]],
    });
  }

  private threadEvent(manager: EntityManager, thread: ThreadEntity) {
    return this.events.append(manager, {
      cohortId: thread.cohortId,
      type: 'thread.updated',
      ref: { threadId: thread.id },
      topics: [['thread', thread.id]],
    });
  }

  /** Earlier versions of a post, for those who moderate it; nobody else sees any. */
  async revisions(user: AuthUser, post: PostModel): Promise<PostRevisionEntity[]> {
    const ability = await this.access.abilityFor(user);
    if (
      !ability.can(
        'moderate',
        asSubject('Post', { id: post.id, cohortId: post.cohortId, spaceId: '', authorUserId: '' }),
      )
    )
      return [];
    return this.dataSource.manager.find(PostRevisionEntity, {
      where: { postId: post.id },
      order: { createdAt: 'ASC' },
    });
  }

  private postWithAuthor(id: string): Promise<PostEntity> {
    return this.dataSource.manager.findOneOrFail(PostEntity, {
      where: { id },
      relations: { authorMembership: true, authorUser: true },
    });
  }

  /** Active members of the cohort that a body mentions; nobody outside the cohort can match. */
  private async mentionsIn(cohortId: string, body: string, manager: EntityManager = this.dataSource.manager) {
    if (!body.includes('@')) return [];
    const members = await manager
      .createQueryBuilder(MembershipEntity, 'm')
      .innerJoin('m.user', 'u')
      .select(['m.id AS membership_id', 'u.display_name AS display_name'])
      .where('m.cohort_id = :cohortId AND m.status = :active', { cohortId, active: 'ACTIVE' })
      .getRawMany<{ membership_id: string; display_name: string }>();
    return findMentions(
      body,
      members.map((m) => ({ membershipId: m.membership_id, displayName: m.display_name })),
    );
  }

  /** Names of mentioned members, for readers who may see the member list; nobody else gets any. */
  async mentionsFor(user: AuthUser, cohortId: string, membershipIds: string[]) {
    if (membershipIds.length === 0) return [];
    const ability = await this.access.abilityFor(user);
    const rows = await this.dataSource.manager.find(MembershipEntity, {
      where: membershipIds.map((id) => ({ id, cohortId })),
      relations: { user: true },
    });
    return rows
      .filter((m) =>
        ability.can('read', asSubject('Membership', { id: m.id, cohortId, userId: m.userId, status: m.status })),
      )
      .map((m) => ({ membershipId: m.id, displayName: m.user!.displayName }));
  }

  async list(user: AuthUser, args: ThreadsArgs): Promise<Connection<ThreadModel>> {
    const space = await this.spaces.getReadable(user, args.spaceId);
    const view = await this.view(user, space.cohortId, null);
    const query = this.threads().where('t.space_id = :spaceId', { spaceId: space.id });
    if (args.kind) query.andWhere('t.kind = :kind', { kind: args.kind });
    if (args.status) query.andWhere('t.status = :status', { status: args.status });
    if (args.tag) query.andWhere(':tag = ANY(t.tags)', { tag: args.tag.trim().toLowerCase() });
    return keysetPage(
      query,
      args,
      { at: 't.last_activity_at', id: 't.id', direction: 'DESC' },
      (row) => [row.lastActivityAt, row.id],
      (row) => this.toThreadModel(row, view),
    );
  }

  /**
   * A page of a thread's replies, oldest first, in one statement: each post with its author and
   * its reaction counts (and whether the reader reacted).
   */
  async posts(user: AuthUser, thread: ThreadModel, page: PageArgs): Promise<Connection<PostModel>> {
    const view = await this.view(user, thread.cohortId, thread.id);
    const after = decodeCursor(page.after);
    const rows = await this.dataSource.query<PostPageRow[]>(
      postPageSql('$1', '$2', '$3', after ? ['$4', '$5'] : null),
      [thread.id, view.membershipId ? [view.membershipId] : [], page.first + 1, ...(after ?? [])],
    );
    return this.postConnection(rows, page, view);
  }

  private postConnection(rows: PostPageRow[], page: PageArgs, view: View): Connection<PostModel> {
    return toConnection(
      rows,
      page.first,
      (row) => [row.created_at.toISOString(), row.id],
      (row) => this.toPostModel(postFromRow(row), view, reactionCounts(row)),
    );
  }

  /**
   * A thread and the first page of its replies in one statement, for the thread page: the thread
   * is authorized exactly as `readable` does before anything of it is returned.
   */
  async readableWithPosts(
    user: AuthUser,
    threadId: string,
    page: PageArgs,
  ): Promise<{ thread: ThreadEntity; posts: Connection<PostModel> }> {
    if (!isUuid(threadId)) throw notFound();
    const after = decodeCursor(page.after);
    const now = this.clock.now();
    const memberships = (await this.access.membershipsOf(user)).filter((m) => isInForce(m, now)).map((m) => m.id);
    const [row] = await this.dataSource.query<ThreadPageRow[]>(
      threadWithPostsSql(postPageSql('t.id', '$2', '$3', after ? ['$4', '$5'] : null)),
      [threadId, memberships, page.first + 1, ...(after ?? [])],
    );
    if (!row) throw notFound();
    const thread = threadFromRow(row);
    await this.access.authorize(user, 'read', 'Space', spaceShape(thread.space!), thread.cohortId);
    const view = await this.view(user, thread.cohortId, thread.id);
    return { thread, posts: this.postConnection(postsOf(row), page, view) };
  }

  /**
   * A thread and one of its posts (with reaction counts, none marked as the reader's) in one
   * statement, read without asking who wants them: for a realtime event that many readers
   * receive, each of whom is then checked with `authorizeRead`.
   */
  async findWithPost(
    threadId: string,
    postId: string,
  ): Promise<{ thread: ThreadEntity; post: PostEntity; reactions: ReactionCountModel[] } | null> {
    if (!isUuid(threadId) || !isUuid(postId)) return null;
    const [row] = await this.dataSource.query<ThreadPageRow[]>(
      threadWithPostsSql(postsSql('p.thread_id = t.id AND p.id = $2', `'{}'`, '1')),
      [threadId, postId],
    );
    const [post] = row ? postsOf(row) : [];
    if (!post) return null;
    return {
      thread: threadFromRow(row),
      post: postFromRow(post),
      reactions: reactionCounts(post),
    };
  }

  /** Reaction counts for a set of posts, in one query. */
  async reactionsOf(postIds: string[], membershipId: string | null): Promise<Map<string, ReactionCountModel[]>> {
    const byPost = new Map<string, ReactionCountModel[]>();
    if (postIds.length === 0) return byPost;
    const rows = await this.dataSource.query<{ post_id: string; reaction: Reaction; count: string; mine: boolean }[]>(
      `SELECT post_id, reaction, count(*) AS count, coalesce(bool_or(membership_id = $2), false) AS mine
         FROM post_reactions WHERE post_id = ANY($1) GROUP BY post_id, reaction ORDER BY reaction`,
      [postIds, membershipId],
    );
    for (const row of rows) {
      const list = byPost.get(row.post_id) ?? [];
      list.push({ reaction: row.reaction, count: Number(row.count), reactedByMe: row.mine });
      byPost.set(row.post_id, list);
    }
    return byPost;
  }

  /** Adds or withdraws the caller's reaction; both are idempotent. */
  async react(user: AuthUser, postId: string, reaction: Reaction, on: boolean): Promise<PostEntity> {
    const { post, thread } = await this.loadPost(user, postId);
    await this.access.authorize(user, 'post', 'Space', spaceShape(thread.space!), thread.cohortId);
    const membershipId = await this.authorMembership(user, thread.cohortId);
    if (on) {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(PostReactionEntity)
        .values({ postId: post.id, membershipId, reaction })
        .orIgnore()
        .execute();
    } else {
      await this.dataSource.manager.delete(PostReactionEntity, { postId: post.id, membershipId, reaction });
    }
    return this.postWithAuthor(post.id);
  }

  /** How this caller sees content of a cohort (and, for pseudonyms, of one thread). */
  async view(user: AuthUser, cohortId: string, threadId: string | null): Promise<View> {
    const membership = await this.access.membershipIn(user, cohortId);
    const role = (membership?.role as CohortRole | undefined) ?? null;
    // A member's own row carries the charter in force; anyone else reads it.
    const attribution =
      (membership?.attribution as Attribution | undefined) ?? (await this.policy.current(cohortId)).attribution;
    const pseudonyms =
      attribution === Attribution.ANONYMOUS && threadId ? await this.pseudonyms(threadId) : new Map<string, number>();
    return {
      reader: { role },
      membershipId: membership?.id ?? null,
      attribution,
      moderator: role === CohortRole.FACILITATOR,
      pseudonym: (membershipId) => `Participant ${pseudonyms.get(membershipId) ?? 0}`,
    };
  }

  /** "Participant N" numbers, stable within a thread: the order in which people first spoke. */
  private async pseudonyms(threadId: string): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ membership_id: string }[]>(
      `SELECT membership_id FROM (
         SELECT author_membership_id AS membership_id, created_at FROM threads WHERE id = $1
         UNION ALL
         SELECT author_membership_id, created_at FROM posts WHERE thread_id = $1
       ) spoken GROUP BY membership_id ORDER BY min(created_at), membership_id`,
      [threadId],
    );
    return new Map(rows.map((row, index) => [row.membership_id, index + 1]));
  }

  toThreadModel(thread: ThreadEntity, view: View): ThreadModel {
    const model = {
      id: thread.id,
      cohortId: thread.cohortId,
      spaceId: thread.spaceId,
      title: thread.title,
      body: thread.body,
      kind: thread.kind,
      status: thread.status,
      tags: thread.tags,
      replyCount: thread.replyCount,
      lastActivityAt: thread.lastActivityAt,
      locked: thread.locked,
      acceptedPostId: thread.acceptedPostId,
      mentionedMembershipIds: thread.mentionedMembershipIds,
      attribution: view.attribution,
      // Whoever starts a thread is the first to speak in it.
      author: this.author(thread, view, () => 'Participant 1'),
      createdAt: thread.createdAt,
    };
    return withLazyHtml(model, thread.body);
  }

  toPostModel(post: PostEntity, view: View, reactions: ReactionCountModel[] = []): PostModel {
    const hidden = post.hiddenAt !== null;
    const deleted = post.deletedAt !== null;
    const showBody = !deleted && (!hidden || view.moderator);
    const model = {
      id: post.id,
      cohortId: post.cohortId,
      threadId: post.threadId,
      parentId: post.parentId,
      body: showBody ? post.body : null,
      createdAt: post.createdAt,
      isInsight: post.isInsight,
      hidden,
      hiddenReason: view.moderator ? post.hiddenReason : null,
      deleted,
      editedAt: post.editedAt,
      author: deleted ? null : this.author(post, view, () => view.pseudonym(post.authorMembershipId)),
      reactions,
      parent: post.parentId ? { id: post.parentId } : null,
      mentionedMembershipIds: showBody ? post.mentionedMembershipIds : [],
    };
    return withLazyHtml(model, showBody ? post.body : null);
  }

  private author(item: ThreadEntity | PostEntity, view: View, pseudonym: () => string) {
    if (!item.authorMembership || !item.authorUser) return null;
    return attributeTo(
      view.attribution,
      view.reader,
      { membership: item.authorMembership, user: item.authorUser },
      pseudonym,
    );
  }

  /** Used by the resolver to map a single thread for its caller. */
  async modelFor(user: AuthUser, thread: ThreadEntity): Promise<ThreadModel> {
    return this.toThreadModel(thread, await this.view(user, thread.cohortId, thread.id));
  }

  async postModelFor(user: AuthUser, post: PostEntity): Promise<PostModel> {
    const view = await this.view(user, post.cohortId, post.threadId);
    const reactions = await this.reactionsOf([post.id], view.membershipId);
    return this.toPostModel(post, view, reactions.get(post.id));
  }
}
