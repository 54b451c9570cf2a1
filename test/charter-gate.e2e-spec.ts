import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { CohortEntity } from '../src/cohorts/cohort.entity.js';
import { BreakoutGroupEntity } from '../src/sessions/breakout.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { AuditEntryEntity } from '../src/insights/audit-entry.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { type GqlResponse, startTestApp, type TestApp } from './harness/test-app.js';

/**
 * The charter gate, generated from the schema: every query and mutation with an ID argument
 * (directly or inside an input, as in cross-cohort) is cohort content unless it is named below.
 * Content answers exactly CHARTER_NOT_ACCEPTED, and changes nothing, until the caller has
 * accepted the charter in force. A new operation is covered as soon as it is in the schema: it
 * must either stay behind the gate or be added to this list.
 */
const NON_CONTENT = new Set([
  // The cohort and who is in it.
  'cohort',
  'invite',
  'changeRole',
  'removeMember',
  'invitations',
  'revokeInvitation',
  'auditLog',
  // Its stage: concluding and archiving are the cohort's governance, like its member list.
  'concludeCohort',
  'archiveCohort',
  // The charter itself: one cannot be asked to accept what one cannot read or shape.
  'charter',
  'acceptCharter',
  'proposeNorm',
  'voteOnNorm',
  'withdrawNorm',
  'commentOnProposal',
  'ratifyCharter',
  'normProposals',
  // Ending one's own calendar feed URL discloses nothing, and must work while the gate is shut.
  'revokeCalendarFeed',
  // One's own notifications name a thread, need or session by id only; reading it is gated there.
  'markNotificationsRead',
]);

/** Fields of `Cohort` that are not content either; they are reached through `cohort(id)`. */
const COHORT_FIELDS = `query ($id: ID!) { cohort(id: $id) { id name
  members { edges { node { id } } } myMembership { id acceptedCharterVersion } charter { version } } }`;

/** Operations that must be behind the gate today; the generated list must contain at least these. */
const KNOWN_CONTENT = [
  'space',
  'spaces',
  'createSpace',
  'thread',
  'threads',
  'startThread',
  'reply',
  'editPost',
  'deletePost',
  'hidePost',
  'markInsight',
  'react',
  'unreact',
  'lockThread',
  'unlockThread',
  'moveThread',
  'resolveThread',
  'need',
  'needs',
  'submitNeed',
  'supportNeed',
  'unsupportNeed',
  'linkNeedToThread',
  'search',
  'session',
  'sessions',
  'scheduleSession',
  'updateSession',
  'rsvp',
  'askQuestion',
  'upvoteQuestion',
  'hideQuestion',
  'markQuestionAnswered',
  'setSessionState',
  'setRecording',
  'recordSessionOutcome',
  'linkNeedToSession',
  'expertiseDirectory',
  'updateMyProfile',
  'whoCouldHelp',
  'askForHelp',
  'inviteContributor',
  'assignBreakouts',
  'createBreakouts',
  'moveToBreakout',
  'addBreakoutNote',
  'reportBack',
  'breakoutGroup',
];

const ACCEPT =
  'mutation AcceptCharter($input: AcceptCharterInput!) { acceptCharter(input: $input) { id acceptedCharterVersion } }';
const PROPOSE = `mutation ProposeNorm($input: ProposeNormInput!) { proposeNorm(input: $input) { id title text
  policyChange { attribution recording observers vendorAccess externalSharing retentionDays } status } }`;
const VOTE = 'mutation VoteOnNorm($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id status } }';
const RATIFY = 'mutation RatifyCharter($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version } }';
const SPACES = 'query ($cohortId: ID!) { spaces(cohortId: $cohortId) { edges { node { id title } } } }';
const THREAD = 'query ($id: ID!) { thread(id: $id) { id title } }';

/** Tables of cohort content; a refused operation leaves every row as it was. */
const CONTENT_TABLES = [
  'spaces',
  'threads',
  'posts',
  'post_revisions',
  'post_reactions',
  'needs',
  'need_supports',
  'sessions',
  'session_rsvps',
  'session_questions',
  'question_votes',
  'member_profiles',
  'notifications',
  'contributions',
  'breakout_groups',
  'breakout_members',
  'breakout_notes',
] as const;

