import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { accessibleBy } from '../authz/sql-conditions.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { encodeCursor } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { SPACE_COLUMNS } from '../spaces/spaces.service.js';
import type { SearchArgs, SearchConnection } from './dto/search.model.js';
import { PostEntity } from './post.entity.js';
import { ThreadEntity } from './thread.entity.js';
import { ThreadsService } from './threads.service.js';

interface Hit {
  kind: 'thread' | 'post';
  id: string;
  rank: number;
  snippet: string;
  created_at: Date;
}

const QUERY = "plainto_tsquery('simple', :query)";
// Matches are marked with control characters, then the snippet is HTML-escaped and only those
// marks become <b>…</b>: the snippet carries no markup that a member wrote.
const MARK_START = '\u0002';
const MARK_END = '\u0003';
const HEADLINE = `'StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=10, MaxFragments=2'`;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function snippetHtml(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replaceAll(MARK_START, '<b>')
    .replaceAll(MARK_END, '</b>');
}

/**
 * Full-text search over the threads and posts of one cohort. Only rows in spaces the caller may
 * enter are considered, by the same SQL rules as every list; hidden and deleted posts never match.
 */
@Injectable()
export class SearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly threads: ThreadsService,
  ) {}

  async search(user: AuthUser, args: SearchArgs): Promise<SearchConnection> {
    const { cohort, ability } = await this.cohorts.getContentScope(user, args.cohortId);
    const allowed = accessibleBy(ability, 'read', 'Space', SPACE_COLUMNS);
    const params = { ...allowed.params, cohortId: cohort.id, query: args.query, limit: args.first + 1 };
    const threadHits = this.dataSource
      .createQueryBuilder()
      .select("'thread'", 'kind')
      .addSelect('t.id', 'id')
      .addSelect('t.created_at', 'created_at')
      .addSelect(`ts_rank(to_tsvector('simple', t.title || ' ' || t.body), ${QUERY})`, 'rank')
      .addSelect(`ts_headline('simple', t.title || ' — ' || t.body, ${QUERY}, ${HEADLINE})`, 'snippet')
      .from(ThreadEntity, 't')
      .innerJoin('spaces', 's', 's.id = t.space_id')
      .where('t.cohort_id = :cohortId')
      .andWhere(allowed.sql)
      .andWhere(`to_tsvector('simple', t.title || ' ' || t.body) @@ ${QUERY}`)
      .orderBy('rank', 'DESC')
      .limit(args.first + 1)
      .setParameters(params);
    const postHits = this.dataSource
      .createQueryBuilder()
      .select("'post'", 'kind')
      .addSelect('p.id', 'id')
      .addSelect('p.created_at', 'created_at')
      .addSelect(`ts_rank(to_tsvector('simple', p.body), ${QUERY})`, 'rank')
      .addSelect(`ts_headline('simple', p.body, ${QUERY}, ${HEADLINE})`, 'snippet')
      .from(PostEntity, 'p')
      .innerJoin('threads', 't', 't.id = p.thread_id')
      .innerJoin('spaces', 's', 's.id = t.space_id')
      .where('p.cohort_id = :cohortId')
      .andWhere('p.hidden_at IS NULL AND p.deleted_at IS NULL')
      .andWhere(allowed.sql)
      .andWhere(`to_tsvector('simple', p.body) @@ ${QUERY}`)
      .orderBy('rank', 'DESC')
      .limit(args.first + 1)
      .setParameters(params);
    const hits = [...(await threadHits.getRawMany<Hit>()), ...(await postHits.getRawMany<Hit>())]
      .sort((a, b) => b.rank - a.rank || a.id.localeCompare(b.id))
      .slice(0, args.first + 1);
    const page = hits.slice(0, args.first);
    const nodes = await this.load(user, cohort.id, page);
    const edges = page.flatMap((hit) => {
      const node = nodes.get(hit.id);
      return node
        ? [
            {
              cursor: encodeCursor([new Date(hit.created_at).toISOString(), hit.id]),
              node,
              snippet: snippetHtml(hit.snippet),
            },
          ]
        : [];
    });
    return { edges, pageInfo: { hasNextPage: hits.length > args.first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  private async load(user: AuthUser, cohortId: string, hits: Hit[]) {
    const view = await this.threads.view(user, cohortId, null);
    const threadIds = hits.filter((hit) => hit.kind === 'thread').map((hit) => hit.id);
    const postIds = hits.filter((hit) => hit.kind === 'post').map((hit) => hit.id);
    const [threads, posts] = await Promise.all([
      threadIds.length
        ? this.dataSource.manager.find(ThreadEntity, {
            where: threadIds.map((id) => ({ id, cohortId })),
            relations: { authorMembership: true, authorUser: true },
          })
        : [],
      postIds.length
        ? this.dataSource.manager.find(PostEntity, {
            where: postIds.map((id) => ({ id, cohortId })),
            relations: { authorMembership: true, authorUser: true },
          })
        : [],
    ]);
    const reactions = await this.threads.reactionsOf(postIds, view.membershipId);
    // Pseudonyms are numbered per thread, so each post is seen through its own thread's view.
    const postViews = new Map(
      await Promise.all(
        [...new Set(posts.map((post) => post.threadId))].map(
          async (threadId) => [threadId, await this.threads.view(user, cohortId, threadId)] as const,
        ),
      ),
    );
    return new Map<string, ReturnType<ThreadsService['toThreadModel']> | ReturnType<ThreadsService['toPostModel']>>([
      ...threads.map((thread) => [thread.id, this.threads.toThreadModel(thread, view)] as const),
      ...posts.map(
        (post) =>
          [post.id, this.threads.toPostModel(post, postViews.get(post.threadId)!, reactions.get(post.id))] as const,
      ),
    ]);
  }
}
