import type { MigrationInterface, QueryRunner } from 'typeorm';

const DEFAULT_NORMS_AT_RELEASE = [
  {
    title: 'What is said here may be used, not attributed',
    text: 'Members may use what they learn in this cohort in their own work, but may not reveal who said it, ',
  },
  {
    title: 'We speak for ourselves',
    text: 'Members speak as practitioners, not as official representatives of their governments. Nothing said ',
  },
  {
    title: 'Real problems, shared candidly',
    text: 'We bring the reforms we actually face, including what went wrong. Questions and doubts are welcome; ',
  },
  {
    title: 'Vendors and observers by agreement',
    text: 'Vendors and observers take part only as this charter allows, and only in what they are invited to. ',
  },
];

export class Charter1795642791887 implements MigrationInterface {
  name = 'Charter1795642791887';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"attribution\" AS ENUM('NAMED', 'CHATHAM_HOUSE', 'ANONYMOUS')");
    await queryRunner.query('CREATE TYPE "public"."permission" AS ENUM(\'ALLOWED\', \'FORBIDDEN\')');
    await queryRunner.query('CREATE TYPE "public"."vendor_access" AS ENUM(\'SESSIONS_ONLY\', \'NONE\')');
    await queryRunner.query(
      "CREATE TYPE \"public\".\"external_sharing\" AS ENUM('ALLOWED', 'WITHOUT_ATTRIBUTION', 'FORBIDDEN')",
    );
    await queryRunner.query(
      'CREATE TABLE "charter_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "version" integer NOT NULL, "attribution" "public"."attribution" NOT NULL, "recording" "public"."permission" NOT NULL, "observers" "public"."permission" NOT NULL, "vendor_access" "public"."vendor_access" NOT NULL, "external_sharing" "public"."external_sharing" NOT NULL, "retention_days" integer, "ratified_by_id" uuid, "ratified_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5458b06a46fb6bc5b78cd7afeb4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_charter_versions_cohort_version" ON "charter_versions"  ("cohort_id", "version") ',
    );
    await queryRunner.query(
      'CREATE TABLE "charter_norms" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "charter_version_id" uuid NOT NULL, "position" integer NOT NULL, "title" text NOT NULL, "text" text NOT NULL, CONSTRAINT "PK_f364a95523c7142932eca591a4a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_charter_norms_version" ON "charter_norms"  ("charter_version_id", "position") ',
    );
    await queryRunner.query("CREATE TYPE \"public\".\"proposal_status\" AS ENUM('OPEN', 'WITHDRAWN', 'ADOPTED')");
    await queryRunner.query(
      'CREATE TABLE "norm_proposals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "proposer_membership_id" uuid NOT NULL, "proposer_user_id" uuid NOT NULL, "title" text NOT NULL, "text" text NOT NULL, "policy_change" jsonb, "status" "public"."proposal_status" NOT NULL DEFAULT \'OPEN\', "base_version" integer NOT NULL, "adopted_in_version" integer, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f37db4832dbc29c770ebf732314" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_norm_proposals_cohort_created" ON "norm_proposals"  ("cohort_id", "created_at", "id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"vote_position\" AS ENUM('AGREE', 'ABSTAIN', 'DISAGREE', 'BLOCK')",
    );
    await queryRunner.query(
      'CREATE TABLE "norm_votes" ("proposal_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "position" "public"."vote_position" NOT NULL, "reason" text, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b35e986163fffa760b57d0e233d" PRIMARY KEY ("proposal_id", "membership_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "norm_proposal_comments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "proposal_id" uuid NOT NULL, "author_membership_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_86d3e3b845d92f83c90c30ee3a2" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_norm_proposal_comments_proposal" ON "norm_proposal_comments"  ("proposal_id", "created_at", "id") ',
    );
    await queryRunner.query('ALTER TABLE "cohorts" ADD "charter_version" integer NOT NULL DEFAULT \'1\'');
    await queryRunner.query(
      'ALTER TABLE "charter_versions" ADD CONSTRAINT "FK_63065c1907c4ce7c2d9e0550dbb" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "charter_norms" ADD CONSTRAINT "FK_6a2200016782895bd18fe39f41c" FOREIGN KEY ("charter_version_id") REFERENCES "charter_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "norm_proposals" ADD CONSTRAINT "FK_a9becfdf97987fa8eac7476193e" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "norm_votes" ADD CONSTRAINT "FK_b94dacee196c992b467d319f215" FOREIGN KEY ("proposal_id") REFERENCES "norm_proposals"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "norm_proposal_comments" ADD CONSTRAINT "FK_eebc9a79f1b448194c54dbdd6e1" FOREIGN KEY ("proposal_id") REFERENCES "norm_proposals"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Cohorts created before charters get version 1 with the defaults (policy and norms as of this release).
    await queryRunner.query(
      `INSERT INTO charter_versions (cohort_id, version, attribution, recording, observers, vendor_access, external_sharing, retention_days)
       SELECT id, 1, 'CHATHAM_HOUSE', 'FORBIDDEN', 'FORBIDDEN', 'SESSIONS_ONLY', 'WITHOUT_ATTRIBUTION', NULL FROM cohorts`,
    );
    await queryRunner.query(
      `INSERT INTO charter_norms (charter_version_id, position, title, text)
       SELECT v.id, n.ordinality - 1, n.value->>'title', n.value->>'text'
       FROM charter_versions v CROSS JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY n`,
      [JSON.stringify(DEFAULT_NORMS_AT_RELEASE)],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "norm_proposal_comments" DROP CONSTRAINT "FK_eebc9a79f1b448194c54dbdd6e1"');
    await queryRunner.query('ALTER TABLE "norm_votes" DROP CONSTRAINT "FK_b94dacee196c992b467d319f215"');
    await queryRunner.query('ALTER TABLE "norm_proposals" DROP CONSTRAINT "FK_a9becfdf97987fa8eac7476193e"');
    await queryRunner.query('ALTER TABLE "charter_norms" DROP CONSTRAINT "FK_6a2200016782895bd18fe39f41c"');
    await queryRunner.query('ALTER TABLE "charter_versions" DROP CONSTRAINT "FK_63065c1907c4ce7c2d9e0550dbb"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP COLUMN "charter_version"');
    await queryRunner.query('DROP INDEX "public"."ix_norm_proposal_comments_proposal"');
    await queryRunner.query('DROP TABLE "norm_proposal_comments"');
    await queryRunner.query('DROP TABLE "norm_votes"');
    await queryRunner.query('DROP TYPE "public"."vote_position"');
    await queryRunner.query('DROP INDEX "public"."ix_norm_proposals_cohort_created"');
    await queryRunner.query('DROP TABLE "norm_proposals"');
    await queryRunner.query('DROP TYPE "public"."proposal_status"');
    await queryRunner.query('DROP INDEX "public"."ix_charter_norms_version"');
    await queryRunner.query('DROP TABLE "charter_norms"');
    await queryRunner.query('DROP INDEX "public"."uq_charter_versions_cohort_version"');
    await queryRunner.query('DROP TABLE "charter_versions"');
    await queryRunner.query('DROP TYPE "public"."external_sharing"');
    await queryRunner.query('DROP TYPE "public"."vendor_access"');
    await queryRunner.query('DROP TYPE "public"."permission"');
    await queryRunner.query('DROP TYPE "public"."attribution"');
  }
}
