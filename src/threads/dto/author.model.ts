import { Field, ObjectType } from '@nestjs/graphql';
import { Attribution } from '../../charter/charter-policy.js';
import { CohortRole } from '../../cohorts/cohort-role.js';
import type { MembershipEntity } from '../../cohorts/membership.entity.js';
import type { UserEntity } from '../../auth/user.entity.js';

@ObjectType('Author', {
  description: "Who wrote something, as far as the charter's attribution rule lets this reader know.",
})
export class AuthorModel {
  @Field()
  displayName!: string;

  @Field(() => String, { nullable: true })
  ministry!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;
}

/** What the reader is, for attribution: their role in the cohort (null for none). */
export interface Reader {
  role: CohortRole | null;
}

/**
 * The attribution rule of the charter, applied to one reader. FACILITATORs always see authors.
 * NAMED: every reader does. CHATHAM_HOUSE: FACILITATOR and MEMBER do; others get null.
 * ANONYMOUS: everyone else sees a pseudonym stable within the thread, with no ministry or country.
 */
export function attributeTo(
  rule: Attribution,
  reader: Reader,
  author: { membership: Pick<MembershipEntity, 'ministry' | 'country'>; user: Pick<UserEntity, 'displayName'> },
  pseudonym: () => string,
): AuthorModel | null {
  const named = {
    displayName: author.user.displayName,
    ministry: author.membership.ministry,
    country: author.membership.country,
  };
  if (reader.role === CohortRole.FACILITATOR) return named;
  switch (rule) {
    case Attribution.NAMED:
      return named;
    case Attribution.CHATHAM_HOUSE:
      return reader.role === CohortRole.MEMBER ? named : null;
    case Attribution.ANONYMOUS:
      return { displayName: pseudonym(), ministry: null, country: null };
  }
}
