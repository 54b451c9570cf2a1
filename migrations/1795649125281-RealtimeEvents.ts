import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RealtimeEvents1795649125281 implements MigrationInterface {
  name = 'RealtimeEvents1795649125281';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "realtime_topics" ("topic" text NOT NULL, "last_seq" bigint NOT NULL DEFAULT \'0\', "published_seq" bigint NOT NULL DEFAULT \'0\', "pruned_seq" bigint NOT NULL DEFAULT \'0\', CONSTRAINT "PK_ed33decd6a01a036d99381e2dfd" PRIMARY KEY ("topic"))',
    );
    await queryRunner.query(
      'CREATE TABLE "realtime_events" ("topic" text NOT NULL, "seq" bigint NOT NULL, "cohort_id" uuid NOT NULL, "type" text NOT NULL, "ref" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8524cfa2050db5a6aad943cc166" PRIMARY KEY ("topic", "seq"))',
    );
    await queryRunner.query('CREATE INDEX "ix_realtime_events_created" ON "realtime_events"  ("created_at") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_realtime_events_created"');
    await queryRunner.query('DROP TABLE "realtime_events"');
    await queryRunner.query('DROP TABLE "realtime_topics"');
  }
}
