import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { AppAbility } from './ability.factory.js';
import { accessibleBy } from './sql-conditions.js';

type Builder = AbilityBuilder<MongoAbility>;

/** An ability from hand-written rules; the rules need not be ones the app defines. */
function abilityOf(define: (can: Builder['can'], cannot: Builder['cannot']) => void): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<MongoAbility>(createMongoAbility);
  define(can, cannot);
  return build() as unknown as AppAbility;
}

const COLUMNS = { id: 'm.id', cohortId: 'm.cohort_id', status: 'm.status' };
const membershipsRead = (ability: AppAbility) => accessibleBy(ability, 'read', 'Membership', COLUMNS);

describe('accessibleBy', () => {
  it('gives FALSE when nothing is allowed', () => {
    expect(membershipsRead(abilityOf(() => {}))).toEqual({ sql: 'FALSE', params: {} });
    const otherRules = abilityOf((can) => can('read', 'Cohort'));
    expect(membershipsRead(otherRules)).toEqual({ sql: 'FALSE', params: {} });
  });

  it('gives TRUE for an unconditional rule, whatever conditional rules sit beside it', () => {
    expect(membershipsRead(abilityOf((can) => can('read', 'Membership')))).toEqual({ sql: 'TRUE', params: {} });
    const both = abilityOf((can) => {
      can('read', 'Membership');
      can('read', 'Membership', { cohortId: 'c1' });
    });
    expect(membershipsRead(both)).toEqual({ sql: 'TRUE', params: {} });
  });

  it('turns equality into a parameterised comparison', () => {
    const ability = abilityOf((can) => can('read', 'Membership', { cohortId: 'c1' }));
    expect(membershipsRead(ability)).toEqual({ sql: 'm.cohort_id = :authz0', params: { authz0: 'c1' } });
  });

  it('ANDs the fields of one rule and ORs separate rules', () => {
    const ability = abilityOf((can) => {
      can('read', 'Membership', { cohortId: 'c1', status: 'ACTIVE' });
      can('read', 'Membership', { id: 'm1' });
    });
    const { sql, params } = membershipsRead(ability);
    expect(sql).toBe('(m.id = :authz0 OR (m.cohort_id = :authz1 AND m.status = :authz2))');
    expect(params).toEqual({ authz0: 'm1', authz1: 'c1', authz2: 'ACTIVE' });
  });

  it('turns $in into = ANY with the values as one array parameter', () => {
    const ability = abilityOf((can) => can('read', 'Membership', { cohortId: { $in: ['c1', 'c2'] } }));
    expect(membershipsRead(ability)).toEqual({ sql: 'm.cohort_id = ANY(:authz0)', params: { authz0: ['c1', 'c2'] } });
  });

  it('uses the parameter prefix it is given', () => {
    const ability = abilityOf((can) => can('read', 'Membership', { id: 'm1' }));
    expect(accessibleBy(ability, 'read', 'Membership', COLUMNS, 'p').params).toEqual({ p0: 'm1' });
  });

  it('ANDs in an inverted rule with conditions as NOT (...)', () => {
    const ability = abilityOf((can, cannot) => {
      can('read', 'Membership', { cohortId: 'c1' });
      cannot('read', 'Membership', { status: 'REMOVED' });
    });
    const { sql, params } = membershipsRead(ability);
    expect(sql).toBe('(m.cohort_id = :authz0 AND (NOT m.status = :authz1))');
    expect(params).toEqual({ authz0: 'c1', authz1: 'REMOVED' });
  });

  it('keeps the NOT of an inverted rule beside an unconditional one', () => {
    const ability = abilityOf((can, cannot) => {
      can('read', 'Membership');
      cannot('read', 'Membership', { status: 'REMOVED' });
    });
    expect(membershipsRead(ability)).toEqual({ sql: '(NOT m.status = :authz0)', params: { authz0: 'REMOVED' } });
  });

  it('throws for a field with no column, rather than dropping the condition', () => {
    const ability = abilityOf((can) => can('read', 'Membership', { userId: 'u1' }));
    expect(() => membershipsRead(ability)).toThrow('No SQL column for authorization field "userId"');
  });

  it('throws for an operator it cannot translate', () => {
    const ability = abilityOf((can) => can('read', 'Membership', { cohortId: { $regex: '^c' } }));
    expect(() => membershipsRead(ability)).toThrow('Unsupported authorization operator "regex"');
  });
});
