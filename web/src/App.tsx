import { useEffect, useState } from 'react';
import { gql } from '@apollo/client';
import { client, session, TOKEN_KEY } from './api.js';
import { LANGUAGES, useI18n } from './i18n/index.js';
import { Breakout } from './pages/Breakout.js';
import { Cohort } from './pages/Cohort.js';
import { Cohorts } from './pages/Cohorts.js';
import { Directory } from './pages/Directory.js';
import { Invite } from './pages/Invite.js';
import { Login } from './pages/Login.js';
import { Manage } from './pages/Manage.js';
import { Notifications, NotificationsLink } from './pages/Notifications.js';
import { Session } from './pages/Session.js';
import { Space } from './pages/Space.js';
import { Thread } from './pages/Thread.js';
import { realtime } from './realtime.js';
import { go, useRoute } from './router.js';

const LOGOUT = gql`
  mutation Logout {
    logout
  }
`;

function Page({ route }: { route: string[] }) {
  const [section, id] = route;
  if (section === 'invite') return <Invite />;
  if (!session.token()) return <Login />;
  switch (section) {
    case 'cohorts':
      return <Cohort id={id} />;
    case 'spaces':
      return <Space id={id} />;
    case 'threads':
      return <Thread id={id} />;
    case 'directory':
      return <Directory cohortId={id} />;
    case 'manage':
      return <Manage cohortId={id} />;
    case 'sessions':
      return <Session id={id} />;
    case 'breakouts':
      return <Breakout id={id} />;
    case 'notifications':
      return <Notifications />;
    default:
      return <Cohorts />;
  }
}

export function App() {
  const { t, language, setLanguage } = useI18n();
  const route = useRoute();
  const [online, setOnline] = useState(true);
  useEffect(() => realtime.onStatus(setOnline), []);
  useEffect(() => {
    const offline = () => setOnline(false);
    const back = () => setOnline(true);
    window.addEventListener('offline', offline);
    window.addEventListener('online', back);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', back);
    };
  }, []);
  // Each sign-in and sign-out (here or in another tab) draws every page afresh: nothing of the
  // previous person's pages, state or subscriptions survives.
  const [epoch, setEpoch] = useState(0);
  const startAfresh = async () => {
    realtime.close();
    await client.clearStore();
    setEpoch((n) => n + 1);
  };
  useEffect(() => {
    const changed = (event: StorageEvent) => {
      if (event.key === null || event.key === TOKEN_KEY) void startAfresh();
    };
    window.addEventListener('storage', changed);
    return () => window.removeEventListener('storage', changed);
  }, []);
  const signOut = async () => {
    // Revoked on the server first (its sockets close too), then forgotten here.
    await client.mutate({ mutation: LOGOUT }).catch(() => undefined);
    session.signOut();
    await startAfresh();
    go('login');
  };
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('app.skip')}
      </a>
      <header className="bar">
        <a className="brand" href="#/">
          {t('app.name')}
        </a>
        <label className="language">
          {t('app.language')}{' '}
          <select value={language} onChange={(e) => setLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        {session.token() && (
          <>
            <NotificationsLink key={epoch} />
            <button type="button" onClick={() => void signOut()}>
              {t('app.signOut')}
            </button>
          </>
        )}
      </header>
      {!online && (
        <p className="status offline" role="status">
          {t('app.offline')}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Page key={epoch} route={route} />
      </main>
    </>
  );
}