type IdKind =
  | 'cohort'
  | 'space'
  | 'thread'
  | 'post'
  | 'need'
  | 'session'
  | 'question'
  | 'breakout'
  | 'membership'
  | 'invitation'
  | 'proposal';
type Ids = Record<IdKind, string>;

/** The kinds of object an ID argument is also tried with: everything that is cohort content. */
const CONTENT_KINDS: IdKind[] = ['cohort', 'space', 'thread', 'post', 'need', 'session', 'question', 'breakout'];

/** Which object an ID slot names, by its name. */
const SLOT_KINDS: Record<string, IdKind> = {
  cohortId: 'cohort',
  spaceId: 'space',
  spaceIds: 'space',
  threadId: 'thread',
  postId: 'post',
  parentId: 'post',
  acceptedPostId: 'post',
  needId: 'need',
  needIds: 'need',
  followUpThreadId: 'thread',
  sessionId: 'session',
  sessionIds: 'session',
  questionId: 'question',
  groupId: 'breakout',
  membershipId: 'membership',
  expertMembershipIds: 'membership',
  proposalId: 'proposal',
  proposalIds: 'proposal',
};

/** A bare `id` argument names an object of the type the operation returns. */
const TYPE_KINDS: Record<string, IdKind> = {
  Cohort: 'cohort',
  Space: 'space',
  Thread: 'thread',
  Post: 'post',
  Need: 'need',
  Session: 'session',
  Question: 'question',
  BreakoutGroup: 'breakout',
  Membership: 'membership',
  Invitation: 'invitation',
  NormProposal: 'proposal',
};

const STRING_VALUES: Record<string, string> = {
  email: 'someone@gov.example',
  country: 'KE',
  ministry: 'education',
  password: 'a long enough passphrase',
  token: 'inv_unknown',
  timeZone: 'Africa/Nairobi',
  url: 'https://media.example/recording.mp4',
  areas: 'procurement',
  languages: 'en',
};

/**
 * A charter version that is not in force: acceptCharter then answers CONFLICT without accepting,
 * so the callers stay un-accepted for the whole sweep.
 */
const INT_VALUES: Record<string, number> = { version: 99 };

/** A value for a required argument; optional ones are left out, so their defaults apply. */
function sample(type: GraphQLInputType, name: string): unknown {
  if (!isNonNullType(type)) return undefined;
  const inner = type.ofType;
  if (isListType(inner)) return [sample(inner.ofType, name)];
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(
      Object.values(inner.getFields()).map((field) => [field.name, sample(field.type, field.name)]),
    );
  }
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'ID':
        return randomUUID();
      case 'Int':
        return INT_VALUES[name] ?? 1;
      case 'Boolean':
        return true;
      case 'DateTime':
        return new Date(Date.now() + 7 * 86_400_000).toISOString();
      default:
        return STRING_VALUES[name] ?? 'Some text';
    }
  }
  return undefined;
}

interface Slot {
  /** `id` for an argument, `input.threadId` for a field of an input. */
  label: string;
  arg: string;
  field: string | null;
  list: boolean;
  /** Undefined when the test does not know what the slot names: it then gets an unknown id. */
  kind: IdKind | undefined;
}

interface Operation {
  name: string;
  label: string;
  document: string;
  slots: Slot[];
  /** Every slot filled with the real object it names, except `swap`, which gets `id`. */
  variables(ids: Ids, swap?: { slot: Slot; id: string }): Record<string, unknown>;
}

