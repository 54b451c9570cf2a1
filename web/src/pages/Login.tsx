import { useMutation } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { session } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { go, href } from '../router.js';

const LOGIN = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      token
    }
  }
`;

export function Login() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failed, setFailed] = useState(false);
  const [login, { loading }] = useMutation<{ login: { token: string } }>(LOGIN);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailed(false);
    try {
      const { data } = await login({ variables: { input: { email, password } } });
      session.signIn(data!.login.token);
      go('');
    } catch {
      setFailed(true);
    }
  };
  return (
    <section className="card narrow">
      <h1>{t('login.title')}</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {t('login.email')}
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {failed && (
          <p className="error" role="alert">
            {t('login.failed')}
          </p>
        )}
        <button type="submit" disabled={loading}>
          {t('login.submit')}
        </button>
      </form>
      <p>
        <a href={href('invite')}>{t('invite.title')}</a>
      </p>
    </section>
  );
}
