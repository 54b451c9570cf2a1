import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditDetails = Record<string, string | number | boolean | null>;

/**
 * Append-only record of who did what to which subject. The migration adds a trigger that refuses
 * UPDATE and DELETE, so not even a bug in Convene can rewrite history.
 */
@Entity('audit_entries')
@Index('ix_audit_entries_cohort_at', ['cohortId', 'at', 'id'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  cohortId!: string | null;

  /** Null for actions of the system itself. */
  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  subjectType!: string;

  @Column({ type: 'text' })
  subjectId!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: AuditDetails;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  at!: Date;
}
