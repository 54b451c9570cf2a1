import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { NeedEntity } from '../src/needs/need.entity.js';
import { QuestionEntity, QuestionVoteEntity } from '../src/sessions/question.entity.js';
import { SessionEntity, SessionRsvpEntity } from '../src/sessions/session.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { PostEntity } from '../src/threads/post.entity.js';
import { ThreadEntity, ThreadKind } from '../src/threads/thread.entity.js';
import { newCohort, newMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Generated from the schema: every query and mutation argument of type ID (directly or inside an
 * input), called by a facilitator of cohort A with ids of cohort B, must answer exactly as for an
 * id that does not exist. New operations are covered as soon as they are in the schema.
 */
const STRING_VALUES: Record<string, string> = {
  email: 'someone@gov.example',
  country: 'KE',
  ministry: 'education',
  password: 'a long enough passphrase',
  token: 'inv_unknown',
  timeZone: 'Africa/Nairobi',
  url: 'https://media.example/recording.mp4',
};

function sample(type: GraphQLInputType, name: string, idValue: string | null): unknown {
  if (isNonNullType(type)) return sample(type.ofType, name, idValue);
  if (isListType(type)) return [sample(type.ofType, name, idValue)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields()).map((field) => [field.name, sample(field.type, field.name, idValue)]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return idValue ?? randomUUID();
      case 'Int':
        return 1;
      case 'Boolean':
        return true;
      case 'DateTime':
        return new Date(Date.now() + 7 * 86_400_000).toISOString();
      default:
        return STRING_VALUES[name] ?? 'Some text';
    }
  }
  return null;
}

/** Paths to the ID slots of an argument: [] for the argument itself, ['cohortId'] inside an input. */
function idSlots(arg: GraphQLArgument): string[][] {
  const named = getNamedType(arg.type);
  if (isScalarType(named) && named.name === 'ID') return [[]];
  if (!isInputObjectType(named)) return [];
  return Object.values(named.getFields())
    .filter((field) => getNamedType(field.type).name === 'ID')
    .map((field) => [field.name]);
}

interface Case {
  label: string;
  document: string;
  variables(id: string): Record<string, unknown>;
}

function casesFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): Case[] {
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  const declared = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const document = `${kind} (${declared}) { ${field.name}(${passed})${selection} }`;
  return field.args.flatMap((arg) =>
    idSlots(arg).map((path) => ({
      label: `${field.name}(${[arg.name, ...path].join('.')})`,
      document,
      variables: (id: string) => {
        const variables = Object.fromEntries(field.args.map((a) => [a.name, sample(a.type, a.name, null)]));
        if (path.length === 0) variables[arg.name] = isListType(getNamedType(arg.type)) ? [id] : id;
        else {
          const input = variables[arg.name] as Record<string, unknown>;
          input[path[0]] = Array.isArray(input[path[0]]) ? [id] : id;
        }
        return variables;
      },
    })),
  );
}

