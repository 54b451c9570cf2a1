import { registerEnumType } from '@nestjs/graphql';

export enum Attribution {
  NAMED = 'NAMED',
  CHATHAM_HOUSE = 'CHATHAM_HOUSE',
  ANONYMOUS = 'ANONYMOUS',
}

export enum Permission {
  ALLOWED = 'ALLOWED',
  FORBIDDEN = 'FORBIDDEN',
}

export enum VendorAccess {
  SESSIONS_ONLY = 'SESSIONS_ONLY',
  NONE = 'NONE',
}

export enum ExternalSharing {
  ALLOWED = 'ALLOWED',
  WITHOUT_ATTRIBUTION = 'WITHOUT_ATTRIBUTION',
  FORBIDDEN = 'FORBIDDEN',
}

registerEnumType(Attribution, { name: 'Attribution' });
registerEnumType(Permission, { name: 'Permission' });
registerEnumType(VendorAccess, { name: 'VendorAccess' });
registerEnumType(ExternalSharing, { name: 'ExternalSharing' });

/** The enforceable part of a charter. */
export interface CharterPolicy {
  attribution: Attribution;
  recording: Permission;
  observers: Permission;
  vendorAccess: VendorAccess;
  externalSharing: ExternalSharing;
  /** Posts and questions older than this many days are deleted for good; null keeps them. */
  retentionDays: number | null;
}

/** The contract's defaults for a new cohort's charter (version 1). */
export const DEFAULT_CHARTER_POLICY: CharterPolicy = {
  attribution: Attribution.CHATHAM_HOUSE,
  recording: Permission.FORBIDDEN,
  observers: Permission.FORBIDDEN,
  vendorAccess: VendorAccess.SESSIONS_ONLY,
  externalSharing: ExternalSharing.WITHOUT_ATTRIBUTION,
  retentionDays: null,
};

/** Version 1's norms, written for government peer learning; members change them by proposal. */
export const DEFAULT_NORMS: readonly { title: string; text: string }[] = [
  {
    title: 'What is said here may be used, not attributed',
    text:
      'Members may use what they learn in this cohort in their own work, but may not reveal who said it, ' +
      'nor their ministry or country, to anyone outside the cohort without that person’s consent.',
  },
  {
    title: 'We speak for ourselves',
    text:
      'Members speak as practitioners, not as official representatives of their governments. Nothing said ' +
      'here is a position of any ministry.',
  },
  {
    title: 'Real problems, shared candidly',
    text:
      'We bring the reforms we actually face, including what went wrong. Questions and doubts are welcome; ' +
      'nobody is judged for a failure shared to help others.',
  },
  {
    title: 'Vendors and observers by agreement',
    text:
      'Vendors and observers take part only as this charter allows, and only in what they are invited to. ' +
      'Procurement decisions are never discussed in their presence.',
  },
];
