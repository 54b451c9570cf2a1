import { CohortEntity } from '../src/cohorts/cohort.entity.js';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { PostEntity, PostReactionEntity } from '../src/threads/post.entity.js';
import { ThreadEntity, ThreadKind } from '../src/threads/thread.entity.js';
import { adminToken, newCohort, newMember, newUser, type Role, ROLES } from './harness/factories.js';
import { type Actors, actorsIn, OUTSIDERS, type RoleOperation, row, roleTable } from './harness/role-table.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

interface Fixture extends Actors {
  spaceId: string;
  otherSpaceId: string;
  threadId: string;
  postId: string;
  targetMembershipId: string;
  invitationId: string;
}

const MANAGERS_ONLY = row({ FACILITATOR: 'ok', ADMIN: 'ok', ...OUTSIDERS }, 'FORBIDDEN');

type Operation = RoleOperation<Fixture>;

const CONTENT_READERS = row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND');
const FACILITATOR_OR_AUTHOR = row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, 'NOT_FOUND');
const postState = (t: TestApp, f: Fixture) => t.dataSource.getRepository(PostEntity).findOneByOrFail({ id: f.postId });
const threadState = (t: TestApp, f: Fixture) =>
  t.dataSource.getRepository(ThreadEntity).findOneByOrFail({ id: f.threadId });

