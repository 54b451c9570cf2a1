import { Column, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { CohortEntity } from './cohort.entity.js';

/** What every row that belongs to one cohort has: its id and its cohort, deleted with the cohort. */
export abstract class CohortScopedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  cohortId!: string;

  @ManyToOne(() => CohortEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Relation<CohortEntity>;
}
