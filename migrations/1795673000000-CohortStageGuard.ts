import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose new rows a cohort's stage can refuse; `governance`: allowed while CONCLUDED. */
const GUARDED = [
  { table: 'spaces', governance: false },
  { table: 'threads', governance: false },
  { table: 'posts', governance: false },
  { table: 'needs', governance: false },
  { table: 'sessions', governance: false },
  { table: 'session_rsvps', governance: false },
  { table: 'session_questions', governance: false },
  { table: 'norm_proposals', governance: true },
  { table: 'member_profiles', governance: true },
];

/**
 * The database's own check of a cohort's stage on new rows, behind the service's. The cohort row
 * is read FOR KEY SHARE (as the foreign key check does anyway), which waits for a conclusion or an
 * archiving in flight (they hold it FOR UPDATE) and then reads the stage it left: a write racing
 * either cannot land after it. Errors carry SQLSTATE CVCON / CVARC, answered as CONFLICT.
 */
export class CohortStageGuard1795673000000 implements MigrationInterface {
  name = 'CohortStageGuard1795673000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION cohort_stage_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        stage cohort_status;
        alumni uuid;
        in_space uuid;
      BEGIN
        SELECT status, alumni_space_id INTO stage, alumni FROM cohorts WHERE id = NEW.cohort_id FOR KEY SHARE;
        IF stage IS NULL OR stage = 'ACTIVE' THEN
          RETURN NEW;
        END IF;
        IF stage = 'ARCHIVED' THEN
          RAISE EXCEPTION 'This cohort is archived and read-only' USING ERRCODE = 'CVARC';
        END IF;
        IF TG_ARGV[0] = 'governance' THEN
          RETURN NEW;
        END IF;
        IF TG_TABLE_NAME = 'threads' THEN
          in_space := NEW.space_id;
        ELSIF TG_TABLE_NAME = 'posts' THEN
          SELECT t.space_id INTO in_space FROM threads t WHERE t.id = NEW.thread_id;
        END IF;
        IF in_space IS NOT NULL AND in_space = alumni THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'This cohort has concluded; members keep talking in its alumni space' USING ERRCODE = 'CVCON';
      END $$`);
    for (const { table, governance } of GUARDED) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_cohort_stage BEFORE INSERT ON ${table} FOR EACH ROW
         EXECUTE FUNCTION cohort_stage_guard('${governance ? 'governance' : 'content'}')`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table } of GUARDED) await queryRunner.query(`DROP TRIGGER ${table}_cohort_stage ON ${table}`);
    await queryRunner.query('DROP FUNCTION cohort_stage_guard()');
  }
}
