import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CohortLifecycle1795671723542 implements MigrationInterface {
  name = 'CohortLifecycle1795671723542';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"cohort_status\" AS ENUM('ACTIVE', 'CONCLUDED', 'ARCHIVED')");
    await queryRunner.query('ALTER TABLE "cohorts" ADD "status" "public"."cohort_status" NOT NULL DEFAULT \'ACTIVE\'');
    await queryRunner.query('ALTER TABLE "cohorts" ADD "concluded_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "cohorts" ADD "archived_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "cohorts" ADD "alumni_space_id" uuid');
    await queryRunner.query('ALTER TABLE "cohorts" ADD "archive_proposal_id" uuid');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "archive_proposal_id"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "alumni_space_id"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "archived_at"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "concluded_at"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "status"');
    await queryRunner.query('DROP TYPE "public"."cohort_status"');
  }
}
