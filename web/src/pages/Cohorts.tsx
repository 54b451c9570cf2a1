import { useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { useI18n } from '../i18n/index.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const ME = gql`
  query Me {
    me {
      id
      displayName
      memberships {
        id
        role
        cohort {
          id
          name
        }
      }
    }
  }
`;

interface Me {
  me: { displayName: string; memberships: { id: string; role: string; cohort: { id: string; name: string } }[] };
}

export function Cohorts() {
  const { t } = useI18n();
  const { data, error } = useQuery<Me>(ME);
  if (error || !data) return <Loading error={error} />;
  return (
    <section>
      <h1>{t('cohorts.title')}</h1>
      {data.me.memberships.length === 0 && <p>{t('cohorts.none')}</p>}
      <ul className="list">
        {data.me.memberships.map((m) => (
          <li key={m.id}>
            <a href={href('cohorts', m.cohort.id)}>{m.cohort.name}</a>{' '}
            <span className="muted">{t('cohorts.role', { role: m.role })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
