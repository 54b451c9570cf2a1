import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppAbility } from '../authz/ability.factory.js';
import { accessibleBy, entersSpaceSql } from '../authz/sql-conditions.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortRole } from '../cohorts/cohort-role.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { toMembershipModel } from '../cohorts/dto/membership.model.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { Clock } from '../common/clock.js';
import { badInput, forbidden, notFound } from '../common/errors.js';
import { type Connection, keysetPage } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { NeedsService } from '../needs/needs.service.js';
import { NotificationKind, NotificationTarget } from '../notifications/notification.entity.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ThreadsService } from '../threads/threads.service.js';
import type {
  DirectoryArgs,
  ExpertiseAreaModel,
  HelpSuggestionModel,
  MemberProfileModel,
  UpdateProfileInput,
} from './dto/expertise.model.js';
import { areasIn, EXPERTISE_AREAS, wordsOf } from './expertise-areas.js';
import { MemberProfileEntity } from './profile.entity.js';

/** How many candidates `askForHelp` recomputes to recognise a suggestion id. */
const CANDIDATES = 50;
/** Words of a thread shorter than this carry little meaning for matching ("the", "and", "we"). */
const MIN_WORD = 4;
const MAX_QUERY_WORDS = 64;

/** Roles that can be brought in as helpers or named contributors. */
export const FULL_MEMBER_ROLES = [CohortRole.FACILITATOR, CohortRole.MEMBER];

const areaModels = (codes: string[]): ExpertiseAreaModel[] =>
  EXPERTISE_AREAS.filter((area) => codes.includes(area.code)).map(({ code, name }) => ({ code, name }));

/** What a thread or a need is about, and where it lives. */
interface Subject {
  kind: NotificationTarget.THREAD | NotificationTarget.NEED;
  id: string;
  cohortId: string;
  text: string;
  tags: string[];
  /** For a thread: its space, whose audience a helper must be in. */
  spaceId: string | null;
}

interface Candidate {
  membershipId: string;
  userId: string;
  matched: string[];
  score: number;
}

/**
 * The expertise directory of a cohort, and "who could help with this?". Both are for the
 * cohort's full members (FACILITATOR, MEMBER), behind the charter gate, and never cross cohorts.
 */
