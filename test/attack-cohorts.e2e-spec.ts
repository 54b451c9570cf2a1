import { randomBytes, randomUUID } from 'node:crypto';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { UserEntity } from '../src/auth/user.entity.js';
import { AuditEntryEntity } from '../src/insights/audit-entry.entity.js';
import { adminToken, newCohort, newMember, newUser, TEST_PASSWORD, type TestMember } from './harness/factories.js';
import { type GqlResponse, startTestApp, TEST_ADMIN, type TestApp } from './harness/test-app.js';

/**
 * Security review of cohorts, memberships, invitations and the audit log. Every test asserts the
 * SAFE outcome: a failing test is a vulnerability (see the report beside each `describe`).
 */

const COHORT = 'query ($id: ID!) { cohort(id: $id) { id name purpose } }';
const MEMBERS = `query ($id: ID!, $status: MembershipStatus, $after: String, $first: Int) {
  cohort(id: $id) { id members(first: $first, status: $status, after: $after) {
    edges { cursor node { id role status ministry country accessExpiresAt acceptedCharterVersion
      grantedSpaceIds grantedSessionIds user { id displayName email memberships { id } } cohort { id } } }
    pageInfo { hasNextPage endCursor } } } }`;
const ME = 'query { me { id email memberships { id role status accessExpiresAt cohort { id name } } } }';
const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { id email role expiresAt token } }';
const ACCEPT = `mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) {
  token user { id } membership { id role status accessExpiresAt cohort { id } } } }`;
const CHANGE_ROLE = 'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';
const INVITATIONS =
  'query ($id: ID!, $after: String) { invitations(cohortId: $id, after: $after) { edges { node { id email } } } }';
const REVOKE = 'mutation ($id: ID!) { revokeInvitation(id: $id) { id status } }';
const AUDIT = `query ($id: ID!, $after: String) { auditLog(cohortId: $id, first: 50, after: $after) {
  edges { node { id action subjectType subjectId actor { id displayName email memberships { id } } } } } }`;

type MemberRow = {
  id: string;
  role: string;
  status: string;
  accessExpiresAt: string | null;
  acceptedCharterVersion: number | null;
  grantedSpaceIds: string[];
  grantedSessionIds: string[];
  user: { id: string; email: string | null; memberships: { id: string }[] };
  cohort: { id: string };
};
type MembersData = {
  cohort: { members: { edges: { cursor: string; node: MemberRow }[]; pageInfo: { endCursor: string | null } } };
};

const cursorOf = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
const codes = (res: GqlResponse) => res.errors?.map((e) => e.extensions?.code);
const strip = (res: GqlResponse) => ({
  status: res.status,
  data: res.data,
  errors: res.errors?.map((e) => ({ message: e.message, extensions: e.extensions })),
});

