import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useEffect, useState } from 'react';
import { type Author, Byline, HideWithReason, InlineError, SessionTime } from '../components.js';
import { formatTime, useI18n } from '../i18n/index.js';
import { realtime } from '../realtime.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const GROUP_FIELDS = gql`
  fragment PlenaryGroup on BreakoutGroup {
    id
    name
    memberCount
    mine
    reportBack
    reportedAt
    closedAt
  }
`;

const SESSION = gql`
  query Session($id: ID!) {
    session(id: $id) {
      id
      cohortId
      title
      abstract
      startsAt
      endsAt
      timeZone
      state
      experts {
        id
      }
      questions(first: 100) {
        edges {
          node {
            ...QuestionFields
          }
        }
      }
      breakouts {
        ...PlenaryGroup
      }
    }
  }
  fragment QuestionFields on Question {
    id
    body
    votes
    votedByMe
    answered
    hidden
    hiddenReason
    createdAt
    author {
      displayName
      ministry
      country
    }
  }
  ${GROUP_FIELDS}
`;

const ROLE = gql`
  query MyRole($cohortId: ID!) {
    cohort(id: $cohortId) {
      id
      myMembership {
        id
        role
      }
    }
  }
`;

const ASK = gql`
  mutation AskQuestion($input: AskQuestionInput!) {
    askQuestion(input: $input) {
      id
    }
  }
`;

const UPVOTE = gql`
  mutation UpvoteQuestion($input: UpvoteQuestionInput!) {
    upvoteQuestion(input: $input) {
      id
      votes
      votedByMe
    }
  }
`;

const HIDE_QUESTION = gql`
  mutation HideQuestion($input: HideQuestionInput!) {
    hideQuestion(input: $input) {
      id
      hidden
      hiddenReason
    }
  }
`;

const MARK_ANSWERED = gql`
  mutation MarkQuestionAnswered($input: MarkQuestionAnsweredInput!) {
    markQuestionAnswered(input: $input) {
      id
      answered
    }
  }
`;

const SET_STATE = gql`
  mutation SetSessionState($input: SetSessionStateInput!) {
    setSessionState(input: $input) {
      id
      state
    }
  }
`;

const ASSIGN = gql`
  mutation AssignBreakouts($input: AssignBreakoutsInput!) {
    assignBreakouts(input: $input) {
      ...PlenaryGroup
    }
  }
  ${GROUP_FIELDS}
