import { useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { formatTime, useI18n } from '../i18n/index.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const SPACE = gql`
  query Space($id: ID!) {
    space(id: $id) {
      id
      title
      purpose
      cohortId
    }
    threads(spaceId: $id) {
      edges {
        node {
          id
          title
          status
          replyCount
          lastActivityAt
        }
      }
    }
  }
`;

interface SpaceData {
  space: { id: string; title: string; purpose: string; cohortId: string };
  threads: { edges: { node: { id: string; title: string; replyCount: number; lastActivityAt: string } }[] };
}

export function Space({ id }: { id: string }) {
  const { t, language } = useI18n();
  const { data, loading, error } = useQuery<SpaceData>(SPACE, { variables: { id } });
  if (loading || error || !data) return <Loading error={error} />;
  return (
    <>
      <p>
        <a href={href('cohorts', data.space.cohortId)}>{t('common.back')}</a>
      </p>
      <h1>{data.space.title}</h1>
      <p>{data.space.purpose}</p>
      <section aria-labelledby="threads">
        <h2 id="threads">{t('threads.title')}</h2>
        {data.threads.edges.length === 0 && <p>{t('threads.none')}</p>}
        <ul className="list">
          {data.threads.edges.map(({ node }) => (
            <li key={node.id}>
              <a href={href('threads', node.id)}>{node.title}</a>{' '}
              <span className="muted">
                {t('threads.replies', { count: node.replyCount })} · {formatTime(node.lastActivityAt, language)}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
