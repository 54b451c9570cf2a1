import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { CohortRole } from '../cohorts/cohort-role.js';
import { CohortEntity } from '../cohorts/cohort.entity.js';

/** A problem-solving space of a cohort; its audience narrows who may enter. */
@Entity('spaces')
@Index('ix_spaces_cohort_created', ['cohortId', 'createdAt', 'id'])
export class SpaceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  cohortId!: string;

  @ManyToOne(() => CohortEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Relation<CohortEntity>;

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
