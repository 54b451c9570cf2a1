import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ExpertiseDirectory1795672048594 implements MigrationInterface {
  name = 'ExpertiseDirectory1795672048594';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "member_profiles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "areas" text array NOT NULL DEFAULT \'{}\', "expertise_notes" text NOT NULL DEFAULT \'\', "experience" text array NOT NULL DEFAULT \'{}\', "languages" text array NOT NULL DEFAULT \'{}\', "search_document" text NOT NULL DEFAULT \'\', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d20f5c3a561b6d967a98fc928c2" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_member_profiles_membership" ON "member_profiles"  ("membership_id") ',
    );
    await queryRunner.query(
      'CREATE TYPE "public"."notification_kind" AS ENUM(\'HELP_REQUESTED\', \'CONTRIBUTION_INVITED\')',
    );
    await queryRunner.query("CREATE TYPE \"public\".\"notification_target\" AS ENUM('THREAD', 'NEED', 'SESSION')");
    await queryRunner.query(
      'CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "kind" "public"."notification_kind" NOT NULL, "target_kind" "public"."notification_target" NOT NULL, "target_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_notifications_once" ON "notifications"  ("membership_id", "kind", "target_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_notifications_recipient" ON "notifications"  ("membership_id", "created_at", "id") ',
    );
    await queryRunner.query('ALTER TABLE "cohorts" ADD "suggestion_key" uuid');
    await queryRunner.query(
      'ALTER TABLE "member_profiles" ADD CONSTRAINT "FK_cacb3680393127ee2b37ab32116" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "member_profiles" ADD CONSTRAINT "FK_43b015f9b6c5d3d1fbb2daad49d" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "notifications" ADD CONSTRAINT "FK_dc667a44be1687acae4b71f2420" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "notifications" ADD CONSTRAINT "FK_fa40303ee133de5af2ff3ac460e" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      "CREATE INDEX ix_member_profiles_search ON member_profiles USING gin (to_tsvector('simple', search_document))",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_member_profiles_search"');
    await queryRunner.query('ALTER TABLE "notifications" DROP CONSTRAINT "FK_fa40303ee133de5af2ff3ac460e"');
    await queryRunner.query('ALTER TABLE "notifications" DROP CONSTRAINT "FK_dc667a44be1687acae4b71f2420"');
    await queryRunner.query('ALTER TABLE "member_profiles" DROP CONSTRAINT "FK_43b015f9b6c5d3d1fbb2daad49d"');
    await queryRunner.query('ALTER TABLE "member_profiles" DROP CONSTRAINT "FK_cacb3680393127ee2b37ab32116"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "suggestion_key"');
    await queryRunner.query('DROP INDEX "public"."ix_notifications_recipient"');
    await queryRunner.query('DROP INDEX "public"."uq_notifications_once"');
    await queryRunner.query('DROP TABLE "notifications"');
    await queryRunner.query('DROP TYPE "public"."notification_target"');
    await queryRunner.query('DROP TYPE "public"."notification_kind"');
    await queryRunner.query('DROP INDEX "public"."uq_member_profiles_membership"');
    await queryRunner.query('DROP TABLE "member_profiles"');
  }
}
