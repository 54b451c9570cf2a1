import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const CREATE = 'mutation CreateSpace($input: CreateSpaceInput!) { createSpace(input: $input) { id title purpose } }';
const LIST = 'query ($id: ID!) { spaces(cohortId: $id, first: 100) { edges { node { id title } } } }';
const ACCEPT = 'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }';

describe('spaces and their audiences', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  const spaces: Record<string, string> = {};

  const create = async (title: string, audience: Record<string, unknown> = {}) =>
    (
      await t.ok<{ createSpace: { id: string } }>(
        CREATE,
        { input: { cohortId, title, purpose: 'p', ...audience } },
        facilitator.token,
      )
    ).createSpace.id;
  const visible = async (token: string) =>
    (await t.ok<{ spaces: { edges: { node: { title: string } }[] } }>(LIST, { id: cohortId }, token)).spaces.edges
      .map((e) => e.node.title)
      .sort();

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'ict' });
    spaces.open = await create('open');
    spaces.finance = await create('finance only', { audienceMinistries: ['finance'] });
    spaces.members = await create('members only', { audienceRoles: ['MEMBER'] });
    spaces.educationMembers = await create('education members', {
      audienceRoles: ['MEMBER'],
      audienceMinistries: ['education'],
    });
  });
  afterAll(() => t.close());

  it('lets the facilitator see every space', async () => {
    expect(await visible(facilitator.token)).toEqual(['education members', 'finance only', 'members only', 'open']);
  });

  it('admits members by role and ministry, in lists and by id alike', async () => {
    const financeMember = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance' });
    expect(await visible(financeMember.token)).toEqual(['finance only', 'members only', 'open']);
    const q = 'query ($id: ID!) { space(id: $id) { id } }';
    expect(await t.errorCode(q, { id: spaces.educationMembers }, financeMember.token)).toBe('NOT_FOUND');
    expect((await t.ok<{ space: { id: string } }>(q, { id: spaces.finance }, financeMember.token)).space.id).toBe(
      spaces.finance,
    );
  });

  it('shows a scholar only the spaces granted in the invitation', async () => {
    const invite = await t.ok<{ invite: { token: string } }>(
      'mutation ($input: InviteInput!) { invite(input: $input) { token } }',
      {
        input: {
          cohortId,
          email: 'scholar@university.example',
          role: 'SCHOLAR',
          ministry: 'academia',
          country: 'ZA',
          spaceIds: [spaces.finance],
        },
      },
      facilitator.token,
    );
    const { acceptInvitation } = await t.ok<{ acceptInvitation: { token: string } }>(ACCEPT, {
      input: { token: invite.invite.token, displayName: 'Prof. Scholar', password: 'scholarly passphrase' },
    });
    // Content waits for the charter: first the gate, then the granted space.
    const gated = await t.gql(LIST, { id: cohortId }, acceptInvitation.token);
    expect(gated.errors?.[0].extensions?.code).toBe('CHARTER_NOT_ACCEPTED');
    await t.ok(
      'mutation AcceptCharter($input: AcceptCharterInput!) { acceptCharter(input: $input) { id acceptedCharterVersion } }',
      { input: { cohortId, version: 1 } },
      acceptInvitation.token,
    );
    expect(await visible(acceptInvitation.token)).toEqual(['finance only']);
  });

  it.each(['VENDOR', 'OBSERVER'] as const)('shows a %s no spaces under the default charter', async (role) => {
    const member = await newMember(t, cohortId, { role });
    expect(await visible(member.token)).toEqual([]);
  });

  it.each([
    [{ title: '' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ audienceMinistries: ['defence'] }, 'audienceMinistries'],
  ])('refuses %j naming %s', async (bad, field) => {
    const res = await t.gql(CREATE, { input: { cohortId, title: 'ok', purpose: 'p', ...bad } }, facilitator.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