@Injectable()
export class ExpertiseService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly window: AccessWindow,
    private readonly clock: Clock,
    private readonly threads: ThreadsService,
    private readonly needs: NeedsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /** Writes the caller's own profile in a cohort, replacing what was there. */
  async updateProfile(user: AuthUser, input: UpdateProfileInput): Promise<MemberProfileModel> {
    const { cohort } = await this.cohorts.getReadable(user, input.cohortId);
    const ability = await this.access.authorize(user, 'update', 'Directory', { cohortId: cohort.id }, cohort.id);
    const own = await this.access.membershipIn(user, cohort.id);
    if (!own) throw notFound();
    const areas = [...new Set(input.areas)];
    const languages = [...new Set(input.languages.map((code) => code.toLowerCase()))];
    const searchDocument = [
      ...areaModels(areas).map((area) => `${area.code} ${area.name}`),
      input.expertiseNotes,
      ...input.experience,
    ].join('\n');
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(MemberProfileEntity)
      .values({
        cohortId: cohort.id,
        membershipId: own.id,
        areas,
        expertiseNotes: input.expertiseNotes,
        experience: input.experience,
        languages,
        searchDocument,
      })
      .orUpdate(
        ['areas', 'expertise_notes', 'experience', 'languages', 'search_document', 'updated_at'],
        ['membership_id'],
      )
      .execute();
    const profile = await this.profiles(ability, cohort.id, { membershipId: own.id }, { first: 1 });
    return profile.edges[0].node;
  }

  /**
   * The directory: full members in force with their profiles (an empty profile for those who
   * wrote none), oldest membership first; filtered by words, area and language. Readers who may
   * not read the directory get an empty list.
   */
  async directory(user: AuthUser, args: DirectoryArgs): Promise<Connection<MemberProfileModel>> {
    const { cohort, ability } = await this.cohorts.getContentScope(user, args.cohortId);
    return this.profiles(ability, cohort.id, args, args);
  }

  private async profiles(
    ability: AppAbility,
    cohortId: string,
    filter: { membershipId?: string; query?: string | null; area?: string | null; language?: string | null },
    page: { first: number; after?: string | null },
  ): Promise<Connection<MemberProfileModel>> {
    const allowed = accessibleBy(ability, 'read', 'Directory', { cohortId: 'm.cohort_id' });
    const query = this.dataSource.manager
      .createQueryBuilder(MembershipEntity, 'm')
      .innerJoinAndSelect('m.user', 'u')
      .leftJoinAndMapOne('m.profile', MemberProfileEntity, 'p', 'p.membership_id = m.id')
      .where('m.cohort_id = :cohortId', { cohortId })
      .andWhere('m.role IN (:...listed)', { listed: FULL_MEMBER_ROLES })
      .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() })
      .andWhere(allowed.sql, allowed.params);
    if (filter.membershipId) query.andWhere('m.id = :membershipId', { membershipId: filter.membershipId });
    if (filter.area) query.andWhere(':area = ANY(p.areas)', { area: filter.area });
    if (filter.language) query.andWhere(':language = ANY(p.languages)', { language: filter.language.toLowerCase() });
    if (filter.query) {
      query.andWhere("to_tsvector('simple', p.search_document) @@ plainto_tsquery('simple', :words)", {
        words: filter.query,
      });
    }
    return keysetPage(
      query,
      { first: page.first, after: page.after ?? null },
      { at: 'm.created_at', id: 'm.id', direction: 'ASC' },
      (row) => [row.createdAt, row.id],
      (row) => {
        const profile = (row as MembershipEntity & { profile?: MemberProfileEntity }).profile;
        return {
          membership: toMembershipModel(row, ability),
          areas: areaModels(profile?.areas ?? []),
          expertiseNotes: profile?.expertiseNotes ?? '',
          experience: profile?.experience ?? [],
          languages: profile?.languages ?? [],
          updatedAt: profile?.updatedAt ?? null,
        };
      },
    );
  }

  /**
   * Members whose profiles match a thread or a need, best first: areas the text speaks of that
   * they tagged count most, then PostgreSQL full-text rank of the text's words against what they
   * wrote. Never the asker, never someone who could not read the thread, never another cohort.
   * Under ANONYMOUS attribution a suggestion names nobody.
   */
  async whoCouldHelp(
    user: AuthUser,
    target: { threadId?: string | null; needId?: string | null },
    first: number,
  ): Promise<HelpSuggestionModel[]> {
    const about = await this.subjectOf(user, target);
    const ability = await this.access.abilityFor(user);
    const asker = await this.access.membershipIn(user, about.cohortId);
    if (!asker) throw notFound();
    const candidates = (await this.candidates(user, about)).slice(0, first);
    if (candidates.length === 0) return [];
    const named = asker.attribution !== 'ANONYMOUS';
    const rows = named
      ? await this.dataSource.manager.find(MembershipEntity, {
          where: candidates.map((c) => ({ id: c.membershipId })),
          relations: { user: true },
        })
      : [];
    const asked = named ? await this.alreadyAsked(about, candidates) : new Set<string>();
    const key = await this.suggestionKey(about.cohortId);
    const suggestions = candidates.map((candidate) => {
      const row = rows.find((r) => r.id === candidate.membershipId);
      return {
        id: this.suggestionId(key, asker.id, about, candidate.membershipId),
        member: named && row ? toMembershipModel(row, ability) : null,
        // Under ANONYMOUS nothing that the directory could match back to a person: no areas, no
        // score, no "already asked" (by anyone), and an order of the asker's own ids, not of people.
        matchedAreas: named ? areaModels(candidate.matched) : [],
        score: named ? Math.round(candidate.score * 1000) / 1000 : 0,
        alreadyAsked: asked.has(candidate.membershipId),
      };
    });
    return named ? suggestions : suggestions.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * Asks the members behind the given suggestions for help: each gets a notification pointing at
   * the thread or need, which never says who asked. Returns how many were newly asked (under
   * ANONYMOUS, how many this call asked: "newly" would reveal that someone else had).
   */
  async askForHelp(
    user: AuthUser,
    target: { threadId?: string | null; needId?: string | null },
    suggestionIds: string[],
  ): Promise<number> {
    // Asking brings someone into the conversation: for those who may take part in it.
    const about = await this.subjectOf(user, target, 'ask');
    const asker = await this.access.membershipIn(user, about.cohortId);
    if (!asker) throw notFound();
    const key = await this.suggestionKey(about.cohortId);
    const candidates = await this.candidates(user, about);
    const byId = new Map(candidates.map((c) => [this.suggestionId(key, asker.id, about, c.membershipId), c]));
    const chosen = [...new Set(suggestionIds)].map((id) => byId.get(id));
    if (chosen.some((c) => !c)) {
      throw badInput('suggestionIds', 'names a suggestion that whoCouldHelp does not offer you for this');
    }
    const named = asker.attribution !== 'ANONYMOUS';
    return this.dataSource.transaction(async (manager) => {
      const created = await this.notifications.notify(
        manager,
        chosen.map((c) => ({
          cohortId: about.cohortId,
          membershipId: c!.membershipId,
          userId: c!.userId,
          kind: NotificationKind.HELP_REQUESTED,
          targetKind: about.kind,
          targetId: about.id,
        })),
      );
      await this.audit.record(manager, {
        cohortId: about.cohortId,
        actorId: user.id,
        action: 'help.requested',
        subjectType: about.kind === NotificationTarget.THREAD ? 'Thread' : 'Need',
        subjectId: about.id,
        // Who asked and how many, never whom.
        details: { asked: chosen.length },
      });
      // Under ANONYMOUS, "how many were new" would tell the asker that someone else asked them.
      return named ? created : chosen.length;
    });
  }

  /** The thread or need, read as the caller may read it, and the directory open to the caller. */
  /**
   * `ask`: also the right to take part (post in the thread's space, support the need), checked on
   * the same loaded object.
   */
  private async subjectOf(
    user: AuthUser,
    target: { threadId?: string | null; needId?: string | null },
    purpose: 'read' | 'ask' = 'read',
  ) {
    let about: Subject;
    // Read first, so that callers who may not read it learn nothing, not even about the arguments.
    if (target.threadId) {
      const thread = await this.threads.readable(user, target.threadId);
      about = {
        kind: NotificationTarget.THREAD,
        id: thread.id,
        cohortId: thread.cohortId,
        text: `${thread.title}\n${thread.body}`,
        tags: thread.tags,
        spaceId: thread.spaceId,
      };
      if (target.needId) throw badInput('needId', 'give exactly one of threadId and needId');
      if (purpose === 'ask') {
        const { id, cohortId, audienceRoles, audienceMinistries } = thread.space!;
        await this.access.authorize(
          user,
          'post',
          'Space',
          { id, cohortId, audienceRoles, audienceMinistries },
          cohortId,
        );
      }
    } else if (target.needId) {
      const need = await this.needs.loadAuthorized(user, purpose === 'ask' ? 'support' : 'read', target.needId);
      about = {
        kind: NotificationTarget.NEED,
        id: need.id,
        cohortId: need.cohortId,
        text: `${need.title}\n${need.description}\n${need.theme}`,
        tags: [],
        spaceId: null,
      };
    } else {
      throw badInput('threadId', 'give exactly one of threadId and needId');
    }
    // Readers of the thread or need who are not directory readers (scholars, observers) may not ask.
    const ability = await this.access.abilityFor(user);
    if (!ability.can('read', asSubject('Directory', { cohortId: about.cohortId }))) throw forbidden();
    return about;
  }

  /** Everyone who could help, best first: at most `CANDIDATES`, each with what matched. */
  private async candidates(user: AuthUser, about: Subject): Promise<Candidate[]> {
    const words = wordsOf(about.text);
    for (const tag of about.tags) words.add(tag.toLowerCase());
    const areas = areasIn(words);
    const queryWords = [...new Set(about.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
      .filter((word) => word.length >= MIN_WORD)
      .slice(0, MAX_QUERY_WORDS);
    const tsquery = queryWords.length > 0 ? queryWords.join(' | ') : null;
    const rows = await this.dataSource.query<
      { membership_id: string; user_id: string; matched: string[]; text_rank: number | null }[]
    >(
      `SELECT m.id AS membership_id, m.user_id,
              ARRAY(SELECT unnest(p.areas) INTERSECT SELECT unnest($3::text[]) ORDER BY 1) AS matched,
              CASE WHEN $4::text IS NULL THEN 0
                   ELSE ts_rank(to_tsvector('simple', p.search_document), to_tsquery('simple', $4)) END AS text_rank
         FROM member_profiles p
         JOIN memberships m ON m.id = p.membership_id
        WHERE p.cohort_id = $1 AND m.cohort_id = $1 AND m.user_id <> $2
          AND m.role = ANY($5::cohort_role[])
          AND ${this.window.inForceSql('m', '$6')}
          AND ($7::uuid IS NULL OR ${entersSpaceSql('m', '$7')})
          AND (p.areas && $3::text[]
               OR ($4::text IS NOT NULL AND to_tsvector('simple', p.search_document) @@ to_tsquery('simple', $4)))`,
      [about.cohortId, user.id, areas, tsquery, FULL_MEMBER_ROLES, this.clock.now(), about.spaceId],
    );
    return rows
      .map((row) => ({
        membershipId: row.membership_id,
        userId: row.user_id,
        matched: row.matched,
        // An area tagged and spoken of outweighs any amount of word overlap.
        score: row.matched.length + Math.min(0.99, Number(row.text_rank ?? 0) * 10),
      }))
      .sort((a, b) => b.score - a.score || a.membershipId.localeCompare(b.membershipId))
      .slice(0, CANDIDATES);
  }

  private async alreadyAsked(about: Subject, candidates: Candidate[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ membership_id: string }[]>(
      `SELECT membership_id FROM notifications
        WHERE kind = 'HELP_REQUESTED' AND target_id = $1 AND membership_id = ANY($2::uuid[])`,
      [about.id, candidates.map((c) => c.membershipId)],
    );
    return new Set(rows.map((row) => row.membership_id));
  }

  /**
   * Suggestion ids are keyed with a secret of the cohort and bound to the asker and the thread or
   * need: they cannot be turned back into memberships, compared across askers, or replayed elsewhere.
   */
  private suggestionId(key: string, askerMembershipId: string, about: Subject, membershipId: string): string {
    return createHmac('sha256', key)
      .update(`${askerMembershipId}:${about.kind}:${about.id}:${membershipId}`)
      .digest('base64url')
      .slice(0, 32);
  }

  private async suggestionKey(cohortId: string): Promise<string> {
    const read = () =>
      this.dataSource.query<{ key: string | null }[]>('SELECT suggestion_key AS key FROM cohorts WHERE id = $1', [
        cohortId,
      ]);
    let [row] = await read();
    if (row && !row.key) {
      // Made once, on first use; a concurrent first use keeps whichever key was written first.
      await this.dataSource.query(
        'UPDATE cohorts SET suggestion_key = gen_random_uuid() WHERE id = $1 AND suggestion_key IS NULL',
        [cohortId],
      );
      [row] = await read();
    }
    if (!row?.key) throw notFound();
    return row.key;
  }
}