const isIdType = (type: GraphQLInputType) => getNamedType(type).name === 'ID';
const isList = (type: GraphQLInputType) => isListType(getNullableType(type));

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): Operation | null {
  const returns = getNamedType(field.type).name;
  const slotKind = (name: string) => (name === 'id' ? TYPE_KINDS[returns] : SLOT_KINDS[name]);
  const slots: Slot[] = field.args.flatMap((arg): Slot[] => {
    if (isIdType(arg.type)) {
      return [{ label: arg.name, arg: arg.name, field: null, list: isList(arg.type), kind: slotKind(arg.name) }];
    }
    const named = getNamedType(arg.type);
    if (!isInputObjectType(named)) return [];
    return Object.values(named.getFields())
      .filter((f) => isIdType(f.type))
      .map((f) => ({
        label: `${arg.name}.${f.name}`,
        arg: arg.name,
        field: f.name,
        list: isList(f.type),
        kind: slotKind(f.name),
      }));
  });
  if (slots.length === 0) return null;
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  const declared = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return {
    name: field.name,
    label: `${field.name}(${slots.map((s) => s.label).join(', ')})`,
    document: `${kind} (${declared}) { ${field.name}(${passed})${selection} }`,
    slots,
    variables(ids, swap) {
      const variables: Record<string, unknown> = Object.fromEntries(
        field.args.map((arg) => [arg.name, sample(arg.type, arg.name)]),
      );
      for (const slot of slots) {
        const id = swap?.slot === slot ? swap.id : slot.kind ? ids[slot.kind] : randomUUID();
        const value = slot.list ? [id] : id;
        if (slot.field === null) variables[slot.arg] = value;
        else {
          variables[slot.arg] ??= {};
          (variables[slot.arg] as Record<string, unknown>)[slot.field] = value;
        }
      }
      return variables;
    },
  };
}

/** What an answer amounts to, for a failure message. */
function outcome(res: GqlResponse): string {
  if (res.errors?.length) {
    return JSON.stringify(res.errors.map((e) => ({ message: e.message, ...e.extensions })));
  }
  return `data ${JSON.stringify(res.data)}`;
}

const byMembership = (a: TestMember, b: TestMember) => a.membershipId.localeCompare(b.membershipId);

const codes = (res: GqlResponse) => res.errors?.map((e) => e.extensions?.code);

