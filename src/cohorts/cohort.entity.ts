import { registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A cohort runs, concludes (guests leave, members carry on in the alumni space), then is archived. */
export enum CohortStatus {
  ACTIVE = 'ACTIVE',
  CONCLUDED = 'CONCLUDED',
  ARCHIVED = 'ARCHIVED',
}

registerEnumType(CohortStatus, { name: 'CohortStatus' });

/** What the proposal started at conclusion offers: days the archive keeps content. Members decide. */
export const DEFAULT_ARCHIVE_RETENTION_DAYS = 365;

@Entity('cohorts')
export class CohortEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'uuid' })
  createdById!: string;

  /** The charter version in force; members must have accepted it to read or write content. */
  @Column({ type: 'int', default: 1 })
  charterVersion!: number;

  @Column({ type: 'enum', enum: CohortStatus, enumName: 'cohort_status', default: CohortStatus.ACTIVE })
  status!: CohortStatus;

  /** When the cohort concluded: every guest's access ended at this moment. */
  @Column({ type: 'timestamptz', nullable: true })
  concludedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  /** The space opened at conclusion, where members keep talking; the only one open to writes then. */
  @Column({ type: 'uuid', nullable: true })
  alumniSpaceId!: string | null;

  /** The charter proposal on what the archive keeps, started at conclusion. */
  @Column({ type: 'uuid', nullable: true })
  archiveProposalId!: string | null;

  /** Keys the ids of expertise suggestions, set on first use; never selected unless asked for by name. */
  @Column({ type: 'uuid', nullable: true, select: false })
  suggestionKey?: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
