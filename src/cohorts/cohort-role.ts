import { registerEnumType } from '@nestjs/graphql';

export enum CohortRole {
  FACILITATOR = 'FACILITATOR',
  MEMBER = 'MEMBER',
  SCHOLAR = 'SCHOLAR',
  VENDOR = 'VENDOR',
  OBSERVER = 'OBSERVER',
}

export enum MembershipStatus {
  ACTIVE = 'ACTIVE',
  REMOVED = 'REMOVED',
}

/** Roles that see only what they were granted (spaces, sessions). */
export const GRANTED_ROLES: readonly CohortRole[] = [CohortRole.SCHOLAR, CohortRole.VENDOR];

/** Guests of a cohort: their access ends, on every path, when the cohort concludes. */
export const GUEST_ROLES: readonly CohortRole[] = [CohortRole.SCHOLAR, CohortRole.VENDOR, CohortRole.OBSERVER];

registerEnumType(CohortRole, { name: 'CohortRole' });
registerEnumType(MembershipStatus, { name: 'MembershipStatus' });
