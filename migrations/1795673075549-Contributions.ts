import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Contributions1795673075549 implements MigrationInterface {
  name = 'Contributions1795673075549';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "contributions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "session_id" uuid, "thread_id" uuid, "title" text NOT NULL, "invited_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ca2b4f39eb9e32a61278c711f79" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_contributions_thread" ON "contributions"  ("thread_id", "created_at") ');
    await queryRunner.query(
      'CREATE INDEX "ix_contributions_session" ON "contributions"  ("session_id", "created_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "contributions" ADD CONSTRAINT "FK_fe826ee7cc026bc6f132bc25c39" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "contributions" ADD CONSTRAINT "FK_f0292af1a9d52cafc5e68fefc5b" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "contributions" DROP CONSTRAINT "FK_f0292af1a9d52cafc5e68fefc5b"');
    await queryRunner.query('ALTER TABLE "contributions" DROP CONSTRAINT "FK_fe826ee7cc026bc6f132bc25c39"');
    await queryRunner.query('DROP INDEX "public"."ix_contributions_session"');
    await queryRunner.query('DROP INDEX "public"."ix_contributions_thread"');
    await queryRunner.query('DROP TABLE "contributions"');
  }
}
