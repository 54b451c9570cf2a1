import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { Checkboxes, ConfirmAction, InlineError } from '../components.js';
import { formatTime, useI18n } from '../i18n/index.js';
import type { MessageKey } from '../i18n/en.js';
import { href } from '../router.js';
import { Lifecycle } from './Lifecycle.js';
import { Loading } from './Loading.js';

const MINISTRIES = gql`
  query ManageMinistries {
    ministries {
      code
      name
    }
  }
`;

const GRANTABLE = gql`
  query ManageGrantable($cohortId: ID!) {
    spaces(cohortId: $cohortId, first: 100) {
      edges {
        node {
          id
          title
        }
      }
    }
    sessions(cohortId: $cohortId, first: 100) {
      edges {
        node {
          id
          title
          startsAt
          state
        }
      }
    }
  }
`;

const INVITE = gql`
  mutation Invite($input: InviteInput!) {
    invite(input: $input) {
      id
      email
      token
    }
  }
`;

const INVITATIONS = gql`
  query ManageInvitations($cohortId: ID!) {
    invitations(cohortId: $cohortId, first: 100) {
      edges {
        node {
          id
          email
          role
          ministry
          country
          expiresAt
          accessExpiresAt
        }
      }
    }
  }
`;

const REVOKE = gql`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      id
      status
    }
  }
`;

const MEMBERS = gql`
  query ManageMembers($cohortId: ID!) {
    cohort(id: $cohortId) {
      id
      name
      members(first: 100) {
        edges {
          node {
            id
            role
            ministry
            country
            accessExpiresAt
            user {
              displayName
            }
          }
        }
      }
    }
  }
`;

const REMOVE = gql`
  mutation RemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      id
      status
    }
  }
`;

const INSIGHTS = gql`
  query ManageInsights($cohortId: ID!, $weeks: Int!) {
    cohortInsights(cohortId: $cohortId, weeks: $weeks) {
      activeMembers
      crossMinistryReplyRate
      crossCountryReplyRate
      needsAddressedRate
      breakdownsWithheld
      weeks
      participationByMinistry {
        ...Cell
      }
      participationByCountry {
        ...Cell
      }
    }
  }
  fragment Cell on ParticipationCell {
    week
    group
    members
    contributions
    suppressed
  }
`;

const AUDIT = gql`
  query ManageAudit($cohortId: ID!) {
    auditLog(cohortId: $cohortId, first: 50) {
      edges {
        node {
          id
          at
          action
          subjectType
          actor {
            displayName
          }
        }
      }
    }
  }
`;

const ROLES = ['FACILITATOR', 'MEMBER', 'SCHOLAR', 'VENDOR', 'OBSERVER'] as const;
type Role = (typeof ROLES)[number];
/** The roles that see only what they are granted. */
const GRANTED: readonly Role[] = ['SCHOLAR', 'VENDOR'];
const WEEKS = [4, 12, 26, 52];

interface Ministry {
  code: string;
  name: string;
}

interface Invitation {
  id: string;
  email: string;
  role: Role;
  ministry: string;
  country: string;
  expiresAt: string;
  accessExpiresAt: string | null;
}

interface Member {
  id: string;
  role: Role;
  ministry: string;
  country: string;
  accessExpiresAt: string | null;
  user: { displayName: string };
}

interface Cell {
  week: string;
  group: string;
  members: number | null;
  contributions: number | null;
  suppressed: boolean;
}

interface Insights {
  activeMembers: number;
  crossMinistryReplyRate: number | null;
  crossCountryReplyRate: number | null;
  needsAddressedRate: number | null;
  breakdownsWithheld: boolean;
  weeks: number;
  participationByMinistry: Cell[];
  participationByCountry: Cell[];
}

interface AuditEntry {
  id: string;
  at: string;
  action: string;
  subjectType: string;
  actor: { displayName: string } | null;
}

type MinistryName = (code: string) => string;

/** An end of access in the viewer's zone, or that none is set. */
function AccessEnds({ at }: { at: string | null }) {
  const { t, language } = useI18n();
  return at ? <time dateTime={at}>{formatTime(at, language)}</time> : <>{t('manage.accessOpen')}</>;
}

/** A datetime-local value is the viewer's own wall-clock time; the server wants an instant. */
function toInstant(local: string): string | null {
  return local ? new Date(local).toISOString() : null;
}

