import { useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/index.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const DIRECTORY = gql`
  query ExpertiseDirectory($cohortId: ID!, $query: String, $area: String, $language: String) {
    expertiseAreas {
      code
      name
    }
    expertiseDirectory(cohortId: $cohortId, query: $query, area: $area, language: $language, first: 50) {
      edges {
        node {
          membership {
            id
            ministry
            country
            user {
              displayName
            }
          }
          areas {
            code
            name
          }
          experience
          languages
        }
      }
    }
  }
`;

interface DirectoryData {
  expertiseAreas: { code: string; name: string }[];
  expertiseDirectory: {
    edges: {
      node: {
        membership: { id: string; ministry: string; country: string; user: { displayName: string } };
        areas: { code: string; name: string }[];
        experience: string[];
        languages: string[];
      };
    }[];
  };
}

/** Find peers in one's own cohort by what they know, the words they used, and the languages they speak. */
export function Directory({ cohortId }: { cohortId: string }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<{ query?: string; area?: string; language?: string }>({});
  const [query, setQuery] = useState('');
  const [area, setArea] = useState('');
  const [language, setLanguage] = useState('');
  const { data, loading, error } = useQuery<DirectoryData>(DIRECTORY, { variables: { cohortId, ...filters } });
  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ query: query || undefined, area: area || undefined, language: language || undefined });
  };
  return (
    <>
      <p>
        <a href={href('cohorts', cohortId)}>{t('common.back')}</a>
      </p>
      <h1>{t('directory.title')}</h1>
      <form onSubmit={search} role="search" aria-label={t('directory.title')}>
        <label>
          {t('directory.words')}
          <input value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label>
          {t('directory.area')}
          <select value={area} onChange={(e) => setArea(e.target.value)}>
            <option value="">{t('directory.anyArea')}</option>
            {data?.expertiseAreas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('directory.language')}
          <input value={language} maxLength={2} onChange={(e) => setLanguage(e.target.value)} />
        </label>
        <button type="submit">{t('directory.search')}</button>
      </form>
      {loading || error || !data ? (
        <Loading error={error} />
      ) : (
        <ul className="list" aria-live="polite">
          {data.expertiseDirectory.edges.length === 0 && <li>{t('directory.none')}</li>}
          {data.expertiseDirectory.edges.map(({ node }) => (
            <li key={node.membership.id}>
              <h2>{node.membership.user.displayName}</h2>
              <p className="muted">
                {node.membership.ministry} · {node.membership.country}
                {node.languages.length > 0 && ` · ${node.languages.join(', ')}`}
              </p>
              {node.areas.length > 0 && <p>{node.areas.map((a) => a.name).join(', ')}</p>}
              {node.experience.map((line) => (
                <p key={line}>{line}</p>
              ))}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
