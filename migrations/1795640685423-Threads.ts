import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Threads1795640685423 implements MigrationInterface {
  name = 'Threads1795640685423';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TYPE \"public\".\"thread_kind\" AS ENUM('CHALLENGE', 'QUESTION', 'PRACTICE', 'RESOURCE')",
    );
    await queryRunner.query('CREATE TYPE "public"."thread_status" AS ENUM(\'OPEN\', \'RESOLVED\')');
    await queryRunner.query(
      'CREATE TABLE "threads" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "space_id" uuid NOT NULL, "author_membership_id" uuid NOT NULL, "author_user_id" uuid NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "kind" "public"."thread_kind" NOT NULL, "status" "public"."thread_status" NOT NULL DEFAULT \'OPEN\', "tags" text array NOT NULL DEFAULT \'{}\', "reply_count" integer NOT NULL DEFAULT \'0\', "last_activity_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "locked" boolean NOT NULL DEFAULT false, "accepted_post_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d8a74804c34fc3900502cd27275" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_threads_cohort" ON "threads"  ("cohort_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_threads_space_activity" ON "threads"  ("space_id", "last_activity_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "posts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "thread_id" uuid NOT NULL, "parent_id" uuid, "author_membership_id" uuid NOT NULL, "author_user_id" uuid NOT NULL, "body" text NOT NULL, "is_insight" boolean NOT NULL DEFAULT false, "hidden_at" TIMESTAMP WITH TIME ZONE, "hidden_reason" text, "hidden_by_id" uuid, "deleted_at" TIMESTAMP WITH TIME ZONE, "edited_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2829ac61eff60fcec60d7274b9e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_posts_cohort" ON "posts"  ("cohort_id") ');
    await queryRunner.query('CREATE INDEX "ix_posts_thread_created" ON "posts"  ("thread_id", "created_at", "id") ');
    await queryRunner.query(
      'CREATE TABLE "post_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_871219c3d5044d70ff7d59480b8" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_post_revisions_post" ON "post_revisions"  ("post_id", "created_at") ');
    await queryRunner.query(
      "CREATE TYPE \"public\".\"reaction\" AS ENUM('AGREE', 'INSIGHTFUL', 'SAME_HERE', 'THANKS')",
    );
    await queryRunner.query(
      'CREATE TABLE "post_reactions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "reaction" "public"."reaction" NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6decd1418b8f35995281eaa6e09" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_post_reactions" ON "post_reactions"  ("post_id", "membership_id", "reaction") ',
    );
    await queryRunner.query(
      'ALTER TABLE "threads" ADD CONSTRAINT "FK_de28b811f4d22a89649c07a2b05" FOREIGN KEY ("space_id") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "threads" ADD CONSTRAINT "FK_831d71a3e0ed57a27ad43af180c" FOREIGN KEY ("author_membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "threads" ADD CONSTRAINT "FK_9eb0e1a1b37521c989193271df1" FOREIGN KEY ("author_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_89efae744488da3393177c9ccbf" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_d8be760cd953c4a98137c5237a6" FOREIGN KEY ("parent_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_e40a4ae832194c21ea17952d0a2" FOREIGN KEY ("author_membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_4dd10e577978ddef3ba582f68ad" FOREIGN KEY ("author_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "post_revisions" ADD CONSTRAINT "FK_21715fae1f647ae1e4b0741346a" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "post_reactions" ADD CONSTRAINT "FK_595c9605f31a27c0c557c5befb9" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Full-text search. 'simple' keeps words as written: cohorts write in many languages.
    await queryRunner.query(
      "CREATE INDEX ix_threads_search ON threads USING gin (to_tsvector('simple', title || ' ' || body))",
    );
    await queryRunner.query("CREATE INDEX ix_posts_search ON posts USING gin (to_tsvector('simple', body))");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_posts_search');
    await queryRunner.query('DROP INDEX ix_threads_search');
    await queryRunner.query('ALTER TABLE "post_reactions" DROP CONSTRAINT "FK_595c9605f31a27c0c557c5befb9"');
    await queryRunner.query('ALTER TABLE "post_revisions" DROP CONSTRAINT "FK_21715fae1f647ae1e4b0741346a"');
    await queryRunner.query('ALTER TABLE "posts" DROP CONSTRAINT "FK_4dd10e577978ddef3ba582f68ad"');
    await queryRunner.query('ALTER TABLE "posts" DROP CONSTRAINT "FK_e40a4ae832194c21ea17952d0a2"');
    await queryRunner.query('ALTER TABLE "posts" DROP CONSTRAINT "FK_d8be760cd953c4a98137c5237a6"');
    await queryRunner.query('ALTER TABLE "posts" DROP CONSTRAINT "FK_89efae744488da3393177c9ccbf"');
    await queryRunner.query('ALTER TABLE "threads" DROP CONSTRAINT "FK_9eb0e1a1b37521c989193271df1"');
    await queryRunner.query('ALTER TABLE "threads" DROP CONSTRAINT "FK_831d71a3e0ed57a27ad43af180c"');
    await queryRunner.query('ALTER TABLE "threads" DROP CONSTRAINT "FK_de28b811f4d22a89649c07a2b05"');
    await queryRunner.query('DROP INDEX "public"."uq_post_reactions"');
    await queryRunner.query('DROP TABLE "post_reactions"');
    await queryRunner.query('DROP TYPE "public"."reaction"');
    await queryRunner.query('DROP INDEX "public"."ix_post_revisions_post"');
    await queryRunner.query('DROP TABLE "post_revisions"');
    await queryRunner.query('DROP INDEX "public"."ix_posts_thread_created"');
    await queryRunner.query('DROP INDEX "public"."ix_posts_cohort"');
    await queryRunner.query('DROP TABLE "posts"');
    await queryRunner.query('DROP INDEX "public"."ix_threads_space_activity"');
    await queryRunner.query('DROP INDEX "public"."ix_threads_cohort"');
    await queryRunner.query('DROP TABLE "threads"');
    await queryRunner.query('DROP TYPE "public"."thread_status"');
    await queryRunner.query('DROP TYPE "public"."thread_kind"');
  }
}
