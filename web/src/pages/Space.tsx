import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { InlineError, useWritable } from '../components.js';
import { formatTime, useI18n } from '../i18n/index.js';
import { go, href } from '../router.js';
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

const START = gql`
  mutation StartThread($input: StartThreadInput!) {
    startThread(input: $input) {
      id
    }
  }
`;

const KINDS = ['CHALLENGE', 'QUESTION', 'PRACTICE', 'RESOURCE'] as const;

/** A new thread: a real challenge, a question, a practice or a resource. */
function StartThread({ spaceId }: { spaceId: string }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [kind, setKind] = useState<string>('CHALLENGE');
  const [start, { loading, error }] = useMutation<{ startThread: { id: string } }>(START);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await start({ variables: { input: { spaceId, title, body, kind } } });
    if (result.data) go('threads', result.data.startThread.id);
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="start-thread" className="card">
      <h2 id="start-thread">{t('threads.start')}</h2>
      <label>
        {t('threads.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`threads.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('threads.newTitle')}
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t('threads.newBody')}
        <textarea required rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <InlineError error={error} />
      <button type="submit" disabled={loading}>
        {t('threads.post')}
      </button>
    </form>
  );
}

interface SpaceData {
  space: { id: string; title: string; purpose: string; cohortId: string };
  threads: { edges: { node: { id: string; title: string; replyCount: number; lastActivityAt: string } }[] };
}

export function Space({ id }: { id: string }) {
  const { t, language } = useI18n();
  const { data, error } = useQuery<SpaceData>(SPACE, { variables: { id } });
  const writable = useWritable(data?.space.cohortId);
  if (error || !data) return <Loading error={error} />;
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
      {writable && <StartThread spaceId={data.space.id} />}
    </>
  );
}