/** Spaces and sessions a scholar or vendor may be granted; sessions that are over cannot be. */
function Grants({
  cohortId,
  spaceIds,
  sessionIds,
  onSpaces,
  onSessions,
}: {
  cohortId: string;
  spaceIds: string[];
  sessionIds: string[];
  onSpaces: (ids: string[]) => void;
  onSessions: (ids: string[]) => void;
}) {
  const { t, language } = useI18n();
  const { data, error } = useQuery<{
    spaces: { edges: { node: { id: string; title: string } }[] };
    sessions: { edges: { node: { id: string; title: string; startsAt: string; state: string } }[] };
  }>(GRANTABLE, { variables: { cohortId } });
  if (error || !data) return <Loading error={error} />;
  return (
    <>
      <p className="muted">{t('manage.invite.grantsHint')}</p>
      <Checkboxes
        legend={t('manage.invite.spaces')}
        items={data.spaces.edges.map(({ node }) => ({ id: node.id, label: node.title }))}
        chosen={spaceIds}
        onChange={onSpaces}
        none={t('spaces.none')}
      />
      <Checkboxes
        legend={t('manage.invite.sessions')}
        items={data.sessions.edges
          .filter(({ node }) => node.state === 'SCHEDULED' || node.state === 'LIVE')
          .map(({ node }) => ({ id: node.id, label: `${node.title} · ${formatTime(node.startsAt, language)}` }))}
        chosen={sessionIds}
        onChange={onSessions}
        none={t('sessions.none')}
      />
    </>
  );
}

function InviteForm({ cohortId, ministries }: { cohortId: string; ministries: Ministry[] }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('MEMBER');
  const [ministry, setMinistry] = useState('');
  const [country, setCountry] = useState('');
  const [accessEnds, setAccessEnds] = useState('');
  const [spaceIds, setSpaceIds] = useState<string[]>([]);
  const [sessionIds, setSessionIds] = useState<string[]>([]);
  const [created, setCreated] = useState<{ email: string; link: string } | null>(null);
  // The token is a secret shown once: it stays out of the shared cache.
  const [invite, { loading, error }] = useMutation<{ invite: { email: string; token: string | null } }>(INVITE, {
    fetchPolicy: 'no-cache',
    refetchQueries: ['ManageInvitations', 'ManageAudit'],
  });
  const granted = GRANTED.includes(role);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const input = {
      cohortId,
      email,
      role,
      ministry,
      country: country.toUpperCase(),
      accessExpiresAt: toInstant(accessEnds),
      ...(granted ? { spaceIds, sessionIds } : {}),
    };
    const result = await invite({ variables: { input } }).catch(() => null);
    const invitation = result?.data?.invite;
    if (!invitation?.token) return;
    const link = `${window.location.origin}/#/invite?token=${encodeURIComponent(invitation.token)}`;
    setCreated({ email: invitation.email, link });
    setEmail('');
    setSpaceIds([]);
    setSessionIds([]);
  };
  return (
    <section aria-labelledby="invite">
      <h2 id="invite">{t('manage.invite.title')}</h2>
      <form onSubmit={(e) => void submit(e)} aria-labelledby="invite">
        <label>
          {t('manage.invite.email')}
          <input type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('manage.invite.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`manage.role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('manage.invite.ministry')}
          <select required value={ministry} onChange={(e) => setMinistry(e.target.value)}>
            <option value="">{t('manage.invite.chooseMinistry')}</option>
            {ministries.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('manage.invite.country')}
          <input
            required
            value={country}
            minLength={2}
            maxLength={2}
            pattern="[A-Za-z]{2}"
            autoComplete="off"
            onChange={(e) => setCountry(e.target.value)}
          />
        </label>
        <label>
          {t('manage.invite.accessEnds')}
          <input type="datetime-local" value={accessEnds} onChange={(e) => setAccessEnds(e.target.value)} />
        </label>
        {granted && (
          <Grants
            cohortId={cohortId}
            spaceIds={spaceIds}
            sessionIds={sessionIds}
            onSpaces={setSpaceIds}
            onSessions={setSessionIds}
          />
        )}
        <InlineError error={error} />
        <button type="submit" disabled={loading}>
          {t('manage.invite.submit')}
        </button>
      </form>
      {created && (
        <div className="card" role="status">
          <p>{t('manage.invite.created', { email: created.email })}</p>
          <label>
            {t('manage.invite.link')}
            <input readOnly value={created.link} onFocus={(e) => e.target.select()} />
          </label>
        </div>
      )}
    </section>
  );
}