`;

interface Question {
  id: string;
  body: string;
  votes: number;
  votedByMe: boolean;
  answered: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: string;
  author: Author | null;
}

interface Group {
  id: string;
  name: string;
  memberCount: number;
  mine: boolean;
  reportBack: string | null;
  reportedAt: string | null;
  closedAt: string | null;
}

interface SessionData {
  session: {
    id: string;
    cohortId: string;
    title: string;
    abstract: string;
    startsAt: string;
    endsAt: string;
    timeZone: string;
    state: 'SCHEDULED' | 'LIVE' | 'ENDED' | 'CANCELLED';
    experts: { id: string }[];
    questions: { edges: { node: Question }[] };
    breakouts: Group[];
  };
}

/** Questions, asked before or during the session, most upvoted first; others' questions and votes arrive as they happen. */
function Questions({
  sessionId,
  connection,
  open,
  facilitator,
  speaker,
}: {
  sessionId: string;
  connection: { edges: { node: Question }[] };
  open: boolean;
  /** Facilitators get hidden questions too (labelled, with the reason), and may hide one. */
  facilitator: boolean;
  /** The caller is one of the session's speakers: they, like facilitators, mark questions answered. */
  speaker: boolean;
}) {
  const { t } = useI18n();
  const [questions, setQuestions] = useState(() => connection.edges.map((e) => e.node));
  const [body, setBody] = useState('');
  const [ask, asking] = useMutation(ASK);
  const [upvote, upvoting] = useMutation<{ upvoteQuestion: Pick<Question, 'id' | 'votes' | 'votedByMe'> }>(UPVOTE);
  const [hideQuestion] = useMutation<{ hideQuestion: Pick<Question, 'id' | 'hidden' | 'hiddenReason'> }>(HIDE_QUESTION);
  useEffect(() => setQuestions(connection.edges.map((e) => e.node)), [connection]);
  useEffect(
    () =>
      realtime.follow(`session:${sessionId}`, (event) => {
        if (event.type !== 'question.created' && event.type !== 'question.updated') return;
        // A question hidden by a facilitator reaches everyone else as its id and `hidden` only.
        const next = event.payload as Question | { id: string; hidden: true; body?: undefined };
        setQuestions((current) => {
          if (next.body === undefined) return current.filter((q) => q.id !== next.id);
          const known = current.find((q) => q.id === next.id);
          // An event is the same for every reader; whether this reader upvoted is known here.
          const merged = { ...next, votedByMe: known?.votedByMe ?? false };
          return known ? current.map((q) => (q.id === next.id ? merged : q)) : [...current, merged];
        });
      }),
    [sessionId],
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await ask({ variables: { input: { sessionId, body } } });
    setBody('');
  };
  const vote = async (questionId: string) => {
    const result = await upvote({ variables: { input: { questionId } } });
    const voted = result.data?.upvoteQuestion;
    if (voted) setQuestions((current) => current.map((q) => (q.id === voted.id ? { ...q, ...voted } : q)));
  };
  const [markAnswered, marking] = useMutation<{ markQuestionAnswered: Pick<Question, 'id' | 'answered'> }>(
    MARK_ANSWERED,
  );
  const answer = async (questionId: string, answered: boolean) => {
    const result = await markAnswered({ variables: { input: { questionId, answered } } });
    const marked = result.data?.markQuestionAnswered;
    if (marked) setQuestions((current) => current.map((q) => (q.id === marked.id ? { ...q, ...marked } : q)));
  };
  const hide = async (questionId: string, reason: string) => {
    const result = await hideQuestion({ variables: { input: { questionId, reason } } });
    const hidden = result.data?.hideQuestion;
    if (hidden) setQuestions((current) => current.map((q) => (q.id === hidden.id ? { ...q, ...hidden } : q)));
  };
  // Hidden ones (shown to facilitators only) last, so a projected screen leads with the others.
  const ordered = [...questions].sort(
    (a, b) => Number(a.hidden) - Number(b.hidden) || b.votes - a.votes || a.createdAt.localeCompare(b.createdAt),
  );
  return (
    <section aria-labelledby="questions">
      <h2 id="questions">{t('questions.title')}</h2>
      {ordered.length === 0 && <p>{t('questions.none')}</p>}
      <ol className="list" aria-live="polite">
        {ordered.map((question) => (
          <li key={question.id}>
            <article aria-label={question.body} className={question.hidden ? 'hidden' : undefined}>
              {question.hidden && (
                <p className="notice">{t('questions.hidden', { reason: question.hiddenReason ?? '' })}</p>
              )}
              <p className="body">{question.body}</p>
              <Byline author={question.author} at={question.createdAt} />
              {question.answered && <p className="badge">{t('questions.answered')}</p>}
              <button
                type="button"
                className={question.votedByMe ? 'chosen' : 'secondary'}
                aria-pressed={question.votedByMe}
                disabled={question.votedByMe || upvoting.loading}
                onClick={() => void vote(question.id)}
              >
                {t('questions.upvote', { count: question.votes })}
              </button>{' '}
              {(facilitator || speaker) && (
                <button
                  type="button"
                  className="link"
                  disabled={marking.loading}
                  onClick={() => void answer(question.id, !question.answered).catch(() => undefined)}
                >
                  {question.answered ? t('questions.unanswer') : t('questions.markAnswered')}
                </button>
              )}{' '}
              {facilitator && !question.hidden && (
                <HideWithReason
                  reasonLabel={t('questions.hideReason')}
                  submitLabel={t('questions.hideSubmit')}
                  hide={(reason) => hide(question.id, reason)}
                />
              )}
            </article>
          </li>
        ))}
      </ol>
      <InlineError error={upvoting.error ?? marking.error} />
      {open && (
        <form onSubmit={(e) => void submit(e)} aria-labelledby="ask">
          <h3 id="ask">{t('questions.ask')}</h3>
          <label>
            {t('questions.yourQuestion')}
            <textarea required rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
          </label>
          <InlineError error={asking.error} />
          <button type="submit" disabled={asking.loading}>
            {t('questions.send')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The breakout groups as the plenary sees them; the caller's own group is one click away. */
function Breakouts({
  sessionId,
  initial,
  facilitator,
  live,
}: {
  sessionId: string;
  initial: Group[];
  facilitator: boolean;
  live: boolean;
}) {
  const { t, language } = useI18n();
  const [groups, setGroups] = useState(initial);
  const [count, setCount] = useState(2);
  const [assign, assigning] = useMutation<{ assignBreakouts: Group[] }>(ASSIGN);
  useEffect(() => setGroups(initial), [initial]);
  useEffect(
    () =>
      realtime.follow(`session:${sessionId}`, (event) => {
        if (event.type !== 'breakout.updated' || !event.payload) return;
        const group = event.payload as Group;
        setGroups((current) =>
          current.some((g) => g.id === group.id)
            ? current.map((g) => (g.id === group.id ? group : g))
            : [...current, group],
        );
      }),
    [sessionId],
  );
  const split = async (event: FormEvent) => {
    event.preventDefault();
    const result = await assign({ variables: { input: { sessionId, groupCount: count } } });
    if (result.data) setGroups(result.data.assignBreakouts);
  };
  return (
    <section aria-labelledby="breakouts">
      <h2 id="breakouts">{t('breakouts.title')}</h2>
      {groups.length === 0 && <p>{t('breakouts.none')}</p>}
      <ul className="list">
        {groups.map((group) => (
          <li key={group.id}>
            <h3>{group.name}</h3>
            <p className="muted">
              {t('breakouts.size', { count: group.memberCount })}
              {group.closedAt && ` · ${t('breakouts.closed')}`}
            </p>
            {(group.mine || facilitator) && (
              <p>
                <a href={href('breakouts', group.id)}>
                  {group.mine ? t('breakouts.join', { name: group.name }) : t('breakouts.open', { name: group.name })}
                </a>
              </p>
            )}
            {group.reportBack && (
              <blockquote>
                <p className="body">{group.reportBack}</p>
                {group.reportedAt && (
                  <footer className="muted">
                    {t('breakouts.reportedAt', { time: formatTime(group.reportedAt, language) })}
                  </footer>
                )}
              </blockquote>
            )}
          </li>
        ))}
      </ul>
      {facilitator && live && (
        <form onSubmit={(e) => void split(e)} aria-labelledby="split" className="card">
          <h3 id="split">{t('breakouts.split')}</h3>
          <label>
            {t('breakouts.groupCount')}
            <input
              type="number"
              min={1}
              max={50}
              required
              value={count}
              onChange={(e) => setCount(Number(e.target.value))}
            />
          </label>
          <InlineError error={assigning.error} />
          <button type="submit" disabled={assigning.loading}>
            {t('breakouts.assign')}
          </button>
        </form>
      )}
    </section>
  );
}

const NEXT_STATE = { SCHEDULED: 'LIVE', LIVE: 'ENDED' } as const;

/** A session: its times, live questions and breakout groups; facilitators open and close it. */
export function Session({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<SessionData>(SESSION, { variables: { id } });
  const cohortId = data?.session.cohortId;
  const role = useQuery<{ cohort: { myMembership: { id: string; role: string } | null } }>(ROLE, {
    variables: { cohortId },
    skip: !cohortId,
  });
  const [setState, changing] = useMutation(SET_STATE);
  useEffect(
    () =>
      realtime.follow(
        `session:${id}`,
        (event) => {
          if (event.type === 'session.updated') void refetch();
        },
        () => void refetch(),
      ),
    [id, refetch],
  );
  if (error || !data) return <Loading error={error} />;
  const { session } = data;
  const me = role.data?.cohort.myMembership;
  const facilitator = me?.role === 'FACILITATOR';
  const speaker = session.experts.some((expert) => expert.id === me?.id);
  const next = NEXT_STATE[session.state as keyof typeof NEXT_STATE];
  const live = session.state === 'LIVE';
  return (
    <>
      <p>
        <a href={href('cohorts', session.cohortId)}>{t('common.back')}</a>
      </p>
      <h1>{session.title}</h1>
      <SessionTime startsAt={session.startsAt} timeZone={session.timeZone} />
      <p className="notice">{t(`sessions.state.${session.state}`)}</p>
      <p>{session.abstract}</p>
      {facilitator && next && (
        <p>
          <button
            type="button"
            disabled={changing.loading}
            onClick={() => void setState({ variables: { input: { sessionId: session.id, state: next } } })}
          >
            {t(`sessions.to.${next}`)}
          </button>
          <InlineError error={changing.error} />
        </p>
      )}
      <Questions
        sessionId={session.id}
        connection={session.questions}
        open={session.state === 'SCHEDULED' || live}
        facilitator={facilitator}
        speaker={speaker}
      />
      <Breakouts sessionId={session.id} initial={session.breakouts} facilitator={facilitator} live={live} />
    </>
  );
}
