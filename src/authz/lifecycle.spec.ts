import { lifecycleRefusal } from './lifecycle.js';

const ALUMNI = 'alumni-space';
const active = { status: 'ACTIVE' as const, alumniSpaceId: null };
const concluded = { status: 'CONCLUDED' as const, alumniSpaceId: ALUMNI };
const archived = { status: 'ARCHIVED' as const, alumniSpaceId: ALUMNI };

const space = (id: string) => ({ id, cohortId: 'c', audienceRoles: [], audienceMinistries: [] });
const thread = (spaceId: string) => ({ id: 't', cohortId: 'c', spaceId, authorUserId: 'u' });
const post = (spaceId: string) => ({ id: 'p', cohortId: 'c', spaceId, authorUserId: 'u' });

describe('lifecycleRefusal', () => {
  it('refuses nothing while the cohort is active', () => {
    expect(lifecycleRefusal(active, 'post', 'Space', space('s'))).toBeNull();
    expect(lifecycleRefusal(active, 'create', 'Session', { id: '', cohortId: 'c' })).toBeNull();
  });

  it('keeps reads open in every stage', () => {
    for (const stage of [concluded, archived]) {
      expect(lifecycleRefusal(stage, 'read', 'Thread', thread('s'))).toBeNull();
      expect(lifecycleRefusal(stage, 'readOutcome', 'Session', { id: 's', cohortId: 'c' })).toBeNull();
    }
  });

  it('after conclusion, takes content only in the alumni space and never a new space', () => {
    expect(lifecycleRefusal(concluded, 'post', 'Space', space(ALUMNI))).toBeNull();
    expect(lifecycleRefusal(concluded, 'resolve', 'Thread', thread(ALUMNI))).toBeNull();
    expect(lifecycleRefusal(concluded, 'edit', 'Post', post(ALUMNI))).toBeNull();
    expect(lifecycleRefusal(concluded, 'post', 'Space', space('programme'))).toBe('COHORT_CONCLUDED');
    expect(lifecycleRefusal(concluded, 'moderate', 'Post', post('programme'))).toBe('COHORT_CONCLUDED');
    expect(lifecycleRefusal(concluded, 'create', 'Space', space(''))).toBe('COHORT_CONCLUDED');
    expect(lifecycleRefusal(concluded, 'support', 'Need', { id: 'n', cohortId: 'c' })).toBe('COHORT_CONCLUDED');
    expect(lifecycleRefusal(concluded, 'rsvp', 'Session', { id: 's', cohortId: 'c' })).toBe('COHORT_CONCLUDED');
  });

  it('after conclusion, an empty space id never matches a cohort without an alumni space', () => {
    expect(lifecycleRefusal({ status: 'CONCLUDED', alumniSpaceId: null }, 'post', 'Space', space(''))).toBe(
      'COHORT_CONCLUDED',
    );
  });

  it('after conclusion, keeps the cohort’s governance open', () => {
    expect(lifecycleRefusal(concluded, 'vote', 'Charter', { cohortId: 'c' })).toBeNull();
    expect(lifecycleRefusal(concluded, 'invite', 'Cohort', { id: 'c' })).toBeNull();
    expect(lifecycleRefusal(concluded, 'archive', 'Cohort', { id: 'c' })).toBeNull();
  });

  it('in an archive, refuses every write but removals and revocations', () => {
    expect(lifecycleRefusal(archived, 'post', 'Space', space(ALUMNI))).toBe('COHORT_ARCHIVED');
    expect(lifecycleRefusal(archived, 'vote', 'Charter', { cohortId: 'c' })).toBe('COHORT_ARCHIVED');
    expect(
      lifecycleRefusal(archived, 'update', 'Membership', { id: 'm', cohortId: 'c', userId: 'u', status: 'ACTIVE' }),
    ).toBe('COHORT_ARCHIVED');
    expect(
      lifecycleRefusal(archived, 'remove', 'Membership', { id: 'm', cohortId: 'c', userId: 'u', status: 'ACTIVE' }),
    ).toBeNull();
    expect(lifecycleRefusal(archived, 'revoke', 'Invitation', { id: 'i', cohortId: 'c' })).toBeNull();
  });
});
