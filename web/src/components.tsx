import { gql } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { formatTime, useI18n } from './i18n/index.js';

export interface Author {
  displayName: string;
  ministry: string | null;
  country: string | null;
}

/** Who wrote it, as the server said: never more than it sent. */
export function Byline({ author, at }: { author: Author | null; at: string }) {
  const { t, language } = useI18n();
  const who = author
    ? [author.displayName, author.ministry, author.country].filter(Boolean).join(' · ')
    : t('thread.anonymous');
  return (
    <p className="byline">
      {who} · <time dateTime={at}>{formatTime(at, language)}</time>
    </p>
  );
}

/** The server's refusal of an action, beside the button that asked. */
export function InlineError({ error }: { error?: { message: string } | null }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <span className="error" role="alert">
      {' '}
      {t('common.error', { message: error.message })}
    </span>
  );
}

const COHORT_STAGE = gql`
  query CohortStage($id: ID!) {
    cohort(id: $id) {
      id
      status
    }
  }
`;

/**
 * Whether the cohort still takes new content (not ARCHIVED). Only for what to offer: the server
 * refuses writes to an archive whatever the page shows.
 */
export function useWritable(cohortId: string | undefined): boolean {
  const { data } = useQuery<{ cohort: { status: string } }>(COHORT_STAGE, {
    variables: { id: cohortId },
    skip: !cohortId,
  });
  return data?.cohort.status !== 'ARCHIVED';
}

/** When a session starts, in the viewer's zone, with the organiser's zone beside it. */
export function SessionTime({ startsAt, timeZone }: { startsAt: string; timeZone: string }) {
  const { t, language } = useI18n();
  return (
    <p>
      <time dateTime={startsAt}>{formatTime(startsAt, language)}</time>{' '}
      <span className="muted">
        ({t('sessions.organiserTime', { time: formatTime(startsAt, language, timeZone), zone: timeZone })})
      </span>
    </p>
  );
}
