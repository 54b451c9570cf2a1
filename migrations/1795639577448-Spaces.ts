import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Spaces1795639577448 implements MigrationInterface {
  name = 'Spaces1795639577448';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "spaces" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "title" text NOT NULL, "purpose" text NOT NULL, "audience_roles" "public"."cohort_role" array NOT NULL DEFAULT \'{}\', "audience_ministries" text array NOT NULL DEFAULT \'{}\', "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dbe542974aca57afcb60709d4c8" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_spaces_cohort_created" ON "spaces"  ("cohort_id", "created_at", "id") ');
    await queryRunner.query(
      'ALTER TABLE "spaces" ADD CONSTRAINT "FK_6bb2f0c7d9158991bcb77aea6f9" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "spaces" DROP CONSTRAINT "FK_6bb2f0c7d9158991bcb77aea6f9"');
    await queryRunner.query('DROP INDEX "public"."ix_spaces_cohort_created"');
    await queryRunner.query('DROP TABLE "spaces"');
  }
}
