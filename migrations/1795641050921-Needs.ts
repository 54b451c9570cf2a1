import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Needs1795641050921 implements MigrationInterface {
  name = 'Needs1795641050921';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"need_status\" AS ENUM('OPEN', 'SCHEDULED', 'ADDRESSED')");
    await queryRunner.query(
      'CREATE TABLE "needs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "title" text NOT NULL, "description" text NOT NULL, "theme" text NOT NULL, "status" "public"."need_status" NOT NULL DEFAULT \'OPEN\', "support_count" integer NOT NULL DEFAULT \'0\', "submitted_by_membership_id" uuid NOT NULL, "submitted_by_user_id" uuid NOT NULL, "linked_thread_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_needs_support_count" CHECK ("support_count" >= 0), CONSTRAINT "PK_fdb71d393bc390a1a09ac047dd1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_needs_cohort_support" ON "needs"  ("cohort_id", "support_count") ');
    await queryRunner.query(
      'CREATE TABLE "need_supports" ("need_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee2b4ed0b1c47dc903757864ec8" PRIMARY KEY ("need_id", "membership_id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "needs" ADD CONSTRAINT "FK_e2f75fd2fa767fe9ec89c33f915" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "needs" ADD CONSTRAINT "FK_538fbc91b49c30cc1763706be40" FOREIGN KEY ("submitted_by_membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "needs" ADD CONSTRAINT "FK_c2cfed4d5a9c7d4a460e9dd496c" FOREIGN KEY ("submitted_by_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "needs" ADD CONSTRAINT "FK_63661f3fd370ba054a032dd1874" FOREIGN KEY ("linked_thread_id") REFERENCES "threads"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "need_supports" ADD CONSTRAINT "FK_62267995681d546b879add51d37" FOREIGN KEY ("need_id") REFERENCES "needs"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "need_supports" ADD CONSTRAINT "FK_ca97e6523f57b5b180306e65ef0" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "need_supports" DROP CONSTRAINT "FK_ca97e6523f57b5b180306e65ef0"');
    await queryRunner.query('ALTER TABLE "need_supports" DROP CONSTRAINT "FK_62267995681d546b879add51d37"');
    await queryRunner.query('ALTER TABLE "needs" DROP CONSTRAINT "FK_63661f3fd370ba054a032dd1874"');
    await queryRunner.query('ALTER TABLE "needs" DROP CONSTRAINT "FK_c2cfed4d5a9c7d4a460e9dd496c"');
    await queryRunner.query('ALTER TABLE "needs" DROP CONSTRAINT "FK_538fbc91b49c30cc1763706be40"');
    await queryRunner.query('ALTER TABLE "needs" DROP CONSTRAINT "FK_e2f75fd2fa767fe9ec89c33f915"');
    await queryRunner.query('DROP TABLE "need_supports"');
    await queryRunner.query('DROP INDEX "public"."ix_needs_cohort_support"');
    await queryRunner.query('DROP TABLE "needs"');
    await queryRunner.query('DROP TYPE "public"."need_status"');
  }
}
