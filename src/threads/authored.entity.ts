import { Column, CreateDateColumn, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';

/** What threads and posts share: their cohort, who wrote them (membership and account) and when. */
export abstract class AuthoredEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  cohortId!: string;

  @Column({ type: 'uuid' })
  authorMembershipId!: string;

  @ManyToOne(() => MembershipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_membership_id' })
  authorMembership?: Relation<MembershipEntity>;

  @Column({ type: 'uuid' })
  authorUserId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_user_id' })
  authorUser?: Relation<UserEntity>;

  /** Markdown as written. */
  @Column({ type: 'text' })
  body!: string;

  /** Members of the same cohort the body mentions as "@Display Name". */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  mentionedMembershipIds!: string[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
