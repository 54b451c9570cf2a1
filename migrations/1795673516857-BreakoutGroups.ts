import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BreakoutGroups1795673516857 implements MigrationInterface {
  name = 'BreakoutGroups1795673516857';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "breakout_groups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "session_id" uuid NOT NULL, "name" text NOT NULL, "position" integer NOT NULL, "report_back" text, "reported_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_549110525f1b8b01853a8b98e6d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_breakout_groups_session" ON "breakout_groups"  ("session_id", "position") ',
    );
    await queryRunner.query(
      'CREATE TABLE "breakout_members" ("group_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "session_id" uuid NOT NULL, CONSTRAINT "PK_33ec47ae01cce383f98009456f2" PRIMARY KEY ("group_id", "membership_id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_breakout_members_session" ON "breakout_members"  ("session_id", "membership_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "breakout_notes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "group_id" uuid NOT NULL, "author_membership_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_588b369acf41d574e76ca9e43aa" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_breakout_notes_group" ON "breakout_notes"  ("group_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_groups" ADD CONSTRAINT "FK_258d26c6539b594edd18b324971" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_groups" ADD CONSTRAINT "FK_4bf9843ae14079cd2a44b474eac" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_members" ADD CONSTRAINT "FK_0538a117d811be739496fdda8c7" FOREIGN KEY ("group_id") REFERENCES "breakout_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_members" ADD CONSTRAINT "FK_2918f8bc06774ca28159c2bf0f8" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_notes" ADD CONSTRAINT "FK_8ba97f9253d929fe1969f1df591" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_notes" ADD CONSTRAINT "FK_edc1a7b757715b0c8cd4688ea3a" FOREIGN KEY ("group_id") REFERENCES "breakout_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "breakout_notes" ADD CONSTRAINT "FK_c5192577d1f9a734121ec842c02" FOREIGN KEY ("author_membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "breakout_notes" DROP CONSTRAINT "FK_c5192577d1f9a734121ec842c02"');
    await queryRunner.query('ALTER TABLE "breakout_notes" DROP CONSTRAINT "FK_edc1a7b757715b0c8cd4688ea3a"');
    await queryRunner.query('ALTER TABLE "breakout_notes" DROP CONSTRAINT "FK_8ba97f9253d929fe1969f1df591"');
    await queryRunner.query('ALTER TABLE "breakout_members" DROP CONSTRAINT "FK_2918f8bc06774ca28159c2bf0f8"');
    await queryRunner.query('ALTER TABLE "breakout_members" DROP CONSTRAINT "FK_0538a117d811be739496fdda8c7"');
    await queryRunner.query('ALTER TABLE "breakout_groups" DROP CONSTRAINT "FK_4bf9843ae14079cd2a44b474eac"');
    await queryRunner.query('ALTER TABLE "breakout_groups" DROP CONSTRAINT "FK_258d26c6539b594edd18b324971"');
    await queryRunner.query('DROP INDEX "public"."ix_breakout_notes_group"');
    await queryRunner.query('DROP TABLE "breakout_notes"');
    await queryRunner.query('DROP INDEX "public"."uq_breakout_members_session"');
    await queryRunner.query('DROP TABLE "breakout_members"');
    await queryRunner.query('DROP INDEX "public"."ix_breakout_groups_session"');
    await queryRunner.query('DROP TABLE "breakout_groups"');
  }
}
