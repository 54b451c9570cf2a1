import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ExpertSessions1795647308595 implements MigrationInterface {
  name = 'ExpertSessions1795647308595';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"session_format\" AS ENUM('TALK', 'PANEL', 'WORKSHOP', 'CLINIC')");
    await queryRunner.query(
      "CREATE TYPE \"public\".\"session_state\" AS ENUM('SCHEDULED', 'LIVE', 'ENDED', 'CANCELLED')",
    );
    await queryRunner.query(
      'CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "title" text NOT NULL, "abstract" text NOT NULL, "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "time_zone" text NOT NULL DEFAULT \'UTC\', "format" "public"."session_format" NOT NULL DEFAULT \'TALK\', "capacity" integer, "going_count" integer NOT NULL DEFAULT \'0\', "state" "public"."session_state" NOT NULL DEFAULT \'SCHEDULED\', "expert_membership_ids" uuid array NOT NULL DEFAULT \'{}\', "follow_up_thread_id" uuid, "recording_url" text, "outcome_summary" text, "key_takeaways" text array NOT NULL DEFAULT \'{}\', "outcome_recorded_at" TIMESTAMP WITH TIME ZONE, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_sessions_going_count" CHECK ("going_count" >= 0 AND ("capacity" IS NULL OR "going_count" <= "capacity")), CONSTRAINT "ck_sessions_capacity" CHECK ("capacity" IS NULL OR "capacity" >= 1), CONSTRAINT "ck_sessions_ends_after_start" CHECK ("ends_at" > "starts_at"), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_sessions_cohort_starts" ON "sessions"  ("cohort_id", "starts_at", "id") ',
    );
    await queryRunner.query("CREATE TYPE \"public\".\"rsvp_status\" AS ENUM('GOING', 'MAYBE', 'NOT_GOING')");
    await queryRunner.query(
      'CREATE TABLE "session_rsvps" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "session_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "status" "public"."rsvp_status" NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_session_rsvps_session_membership" UNIQUE ("session_id", "membership_id"), CONSTRAINT "PK_6fdca415a42665c1381cce730a6" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_session_rsvps_membership" ON "session_rsvps"  ("membership_id") ');
    await queryRunner.query(
      'CREATE TABLE "calendar_feeds" ("membership_id" uuid NOT NULL, "token_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a6bcf60a9a4e146d892471aaa94" PRIMARY KEY ("membership_id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_calendar_feeds_token_hash" ON "calendar_feeds"  ("token_hash") ');
    await queryRunner.query(
      'CREATE TABLE "session_questions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "author_membership_id" uuid NOT NULL, "author_user_id" uuid NOT NULL, "body" text NOT NULL, "mentioned_membership_ids" uuid array NOT NULL DEFAULT \'{}\', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "session_id" uuid NOT NULL, "votes" integer NOT NULL DEFAULT \'0\', "answered_at" TIMESTAMP WITH TIME ZONE, "hidden_at" TIMESTAMP WITH TIME ZONE, "hidden_reason" text, CONSTRAINT "ck_session_questions_votes" CHECK ("votes" >= 0), CONSTRAINT "PK_620bcd90fbd1cecc42ec217ac75" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_session_questions_cohort_created" ON "session_questions"  ("cohort_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_session_questions_order" ON "session_questions"  ("session_id", "votes", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "question_votes" ("question_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_26120332769065ad31644ffe0bb" PRIMARY KEY ("question_id", "membership_id"))',
    );
    await queryRunner.query('ALTER TABLE "needs" ADD "linked_session_id" uuid');
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_22805df30227186971d070122ab" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_35a1b5226a52ca3950d591347ca" FOREIGN KEY ("follow_up_thread_id") REFERENCES "threads"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_1ccf045da14e5350b26ee882592" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "session_rsvps" ADD CONSTRAINT "FK_c56e535f88dc10018e3c07a39f1" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "session_rsvps" ADD CONSTRAINT "FK_62ab40350808e871cb893467d94" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "needs" ADD CONSTRAINT "FK_e562d1b02fe3bdffeaed464a5da" FOREIGN KEY ("linked_session_id") REFERENCES "sessions"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "calendar_feeds" ADD CONSTRAINT "FK_a6bcf60a9a4e146d892471aaa94" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "session_questions" ADD CONSTRAINT "FK_8166cac4025a2e1a7c7568701a5" FOREIGN KEY ("author_membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "session_questions" ADD CONSTRAINT "FK_54f0d9b43e57aa3e8800bcc0412" FOREIGN KEY ("author_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "session_questions" ADD CONSTRAINT "FK_319953f2a6b0c035614f36619ed" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "question_votes" ADD CONSTRAINT "FK_c7514956e9a7667e5d0136b2559" FOREIGN KEY ("question_id") REFERENCES "session_questions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "question_votes" ADD CONSTRAINT "FK_3f5ba1462c363298020d4d0179f" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "question_votes" DROP CONSTRAINT "FK_3f5ba1462c363298020d4d0179f"');
    await queryRunner.query('ALTER TABLE "question_votes" DROP CONSTRAINT "FK_c7514956e9a7667e5d0136b2559"');
    await queryRunner.query('ALTER TABLE "session_questions" DROP CONSTRAINT "FK_319953f2a6b0c035614f36619ed"');
    await queryRunner.query('ALTER TABLE "session_questions" DROP CONSTRAINT "FK_54f0d9b43e57aa3e8800bcc0412"');
    await queryRunner.query('ALTER TABLE "session_questions" DROP CONSTRAINT "FK_8166cac4025a2e1a7c7568701a5"');
    await queryRunner.query('ALTER TABLE "calendar_feeds" DROP CONSTRAINT "FK_a6bcf60a9a4e146d892471aaa94"');
    await queryRunner.query('ALTER TABLE "needs" DROP CONSTRAINT "FK_e562d1b02fe3bdffeaed464a5da"');
    await queryRunner.query('ALTER TABLE "session_rsvps" DROP CONSTRAINT "FK_62ab40350808e871cb893467d94"');
    await queryRunner.query('ALTER TABLE "session_rsvps" DROP CONSTRAINT "FK_c56e535f88dc10018e3c07a39f1"');
    await queryRunner.query('ALTER TABLE "sessions" DROP CONSTRAINT "FK_1ccf045da14e5350b26ee882592"');
    await queryRunner.query('ALTER TABLE "sessions" DROP CONSTRAINT "FK_35a1b5226a52ca3950d591347ca"');
    await queryRunner.query('ALTER TABLE "sessions" DROP CONSTRAINT "FK_22805df30227186971d070122ab"');
    await queryRunner.query('ALTER TABLE "needs" DROP COLUMN "linked_session_id"');
    await queryRunner.query('DROP TABLE "question_votes"');
    await queryRunner.query('DROP INDEX "public"."ix_session_questions_order"');
    await queryRunner.query('DROP INDEX "public"."ix_session_questions_cohort_created"');
    await queryRunner.query('DROP TABLE "session_questions"');
    await queryRunner.query('DROP INDEX "public"."uq_calendar_feeds_token_hash"');
    await queryRunner.query('DROP TABLE "calendar_feeds"');
    await queryRunner.query('DROP INDEX "public"."ix_session_rsvps_membership"');
    await queryRunner.query('DROP TABLE "session_rsvps"');
    await queryRunner.query('DROP TYPE "public"."rsvp_status"');
    await queryRunner.query('DROP INDEX "public"."ix_sessions_cohort_starts"');
    await queryRunner.query('DROP TABLE "sessions"');
    await queryRunner.query('DROP TYPE "public"."session_state"');
    await queryRunner.query('DROP TYPE "public"."session_format"');
  }
}
