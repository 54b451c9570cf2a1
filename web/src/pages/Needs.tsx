import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/index.js';
import { Loading } from './Loading.js';
import { WhoCouldHelp } from './WhoCouldHelp.js';

const NEEDS = gql`
  query Needs($cohortId: ID!) {
    needs(cohortId: $cohortId) {
      edges {
        node {
          id
          title
          description
          theme
          status
          supportCount
          supportedByMe
        }
      }
    }
  }
`;

const SUBMIT = gql`
  mutation SubmitNeed($input: SubmitNeedInput!) {
    submitNeed(input: $input) {
      id
    }
  }
`;

const SUPPORT = gql`
  mutation SupportNeed($input: SupportNeedInput!) {
    supportNeed(input: $input) {
      id
      supportCount
      supportedByMe
    }
  }
`;

interface NeedsData {
  needs: {
    edges: {
      node: {
        id: string;
        title: string;
        description: string;
        theme: string;
        status: string;
        supportCount: number;
        supportedByMe: boolean;
      };
    }[];
  };
}

/**
 * The needs-driven agenda: what members say they need, most supported first. `helpers`: the
 * directory is open to this reader (facilitators and members), so peers who could help are offered.
 */
export function Needs({ cohortId, helpers }: { cohortId: string; helpers: boolean }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<NeedsData>(NEEDS, { variables: { cohortId } });
  const [submit] = useMutation(SUBMIT);
  const [support] = useMutation(SUPPORT);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [theme, setTheme] = useState('');
  if (error || !data) return <Loading error={error} />;
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await submit({ variables: { input: { cohortId, title, description, theme } } });
    setTitle('');
    setDescription('');
    setTheme('');
    await refetch();
  };
  return (
    <section aria-labelledby="needs">
      <h2 id="needs">{t('needs.title')}</h2>
      <ul className="list">
        {data.needs.edges.map(({ node }) => (
          <li key={node.id}>
            <h3>{node.title}</h3>
            <p>{node.description}</p>
            <p className="muted">
              {node.theme} · {t('needs.support', { count: node.supportCount })}
            </p>
            <button
              type="button"
              disabled={node.supportedByMe}
              onClick={() => void support({ variables: { input: { needId: node.id } } })}
            >
              {node.supportedByMe ? t('needs.supported') : t('needs.supportIt')}
            </button>{' '}
            {helpers && <WhoCouldHelp needId={node.id} title={node.title} />}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void onSubmit(e)} aria-labelledby="need-form">
        <h3 id="need-form">{t('needs.submit')}</h3>
        <label>
          {t('needs.needTitle')}
          <input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('needs.description')}
          <textarea required rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          {t('needs.theme')}
          <input required value={theme} onChange={(e) => setTheme(e.target.value)} />
        </label>
        <button type="submit">{t('needs.send')}</button>
      </form>
    </section>
  );
}
