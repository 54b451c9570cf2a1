import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { Checkboxes, InlineError } from '../components.js';
import { useI18n } from '../i18n/index.js';

const CREATE_SPACE = gql`
  mutation CreateSpace($input: CreateSpaceInput!) {
    createSpace(input: $input) {
      id
    }
  }
`;

const EXPERTS = gql`
  query CohortExperts($id: ID!) {
    cohort(id: $id) {
      id
      members(first: 100) {
        edges {
          node {
            id
            role
            user {
              displayName
            }
          }
        }
      }
    }
  }
`;

const SCHEDULE = gql`
  mutation ScheduleSession($input: ScheduleSessionInput!) {
    scheduleSession(input: $input) {
      id
    }
  }
`;

const ROLES = ['FACILITATOR', 'MEMBER', 'SCHOLAR', 'VENDOR', 'OBSERVER'] as const;
const DURATIONS = [30, 60, 90, 120, 180];

/** Facilitators open a space, for the whole cohort or for some roles only. */
export function CreateSpace({ cohortId, onCreated }: { cohortId: string; onCreated: () => unknown }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [purpose, setPurpose] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [create, { loading, error }] = useMutation(CREATE_SPACE);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await create({ variables: { input: { cohortId, title, purpose, audienceRoles: roles } } });
    setTitle('');
    setPurpose('');
    setRoles([]);
    await onCreated();
  };
  return (
    <form onSubmit={(e) => void submit(e).catch(() => undefined)} aria-labelledby="create-space" className="card">
      <h3 id="create-space">{t('organise.space')}</h3>
      <label>
        {t('organise.spaceTitle')}
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t('organise.spacePurpose')}
        <textarea required rows={2} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
      </label>
      <Checkboxes
        legend={t('organise.audience')}
        items={ROLES.map((role) => ({ id: role, label: t(`manage.role.${role}`) }))}
        chosen={roles}
        onChange={setRoles}
      />
      <InlineError error={error} />
      <button type="submit" disabled={loading}>
        {t('organise.createSpace')}
      </button>
    </form>
  );
}

/**
 * Facilitators schedule a session in their own time zone, with the scholars and vendors who speak
 * (each is granted the session).
 */
export function ScheduleSession({ cohortId, onScheduled }: { cohortId: string; onScheduled: () => unknown }) {
  const { t } = useI18n();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [title, setTitle] = useState('');
  const [abstract, setAbstract] = useState('');
  const [start, setStart] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [experts, setExperts] = useState<string[]>([]);
  const members = useQuery<{
    cohort: { members: { edges: { node: { id: string; role: string; user: { displayName: string } } }[] } };
  }>(EXPERTS, { variables: { id: cohortId } });
  const [schedule, { loading, error }] = useMutation(SCHEDULE);
  const guests = (members.data?.cohort.members.edges ?? [])
    .map((e) => e.node)
    .filter((m): m is typeof m & { role: 'SCHOLAR' | 'VENDOR' } => m.role === 'SCHOLAR' || m.role === 'VENDOR');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The browser reads the local date and time in the facilitator's own zone.
    const startsAt = new Date(start);
    const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    await schedule({
      variables: {
        input: {
          cohortId,
          title,
          abstract,
          startsAt: startsAt.toISOString(),
          endsAt: endsAt.toISOString(),
          timeZone: zone,
          expertMembershipIds: experts,
        },
      },
    });
    setTitle('');
    setAbstract('');
    setStart('');
    setExperts([]);
    await onScheduled();
  };
  return (
    <form onSubmit={(e) => void submit(e).catch(() => undefined)} aria-labelledby="schedule" className="card">
      <h3 id="schedule">{t('organise.session')}</h3>
      <label>
        {t('organise.sessionTitle')}
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t('organise.abstract')}
        <textarea required rows={2} value={abstract} onChange={(e) => setAbstract(e.target.value)} />
      </label>
      <label>
        {t('organise.start', { zone })}
        <input type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <label>
        {t('organise.duration')}
        <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {DURATIONS.map((n) => (
            <option key={n} value={n}>
              {t('organise.minutes', { count: n })}
            </option>
          ))}
        </select>
      </label>
      {guests.length > 0 && (
        <Checkboxes
          legend={t('organise.experts')}
          items={guests.map((guest) => ({
            id: guest.id,
            label: `${guest.user.displayName} (${t(`manage.role.${guest.role}`)})`,
          }))}
          chosen={experts}
          onChange={setExperts}
        />
      )}
      <InlineError error={error} />
      <button type="submit" disabled={loading}>
        {t('organise.schedule')}
      </button>
    </form>
  );
}
