import { useMutation } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { session } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { go } from '../router.js';

const ACCEPT = gql`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      token
      membership {
        id
        cohort {
          id
        }
      }
    }
  }
`;

/** A new account from an invitation: name and password; then straight to the cohort's charter. */
export function Invite() {
  const { t } = useI18n();
  const [token, setToken] = useState(new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('token') ?? '');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [accept, { loading }] = useMutation<{
    acceptInvitation: { token: string; membership: { cohort: { id: string } } };
  }>(ACCEPT);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await accept({ variables: { input: { token, displayName, password } } });
      session.signIn(data!.acceptInvitation.token);
      go('cohorts', data!.acceptInvitation.membership.cohort.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="card narrow">
      <h1>{t('invite.title')}</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {t('invite.token')}
          <input required value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <label>
          {t('invite.name')}
          <input required autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label>
          {t('invite.password')}
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {t('common.error', { message: error })}
          </p>
        )}
        <button type="submit" disabled={loading}>
          {t('invite.submit')}
        </button>
      </form>
    </section>
  );
}