const OPERATIONS: Operation[] = [
  {
    name: 'startThread',
    expected: CONTENT_READERS,
    run: (t, f, token) =>
      t.gql(
        'mutation StartThread($input: StartThreadInput!) { startThread(input: $input) { id title kind status author { displayName ministry country } } }',
        {
          input: { spaceId: f.spaceId, title: 'Teacher allowances', body: 'How do you fund them?', kind: 'CHALLENGE' },
        },
        token,
      ),
    state: (t, f) => t.dataSource.getRepository(ThreadEntity).countBy({ cohortId: f.cohortId }),
  },
  {
    name: 'thread',
    expected: CONTENT_READERS,
    run: (t, f, token) =>
      t.gql(
        'query ($id: ID!) { thread(id: $id) { id posts(first: 5) { edges { node { id } } } } }',
        { id: f.threadId },
        token,
      ),
  },
  {
    name: 'threads',
    expected: CONTENT_READERS,
    run: (t, f, token) =>
      t.gql('query ($id: ID!) { threads(spaceId: $id) { edges { node { id } } } }', { id: f.spaceId }, token),
  },
  {
    name: 'reply',
    expected: CONTENT_READERS,
    run: (t, f, token) =>
      t.gql(
        'mutation Reply($input: ReplyInput!) { reply(input: $input) { id } }',
        { input: { threadId: f.threadId, body: 'Same here', parentId: f.postId } },
        token,
      ),
    state: (t, f) => t.dataSource.getRepository(PostEntity).countBy({ threadId: f.threadId }),
  },
  {
    name: 'markInsight',
    expected: FACILITATOR_OR_AUTHOR,
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: MarkInsightInput!) { markInsight(input: $input) { id isInsight } }',
        { input: { postId: f.postId, isInsight: true } },
        token,
      ),
    state: (t, f) => postState(t, f).then((p) => p.isInsight),
  },
  {
    name: 'resolveThread',
    expected: FACILITATOR_OR_AUTHOR,
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: ResolveThreadInput!) { resolveThread(input: $input) { id status } }',
        { input: { threadId: f.threadId, acceptedPostId: f.postId } },
        token,
      ),
    state: (t, f) => threadState(t, f).then((th) => th.status),
  },
  {
    name: 'hidePost',
    expected: FACILITATOR_OR_AUTHOR,
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: HidePostInput!) { hidePost(input: $input) { id hidden } }',
        { input: { postId: f.postId, reason: 'Names an official' } },
        token,
      ),
    state: (t, f) => postState(t, f).then((p) => p.hiddenAt),
  },
  {
    name: 'unlockThread',
    expected: FACILITATOR_OR_AUTHOR,
    prepare: (t, f) =>
      t.dataSource
        .getRepository(ThreadEntity)
        .update({ id: f.threadId }, { locked: true })
        .then(() => undefined),
    run: (t, f, token) =>
      t.gql('mutation ($id: ID!) { unlockThread(threadId: $id) { id locked } }', { id: f.threadId }, token),
    state: (t, f) => threadState(t, f).then((th) => th.locked),
  },
  {
    name: 'moveThread',
    expected: FACILITATOR_OR_AUTHOR,
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: MoveThreadInput!) { moveThread(input: $input) { id } }',
        { input: { threadId: f.threadId, spaceId: f.otherSpaceId } },
        token,
      ),
    state: (t, f) => threadState(t, f).then((th) => th.spaceId),
  },
  {
    // Only the author edits; the target member wrote the post, so every caller here is refused.
    name: 'editPost (not the author)',
    expected: row({ FACILITATOR: 'FORBIDDEN', MEMBER: 'FORBIDDEN' }, 'NOT_FOUND'),
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: EditPostInput!) { editPost(input: $input) { id } }',
        { input: { postId: f.postId, body: 'rewritten' } },
        token,
      ),
    state: (t, f) => postState(t, f).then((p) => p.body),
  },
  {
    name: 'deletePost (not the author)',
    expected: row({ FACILITATOR: 'FORBIDDEN', MEMBER: 'FORBIDDEN' }, 'NOT_FOUND'),
    run: (t, f, token) => t.gql('mutation ($id: ID!) { deletePost(postId: $id) { id } }', { id: f.postId }, token),
    state: (t, f) => postState(t, f).then((p) => p.deletedAt),
  },
  {
    name: 'react',
    expected: CONTENT_READERS,
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: ReactInput!) { react(input: $input) { id } }',
        { input: { postId: f.postId, reaction: 'THANKS' } },
        token,
      ),
    state: (t, f) => t.dataSource.getRepository(PostReactionEntity).countBy({ postId: f.postId }),
  },
  {
    name: 'search',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok', ...OUTSIDERS }, 'empty'),
    run: (t, f, token) =>
      t.gql(
        'query ($id: ID!) { search(cohortId: $id, query: "tablets") { edges { node { __typename } } } }',
        { id: f.cohortId },
        token,
      ),
    count: (data) => (data as { search: { edges: unknown[] } }).search.edges.length,
  },
  {
    name: 'lockThread',
    expected: FACILITATOR_OR_AUTHOR,
    run: (t, f, token) =>
      t.gql('mutation ($id: ID!) { lockThread(threadId: $id) { id locked } }', { id: f.threadId }, token),
    state: (t, f) => threadState(t, f).then((th) => th.locked),
  },
  {
    name: 'createSpace',
    expected: row({ FACILITATOR: 'ok', ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) =>
      t.gql(
        'mutation CreateSpace($input: CreateSpaceInput!) { createSpace(input: $input) { id title purpose } }',
        { input: { cohortId: f.cohortId, title: 'Teacher deployment', purpose: 'Rural postings' } },
        token,
      ),
    state: (t, f) => t.dataSource.getRepository(SpaceEntity).countBy({ cohortId: f.cohortId }),
  },
  {
    // Observers are kept out by the default charter; scholars see granted spaces only.
    name: 'space (whole-cohort audience)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND'),
    run: (t, f, token) => t.gql('query ($id: ID!) { space(id: $id) { id title } }', { id: f.spaceId }, token),
  },
  {
    name: 'spaces (filtered list)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok', ...OUTSIDERS }, 'empty'),
    run: (t, f, token) =>
      t.gql('query ($id: ID!) { spaces(cohortId: $id) { edges { node { id } } } }', { id: f.cohortId }, token),
    count: (data) => (data as { spaces: { edges: unknown[] } }).spaces.edges.length,
  },
  {
    name: 'createCohort',
    expected: row({ ADMIN: 'ok' }, 'FORBIDDEN'),
    run: (t, _f, token) =>
      t.gql(
        'mutation ($input: CreateCohortInput!) { createCohort(input: $input) { id } }',
        { input: { name: 'New cohort', purpose: 'p' } },
        token,
      ),
    state: (t) => t.dataSource.getRepository(CohortEntity).count(),
  },
  {
    name: 'cohort (name, purpose)',
    expected: row({ ...OUTSIDERS }, 'ok'),
    run: (t, f, token) => t.gql('query ($id: ID!) { cohort(id: $id) { id name purpose } }', { id: f.cohortId }, token),
  },
  {
    name: 'invite',
    expected: MANAGERS_ONLY,
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: InviteInput!) { invite(input: $input) { id token } }',
        {
          input: {
            cohortId: f.cohortId,
            email: 'new.person@gov.example',
            role: 'MEMBER',
            ministry: 'finance',
            country: 'RW',
          },
        },
        token,
      ),
    state: (t, f) => t.dataSource.getRepository(InvitationEntity).countBy({ cohortId: f.cohortId }),
  },
  {
    name: 'changeRole',
    expected: row(
      { FACILITATOR: 'ok', ADMIN: 'ok', MEMBER: 'FORBIDDEN', SCHOLAR: 'FORBIDDEN', OBSERVER: 'FORBIDDEN' },
      'NOT_FOUND',
    ),
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }',
        {
          input: { membershipId: f.targetMembershipId, role: 'OBSERVER' },
        },
        token,
      ),
    state: (t, f) =>
      t.dataSource
        .getRepository(MembershipEntity)
        .findOneByOrFail({ id: f.targetMembershipId })
        .then((m) => m.role),
  },
  {
    name: 'removeMember',
    expected: row(
      { FACILITATOR: 'ok', ADMIN: 'ok', MEMBER: 'FORBIDDEN', SCHOLAR: 'FORBIDDEN', OBSERVER: 'FORBIDDEN' },
      'NOT_FOUND',
    ),
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }',
        {
          input: { membershipId: f.targetMembershipId },
        },
        token,
      ),
    state: (t, f) =>
      t.dataSource
        .getRepository(MembershipEntity)
        .findOneByOrFail({ id: f.targetMembershipId })
        .then((m) => m.status),
  },
  {
    name: 'invitations',
    expected: MANAGERS_ONLY,
    run: (t, f, token) =>
      t.gql('query ($id: ID!) { invitations(cohortId: $id) { edges { node { id } } } }', { id: f.cohortId }, token),
  },
  {
    name: 'revokeInvitation',
    expected: row({ FACILITATOR: 'ok', ADMIN: 'ok' }, 'NOT_FOUND'),
    run: (t, f, token) =>
      t.gql('mutation ($id: ID!) { revokeInvitation(id: $id) { id status } }', { id: f.invitationId }, token),
    state: (t, f) =>
      t.dataSource
        .getRepository(InvitationEntity)
        .findOneByOrFail({ id: f.invitationId })
        .then((i) => i.revokedAt),
  },
  {
    name: 'auditLog',
    expected: row({ FACILITATOR: 'ok', ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) =>
      t.gql('query ($id: ID!) { auditLog(cohortId: $id) { edges { node { id action } } } }', { id: f.cohortId }, token),
  },
];

