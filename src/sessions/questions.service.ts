import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Action } from '../authz/ability.factory.js';
import { Attribution } from '../charter/charter-policy.js';
import { CharterPolicyService } from '../charter/charter-policy.service.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import type { CohortRole } from '../cohorts/cohort-role.js';
import { conflict, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, type KeyPart, keysetPageBy, type PageArgs } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog, questionEvent } from '../realtime/event-log.service.js';
import { attributeTo, type Reader } from '../threads/dto/author.model.js';
import type { QuestionModel } from './dto/question.model.js';
import { QuestionEntity, QuestionVoteEntity } from './question.entity.js';
import { SessionEntity, SessionState } from './session.entity.js';
import { sessionShape, SessionsService } from './sessions.service.js';

/** Most upvoted first, then first asked; the id makes it total. */
const BY_VOTES: KeyPart<QuestionEntity>[] = [
  { column: 'q.votes', direction: 'DESC', kind: 'int', of: (question) => question.votes },
  { column: 'q.created_at', direction: 'ASC', kind: 'timestamp', of: (question) => question.createdAt },
  { column: 'q.id', direction: 'ASC', kind: 'id', of: (question) => question.id },
];

/** Questions are asked and upvoted until the session ends or is cancelled. */
function assertOpen(session: SessionEntity): void {
  if (session.state === SessionState.ENDED || session.state === SessionState.CANCELLED) {
    throw conflict(`This session is ${session.state.toLowerCase()}`, 'SESSION_CLOSED');
  }
}

/** A session already authorized for the reader. */
type SessionRef = Pick<SessionEntity, 'id' | 'cohortId'>;

/** How one reader sees the questions of one session. */
interface QuestionView {
  reader: Reader;
  membershipId: string | null;
  attribution: Attribution;
  moderator: boolean;
  pseudonym(membershipId: string): string;
}

const questionShape = (question: QuestionEntity, session: SessionEntity) => ({
  id: question.id,
  cohortId: question.cohortId,
  sessionId: question.sessionId,
  authorUserId: question.authorUserId,
  sessionExpertMembershipIds: session.expertMembershipIds,
});

