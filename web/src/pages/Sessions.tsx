import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { useState } from 'react';
import { useI18n } from '../i18n/index.js';
import { href } from '../router.js';
import { SessionTime } from '../components.js';
import { Loading } from './Loading.js';
import { ScheduleSession } from './Organise.js';

const SESSIONS = gql`
  query Sessions($cohortId: ID!) {
    sessions(cohortId: $cohortId) {
      edges {
        node {
          id
          title
          abstract
          startsAt
          endsAt
          timeZone
          state
          goingCount
          myRsvp
        }
      }
    }
  }
`;

const RSVP = gql`
  mutation Rsvp($input: RsvpInput!) {
    rsvp(input: $input) {
      id
      sessionId
      status
      goingCount
    }
  }
`;

const FEED = gql`
  mutation CreateCalendarFeed($cohortId: ID!) {
    createCalendarFeed(cohortId: $cohortId) {
      url
    }
  }
`;

interface SessionsData {
  sessions: {
    edges: {
      node: {
        id: string;
        title: string;
        abstract: string;
        startsAt: string;
        endsAt: string;
        timeZone: string;
        state: string;
        goingCount: number;
        myRsvp: string | null;
      };
    }[];
  };
}

const ANSWERS = ['GOING', 'MAYBE', 'NOT_GOING'] as const;

/** Upcoming sessions the caller may see: times in the viewer's zone and the organiser's; RSVP; calendar feed. */
export function Sessions({ cohortId, facilitator }: { cohortId: string; facilitator: boolean }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<SessionsData>(SESSIONS, { variables: { cohortId } });
  const [rsvp] = useMutation(RSVP);
  const [createFeed] = useMutation<{ createCalendarFeed: { url: string } }>(FEED);
  const [feed, setFeed] = useState<string | null>(null);
  if (error || !data) return <Loading error={error} />;
  const answer = async (sessionId: string, status: string) => {
    await rsvp({ variables: { input: { sessionId, status } } });
    await refetch();
  };
  const makeFeed = async () => {
    const result = await createFeed({ variables: { cohortId } });
    setFeed(new URL(result.data!.createCalendarFeed.url, window.location.origin).toString());
  };
  return (
    <section aria-labelledby="sessions">
      <h2 id="sessions">{t('sessions.title')}</h2>
      {data.sessions.edges.length === 0 && <p>{t('sessions.none')}</p>}
      <ul className="list">
        {data.sessions.edges.map(({ node }) => (
          <li key={node.id}>
            <h3>
              <a href={href('sessions', node.id)}>{node.title}</a>
            </h3>
            <SessionTime startsAt={node.startsAt} timeZone={node.timeZone} />
            <p>{node.abstract}</p>
            <p className="muted">{t('sessions.going', { count: node.goingCount })}</p>
            <fieldset>
              <legend>{t('sessions.rsvp')}</legend>
              {ANSWERS.map((status) => (
                <button
                  key={status}
                  type="button"
                  aria-pressed={node.myRsvp === status}
                  className={node.myRsvp === status ? 'chosen' : 'secondary'}
                  onClick={() => void answer(node.id, status)}
                >
                  {t(`sessions.${status}`)}
                </button>
              ))}
            </fieldset>
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={() => void makeFeed()}>
        {t('sessions.feed')}
      </button>
      {feed && (
        <p>
          <label>
            {t('sessions.feedUrl')}
            <input readOnly value={feed} onFocus={(e) => e.target.select()} />
          </label>
        </p>
      )}
      {facilitator && <ScheduleSession cohortId={cohortId} onScheduled={refetch} />}
    </section>
  );
}
