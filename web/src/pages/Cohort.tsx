import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { useEffect } from 'react';
import { formatTime, useI18n } from '../i18n/index.js';
import { realtime } from '../realtime.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';
import { Needs } from './Needs.js';
import { CreateSpace } from './Organise.js';
import { Proposals } from './Proposals.js';
import { Sessions } from './Sessions.js';

const COHORT = gql`
  query Cohort($id: ID!) {
    cohort(id: $id) {
      id
      name
      purpose
      status
      concludedAt
      archivedAt
      alumniSpaceId
      myMembership {
        id
        role
        acceptedCharterVersion
      }
      charter {
        version
        norms {
          id
          title
          text
        }
        policy {
          attribution
        }
      }
    }
  }
`;

const SPACES = gql`
  query Spaces($cohortId: ID!) {
    spaces(cohortId: $cohortId) {
      edges {
        node {
          id
          title
          purpose
        }
      }
    }
  }
`;

const ACCEPT = gql`
  mutation AcceptCharter($input: AcceptCharterInput!) {
    acceptCharter(input: $input) {
      id
      acceptedCharterVersion
    }
  }
`;

interface CohortData {
  cohort: {
    id: string;
    name: string;
    purpose: string;
    status: 'ACTIVE' | 'CONCLUDED' | 'ARCHIVED';
    concludedAt: string | null;
    archivedAt: string | null;
    alumniSpaceId: string | null;
    myMembership: { id: string; role: string; acceptedCharterVersion: number | null } | null;
    charter: { version: number; norms: { id: string; title: string; text: string }[]; policy: { attribution: string } };
  };
}

interface SpacesData {
  spaces: { edges: { node: { id: string; title: string; purpose: string } }[] };
}

function Spaces({ cohortId, facilitator }: { cohortId: string; facilitator: boolean }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<SpacesData>(SPACES, { variables: { cohortId } });
  if (error || !data) return <Loading error={error} />;
  return (
    <section aria-labelledby="spaces">
      <h2 id="spaces">{t('spaces.title')}</h2>
      {data.spaces.edges.length === 0 && <p>{t('spaces.none')}</p>}
      <ul className="list">
        {data.spaces.edges.map(({ node }) => (
          <li key={node.id}>
            <a href={href('spaces', node.id)}>{node.title}</a>
            <p className="muted">{node.purpose}</p>
          </li>
        ))}
      </ul>
      {facilitator && <CreateSpace cohortId={cohortId} onCreated={refetch} />}
    </section>
  );
}

/** After the programme: where members carry on, and that the archive is read-only. */
function Stage({ cohort }: { cohort: CohortData['cohort'] }) {
  const { t, language } = useI18n();
  if (cohort.status === 'ARCHIVED' && cohort.archivedAt)
    return (
      <p className="notice" role="note">
        {t('cohort.archived', { time: formatTime(cohort.archivedAt, language) })}
      </p>
    );
  if (cohort.status !== 'CONCLUDED' || !cohort.concludedAt) return null;
  return (
    <p className="notice" role="note">
      {t('cohort.concluded', { time: formatTime(cohort.concludedAt, language) })}{' '}
      {cohort.alumniSpaceId && <a href={href('spaces', cohort.alumniSpaceId)}>{t('cohort.alumni')}</a>}
    </p>
  );
}

/** A cohort: its charter gate until the member accepts the version in force, then its spaces. */
export function Cohort({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<CohortData>(COHORT, { variables: { id } });
  const [accept, accepting] = useMutation(ACCEPT);
  // A conclusion, an archiving or a new charter version shows at once.
  useEffect(
    () =>
      realtime.follow(
        `cohort:${id}`,
        (event) => {
          if (event.type === 'cohort.updated' || event.type === 'charter.ratified') void refetch();
        },
        () => void refetch(),
      ),
    [id, refetch],
  );
  if (error || !data) return <Loading error={error} />;
  const { cohort } = data;
  const gated = (cohort.myMembership?.acceptedCharterVersion ?? 0) < cohort.charter.version;
  const onAccept = async () => {
    await accept({ variables: { input: { cohortId: cohort.id, version: cohort.charter.version } } });
    // The cohort's live topics were refused until now.
    realtime.retryRefused();
    await refetch();
  };
  return (
    <>
      <h1>{cohort.name}</h1>
      <p>{cohort.purpose}</p>
      <Stage cohort={cohort} />
      {gated ? (
        <section className="card" aria-labelledby="charter">
          <h2 id="charter">{t('charter.title', { version: cohort.charter.version })}</h2>
          <p className="notice">{t('charter.gate')}</p>
          <p>{t('charter.attribution', { rule: cohort.charter.policy.attribution })}</p>
          <ol>
            {cohort.charter.norms.map((norm) => (
              <li key={norm.id}>
                <h3>{norm.title}</h3>
                <p>{norm.text}</p>
              </li>
            ))}
          </ol>
          <button type="button" disabled={accepting.loading} onClick={() => void onAccept()}>
            {t('charter.accept')}
          </button>
        </section>
      ) : (
        <>
          {/* What a role may not read, the server answers empty: vendors see their sessions only. */}
          <Spaces cohortId={cohort.id} facilitator={cohort.myMembership?.role === 'FACILITATOR'} />
          <Sessions cohortId={cohort.id} facilitator={cohort.myMembership?.role === 'FACILITATOR'} />
          {['FACILITATOR', 'MEMBER', 'OBSERVER'].includes(cohort.myMembership?.role ?? '') && (
            <Needs cohortId={cohort.id} helpers={['FACILITATOR', 'MEMBER'].includes(cohort.myMembership?.role ?? '')} />
          )}
          {['FACILITATOR', 'MEMBER'].includes(cohort.myMembership?.role ?? '') && (
            <p>
              <a href={href('directory', cohort.id)}>{t('directory.open')}</a>
            </p>
          )}
          {cohort.myMembership?.role === 'FACILITATOR' && (
            <p>
              <a href={href('manage', cohort.id)}>{t('manage.open')}</a>
            </p>
          )}
          {['FACILITATOR', 'MEMBER'].includes(cohort.myMembership?.role ?? '') && (
            <Proposals
              cohortId={cohort.id}
              facilitator={cohort.myMembership?.role === 'FACILITATOR'}
              onRatified={refetch}
            />
          )}
        </>
      )}
    </>
  );
}