/** Live Q&A: questions asked in a session, upvoted, answered, hidden by facilitators. */
@Injectable()
export class QuestionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly access: AccessService,
    private readonly policy: CharterPolicyService,
    private readonly audit: AuditService,
    private readonly events: EventLog,
  ) {}

  async ask(user: AuthUser, sessionId: string, body: string): Promise<QuestionModel> {
    const session = await this.sessions.loadAuthorized(user, 'ask', sessionId);
    assertOpen(session);
    const membership = await this.access.membershipIn(user, session.cohortId);
    if (!membership) throw notFound(); // the ability lets only members in force ask
    const question = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(QuestionEntity, {
          cohortId: session.cohortId,
          sessionId: session.id,
          authorMembershipId: membership.id,
          authorUserId: user.id,
          body: body.trim(),
        }),
      );
      await questionEvent(this.events, manager, 'question.created', saved);
      return saved;
    });
    return this.modelFor(user, question.id, session);
  }

  /** Counts once per member: upvoting again returns the question unchanged. */
  async upvote(user: AuthUser, questionId: string): Promise<QuestionModel> {
    const { question, session } = await this.loadAuthorized(user, 'ask', questionId, 'Session');
    assertOpen(session);
    const membership = await this.access.membershipIn(user, session.cohortId);
    if (!membership) throw notFound();
    await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(QuestionVoteEntity)
        .values({ questionId: question.id, membershipId: membership.id })
        .orIgnore()
        .returning('question_id')
        .execute();
      if ((inserted.raw as unknown[]).length > 0) {
        await manager.increment(QuestionEntity, { id: question.id }, 'votes', 1);
        await questionEvent(this.events, manager, 'question.updated', question);
      }
    });
    return this.modelFor(user, question.id, session);
  }

  /** A facilitator hides a question from everyone else; the reason is kept for facilitators. */
  async hide(user: AuthUser, questionId: string, reason: string): Promise<QuestionModel> {
    const { question, session } = await this.loadAuthorized(user, 'moderate', questionId, 'Question');
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        QuestionEntity,
        { id: question.id, cohortId: question.cohortId },
        { hiddenAt: new Date(), hiddenReason: reason.trim() },
      );
      await questionEvent(this.events, manager, 'question.updated', question);
      await this.audit.record(manager, {
        cohortId: question.cohortId,
        actorId: user.id,
        action: 'question.hidden',
        subjectType: 'Question',
        subjectId: question.id,
        details: { sessionId: session.id },
      });
    });
    return this.modelFor(user, question.id, session);
  }

  /** A facilitator or one of the session's speakers marks a question answered (or not). */
  async markAnswered(user: AuthUser, questionId: string, answered: boolean): Promise<QuestionModel> {
    const { question, session } = await this.loadAuthorized(user, 'answer', questionId, 'Question');
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        QuestionEntity,
        { id: question.id, cohortId: question.cohortId },
        { answeredAt: answered ? (question.answeredAt ?? new Date()) : null },
      );
      await questionEvent(this.events, manager, 'question.updated', question);
    });
    return this.modelFor(user, question.id, session);
  }

  /**
   * A question as a realtime event shows it to one reader: the model, without the reader's own
   * vote; a hidden question tells those who do not moderate only that it is hidden.
   */
  async eventPayload(user: AuthUser, questionId: string): Promise<unknown> {
    const question = isUuid(questionId)
      ? await this.dataSource.manager.findOneBy(QuestionEntity, { id: questionId })
      : null;
    if (!question) return null;
    const session = await this.sessions.loadAuthorized(user, 'read', question.sessionId);
    const view = await this.view(user, session);
    if (question.hiddenAt && !view.moderator) return { id: question.id, sessionId: session.id, hidden: true };
    return { ...(await this.modelFor(user, question.id, session)), votedByMe: false };
  }

  /** A session's questions, most upvoted first; hidden ones only for facilitators. */
  async list(user: AuthUser, session: SessionRef, page: PageArgs): Promise<Connection<QuestionModel>> {
    const view = await this.view(user, session);
    const query = this.dataSource.manager
      .createQueryBuilder(QuestionEntity, 'q')
      .leftJoinAndSelect('q.authorMembership', 'am')
      .leftJoinAndSelect('q.authorUser', 'au')
      .where('q.cohort_id = :cohortId AND q.session_id = :sessionId', {
        cohortId: session.cohortId,
        sessionId: session.id,
      });
    if (!view.moderator) query.andWhere('q.hidden_at IS NULL');
    const result = await keysetPageBy(query, page, BY_VOTES, (question) => question);
    const voted = await this.votedAmong(
      view,
      result.edges.map((edge) => edge.node.id),
    );
    return {
      pageInfo: result.pageInfo,
      edges: result.edges.map(({ cursor, node }) => ({ cursor, node: this.toModel(node, view, voted) })),
    };
  }

  /**
   * The question and its session after checking the action. Whoever cannot read the session, or
   * a hidden question without moderating, gets NOT_FOUND. `on` says whether the action is judged
   * on the session (asking, upvoting) or on the question itself (moderating, answering).
   */
  private async loadAuthorized(user: AuthUser, action: Action, id: string, on: 'Session' | 'Question') {
    const question = isUuid(id) ? await this.dataSource.manager.findOneBy(QuestionEntity, { id }) : null;
    if (!question) throw notFound();
    const session = await this.dataSource.manager.findOneByOrFail(SessionEntity, {
      id: question.sessionId,
      cohortId: question.cohortId,
    });
    // A hidden question is NOT_FOUND to whoever does not moderate, before any other refusal could
    // tell them it exists.
    const ability = await this.access.authorize(user, 'read', 'Session', sessionShape(session), session.cohortId);
    if (question.hiddenAt && !ability.can('moderate', asSubject('Session', sessionShape(session)))) throw notFound();
    if (on === 'Session') {
      await this.access.authorize(user, action, 'Session', sessionShape(session), session.cohortId);
    } else {
      const readVia = asSubject('Session', sessionShape(session));
      await this.access.authorize(
        user,
        action,
        'Question',
        questionShape(question, session),
        session.cohortId,
        readVia,
      );
    }
    return { question, session };
  }

  private async modelFor(user: AuthUser, questionId: string, session: SessionRef): Promise<QuestionModel> {
    const question = await this.dataSource.manager.findOneOrFail(QuestionEntity, {
      where: { id: questionId },
      relations: { authorMembership: true, authorUser: true },
    });
    const view = await this.view(user, session);
    return this.toModel(question, view, await this.votedAmong(view, [question.id]));
  }

  /** The reader's role and the charter's attribution rule; pseudonyms number askers in order. */
  private async view(user: AuthUser, session: SessionRef): Promise<QuestionView> {
    const membership = await this.access.membershipIn(user, session.cohortId);
    const role = (membership?.role as CohortRole | undefined) ?? null;
    const { attribution } = await this.policy.current(session.cohortId);
    const ability = await this.access.abilityFor(user);
    const pseudonyms =
      attribution === Attribution.ANONYMOUS ? await this.pseudonyms(session.id) : new Map<string, number>();
    return {
      reader: { role },
      membershipId: membership?.id ?? null,
      attribution,
      moderator: ability.can('moderate', asSubject('Session', sessionShape(session))),
      pseudonym: (membershipId) => `Participant ${pseudonyms.get(membershipId) ?? 0}`,
    };
  }

  /**
   * "Participant N", stable within a session: the order in which people first asked. Hidden
   * questions do not count, so a gap in the numbers cannot reveal one.
   */
  private async pseudonyms(sessionId: string): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ membership_id: string }[]>(
      `SELECT author_membership_id AS membership_id FROM session_questions
        WHERE session_id = $1 AND hidden_at IS NULL
       GROUP BY author_membership_id ORDER BY min(created_at), author_membership_id`,
      [sessionId],
    );
    return new Map(rows.map((row, index) => [row.membership_id, index + 1]));
  }

  private async votedAmong(view: QuestionView, questionIds: string[]): Promise<Set<string>> {
    if (!view.membershipId || questionIds.length === 0) return new Set();
    const rows = await this.dataSource.manager.find(QuestionVoteEntity, {
      select: { questionId: true },
      where: { membershipId: view.membershipId, questionId: In(questionIds) },
    });
    return new Set(rows.map((row) => row.questionId));
  }

  private toModel(question: QuestionEntity, view: QuestionView, voted: Set<string>): QuestionModel {
    const author =
      question.authorMembership && question.authorUser
        ? attributeTo(
            view.attribution,
            view.reader,
            { membership: question.authorMembership, user: question.authorUser },
            () => view.pseudonym(question.authorMembershipId),
          )
        : null;
    return {
      id: question.id,
      sessionId: question.sessionId,
      body: question.body,
      votes: question.votes,
      votedByMe: voted.has(question.id),
      answered: question.answeredAt !== null,
      hidden: question.hiddenAt !== null,
      hiddenReason: view.moderator ? question.hiddenReason : null,
      author,
      createdAt: question.createdAt,
    };
  }
}
