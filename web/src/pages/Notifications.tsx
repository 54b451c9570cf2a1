import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { useEffect } from 'react';
import { InlineError } from '../components.js';
import { formatTime, useI18n } from '../i18n/index.js';
import { realtime } from '../realtime.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const NOTIFICATIONS = gql`
  query Notifications($unreadOnly: Boolean!) {
    notifications(unreadOnly: $unreadOnly, first: 50) {
      edges {
        node {
          id
          cohortId
          kind
          targetKind
          targetId
          createdAt
          readAt
        }
      }
    }
  }
`;

const MY_COHORTS = gql`
  query MyCohorts {
    me {
      id
      memberships {
        id
        cohort {
          id
        }
      }
    }
  }
`;

const MARK_READ = gql`
  mutation MarkNotificationsRead($input: MarkNotificationsReadInput!) {
    markNotificationsRead(input: $input) {
      id
      readAt
    }
  }
`;

interface Notification {
  id: string;
  cohortId: string;
  kind: 'HELP_REQUESTED' | 'CONTRIBUTION_INVITED';
  targetKind: 'NEED' | 'THREAD' | 'SESSION';
  targetId: string;
  createdAt: string;
  readAt: string | null;
}

interface NotificationsData {
  notifications: { edges: { node: Notification }[] };
}

/**
 * Reads the caller's notifications again whenever one arrives: they come on the topics of the
 * caller's cohorts, each to its recipient alone.
 */
function useNotifications(unreadOnly: boolean) {
  const result = useQuery<NotificationsData>(NOTIFICATIONS, { variables: { unreadOnly } });
  const cohorts = useQuery<{ me: { memberships: { cohort: { id: string } }[] } }>(MY_COHORTS);
  const { refetch } = result;
  const ids = (cohorts.data?.me.memberships ?? []).map((m) => m.cohort.id).join(' ');
  useEffect(() => {
    const stops = ids
      .split(' ')
      .filter(Boolean)
      .map((id) =>
        realtime.follow(`cohort:${id}`, (event) => {
          if (event.type === 'notification.created') void refetch();
        }),
      );
    return () => stops.forEach((stop) => stop());
  }, [ids, refetch]);
  return result;
}

/** The header's link, with how many are unread. */
export function NotificationsLink() {
  const { t } = useI18n();
  const { data } = useNotifications(true);
  const unread = data?.notifications.edges.length ?? 0;
  return <a href={href('notifications')}>{t('notifications.link', { count: unread })}</a>;
}

/** Where a notification leads: the need's cohort page, the thread, the session. */
function target(n: Notification): string {
  if (n.targetKind === 'THREAD') return href('threads', n.targetId);
  if (n.targetKind === 'SESSION') return href('sessions', n.targetId);
  return href('cohorts', n.cohortId);
}

/** What others asked of the caller. A notification names what, never who asked. */
export function Notifications() {
  const { t, language } = useI18n();
  const { data, error } = useNotifications(false);
  const [markRead, marking] = useMutation(MARK_READ, { refetchQueries: ['Notifications'] });
  if (error || !data) return <Loading error={error} />;
  const notifications = data.notifications.edges.map((e) => e.node);
  const unread = notifications.filter((n) => !n.readAt).map((n) => n.id);
  return (
    <section aria-labelledby="notifications">
      <h1 id="notifications">{t('notifications.title')}</h1>
      {notifications.length === 0 && <p>{t('notifications.none')}</p>}
      <ul className="list">
        {notifications.map((n) => (
          <li key={n.id} className={n.readAt ? undefined : 'unread'}>
            <a href={target(n)}>{t(`notifications.${n.kind}.${n.targetKind}`)}</a>{' '}
            <span className="muted">
              · <time dateTime={n.createdAt}>{formatTime(n.createdAt, language)}</time>
              {!n.readAt && ` · ${t('notifications.new')}`}
            </span>
          </li>
        ))}
      </ul>
      {unread.length > 0 && (
        <p>
          <button
            type="button"
            disabled={marking.loading}
            onClick={() => void markRead({ variables: { input: { ids: unread } } })}
          >
            {t('notifications.markRead')}
          </button>
          <InlineError error={marking.error} />
        </p>
      )}
    </section>
  );
}
