import { Injectable } from '@nestjs/common';
import { registerEnumType } from '@nestjs/graphql';

export enum Attribution {
  NAMED = 'NAMED',
  CHATHAM_HOUSE = 'CHATHAM_HOUSE',
  ANONYMOUS = 'ANONYMOUS',
}
registerEnumType(Attribution, { name: 'Attribution' });

export interface CharterPolicy {
  attribution: Attribution;
  observersAllowed: boolean;
}

/** The contract's defaults for a new cohort's charter. */
export const DEFAULT_CHARTER_POLICY: CharterPolicy = {
  attribution: Attribution.CHATHAM_HOUSE,
  observersAllowed: false,
};

/**
 * The charter policy in force for a cohort. Every cohort has the default policy until members
 * co-create and ratify their own charter; the enforcement points already ask here.
 */
@Injectable()
export class CharterPolicyService {
  current(_cohortId: string): Promise<CharterPolicy> {
    return Promise.resolve(DEFAULT_CHARTER_POLICY);
  }
}
