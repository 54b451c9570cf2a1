import { MembershipEntity } from '../../src/cohorts/membership.entity.js';
import { RsvpStatus, SessionEntity, SessionRsvpEntity, SessionState } from '../../src/sessions/session.entity.js';
import { newCohort, newMember, type Role, type TestMember } from './factories.js';
import type { TestApp } from './test-app.js';

/**
 * A session in a new cohort, LIVE unless told otherwise, with its facilitator. `attendee` adds
 * someone who answered GOING (a scholar or vendor is granted the session first).
 */
export async function liveSession(t: TestApp, state = SessionState.LIVE) {
  const cohortId = (await newCohort(t)).id;
  const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning' });
  const session = await t.dataSource.getRepository(SessionEntity).save({
    cohortId,
    title: 'Reform clinic',
    abstract: 'Small groups on device procurement',
    startsAt: new Date(Date.now() - 600_000),
    endsAt: new Date(Date.now() + 3_000_000),
    state,
    createdById: facilitator.id,
  });
  const attendee = async (role: Role, ministry = 'education', country = 'KE'): Promise<TestMember> => {
    const member = await newMember(t, cohortId, { role, ministry, country });
    if (role === 'SCHOLAR' || role === 'VENDOR') {
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: member.membershipId }, { grantedSessionIds: [session.id] });
    }
    await t.dataSource
      .getRepository(SessionRsvpEntity)
      .save({ cohortId, sessionId: session.id, membershipId: member.membershipId, status: RsvpStatus.GOING });
    return member;
  };
  return { cohortId, facilitator, sessionId: session.id, attendee };
}
