import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation, UpdateDateColumn } from 'typeorm';
import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';

/** What a member brings to the cohort: areas from the published vocabulary, experience, languages. */
@Entity('member_profiles')
// Full-text index over `search_document`, created by its migration (TypeORM cannot describe it).
@Index('ix_member_profiles_search', { synchronize: false })
export class MemberProfileEntity extends CohortScopedEntity {
  @Index('uq_member_profiles_membership', { unique: true })
  @Column({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<MembershipEntity>;

  /** Codes from `EXPERTISE_AREAS`. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  areas!: string[];

  /** Expertise in the member's own words, beyond the vocabulary. */
  @Column({ type: 'text', default: '' })
  expertiseNotes!: string;

  /** Experience statements, for example "led national device procurement, 2021". */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  experience!: string[];

  /** ISO 639-1 codes of the languages the member speaks. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  languages!: string[];

  /** Everything above as one text, for full-text matching. */
  @Column({ type: 'text', default: '' })
  searchDocument!: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
