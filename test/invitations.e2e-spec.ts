import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { UserEntity } from '../src/auth/user.entity.js';
import { AuditEntryEntity } from '../src/insights/audit-entry.entity.js';
import { newCohort, newMember, newUser, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const INVITE = 'mutation Invite($input: InviteInput!) { invite(input: $input) { id email role expiresAt token } }';
const ACCEPT = `mutation AcceptInvitation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) {
  token user { id displayName } membership { id role status ministry country accessExpiresAt cohort { id } } } }`;
const ME = 'query { me { id memberships { id cohort { id } } } }';

type Accepted = {
  acceptInvitation: {
    token: string;
    user: { id: string };
    membership: { id: string; role: string; country: string; cohort: { id: string } };
  };
};

describe('invitations', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
  });
  afterAll(() => t.close());

  const invite = async (email: string, extra: Record<string, unknown> = {}) =>
    (
      await t.ok<{ invite: { id: string; token: string; expiresAt: string } }>(
        INVITE,
        {
          input: { cohortId, email, role: 'MEMBER', ministry: 'planning', country: 'ke', ...extra },
        },
        facilitator.token,
      )
    ).invite;

  /** Everything an acceptance could change, to compare before and after a refusal. */
  const snapshot = async () => ({
    users: await t.dataSource.getRepository(UserEntity).count(),
    memberships: await t.dataSource.getRepository(MembershipEntity).find({ order: { id: 'ASC' } }),
    invitations: await t.dataSource.getRepository(InvitationEntity).find({ order: { id: 'ASC' } }),
  });

  it('creates an account and a membership from a new invitee, who can then log in', async () => {
    const invitation = await invite('Amina.Odhiambo@treasury.example');
    expect(invitation.token).toMatch(/^inv_/);
    const { acceptInvitation } = await t.ok<Accepted>(ACCEPT, {
      input: { token: invitation.token, displayName: 'Amina', password: 'a strong passphrase' },
    });
    expect(acceptInvitation.membership).toMatchObject({ role: 'MEMBER', country: 'KE', cohort: { id: cohortId } });
    const me = await t.ok<{ me: { memberships: { cohort: { id: string } }[] } }>(ME, {}, acceptInvitation.token);
    expect(me.me.memberships.map((m) => m.cohort.id)).toEqual([cohortId]);
    expect(await t.login('amina.odhiambo@treasury.example', 'a strong passphrase')).toMatch(/^cvn_/);
  });

  it('stores only the hash of the invitation token', async () => {
    const invitation = await invite('hash.check@gov.example');
    const stored = await t.dataSource.getRepository(InvitationEntity).findOneByOrFail({ id: invitation.id });
    expect(stored.tokenHash).not.toContain(invitation.token);
    expect(JSON.stringify(stored)).not.toContain(invitation.token);
  });

  it('adds the membership to an existing account that accepts with its own bearer token', async () => {
    const existing = await newUser(t, { email: 'existing@gov.example' });
    const invitation = await invite('existing@gov.example', { role: 'SCHOLAR' });
    const { acceptInvitation } = await t.ok<Accepted>(ACCEPT, { input: { token: invitation.token } }, existing.token);
    expect(acceptInvitation.user.id).toBe(existing.id);
    expect(acceptInvitation.token).toBe(existing.token);
    expect(acceptInvitation.membership.role).toBe('SCHOLAR');
  });

  it('refuses to create a second account for an email that has one', async () => {
    await newUser(t, { email: 'has.account@gov.example' });
    const invitation = await invite('has.account@gov.example');
    const before = await snapshot();
    const res = await t.gql(ACCEPT, {
      input: { token: invitation.token, displayName: 'X', password: 'another passphrase' },
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCOUNT_EXISTS' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a reused token and changes nothing', async () => {
    const invitation = await invite('reuse@gov.example');
    await t.ok(ACCEPT, { input: { token: invitation.token, displayName: 'Once', password: 'first passphrase' } });
    const before = await snapshot();
    const res = await t.gql(ACCEPT, {
      input: { token: invitation.token, displayName: 'Twice', password: 'second passphrase' },
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVITATION_USED' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an expired token and changes nothing', async () => {
    const invitation = await invite('late@gov.example');
    t.clock.advance(t.config.invitationTtlSeconds * 1000 + 1000);
    try {
      const before = await snapshot();
      const res = await t.gql(ACCEPT, {
        input: { token: invitation.token, displayName: 'Late', password: 'late passphrase' },
      });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVITATION_EXPIRED' });
      expect(await snapshot()).toEqual(before);
    } finally {
      t.clock.set(null);
    }
  });

  it('expires by default after 14 days', async () => {
    const invitation = await invite('fourteen@gov.example');
    const days = (new Date(invitation.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.99);
    expect(days).toBeLessThan(14.01);
  });

  it('refuses a revoked token, and lists only pending invitations', async () => {
    const invitation = await invite('revoked@gov.example');
    const LIST = 'query ($id: ID!) { invitations(cohortId: $id, first: 100) { edges { node { id email status } } } }';
    const pending = async () =>
      (
        await t.ok<{ invitations: { edges: { node: { id: string } }[] } }>(LIST, { id: cohortId }, facilitator.token)
      ).invitations.edges.map((e) => e.node.id);
    expect(await pending()).toContain(invitation.id);
    await t.ok('mutation ($id: ID!) { revokeInvitation(id: $id) { id } }', { id: invitation.id }, facilitator.token);
    expect(await pending()).not.toContain(invitation.id);
    const before = await snapshot();
    const res = await t.gql(ACCEPT, {
      input: { token: invitation.token, displayName: 'R', password: 'revoked passphrase' },
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVITATION_REVOKED' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses acceptance while logged in as someone else, and changes nothing', async () => {
    const invitation = await invite('intended@gov.example');
    const someoneElse = await newUser(t);
    const before = await snapshot();
    const res = await t.gql(ACCEPT, { input: { token: invitation.token } }, someoneElse.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INVITATION_EMAIL_MISMATCH' });
    expect(await snapshot()).toEqual(before);
  });

  it('answers an unknown token with NOT_FOUND', async () => {
    const res = await t.gql(ACCEPT, {
      input: { token: 'inv_not-a-real-token', displayName: 'N', password: 'nobody passphrase' },
    });
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('names the missing field when a new account lacks a password', async () => {
    const invitation = await invite('nopassword@gov.example');
    const res = await t.gql(ACCEPT, { input: { token: invitation.token, displayName: 'No password' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  it('lets exactly one of two concurrent acceptances win', async () => {
    const invitation = await invite('race@gov.example');
    const results = await Promise.all(
      [1, 2].map((n) =>
        t.gql(ACCEPT, { input: { token: invitation.token, displayName: `Racer ${n}`, password: 'racing passphrase' } }),
      ),
    );
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(await t.dataSource.getRepository(UserEntity).countBy({ email: 'race@gov.example' })).toBe(1);
  });

  it.each([
    [{ country: 'XX' }, 'country'],
    [{ country: 'KEN' }, 'country'],
    [{ ministry: 'defence' }, 'ministry'],
    [{ email: 'not-an-email' }, 'email'],
    [{ role: 'MEMBER', spaceIds: ['6b4a2f6e-6d5a-4a3e-9d55-0c6f1b3c2a11'] }, 'spaceIds'],
    [{ role: 'SCHOLAR', spaceIds: ['6b4a2f6e-6d5a-4a3e-9d55-0c6f1b3c2a11'] }, 'spaceIds'],
    [{ role: 'VENDOR', sessionIds: ['6b4a2f6e-6d5a-4a3e-9d55-0c6f1b3c2a11'] }, 'sessionIds'],
    [{ accessExpiresAt: '2001-01-01T00:00:00Z' }, 'accessExpiresAt'],
  ])('refuses an invitation with %j, naming %s', async (extra, field) => {
    const count = await t.dataSource.getRepository(InvitationEntity).count();
    const res = await t.gql(
      INVITE,
      { input: { cohortId, email: 'bad@gov.example', role: 'MEMBER', ministry: 'ict', country: 'KE', ...extra } },
      facilitator.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await t.dataSource.getRepository(InvitationEntity).count()).toBe(count);
  });

  it('re-admits a removed member through a new invitation, with the new terms', async () => {
    const member = await newMember(t, cohortId, { role: 'MEMBER', status: 'REMOVED' });
    const invitation = await invite(member.email, { role: 'OBSERVER' });
    const { acceptInvitation } = await t.ok<Accepted>(ACCEPT, { input: { token: invitation.token } }, member.token);
    expect(acceptInvitation.membership).toMatchObject({ id: member.membershipId, role: 'OBSERVER' });
  });

  it('refuses to invite someone who is already an active member', async () => {
    const member = await newMember(t, cohortId);
    const res = await t.gql(
      INVITE,
      { input: { cohortId, email: member.email, role: 'MEMBER', ministry: 'ict', country: 'KE' } },
      facilitator.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_MEMBER' });
  });

  it('audits invitations, acceptances, role changes and removals, and cannot be rewritten', async () => {
    const invitation = await invite('audited@gov.example');
    const { acceptInvitation } = await t.ok<Accepted>(ACCEPT, {
      input: { token: invitation.token, displayName: 'Audited', password: 'audited passphrase' },
    });
    await t.ok(
      'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id } }',
      { input: { membershipId: acceptInvitation.membership.id, role: 'OBSERVER' } },
      facilitator.token,
    );
    await t.ok(
      'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id } }',
      { input: { membershipId: acceptInvitation.membership.id } },
      facilitator.token,
    );
    const log = await t.ok<{
      auditLog: { edges: { node: { action: string; subjectId: string; actor: { displayName: string } | null } }[] };
    }>(
      'query AuditLog($cohortId: ID!) { auditLog(cohortId: $cohortId, first: 50) { edges { node { id action actor { displayName } subjectType subjectId at } } } }',
      { cohortId },
      facilitator.token,
    );
    const actions = log.auditLog.edges.map((e) => e.node.action);
    expect(actions.slice(0, 4)).toEqual([
      'membership.removed',
      'membership.role_changed',
      'invitation.accepted',
      'invitation.created',
    ]);
    await expect(t.dataSource.query('UPDATE audit_entries SET action = $1', ['rewritten'])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.getRepository(AuditEntryEntity).delete({ cohortId })).rejects.toThrow(/append-only/);
  });

  it('takes access away on the very next request after removal', async () => {
    const member = await newMember(t, cohortId);
    const read = 'query ($id: ID!) { cohort(id: $id) { id } }';
    expect((await t.gql(read, { id: cohortId }, member.token)).errors).toBeUndefined();
    await t.ok(
      'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }',
      { input: { membershipId: member.membershipId } },
      facilitator.token,
    );
    expect(await t.errorCode(read, { id: cohortId }, member.token)).toBe('NOT_FOUND');
  });

  it('keeps at least one facilitator', async () => {
    const solo = await newCohort(t);
    const only = await newMember(t, solo.id, { role: 'FACILITATOR' });
    const res = await t.gql(
      'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id } }',
      { input: { membershipId: only.membershipId, role: 'MEMBER' } },
      only.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_FACILITATOR' });
  });

  it('records denied attempts on cohort objects in the audit log', async () => {
    const member = await newMember(t, cohortId);
    await t.gql(
      INVITE,
      { input: { cohortId, email: 'x@gov.example', role: 'MEMBER', ministry: 'ict', country: 'KE' } },
      member.token,
    );
    const denied = await t.dataSource
      .getRepository(AuditEntryEntity)
      .findBy({ cohortId, actorId: member.id, action: 'access.denied' });
    expect(denied.map((d) => d.details.attempted)).toEqual(['invite']);
  });
});