async function fixture(t: TestApp): Promise<Fixture> {
  const actors = await actorsIn(t);
  const cohort = { id: actors.cohortId };
  const target = await newMember(t, cohort.id, { role: 'MEMBER' });
  const invitation = await t.dataSource.getRepository(InvitationEntity).save({
    cohortId: cohort.id,
    email: 'pending@gov.example',
    role: 'MEMBER' as never,
    ministry: 'ict',
    country: 'SN',
    tokenHash: `hash-${target.membershipId}`,
    expiresAt: new Date(Date.now() + 86_400_000),
    invitedById: target.id,
  });
  const space = await t.dataSource.getRepository(SpaceEntity).save({
    cohortId: cohort.id,
    title: 'Financing school connectivity',
    purpose: 'Open to the whole cohort',
    createdById: target.id,
  });
  const thread = await t.dataSource.getRepository(ThreadEntity).save({
    cohortId: cohort.id,
    spaceId: space.id,
    authorMembershipId: target.membershipId,
    authorUserId: target.id,
    title: 'Procurement of school tablets',
    body: 'What worked for you?',
    kind: ThreadKind.QUESTION,
    lastActivityAt: new Date(),
  });
  const post = await t.dataSource.getRepository(PostEntity).save({
    cohortId: cohort.id,
    threadId: thread.id,
    authorMembershipId: target.membershipId,
    authorUserId: target.id,
    body: 'We pooled orders across ministries.',
  });
  return {
    threadId: thread.id,
    postId: post.id,
    spaceId: space.id,
    otherSpaceId: (
      await t.dataSource
        .getRepository(SpaceEntity)
        .save({ cohortId: cohort.id, title: 'Other', purpose: 'p', createdById: target.id })
    ).id,
    ...actors,
    targetMembershipId: target.membershipId,
    invitationId: invitation.id,
  };
}

roleTable('cohort operations by role', OPERATIONS, fixture);