/** No error may carry a stack, SQL or internal names. */
function expectNoInternals(res: GqlResponse) {
  const text = JSON.stringify(res.errors ?? []);
  expect(text).not.toMatch(/stack|QueryFailed|typeorm|postgres|SELECT |INSERT |syntax for type|\bat \/|\.ts:\d|uuid:/i);
  expect(codes(res) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
}

describe('attack: cohorts, memberships, invitations, audit log', () => {
  let t: TestApp;
  let admin: string;
  let A: string; // the target cohort
  let B: string; // another cohort
  let F: TestMember; // facilitator of A
  let M: TestMember; // member of A
  let S: TestMember; // scholar of A
  let V: TestMember; // vendor of A
  let O: TestMember; // observer of A
  let R: TestMember; // removed member of A
  let E: TestMember; // facilitator of A whose access window has passed
  let FB: TestMember; // facilitator of B
  let MB: TestMember; // member of B only
  let invitationA: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminToken(t);
    A = (await newCohort(t)).id;
    B = (await newCohort(t)).id;
    F = await newMember(t, A, { role: 'FACILITATOR' });
    M = await newMember(t, A, { role: 'MEMBER', accessExpiresAt: new Date(Date.now() + 30 * 86_400_000) });
    S = await newMember(t, A, { role: 'SCHOLAR' });
    V = await newMember(t, A, { role: 'VENDOR', accessExpiresAt: new Date(Date.now() + 86_400_000) });
    O = await newMember(t, A, { role: 'OBSERVER' });
    R = await newMember(t, A, { role: 'MEMBER', status: 'REMOVED' });
    E = await newMember(t, A, { role: 'FACILITATOR', accessExpiresAt: new Date(Date.now() - 60_000) });
    FB = await newMember(t, B, { role: 'FACILITATOR' });
    MB = await newMember(t, B, { role: 'MEMBER' });
    // Give the private fields something to leak.
    const repo = t.dataSource.getRepository(MembershipEntity);
    for (const m of [F, M, S, V, O]) await repo.update({ id: m.membershipId }, { acceptedCharterVersion: 1 });
    await repo.update({ id: S.membershipId }, { grantedSpaceIds: [randomUUID()] });
    await repo.update({ id: V.membershipId }, { grantedSessionIds: [randomUUID()] });
    invitationA = (
      await t.ok<{ invite: { id: string } }>(
        INVITE,
        {
          input: {
            cohortId: A,
            email: `pending-${randomBytes(3).toString('hex')}@gov.example`,
            role: 'MEMBER',
            ministry: 'ict',
            country: 'KE',
          },
        },
        F.token,
      )
    ).invite.id;
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(null));

  // ------------------------------------------------------------------ field-level leaks

  describe('field-level leaks in the member list', () => {
    it.each(['MEMBER', 'SCHOLAR', 'OBSERVER'] as const)(
      '%s sees only public fields of other members (no email, window, grants, charter version)',
      async (role) => {
        const reader = { MEMBER: () => M, SCHOLAR: () => S, OBSERVER: () => O }[role]();
        const res = await t.gql<MembersData>(MEMBERS, { id: A, first: 100 }, reader.token);
        expect(res.errors).toBeUndefined();
        const rows = res.data!.cohort.members.edges.map((e) => e.node);
        expect(rows.length).toBeGreaterThan(3);
        for (const row of rows) {
          expect(row.cohort.id).toBe(A);
          expect(row.status).toBe('ACTIVE');
          if (row.id === reader.membershipId) {
            expect(row.user.email).toBe(reader.email);
            continue;
          }
          expect(row.user.email).toBeNull();
          expect(row.accessExpiresAt).toBeNull();
          expect(row.acceptedCharterVersion).toBeNull();
          expect(row.grantedSpaceIds).toEqual([]);
          expect(row.grantedSessionIds).toEqual([]);
          expect(row.user.memberships).toEqual([]);
        }
        // Removed members are for managers only.
        const removed = await t.gql<MembersData>(MEMBERS, { id: A, status: 'REMOVED' }, reader.token);
        expect(removed.data!.cohort.members.edges).toEqual([]);
      },
    );

    it('VENDOR sees no one but itself, active or removed', async () => {
      const res = await t.gql<MembersData>(MEMBERS, { id: A, first: 100 }, V.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.cohort.members.edges.map((e) => e.node.id)).toEqual([V.membershipId]);
      const removed = await t.gql<MembersData>(MEMBERS, { id: A, status: 'REMOVED' }, V.token);
      expect(removed.data!.cohort.members.edges).toEqual([]);
    });

    it('nested paths (me.memberships.cohort.members) apply the same redaction', async () => {
      const res = await t.gql<{
        me: {
          memberships: {
            cohort: {
              members: {
                edges: { node: { id: string; accessExpiresAt: string | null; user: { email: string | null } } }[];
              };
            };
          }[];
        };
      }>(
        'query { me { memberships { cohort { members(first: 100) { edges { node { id accessExpiresAt user { email } } } } } } } }',
        {},
        M.token,
      );
      expect(res.errors).toBeUndefined();
      const others = res
        .data!.me.memberships.flatMap((m) => m.cohort.members.edges.map((e) => e.node))
        .filter((n) => n.id !== M.membershipId);
      expect(others.length).toBeGreaterThan(0);
      for (const n of others) expect([n.user.email, n.accessExpiresAt]).toEqual([null, null]);
    });

    it('a VENDOR cannot reach others through myMembership.cohort.members', async () => {
      const res = await t.gql<{
        cohort: { myMembership: { cohort: { members: { edges: { node: { id: string } }[] } } } };
      }>(
        'query ($id: ID!) { cohort(id: $id) { myMembership { cohort { members(first: 100) { edges { node { id } } } } } } }',
        { id: A },
        V.token,
      );
      expect(res.data!.cohort.myMembership.cohort.members.edges.map((e) => e.node.id)).toEqual([V.membershipId]);
    });

    it('audit log actors show no email and no memberships of other users', async () => {
      const res = await t.gql<{
        auditLog: { edges: { node: { actor: { id: string; email: string | null; memberships: unknown[] } | null } }[] };
      }>(AUDIT, { id: A }, F.token);
      expect(res.errors).toBeUndefined();
      for (const { node } of res.data!.auditLog.edges) {
        if (node.actor && node.actor.id !== F.id)
          expect([node.actor.email, node.actor.memberships]).toEqual([null, []]);
      }
    });

    it('removed and expired members no longer see the cohort in me.memberships', async () => {
      for (const who of [R, E, MB]) {
        const me = await t.ok<{ me: { memberships: { cohort: { id: string } }[] } }>(ME, {}, who.token);
        expect(me.me.memberships.map((m) => m.cohort.id)).not.toContain(A);
      }
    });
  });

  // ------------------------------------------------------------------ enumeration

  describe('outsiders get exactly the answer for a missing id', () => {
    const ops = () =>
      [
        ['cohort', (id: string) => [COHORT, { id }]],
        ['members', (id: string) => [MEMBERS, { id }]],
        ['invitations', (id: string) => [INVITATIONS, { id }]],
        ['auditLog', (id: string) => [AUDIT, { id }]],
        [
          'invite',
          (id: string) => [
            INVITE,
            { input: { cohortId: id, email: 'x@gov.example', role: 'MEMBER', ministry: 'ict', country: 'KE' } },
          ],
        ],
        [
          'invite with a past window',
          (id: string) => [
            INVITE,
            {
              input: {
                cohortId: id,
                email: 'x@gov.example',
                role: 'MEMBER',
                ministry: 'ict',
                country: 'KE',
                accessExpiresAt: '2001-01-01T00:00:00Z',
              },
            },
          ],
        ],
        [
          'changeRole',
          (id: string) => [CHANGE_ROLE, { input: { membershipId: id, role: 'FACILITATOR' } }],
          'membership',
        ],
        ['removeMember', (id: string) => [REMOVE, { input: { membershipId: id } }], 'membership'],
        ['revokeInvitation', (id: string) => [REVOKE, { id }], 'invitation'],
      ] as const satisfies readonly (readonly [
        string,
        (id: string) => readonly [string, Record<string, unknown>],
        ...string[],
      ])[];

    it.each(['member of another cohort', 'removed member', 'expired facilitator', 'facilitator of another cohort'])(
      '%s: every cohort operation on A answers like a missing id, and changes nothing',
      async (who) => {
        const token = {
          'member of another cohort': MB,
          'removed member': R,
          'expired facilitator': E,
          'facilitator of another cohort': FB,
        }[who]!.token;
        const before = await t.dataSource
          .getRepository(MembershipEntity)
          .find({ where: { cohortId: A }, order: { id: 'ASC' } });
        const invitesBefore = await t.dataSource.getRepository(InvitationEntity).countBy({ cohortId: A });
        for (const [name, build, kind] of ops()) {
          const real = kind === 'membership' ? M.membershipId : kind === 'invitation' ? invitationA : A;
          for (const id of [real, real.toUpperCase()]) {
            const [doc, vars] = build(id);
            const [mdoc, mvars] = build(randomUUID());
            const foreign = await t.gql(doc, vars, token);
            const missing = await t.gql(mdoc, mvars, token);
            expect({ name, id, ...strip(foreign) }).toEqual({ name, id, ...strip(missing) });
            expectNoInternals(foreign);
          }
        }
        expect(
          await t.dataSource.getRepository(MembershipEntity).find({ where: { cohortId: A }, order: { id: 'ASC' } }),
        ).toEqual(before);
        expect(await t.dataSource.getRepository(InvitationEntity).countBy({ cohortId: A })).toBe(invitesBefore);
      },
    );

    it('unauthenticated callers get UNAUTHENTICATED for existing and missing ids alike', async () => {
      for (const [, build] of ops()) {
        const [doc, vars] = build(A);
        const [mdoc, mvars] = build(randomUUID());
        const real = await t.gql(doc, vars);
        expect(codes(real)).toEqual(['UNAUTHENTICATED']);
        expect(strip(real)).toEqual(strip(await t.gql(mdoc, mvars)));
      }
      expect(codes(await t.gql(ME))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await t.gql('{ ministries { code } }'))).toEqual(['UNAUTHENTICATED']);
    });

    it('ids that are not UUIDs, SQL-looking ids and very long ids are NOT_FOUND or BAD_USER_INPUT, never internal', async () => {
      for (const id of [
        "' OR 1=1 --",
        '1',
        'null',
        `${A}'`,
        `${A}\n`,
        `{${A}}`,
        A.replace(/-/g, ''),
        'x'.repeat(20_000),
      ]) {
        const res = await t.gql(COHORT, { id }, M.token);
        expect(codes(res)).toEqual(['NOT_FOUND']);
        expectNoInternals(res);
        const change = await t.gql(CHANGE_ROLE, { input: { membershipId: id, role: 'FACILITATOR' } }, M.token);
        expect(codes(change)).toEqual(['BAD_USER_INPUT']);
        expectNoInternals(change);
        const audit = await t.gql(AUDIT, { id }, F.token);
        expect(codes(audit)).toEqual(['NOT_FOUND']);
      }
    });

    it('a huge or malformed request body is refused without a 500, a stack or file paths', async () => {
      const send = (body: string) =>
        t
          .http()
          .post('/graphql')
          .set('content-type', 'application/json')
          .set('authorization', `Bearer ${M.token}`)
          .send(body);
      const seen: string[] = [];
      for (const body of [
        JSON.stringify({ query: COHORT, variables: { id: 'y'.repeat(2_000_000) } }),
        '{"query": "{ me { id } ',
        '{"query": 1e999999}',
      ]) {
        const res = await send(body);
        const leak = /node_modules[^ <)]*|\/work\/[^ <)]*|\bat [A-Z][\w.]+ \(/.exec(String(res.text))?.[0];
        seen.push(`${res.status} ${leak ? `leaks ${leak}` : 'clean'}`);
      }
      expect(seen.filter((answer) => /^5|leaks/.test(answer))).toEqual([]);
    });

    it('invitation tokens: unknown, malformed, access tokens and very long ones reveal nothing', async () => {
      for (const token of ['inv_nope', "inv_' OR 1=1 --", M.token, '']) {
        const res = await t.gql(ACCEPT, {
          input: { token, displayName: 'Probe', password: 'a long enough passphrase' },
        });
        expect(codes(res)).toEqual(['NOT_FOUND']);
        expectNoInternals(res);
      }
      const long = await t.gql(ACCEPT, {
        input: { token: 'inv_' + 'a'.repeat(100_000), displayName: 'P', password: 'a long enough passphrase' },
      });
      expect(codes(long)).toEqual(['BAD_USER_INPUT']);
      expectNoInternals(long);
    });

    it("granting another cohort's space in an invitation answers exactly as a space that does not exist", async () => {
      const space = await t.gql<{ createSpace: { id: string } }>(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        { input: { cohortId: A, title: 'Secret space', purpose: 'p' } },
        F.token,
      );
      expect(space.errors).toBeUndefined();
      const grant = (spaceId: string) =>
        t.gql(
          INVITE,
          {
            input: {
              cohortId: B,
              email: 'g@gov.example',
              role: 'SCHOLAR',
              ministry: 'ict',
              country: 'KE',
              spaceIds: [spaceId],
            },
          },
          FB.token,
        );
      expect(strip(await grant(space.data!.createSpace.id))).toEqual(strip(await grant(randomUUID())));
    });

    it('batched HTTP requests (an array of operations) are refused without leaking anything', async () => {
      const res = await t
        .http()
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${MB.token}`)
        .send([
          { query: COHORT, variables: { id: A } },
          { query: COHORT, variables: { id: randomUUID() } },
        ]);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(String(res.text)).not.toMatch(/node_modules|\/work\/|"name"/);
    });
  });

  describe('what managers see stays inside their cohort', () => {
    it('invitation tokens are never shown again, not even to the facilitator', async () => {
      const res = await t.ok<{ invitations: { edges: { node: { token: string | null } }[] } }>(
        'query ($id: ID!) { invitations(cohortId: $id, first: 100) { edges { node { token } } } }',
        { id: A },
        F.token,
      );
      expect(res.invitations.edges.length).toBeGreaterThan(0);
      for (const { node } of res.invitations.edges) expect(node.token).toBeNull();
    });

    it("the audit log of A holds nothing about B's objects", async () => {
      const res = await t.ok<{ auditLog: { edges: { node: { subjectId: string } }[] } }>(AUDIT, { id: A }, F.token);
      const foreign = new Set([B, FB.membershipId, MB.membershipId]);
      expect(res.auditLog.edges.filter((e) => foreign.has(e.node.subjectId))).toEqual([]);
    });
  });

  // ------------------------------------------------------------------ cursors and page sizes

  describe('cursors and page arguments', () => {
    it("a cursor taken from another cohort's list reads only the caller's cohort", async () => {
      const b = await t.ok<MembersData>(MEMBERS, { id: B, first: 1 }, FB.token);
      const foreignCursor = b.cohort.members.edges[0].cursor;
      const res = await t.gql<MembersData>(MEMBERS, { id: A, after: foreignCursor, first: 100 }, M.token);
      expect(res.errors).toBeUndefined();
      for (const { node } of res.data!.cohort.members.edges) expect(node.cohort.id).toBe(A);
      // An "earliest possible" cursor still stays inside the cohort and the caller's rights.
      const all = await t.gql<MembersData>(
        MEMBERS,
        { id: A, after: cursorOf(['1970-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000']), first: 100 },
        V.token,
      );
      expect(all.data!.cohort.members.edges.map((e) => e.node.id)).toEqual([V.membershipId]);
    });

    it.each([
      ['members', MEMBERS, () => M.token],
      ['invitations', INVITATIONS, () => F.token],
      ['auditLog', AUDIT, () => F.token],
    ])(
      'a crafted %s cursor with values of the wrong type is BAD_USER_INPUT (field after), not a 500',
      async (_name, doc, token) => {
        for (const key of [
          ['not-a-date', 'not-a-uuid'],
          [0, 0],
          ['2020-01-01T00:00:00.000Z', "x' OR '1'='1"],
        ]) {
          const res = await t.gql(doc, { id: A, after: cursorOf(key) }, token());
          expectNoInternals(res);
          expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
        }
      },
    );

    it('page sizes outside 1..100 on the member list are BAD_USER_INPUT', async () => {
      for (const first of [0, -1, 101, 1_000_000]) {
        const res = await t.gql(MEMBERS, { id: A, first }, M.token);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });

  // ------------------------------------------------------------------ escalation

  describe('escalation', () => {
    it.each(['MEMBER', 'SCHOLAR', 'VENDOR', 'OBSERVER'] as const)(
      '%s cannot change its own role or remove anyone',
      async (role) => {
        const who = { MEMBER: () => M, SCHOLAR: () => S, VENDOR: () => V, OBSERVER: () => O }[role]();
        const repo = t.dataSource.getRepository(MembershipEntity);
        const before = await repo.find({ where: { cohortId: A }, order: { id: 'ASC' } });
        const self = await t.gql(
          CHANGE_ROLE,
          { input: { membershipId: who.membershipId, role: 'FACILITATOR' } },
          who.token,
        );
        expect(codes(self)).toEqual(['FORBIDDEN']);
        const other = await t.gql(REMOVE, { input: { membershipId: F.membershipId } }, who.token);
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(other)?.[0]);
        const inv = await t.gql(
          INVITE,
          { input: { cohortId: A, email: 'friend@gov.example', role: 'FACILITATOR', ministry: 'ict', country: 'KE' } },
          who.token,
        );
        expect(codes(inv)).toEqual(['FORBIDDEN']);
        expect(await repo.find({ where: { cohortId: A }, order: { id: 'ASC' } })).toEqual(before);
      },
    );

    it('only facilitators read the audit log; the platform admin does not', async () => {
      for (const who of [M.token, S.token, V.token, O.token, admin]) {
        const res = await t.gql(AUDIT, { id: A }, who);
        expect(codes(res)).toEqual(['FORBIDDEN']);
      }
    });

    it('a facilitator who demotes itself loses its powers within the same document (aliases)', async () => {
      const c = (await newCohort(t)).id;
      const f1 = await newMember(t, c, { role: 'FACILITATOR' });
      await newMember(t, c, { role: 'FACILITATOR' });
      const res = await t.gql(
        `mutation ($self: ChangeRoleInput!, $inv: InviteInput!) {
          a: changeRole(input: $self) { id role }
          b: invite(input: $inv) { id token } }`,
        {
          self: { membershipId: f1.membershipId, role: 'MEMBER' },
          inv: { cohortId: c, email: 'late@gov.example', role: 'FACILITATOR', ministry: 'ict', country: 'KE' },
        },
        f1.token,
      );
      expect(res.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['b', 'FORBIDDEN']]);
      expect(await t.dataSource.getRepository(InvitationEntity).countBy({ cohortId: c })).toBe(0);
    });

    it('an invitation cannot be accepted for another email, while logged in or not', async () => {
      const email = `bound-${randomBytes(3).toString('hex')}@gov.example`;
      await newUser(t, { email });
      const inv = (
        await t.ok<{ invite: { token: string } }>(
          INVITE,
          { input: { cohortId: A, email, role: 'FACILITATOR', ministry: 'ict', country: 'KE' } },
          F.token,
        )
      ).invite;
      const attacker = await newUser(t);
      const asOther = await t.gql(ACCEPT, { input: { token: inv.token } }, attacker.token);
      expect(codes(asOther)).toEqual(['FORBIDDEN']);
      const anon = await t.gql(ACCEPT, {
        input: { token: inv.token, displayName: 'Impostor', password: 'impostor passphrase' },
      });
      expect(codes(anon)).toEqual(['CONFLICT']);
      // Case and whitespace games on the caller's side change nothing.
      expect(await t.dataSource.getRepository(MembershipEntity).countBy({ cohortId: A, userId: attacker.id })).toBe(0);
    });

    it('a used invitation cannot be re-accepted to gain its role again after a demotion', async () => {
      const email = `reuse-${randomBytes(3).toString('hex')}@gov.example`;
      const inv = (
        await t.ok<{ invite: { token: string } }>(
          INVITE,
          { input: { cohortId: A, email, role: 'MEMBER', ministry: 'ict', country: 'KE' } },
          F.token,
        )
      ).invite;
      const joined = await t.ok<{ acceptInvitation: { token: string; membership: { id: string } } }>(ACCEPT, {
        input: { token: inv.token, displayName: 'Reuser', password: 'a long enough passphrase' },
      });
      await t.ok(
        CHANGE_ROLE,
        { input: { membershipId: joined.acceptInvitation.membership.id, role: 'OBSERVER' } },
        F.token,
      );
      const again = await t.gql(ACCEPT, { input: { token: inv.token } }, joined.acceptInvitation.token);
      expect(codes(again)).toEqual(['CONFLICT']);
      expect(
        (
          await t.dataSource
            .getRepository(MembershipEntity)
            .findOneByOrFail({ id: joined.acceptInvitation.membership.id })
        ).role,
      ).toBe('OBSERVER');
    });

    it('a removed member cannot come back with an invitation issued before the removal', async () => {
      const c = (await newCohort(t)).id;
      const fc = await newMember(t, c, { role: 'FACILITATOR' });
      const email = `stale-${randomBytes(3).toString('hex')}@gov.example`;
      const invite = async () =>
        (
          await t.ok<{ invite: { token: string } }>(
            INVITE,
            { input: { cohortId: c, email, role: 'MEMBER', ministry: 'ict', country: 'KE' } },
            fc.token,
          )
        ).invite.token;
      const first = await invite();
      const resent = await invite(); // e.g. a reminder; both are pending
      const joined = await t.ok<{ acceptInvitation: { token: string; membership: { id: string } } }>(ACCEPT, {
        input: { token: first, displayName: 'Stale', password: 'a long enough passphrase' },
      });
      await t.ok(REMOVE, { input: { membershipId: joined.acceptInvitation.membership.id } }, fc.token);
      const back = await t.gql(ACCEPT, { input: { token: resent } }, joined.acceptInvitation.token);
      expect(back.errors).toBeDefined();
      expect(codes(await t.gql(COHORT, { id: c }, joined.acceptInvitation.token))).toEqual(['NOT_FOUND']);
    });

    it('a member whose access window closed cannot reopen it with an older pending invitation', async () => {
      const c = (await newCohort(t)).id;
      const fc = await newMember(t, c, { role: 'FACILITATOR' });
      const email = `window-${randomBytes(3).toString('hex')}@gov.example`;
      const open = (
        await t.ok<{ invite: { token: string } }>(
          INVITE,
          { input: { cohortId: c, email, role: 'MEMBER', ministry: 'ict', country: 'KE' } },
          fc.token,
        )
      ).invite.token;
      const limited = (
        await t.ok<{ invite: { token: string } }>(
          INVITE,
          {
            input: {
              cohortId: c,
              email,
              role: 'VENDOR',
              ministry: 'private-sector',
              country: 'KE',
              accessExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
            },
          },
          fc.token,
        )
      ).invite.token;
      const joined = await t.ok<{ acceptInvitation: { token: string } }>(ACCEPT, {
        input: { token: limited, displayName: 'Vendor', password: 'a long enough passphrase' },
      });
      t.clock.advance(2 * 3_600_000);
      const reopened = await t.gql(ACCEPT, { input: { token: open } }, joined.acceptInvitation.token);
      expect(reopened.errors).toBeDefined();
      expect(codes(await t.gql(COHORT, { id: c }, joined.acceptInvitation.token))).toEqual(['NOT_FOUND']);
    });

    it('the platform admin cannot make itself a member (and so read the audit log or content)', async () => {
      const c = (await newCohort(t)).id;
      await newMember(t, c, { role: 'FACILITATOR' });
      const inv = await t.gql<{ invite: { token: string } }>(
        INVITE,
        { input: { cohortId: c, email: TEST_ADMIN.email, role: 'FACILITATOR', ministry: 'other', country: 'KE' } },
        admin,
      );
      if (!inv.errors) await t.gql(ACCEPT, { input: { token: inv.data!.invite.token } }, admin);
      expect(codes(await t.gql(AUDIT, { id: c }, admin))).toEqual(['FORBIDDEN']);
    });

    it('an expired facilitator cannot invite, change roles or remove', async () => {
      expect(
        codes(
          await t.gql(
            INVITE,
            { input: { cohortId: A, email: 'e@gov.example', role: 'MEMBER', ministry: 'ict', country: 'KE' } },
            E.token,
          ),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(
        codes(await t.gql(CHANGE_ROLE, { input: { membershipId: M.membershipId, role: 'OBSERVER' } }, E.token)),
      ).toEqual(['NOT_FOUND']);
      expect(
        codes(await t.gql(CHANGE_ROLE, { input: { membershipId: E.membershipId, role: 'FACILITATOR' } }, E.token)),
      ).toEqual(['NOT_FOUND']);
    });

    it('LOW: an expired facilitator does not count as "the last facilitator" left', async () => {
      const c = (await newCohort(t)).id;
      const live = await newMember(t, c, { role: 'FACILITATOR' });
      await newMember(t, c, { role: 'FACILITATOR', accessExpiresAt: new Date(Date.now() - 60_000) });
      const res = await t.gql(CHANGE_ROLE, { input: { membershipId: live.membershipId, role: 'MEMBER' } }, live.token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_FACILITATOR' });
    });
  });

  // ------------------------------------------------------------------ existence oracles

  describe('existence oracles', () => {});

  // ------------------------------------------------------------------ tokens and time

  describe('tokens and time', () => {
    it('a logged-out token is refused everywhere at once, including acceptInvitation', async () => {
      const who = await newMember(t, A, { role: 'MEMBER' });
      const token = await t.login(who.email, TEST_PASSWORD);
      await t.ok('mutation { logout }', {}, token);
      expect(codes(await t.gql(COHORT, { id: A }, token))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await t.gql(ACCEPT, { input: { token: 'inv_x' } }, token))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await t.gql(COHORT, { id: A }, who.token))).toBeUndefined(); // other sessions live on
    });

    it('a token past its lifetime is refused', async () => {
      t.clock.advance((t.config.tokenTtlSeconds + 60) * 1000);
      expect(codes(await t.gql(COHORT, { id: A }, M.token))).toEqual(['UNAUTHENTICATED']);
    });

    it('an access window that closes cuts access on the very next request', async () => {
      const who = await newMember(t, A, { role: 'FACILITATOR', accessExpiresAt: new Date(Date.now() + 60_000) });
      expect(codes(await t.gql(AUDIT, { id: A }, who.token))).toBeUndefined();
      t.clock.advance(61_000);
      expect(codes(await t.gql(AUDIT, { id: A }, who.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(COHORT, { id: A }, who.token))).toEqual(['NOT_FOUND']);
      const me = await t.ok<{ me: { memberships: unknown[] } }>(ME, {}, who.token);
      expect(me.me.memberships).toEqual([]);
    });

    it('LOW: the admin’s own expired membership is not listed as in force', async () => {
      const me = await t.ok<{ me: { id: string; email: string } }>(ME, {}, admin);
      const c = (await newCohort(t)).id;
      await newMember(t, c, {
        role: 'OBSERVER',
        accessExpiresAt: new Date(Date.now() - 60_000),
        user: { id: me.me.id, email: me.me.email, password: '', displayName: '', token: admin },
      });
      const after = await t.ok<{ me: { memberships: { cohort: { id: string } }[] } }>(ME, {}, admin);
      expect(after.me.memberships.map((m) => m.cohort.id)).not.toContain(c);
    });
  });

  // ------------------------------------------------------------------ errors and robustness

  describe('errors and robustness', () => {
    it('login selecting user.memberships does not fail with an internal error', async () => {
      const res = await t.gql(
        'mutation ($input: LoginInput!) { login(input: $input) { token user { id memberships { id } } } }',
        { input: { email: M.email, password: TEST_PASSWORD } },
      );
      expectNoInternals(res);
    });

    it('an unauthenticated acceptance selecting nested fields does not commit and then fail', async () => {
      const email = `nested-${randomBytes(3).toString('hex')}@gov.example`;
      const inv = (
        await t.ok<{ invite: { id: string; token: string } }>(
          INVITE,
          { input: { cohortId: A, email, role: 'MEMBER', ministry: 'ict', country: 'KE' } },
          F.token,
        )
      ).invite;
      const res = await t.gql(
        `mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) {
          token user { id memberships { id } } membership { id cohort { myMembership { id } members(first: 1) { edges { node { id } } } } } } }`,
        { input: { token: inv.token, displayName: 'Nested', password: 'a long enough passphrase' } },
      );
      const stored = await t.dataSource.getRepository(InvitationEntity).findOneByOrFail({ id: inv.id });
      // Safe: either the payload (with the new account's token) arrives, or nothing was committed.
      expect({ payload: res.data !== null, consumed: stored.acceptedAt !== null, codes: codes(res) }).not.toMatchObject(
        {
          payload: false,
          consumed: true,
        },
      );
      expectNoInternals(res);
    });

    it('concurrent mutual removal of the last two facilitators leaves one, with no internal error', async () => {
      const c = (await newCohort(t)).id;
      const f1 = await newMember(t, c, { role: 'FACILITATOR' });
      const f2 = await newMember(t, c, { role: 'FACILITATOR' });
      const results = await Promise.all([
        t.gql(REMOVE, { input: { membershipId: f2.membershipId } }, f1.token),
        t.gql(REMOVE, { input: { membershipId: f1.membershipId } }, f2.token),
      ]);
      results.forEach(expectNoInternals);
      const left = await t.dataSource
        .getRepository(MembershipEntity)
        .countBy({ cohortId: c, role: 'FACILITATOR' as never, status: 'ACTIVE' as never });
      expect(left).toBeGreaterThanOrEqual(1);
    });

    it('concurrent acceptances of two invitations to one new email create one account', async () => {
      const email = `twice-${randomBytes(3).toString('hex')}@gov.example`;
      const tokens = [];
      for (let i = 0; i < 2; i++) {
        tokens.push(
          (
            await t.ok<{ invite: { token: string } }>(
              INVITE,
              { input: { cohortId: A, email, role: 'MEMBER', ministry: 'ict', country: 'KE' } },
              F.token,
            )
          ).invite.token,
        );
      }
      const results = await Promise.all(
        tokens.map((token) =>
          t.gql(ACCEPT, { input: { token, displayName: 'Twice', password: 'a long enough passphrase' } }),
        ),
      );
      results.forEach(expectNoInternals);
      expect(await t.dataSource.getRepository(UserEntity).countBy({ email })).toBe(1);
    });

    it('denied attempts are audited, but only against existing objects (no rows for probes of missing ids)', async () => {
      const before = await t.dataSource.getRepository(AuditEntryEntity).countBy({ actorId: MB.id });
      await t.gql(COHORT, { id: randomUUID() }, MB.token);
      expect(await t.dataSource.getRepository(AuditEntryEntity).countBy({ actorId: MB.id })).toBe(before);
    });
  });
});