describe('ids of another cohort answer as ids that do not exist', () => {
  let t: TestApp;
  let token: string;
  let cohortA: string;
  let foreignIds: Record<string, string>;
  let cases: Case[];

  beforeAll(async () => {
    t = await startTestApp();
    const a = await newCohort(t);
    cohortA = a.id;
    token = (await newMember(t, a.id, { role: 'FACILITATOR' })).token;
    const b = await newCohort(t);
    const bFacilitator = await newMember(t, b.id, { role: 'FACILITATOR' });
    const bMember = await newMember(t, b.id, { role: 'MEMBER' });
    const invitation = await t.dataSource.getRepository(InvitationEntity).save({
      cohortId: b.id,
      email: 'b@gov.example',
      role: 'MEMBER' as never,
      ministry: 'ict',
      country: 'SN',
      tokenHash: 'cross-cohort',
      expiresAt: new Date(Date.now() + 86_400_000),
      invitedById: bFacilitator.id,
    });
    const space = await t.dataSource
      .getRepository(SpaceEntity)
      .save({ cohortId: b.id, title: 'B space', purpose: 'p', createdById: bFacilitator.id });
    const thread = await t.dataSource.getRepository(ThreadEntity).save({
      cohortId: b.id,
      spaceId: space.id,
      authorMembershipId: bMember.membershipId,
      authorUserId: bMember.id,
      title: 'B thread',
      body: 'b',
      kind: ThreadKind.CHALLENGE,
      lastActivityAt: new Date(),
    });
    const post = await t.dataSource.getRepository(PostEntity).save({
      cohortId: b.id,
      threadId: thread.id,
      authorMembershipId: bMember.membershipId,
      authorUserId: bMember.id,
      body: 'b post',
    });
    const startsAt = new Date(Date.now() + 86_400_000);
    const session = await t.dataSource.getRepository(SessionEntity).save({
      cohortId: b.id,
      title: 'B session',
      abstract: 'b',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      createdById: bFacilitator.id,
    });
    const question = await t.dataSource.getRepository(QuestionEntity).save({
      cohortId: b.id,
      sessionId: session.id,
      authorMembershipId: bMember.membershipId,
      authorUserId: bMember.id,
      body: 'B question',
    });
    foreignIds = {
      session: session.id,
      question: question.id,
      thread: thread.id,
      post: post.id,
      space: space.id,
      cohort: b.id,
      facilitatorMembership: bFacilitator.membershipId,
      membership: bMember.membershipId,
      invitation: invitation.id,
      need: (
        await t.dataSource.getRepository(NeedEntity).save({
          cohortId: b.id,
          title: 'B need',
          description: 'd',
          theme: 't',
          submittedByMembershipId: bMember.membershipId,
          submittedByUserId: bMember.id,
        })
      ).id,
    };
    const schema = t.app.get(GraphQLSchemaHost).schema;
    cases = [
      ...Object.values(schema.getQueryType()!.getFields()).flatMap((f) => casesFor('query', f)),
      ...Object.values(schema.getMutationType()!.getFields()).flatMap((f) => casesFor('mutation', f)),
    ];
  });
  afterAll(() => t.close());

  const snapshot = async () => {
    const inB = <E extends { id: string; cohortId: string }>(entity: new () => E) =>
      t.dataSource
        .getRepository<E>(entity)
        .createQueryBuilder('x')
        .where('x.cohort_id = :cohortId', { cohortId: foreignIds.cohort })
        .orderBy('x.id', 'ASC')
        .getMany();
    return {
      memberships: await inB(MembershipEntity),
      invitations: await inB(InvitationEntity),
      needs: await inB(NeedEntity),
      sessions: await inB(SessionEntity),
      rsvps: await inB(SessionRsvpEntity),
      questions: await inB(QuestionEntity),
      votes: await t.dataSource.getRepository(QuestionVoteEntity).countBy({ questionId: foreignIds.question }),
    };
  };

  it('covers every ID argument in the schema', () => {
    const labels = cases.map((c) => c.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'cohort(id)',
        'invite(input.cohortId)',
        'changeRole(input.membershipId)',
        'removeMember(input.membershipId)',
        'revokeInvitation(id)',
        'auditLog(cohortId)',
        'invitations(cohortId)',
        'invite(input.sessionIds)',
        'session(id)',
        'sessions(cohortId)',
        'scheduleSession(input.cohortId)',
        'scheduleSession(input.expertMembershipIds)',
        'scheduleSession(input.needIds)',
        'scheduleSession(input.followUpThreadId)',
        'updateSession(input.sessionId)',
        'rsvp(input.sessionId)',
        'askQuestion(input.sessionId)',
        'upvoteQuestion(input.questionId)',
        'hideQuestion(input.questionId)',
        'markQuestionAnswered(input.questionId)',
        'setSessionState(input.sessionId)',
        'setRecording(input.sessionId)',
        'recordSessionOutcome(input.sessionId)',
        'linkNeedToSession(input.needId)',
        'linkNeedToSession(input.sessionId)',
      ]),
    );
  });

  it('gives the same answer for every foreign id as for a missing one, and changes nothing', async () => {
    const before = await snapshot();
    let compared = 0;
    for (const c of cases) {
      const missing = await t.gql(c.document, c.variables(randomUUID()), token);
      for (const [kind, id] of Object.entries(foreignIds)) {
        const foreign = await t.gql(c.document, c.variables(id), token);
        const strip = (r: typeof foreign) => ({
          status: r.status,
          data: r.data,
          errors: r.errors?.map((e) => ({ message: e.message, extensions: e.extensions })),
        });
        expect({ case: c.label, kind, ...strip(foreign) }).toEqual({ case: c.label, kind, ...strip(missing) });
        compared++;
      }
    }
    expect(compared).toBe(cases.length * Object.keys(foreignIds).length);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses ids of another cohort nested in an input of its own cohort as missing ids, granting nothing', async () => {
    const schedule = 'mutation ($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }';
    const update = 'mutation ($input: UpdateSessionInput!) { updateSession(input: $input) { id } }';
    const startsAt = new Date(Date.now() + 86_400_000);
    const input = {
      cohortId: cohortA,
      title: 'A session',
      abstract: 'a',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    };
    const own = (await t.ok<{ scheduleSession: { id: string } }>(schedule, { input }, token)).scheduleSession.id;
    // An expert of cohort B: granting it a session of A would let it in.
    const bScholar = await newMember(t, foreignIds.cohort, { role: 'SCHOLAR' });
    const invite = 'mutation ($input: InviteInput!) { invite(input: $input) { id } }';
    const invitation = {
      cohortId: cohortA,
      email: 'expert@uni.example',
      role: 'SCHOLAR',
      ministry: 'academia',
      country: 'KE',
    };
    const slots = [
      { field: 'sessionIds', foreign: foreignIds.session, doc: invite, base: invitation, list: true },
      { field: 'expertMembershipIds', foreign: bScholar.membershipId, doc: schedule, base: input, list: true },
      { field: 'needIds', foreign: foreignIds.need, doc: schedule, base: input, list: true },
      { field: 'followUpThreadId', foreign: foreignIds.thread, doc: schedule, base: input, list: false },
      {
        field: 'expertMembershipIds',
        foreign: bScholar.membershipId,
        doc: update,
        base: { sessionId: own },
        list: true,
      },
    ];
    const before = await snapshot();
    for (const slot of slots) {
      const call = (id: string) =>
        t.gql(slot.doc, { input: { ...slot.base, [slot.field]: slot.list ? [id] : id } }, token);
      const missing = await call(randomUUID());
      const foreign = await call(slot.foreign);
      expect(missing.errors?.map((e) => e.extensions)).toEqual([
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: slot.field }),
      ]);
      expect({ field: slot.field, data: foreign.data, errors: foreign.errors }).toEqual({
        field: slot.field,
        data: missing.data,
        errors: missing.errors,
      });
    }
    expect(await snapshot()).toEqual(before);
    const sessionsOfA = await t.dataSource.getRepository(SessionEntity).findBy({ cohortId: cohortA });
    expect(sessionsOfA.map((s) => [s.id, s.expertMembershipIds, s.followUpThreadId])).toEqual([[own, [], null]]);
  });
});