describe('what each role sees of a cohort', () => {
  let t: TestApp;
  let cohortId: string;
  const members = {} as Record<Role, Awaited<ReturnType<typeof newMember>>>;
  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    for (const role of ROLES)
      members[role] = await newMember(t, cohortId, {
        role,
        ministry: role === 'MEMBER' ? 'finance' : 'ict',
        country: 'GH',
      });
    await newMember(t, cohortId, { role: 'MEMBER', status: 'REMOVED' });
  });
  afterAll(() => t.close());

  const LIST = `query ($id: ID!) { cohort(id: $id) {
    myMembership { id role status acceptedCharterVersion }
    members(first: 100) { edges { node { id role ministry country accessExpiresAt user { id displayName email } } } pageInfo { hasNextPage } }
  } }`;
  type ListData = {
    cohort: {
      myMembership: { id: string; role: string } | null;
      members: {
        edges: { node: { id: string; accessExpiresAt: string | null; user: { id: string; email: string | null } } }[];
      };
    };
  };

  it.each(['FACILITATOR', 'MEMBER', 'SCHOLAR', 'OBSERVER'] as const)(
    '%s sees the five active members, not the removed one',
    async (role) => {
      const data = await t.ok<ListData>(LIST, { id: cohortId }, members[role].token);
      const ids = data.cohort.members.edges.map((e) => e.node.id).sort();
      expect(ids).toEqual(ROLES.map((r) => members[r].membershipId).sort());
      expect(data.cohort.myMembership).toMatchObject({ id: members[role].membershipId, role });
    },
  );

  it('a VENDOR sees only its own membership in the member list', async () => {
    const data = await t.ok<ListData>(LIST, { id: cohortId }, members.VENDOR.token);
    expect(data.cohort.members.edges.map((e) => e.node.id)).toEqual([members.VENDOR.membershipId]);
  });

  it("hides other members' emails from members, and shows them to facilitators and the admin", async () => {
    const emailsSeenBy = async (token: string) =>
      (await t.ok<ListData>(LIST, { id: cohortId }, token)).cohort.members.edges
        .filter((e) => e.node.user.id !== members.MEMBER.id)
        .map((e) => e.node.user.email);
    expect(await emailsSeenBy(members.MEMBER.token)).toEqual([null, null, null, null]);
    expect((await emailsSeenBy(members.FACILITATOR.token)).every((email) => email?.endsWith('@test.convene'))).toBe(
      true,
    );
    expect((await emailsSeenBy(await adminToken(t))).every((email) => email?.endsWith('@test.convene'))).toBe(true);
  });

  it('shows the admin the members but gives it no membership', async () => {
    const data = await t.ok<ListData>(LIST, { id: cohortId }, await adminToken(t));
    expect(data.cohort.myMembership).toBeNull();
    expect(data.cohort.members.edges).toHaveLength(5);
  });

  it('lists removed members to facilitators on request, and to nobody else', async () => {
    const q = 'query ($id: ID!) { cohort(id: $id) { members(status: REMOVED) { edges { node { id status } } } } }';
    const seen = async (token: string) =>
      (await t.ok<{ cohort: { members: { edges: unknown[] } } }>(q, { id: cohortId }, token)).cohort.members.edges
        .length;
    expect(await seen(members.FACILITATOR.token)).toBe(1);
    expect(await seen(members.MEMBER.token)).toBe(0);
  });

  it('me lists only memberships in force', async () => {
    const user = await newUser(t);
    await newMember(t, cohortId, { user, role: 'MEMBER' });
    const other = await newCohort(t);
    await newMember(t, other.id, { user, role: 'MEMBER', status: 'REMOVED' });
    const data = await t.ok<{ me: { memberships: { role: string; status: string; cohort: { id: string } }[] } }>(
      'query Me { me { memberships { id role status cohort { id name } } } }',
      {},
      user.token,
    );
    expect(data.me.memberships.map((m) => m.cohort.id)).toEqual([cohortId]);
  });

  it('pages through members with cursors, in a stable order', async () => {
    const q =
      'query ($id: ID!, $after: String) { cohort(id: $id) { members(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }';
    type Page = {
      cohort: { members: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: Page = await t.ok<Page>(q, { id: cohortId, after }, members.FACILITATOR.token);
      seen.push(...page.cohort.members.edges.map((e) => e.node.id));
      if (!page.cohort.members.pageInfo.hasNextPage) break;
      after = page.cohort.members.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a forged cursor with BAD_USER_INPUT naming it', async () => {
    const res = await t.gql(
      'query ($id: ID!) { cohort(id: $id) { members(after: "nonsense") { edges { cursor } } } }',
      { id: cohortId },
      members.MEMBER.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('publishes the ministry list', async () => {
    const data = await t.ok<{ ministries: { code: string }[] }>(
      '{ ministries { code name } }',
      {},
      members.MEMBER.token,
    );
    expect(data.ministries.map((m) => m.code)).toEqual(
      expect.arrayContaining([
        'education',
        'finance',
        'ict',
        'planning',
        'science-technology',
        'communications',
        'health',
        'academia',
        'private-sector',
        'other',
      ]),
    );
  });
});