function PendingInvitation({ invitation, ministryName }: { invitation: Invitation; ministryName: MinistryName }) {
  const { t, language } = useI18n();
  const [revoke, { loading, error }] = useMutation(REVOKE, { refetchQueries: ['ManageInvitations', 'ManageAudit'] });
  return (
    <tr>
      <th scope="row">{invitation.email}</th>
      <td>{t(`manage.role.${invitation.role}`)}</td>
      <td>{ministryName(invitation.ministry)}</td>
      <td>{invitation.country}</td>
      <td>
        <AccessEnds at={invitation.accessExpiresAt} />
      </td>
      <td>
        <time dateTime={invitation.expiresAt}>{formatTime(invitation.expiresAt, language)}</time>
      </td>
      <td>
        <button
          type="button"
          className="secondary"
          disabled={loading}
          aria-label={t('manage.pending.revokeLabel', { email: invitation.email })}
          onClick={() => void revoke({ variables: { id: invitation.id } }).catch(() => undefined)}
        >
          {t('manage.pending.revoke')}
        </button>
        <InlineError error={error} />
      </td>
    </tr>
  );
}

function PendingInvitations({ cohortId, ministryName }: { cohortId: string; ministryName: MinistryName }) {
  const { t } = useI18n();
  const { data, error } = useQuery<{ invitations: { edges: { node: Invitation }[] } }>(INVITATIONS, {
    variables: { cohortId },
  });
  const invitations = data?.invitations.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="pending">
      <h2 id="pending">{t('manage.pending.title')}</h2>
      {error || !data ? (
        <Loading error={error} />
      ) : invitations.length === 0 ? (
        <p>{t('manage.pending.none')}</p>
      ) : (
        <table aria-labelledby="pending">
          <thead>
            <tr>
              <th scope="col">{t('manage.col.email')}</th>
              <th scope="col">{t('manage.col.role')}</th>
              <th scope="col">{t('manage.col.ministry')}</th>
              <th scope="col">{t('manage.col.country')}</th>
              <th scope="col">{t('manage.col.accessEnds')}</th>
              <th scope="col">{t('manage.col.invitationExpires')}</th>
              <th scope="col">{t('manage.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <PendingInvitation key={invitation.id} invitation={invitation} ministryName={ministryName} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Removal asks once more, in the page, with the focus on the confirmation. */
function MemberRow({ member, ministryName }: { member: Member; ministryName: MinistryName }) {
  const { t } = useI18n();
  const [remove, { loading, error }] = useMutation(REMOVE, { refetchQueries: ['ManageMembers', 'ManageAudit'] });
  const name = member.user.displayName;
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{t(`manage.role.${member.role}`)}</td>
      <td>{ministryName(member.ministry)}</td>
      <td>{member.country}</td>
      <td>
        <AccessEnds at={member.accessExpiresAt} />
      </td>
      <td>
        <ConfirmAction
          label={t('manage.members.remove')}
          labelFor={t('manage.members.removeLabel', { name })}
          prompt={t('manage.members.confirmPrompt', { name })}
          confirm={t('manage.members.confirm')}
          confirmFor={t('manage.members.confirmLabel', { name })}
          pending={loading}
          onConfirm={() => remove({ variables: { input: { membershipId: member.id } } })}
        />
        <InlineError error={error} />
      </td>
    </tr>
  );
}

function Members({ cohortId, ministryName }: { cohortId: string; ministryName: MinistryName }) {
  const { t } = useI18n();
  const { data, error } = useQuery<{
    cohort: { id: string; name: string; members: { edges: { node: Member }[] } };
  }>(MEMBERS, { variables: { cohortId } });
  const members = data?.cohort.members.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="members">
      <h2 id="members">{t('manage.members.title')}</h2>
      {error || !data ? (
        <Loading error={error} />
      ) : members.length === 0 ? (
        <p>{t('manage.members.none')}</p>
      ) : (
        <table aria-labelledby="members">
          <thead>
            <tr>
              <th scope="col">{t('manage.col.name')}</th>
              <th scope="col">{t('manage.col.role')}</th>
              <th scope="col">{t('manage.col.ministry')}</th>
              <th scope="col">{t('manage.col.country')}</th>
              <th scope="col">{t('manage.col.accessEnds')}</th>
              <th scope="col">{t('manage.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <MemberRow key={member.id} member={member} ministryName={ministryName} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ParticipationTable({
  caption,
  groupHeader,
  cells,
  groupName,
}: {
  caption: string;
  groupHeader: string;
  cells: Cell[];
  groupName: (group: string) => string;
}) {
  const { t, language } = useI18n();
  const week = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('manage.insights.week')}</th>
          <th scope="col">{groupHeader}</th>
          <th scope="col">{t('manage.insights.members')}</th>
          <th scope="col">{t('manage.insights.contributions')}</th>
        </tr>
      </thead>
      <tbody>
        {cells.length === 0 && (
          <tr>
            <td colSpan={4}>{t('manage.insights.empty')}</td>
          </tr>
        )}
        {cells.map((cell) => (
          <tr key={`${cell.week}-${cell.group}`}>
            <td>
              <time dateTime={cell.week}>{week.format(new Date(cell.week))}</time>
            </td>
            <th scope="row">{groupName(cell.group)}</th>
            {cell.suppressed ? (
              <td colSpan={2}>{t('manage.insights.suppressed')}</td>
            ) : (
              <>
                <td>{cell.members}</td>
                <td>{cell.contributions}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InsightsSection({ cohortId, ministryName }: { cohortId: string; ministryName: MinistryName }) {
  const { t, language } = useI18n();
  const [weeks, setWeeks] = useState(12);
  const { data, error } = useQuery<{ cohortInsights: Insights }>(INSIGHTS, {
    variables: { cohortId, weeks },
  });
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 });
  const rate = (value: number | null) => (value === null ? t('manage.insights.noData') : percent.format(value));
  const insights = data?.cohortInsights;
  const figures: [MessageKey, string][] = insights
    ? [
        ['manage.insights.activeMembers', String(insights.activeMembers)],
        ['manage.insights.crossMinistry', rate(insights.crossMinistryReplyRate)],
        ['manage.insights.crossCountry', rate(insights.crossCountryReplyRate)],
        ['manage.insights.needsAddressed', rate(insights.needsAddressedRate)],
      ]
    : [];
  return (
    <section aria-labelledby="insights" id="insights-section">
      <h2 id="insights">{t('manage.insights.title')}</h2>
      <p className="muted">{t('manage.insights.aggregates')}</p>
      <label>
        {t('manage.insights.weeks')}
        <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>
          {WEEKS.map((n) => (
            <option key={n} value={n}>
              {t('manage.insights.weeksOption', { count: n })}
            </option>
          ))}
        </select>
      </label>
      {error || !insights ? (
        <Loading error={error} />
      ) : (
        <>
          <dl>
            {figures.map(([key, value]) => (
              <div key={key}>
                <dt>{t(key)}</dt>
                <dd className="notice">{value}</dd>
              </div>
            ))}
          </dl>
          {insights.breakdownsWithheld ? (
            <p className="notice">{t('manage.insights.withheld')}</p>
          ) : (
            <>
              <ParticipationTable
                caption={t('manage.insights.byMinistry')}
                groupHeader={t('manage.col.ministry')}
                cells={insights.participationByMinistry}
                groupName={ministryName}
              />
              <ParticipationTable
                caption={t('manage.insights.byCountry')}
                groupHeader={t('manage.col.country')}
                cells={insights.participationByCountry}
                groupName={(code) => code}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}

function AuditLog({ cohortId }: { cohortId: string }) {
  const { t, language } = useI18n();
  const { data, error } = useQuery<{ auditLog: { edges: { node: AuditEntry }[] } }>(AUDIT, {
    variables: { cohortId },
  });
  const entries = data?.auditLog.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">{t('manage.audit.title')}</h2>
      {error || !data ? (
        <Loading error={error} />
      ) : entries.length === 0 ? (
        <p>{t('manage.audit.none')}</p>
      ) : (
        <table aria-labelledby="audit">
          <thead>
            <tr>
              <th scope="col">{t('manage.audit.time')}</th>
              <th scope="col">{t('manage.audit.action')}</th>
              <th scope="col">{t('manage.audit.actor')}</th>
              <th scope="col">{t('manage.audit.subject')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{formatTime(entry.at, language)}</time>
                </td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>{entry.actor?.displayName ?? t('manage.audit.system')}</td>
                <td>{entry.subjectType}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Facilitator tools for a cohort: invitations, members, insights and the audit log. The server
 * decides who may use them; whoever may not sees its refusal in each section.
 */
export function Manage({ cohortId }: { cohortId: string }) {
  const { t } = useI18n();
  const { data } = useQuery<{ ministries: Ministry[] }>(MINISTRIES);
  const ministries = data?.ministries ?? [];
  const ministryName: MinistryName = (code) => ministries.find((m) => m.code === code)?.name ?? code;
  return (
    <>
      <p>
        <a href={href('cohorts', cohortId)}>{t('common.back')}</a>
      </p>
      <h1>{t('manage.title')}</h1>
      <InviteForm cohortId={cohortId} ministries={ministries} />
      <PendingInvitations cohortId={cohortId} ministryName={ministryName} />
      <Members cohortId={cohortId} ministryName={ministryName} />
      <InsightsSection cohortId={cohortId} ministryName={ministryName} />
      <AuditLog cohortId={cohortId} />
      <Lifecycle cohortId={cohortId} />
    </>
  );
}