describe('the charter gate on cohort content', () => {
  let t: TestApp;
  let content: Operation[];
  let nonContent: Operation[];
  let generatedNames: string[];

  beforeAll(async () => {
    t = await startTestApp();
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => operationFor('query', f)),
      ...Object.values(schema.getMutationType()!.getFields()).map((f) => operationFor('mutation', f)),
    ].filter((op): op is Operation => op !== null);
    generatedNames = operations.map((op) => op.name);
    content = operations.filter((op) => !NON_CONTENT.has(op.name));
    nonContent = operations.filter((op) => NON_CONTENT.has(op.name));
  });
  afterAll(() => t.close());

  /** Row counts and a digest of every row of each content table. */
  const snapshot = async () => {
    const tables: Record<string, unknown> = {};
    for (const table of CONTENT_TABLES) {
      const [row] = await t.dataSource.query<{ count: number; digest: string }[]>(
        `SELECT count(*)::int AS count, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest
           FROM ${table} x`,
      );
      tables[table] = row;
    }
    return tables;
  };

  /**
   * One object of every kind in a cohort, made over GraphQL by a facilitator who has accepted the
   * charter (with a reaction, a support, an RSVP and an upvote, so that operations undoing or
   * changing them have something to act on). `membership` is the bystander's: role changes and
   * removals land on it, and it fills expertMembershipIds.
   */
  const objectsIn = async (cohortId: string, owner: TestMember, bystander: TestMember): Promise<Ids> => {
    const ok = <T>(document: string, input: Record<string, unknown>) => t.ok<T>(document, { input }, owner.token);
    const space = (
      await ok<{ createSpace: { id: string } }>(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        { cohortId, title: 'Procurement', purpose: 'Open contracting' },
      )
    ).createSpace.id;
    const thread = (
      await ok<{ startThread: { id: string } }>(
        'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }',
        { spaceId: space, title: 'E-tendering', body: 'Who runs e-tendering at scale?', kind: 'QUESTION' },
      )
    ).startThread.id;
    const post = (
      await ok<{ reply: { id: string } }>('mutation ($input: ReplyInput!) { reply(input: $input) { id } }', {
        threadId: thread,
        body: 'We do, since 2021.',
      })
    ).reply.id;
    await ok('mutation ($input: ReactInput!) { react(input: $input) { id } }', { postId: post, reaction: 'THANKS' });
    const need = (
      await ok<{ submitNeed: { id: string } }>(
        'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }',
        { cohortId, title: 'Vendor lock-in', description: 'How to avoid it', theme: 'procurement' },
      )
    ).submitNeed.id;
    await ok('mutation ($input: SupportNeedInput!) { supportNeed(input: $input) { id } }', { needId: need });
    const startsAt = new Date(Date.now() + 86_400_000);
    const session = (
      await ok<{ scheduleSession: { id: string } }>(
        'mutation ($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }',
        {
          cohortId,
          title: 'E-procurement clinic',
          abstract: 'Lessons from three rollouts',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        },
      )
    ).scheduleSession.id;
    await ok('mutation ($input: RsvpInput!) { rsvp(input: $input) { id } }', { sessionId: session, status: 'MAYBE' });
    const question = (
      await ok<{ askQuestion: { id: string } }>(
        'mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { id } }',
        { sessionId: session, body: 'How long did the rollout take?' },
      )
    ).askQuestion.id;
    await ok('mutation ($input: UpvoteQuestionInput!) { upvoteQuestion(input: $input) { id } }', {
      questionId: question,
    });
    const invitation = (
      await ok<{ invite: { id: string } }>('mutation ($input: InviteInput!) { invite(input: $input) { id } }', {
        cohortId,
        email: `invitee-${randomUUID()}@gov.example`,
        role: 'MEMBER',
        ministry: 'finance',
        country: 'GH',
      })
    ).invite.id;
    const proposal = (
      await ok<{ proposeNorm: { id: string } }>(PROPOSE, { cohortId, title: 'Cameras off', text: 'By default.' })
    ).proposeNorm.id;
    // A breakout group is made in a LIVE session; the gate is about reading and writing it.
    const breakout = (
      await t.dataSource
        .getRepository(BreakoutGroupEntity)
        .save({ cohortId, sessionId: session, name: 'Group 1', position: 0 })
    ).id;
    return {
      cohort: cohortId,
      space,
      thread,
      post,
      need,
      session,
      question,
      breakout,
      membership: bystander.membershipId,
      invitation,
      proposal,
    };
  };

  /**
   * Calls every content operation with real objects of the cohort, then again with each content
   * object in each ID slot: the answer is exactly CHARTER_NOT_ACCEPTED for the former and never
   * anything but CHARTER_NOT_ACCEPTED or NOT_FOUND (an object of another kind) for the latter.
   * Returns the problems found, one line each, and the number of calls made.
   */
  const sweepContent = async (ids: Ids, callers: Record<string, TestMember>) => {
    const problems: string[] = [];
    let calls = 0;
    for (const [who, caller] of Object.entries(callers)) {
      for (const op of content) {
        const res = await t.gql(op.document, op.variables(ids), caller.token);
        calls++;
        if (res.data != null || JSON.stringify(codes(res)) !== JSON.stringify(['CHARTER_NOT_ACCEPTED'])) {
          problems.push(
            `${who} ${op.label}: ${outcome(res)} (content must answer CHARTER_NOT_ACCEPTED; if it is not content, add it to NON_CONTENT)`,
          );
        }
        for (const slot of op.slots) {
          for (const kind of CONTENT_KINDS.filter((k) => k !== slot.kind)) {
            const swapped = await t.gql(op.document, op.variables(ids, { slot, id: ids[kind] }), caller.token);
            calls++;
            const code = codes(swapped);
            if (
              swapped.data != null ||
              code?.length !== 1 ||
              !['CHARTER_NOT_ACCEPTED', 'NOT_FOUND'].includes(code[0]!)
            ) {
              problems.push(`${who} ${op.label} with a ${kind} id in ${slot.label}: ${outcome(swapped)}`);
            }
          }
        }
      }
    }
    return { problems, calls };
  };

  const acceptedVersion = async (member: TestMember) =>
    (await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: member.membershipId }))
      .acceptedCharterVersion;

  const acceptances = async (cohortId: string) =>
    (await t.dataSource.getRepository(AuditEntryEntity).find({ where: { cohortId, action: 'charter.accepted' } }))
      .map(({ actorId, subjectType, subjectId, details }) => ({ actorId, subjectType, subjectId, details }))
      .sort((a, b) => a.subjectId.localeCompare(b.subjectId));

  describe('before acceptance', () => {
    let ids: Ids;
    let callers: { FACILITATOR: TestMember; MEMBER: TestMember };

    beforeAll(async () => {
      const cohortId = (await newCohort(t)).id;
      const owner = await newMember(t, cohortId, { role: 'FACILITATOR' });
      const bystander = await newMember(t, cohortId, { role: 'MEMBER' });
      ids = await objectsIn(cohortId, owner, bystander);
      callers = {
        FACILITATOR: await newMember(t, cohortId, { role: 'FACILITATOR', charterAccepted: false }),
        MEMBER: await newMember(t, cohortId, { role: 'MEMBER', charterAccepted: false }),
      };
    });

    it('classifies every operation with an ID argument, and only names operations that exist', () => {
      expect(content.map((op) => op.name)).toEqual(expect.arrayContaining(KNOWN_CONTENT));
      expect([...NON_CONTENT].filter((name) => !generatedNames.includes(name))).toEqual([]);
      // Every ID slot of a content operation is filled with a real object of the cohort.
      const unknownSlots = content.flatMap((op) =>
        op.slots.filter((s) => !s.kind).map((s) => `${op.name}(${s.label})`),
      );
      expect(unknownSlots).toEqual([]);
    });

    it('answers every content operation CHARTER_NOT_ACCEPTED for a facilitator and a member, changing nothing', async () => {
      const before = await snapshot();
      const { problems, calls } = await sweepContent(ids, callers);
      expect(problems).toEqual([]);
      const perCaller = content.reduce(
        (n, op) => n + 1 + op.slots.reduce((m, slot) => m + CONTENT_KINDS.filter((k) => k !== slot.kind).length, 0),
        0,
      );
      expect(calls).toBe(2 * perCaller);
      expect(await snapshot()).toEqual(before);
    });

    it('does not gate the cohort, its members and invitations, its log or the charter', async () => {
      const before = await snapshot();
      const gated: string[] = [];
      for (const [who, caller] of Object.entries(callers)) {
        for (const op of nonContent) {
          const res = await t.gql(op.document, op.variables(ids), caller.token);
          if (codes(res)?.includes('CHARTER_NOT_ACCEPTED')) gated.push(`${who} ${op.label}: ${outcome(res)}`);
        }
        const cohort = await t.gql(COHORT_FIELDS, { id: ids.cohort }, caller.token);
        if (cohort.errors) gated.push(`${who} cohort { members myMembership charter }: ${outcome(cohort)}`);
      }
      expect(gated).toEqual([]);
      // None of that touched content, accepted the charter for the callers or ratified a new one.
      expect(await snapshot()).toEqual(before);
      expect(await acceptedVersion(callers.FACILITATOR)).toBe(0);
      expect(await acceptedVersion(callers.MEMBER)).toBe(0);
      expect((await t.dataSource.getRepository(CohortEntity).findOneByOrFail({ id: ids.cohort })).charterVersion).toBe(
        1,
      );
    });

    it('opens content once the caller accepts version 1, and records the acceptance in the audit log', async () => {
      for (const caller of Object.values(callers)) {
        expect(await t.errorCode(SPACES, { cohortId: ids.cohort }, caller.token)).toBe('CHARTER_NOT_ACCEPTED');
        const { acceptCharter } = await t.ok<{ acceptCharter: { id: string; acceptedCharterVersion: number } }>(
          ACCEPT,
          { input: { cohortId: ids.cohort, version: 1 } },
          caller.token,
        );
        expect(acceptCharter).toEqual({ id: caller.membershipId, acceptedCharterVersion: 1 });
        const spaces = await t.ok<{ spaces: { edges: { node: { id: string } }[] } }>(
          SPACES,
          { cohortId: ids.cohort },
          caller.token,
        );
        expect(spaces.spaces.edges.map((e) => e.node.id)).toEqual([ids.space]);
        const thread = await t.ok<{ thread: { id: string } }>(THREAD, { id: ids.thread }, caller.token);
        expect(thread.thread.id).toBe(ids.thread);
      }
      expect(await acceptances(ids.cohort)).toEqual(
        [callers.FACILITATOR, callers.MEMBER].sort(byMembership).map((caller) => ({
          actorId: caller.id,
          subjectType: 'Membership',
          subjectId: caller.membershipId,
          details: { version: 1 },
        })),
      );
    });
  });

  describe('after a ratification', () => {
    it('gates everyone again, the ratifying facilitator included, until they accept the new version', async () => {
      // Two full members: the two votes are a quorum.
      const cohortId = (await newCohort(t)).id;
      const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
      const member = await newMember(t, cohortId, { role: 'MEMBER' });
      const ids = await objectsIn(cohortId, facilitator, member);
      const callers = { FACILITATOR: facilitator, MEMBER: member };
      for (const caller of Object.values(callers)) {
        await t.ok(SPACES, { cohortId }, caller.token);
        await t.ok(THREAD, { id: ids.thread }, caller.token);
      }

      const { proposeNorm } = await t.ok<{ proposeNorm: { id: string; status: string; policyChange: unknown } }>(
        PROPOSE,
        {
          input: {
            cohortId,
            title: 'Recording',
            text: 'Sessions may be recorded.',
            policyChange: { recording: 'ALLOWED' },
          },
        },
        member.token,
      );
      expect(proposeNorm).toMatchObject({ status: 'OPEN', policyChange: { recording: 'ALLOWED' } });
      for (const caller of Object.values(callers)) {
        await t.ok(VOTE, { input: { proposalId: proposeNorm.id, position: 'AGREE' } }, caller.token);
      }
      const { ratifyCharter } = await t.ok<{ ratifyCharter: { version: number } }>(
        RATIFY,
        { input: { cohortId, proposalIds: [proposeNorm.id] } },
        facilitator.token,
      );
      expect(ratifyCharter.version).toBe(2);

      // Every content operation is closed again, to both, and nothing changes.
      const before = await snapshot();
      const { problems } = await sweepContent(ids, callers);
      expect(problems).toEqual([]);
      expect(await snapshot()).toEqual(before);

      for (const caller of Object.values(callers)) {
        expect(await t.errorCode(SPACES, { cohortId }, caller.token)).toBe('CHARTER_NOT_ACCEPTED');
        expect(await t.errorCode(THREAD, { id: ids.thread }, caller.token)).toBe('CHARTER_NOT_ACCEPTED');
        // The charter itself stays readable: version 2 is what there is to accept.
        const charter = await t.ok<{ charter: { version: number } }>(
          'query ($cohortId: ID!) { charter(cohortId: $cohortId) { version } }',
          { cohortId },
          caller.token,
        );
        expect(charter.charter.version).toBe(2);

        const stale = await t.gql(ACCEPT, { input: { cohortId, version: 1 } }, caller.token);
        expect(stale.data).toBeNull();
        expect(stale.errors?.map((e) => e.extensions)).toEqual([
          expect.objectContaining({ code: 'CONFLICT', reason: 'CHARTER_VERSION_NOT_CURRENT' }),
        ]);
        expect(await acceptedVersion(caller)).toBe(1);
        expect(await t.errorCode(SPACES, { cohortId }, caller.token)).toBe('CHARTER_NOT_ACCEPTED');

        const { acceptCharter } = await t.ok<{ acceptCharter: { id: string; acceptedCharterVersion: number } }>(
          ACCEPT,
          { input: { cohortId, version: 2 } },
          caller.token,
        );
        expect(acceptCharter).toEqual({ id: caller.membershipId, acceptedCharterVersion: 2 });
        const spaces = await t.ok<{ spaces: { edges: { node: { id: string } }[] } }>(
          SPACES,
          { cohortId },
          caller.token,
        );
        expect(spaces.spaces.edges.map((e) => e.node.id)).toEqual([ids.space]);
        expect((await t.ok<{ thread: { id: string } }>(THREAD, { id: ids.thread }, caller.token)).thread.id).toBe(
          ids.thread,
        );
      }

      // Only the acceptances of version 2 are logged: the refused ones left no entry.
      expect(await acceptances(cohortId)).toEqual(
        [facilitator, member].sort(byMembership).map((caller) => ({
          actorId: caller.id,
          subjectType: 'Membership',
          subjectId: caller.membershipId,
          details: { version: 2 },
        })),
      );
    });
  });
});
