import { CohortScopedEntity } from '../cohorts/cohort-scoped.entity.js';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { CohortRole } from '../cohorts/cohort-role.js';

/** A problem-solving space of a cohort; its audience narrows who may enter. */
@Entity('spaces')
@Index('ix_spaces_cohort_created', ['cohortId', 'createdAt', 'id'])
export class SpaceEntity extends CohortScopedEntity {
  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  purpose!: string;

  /** Roles admitted; empty admits the whole cohort. */
  @Column({ type: 'enum', enum: CohortRole, enumName: 'cohort_role', array: true, default: () => "'{}'" })
  audienceRoles!: CohortRole[];

  /** Ministry codes admitted; empty admits every ministry. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  audienceMinistries!: string[];

  @Column({ type: 'uuid' })
  createdById!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
