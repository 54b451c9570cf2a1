import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

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

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
