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

registerEnumType(CohortRole, { name: 'CohortRole' });
registerEnumType(MembershipStatus, { name: 'MembershipStatus' });
