import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Cohorts1795639084404 implements MigrationInterface {
  name = 'Cohorts1795639084404';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "cohorts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "purpose" text NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fd38f76b135e907b834fda1e752" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"cohort_role\" AS ENUM('FACILITATOR', 'MEMBER', 'SCHOLAR', 'VENDOR', 'OBSERVER')",
    );
    await queryRunner.query(
      'CREATE TABLE "invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "email" text NOT NULL, "role" "public"."cohort_role" NOT NULL, "ministry" text NOT NULL, "country" character(2) NOT NULL, "access_expires_at" TIMESTAMP WITH TIME ZONE, "space_ids" uuid array NOT NULL DEFAULT \'{}\', "session_ids" uuid array NOT NULL DEFAULT \'{}\', "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "invited_by_id" uuid NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "accepted_by_user_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_invitations_token_hash" ON "invitations"  ("token_hash") ');
    await queryRunner.query(
      'CREATE INDEX "ix_invitations_cohort_created" ON "invitations"  ("cohort_id", "created_at", "id") ',
    );
    await queryRunner.query('CREATE TYPE "public"."membership_status" AS ENUM(\'ACTIVE\', \'REMOVED\')');
    await queryRunner.query(
      'CREATE TABLE "memberships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" "public"."cohort_role" NOT NULL, "ministry" text NOT NULL, "country" character(2) NOT NULL, "status" "public"."membership_status" NOT NULL DEFAULT \'ACTIVE\', "access_expires_at" TIMESTAMP WITH TIME ZONE, "granted_space_ids" uuid array NOT NULL DEFAULT \'{}\', "granted_session_ids" uuid array NOT NULL DEFAULT \'{}\', "accepted_charter_version" integer NOT NULL DEFAULT \'0\', "removed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_memberships_user_id" ON "memberships"  ("user_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_memberships_cohort_created" ON "memberships"  ("cohort_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_memberships_cohort_user" ON "memberships"  ("cohort_id", "user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "audit_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid, "actor_id" uuid, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "details" jsonb NOT NULL DEFAULT \'{}\', "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b1623bcad4d04530b76548d619" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_audit_entries_cohort_at" ON "audit_entries"  ("cohort_id", "at", "id") ');
    await queryRunner.query(
      'ALTER TABLE "invitations" ADD CONSTRAINT "FK_fa9ada7959071fe24a80976ad14" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "FK_362889185da457fd9e7dd346c56" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // The audit log is append-only: the database itself refuses to change or delete an entry.
    await queryRunner.query(`CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit entries are append-only';
      END;
    $$`);
    await queryRunner.query(
      'CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER audit_entries_append_only ON audit_entries');
    await queryRunner.query('DROP FUNCTION audit_entries_append_only()');
    await queryRunner.query('ALTER TABLE "memberships" DROP CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051"');
    await queryRunner.query('ALTER TABLE "memberships" DROP CONSTRAINT "FK_362889185da457fd9e7dd346c56"');
    await queryRunner.query('ALTER TABLE "invitations" DROP CONSTRAINT "FK_fa9ada7959071fe24a80976ad14"');
    await queryRunner.query('DROP INDEX "public"."ix_audit_entries_cohort_at"');
    await queryRunner.query('DROP TABLE "audit_entries"');
    await queryRunner.query('DROP INDEX "public"."uq_memberships_cohort_user"');
    await queryRunner.query('DROP INDEX "public"."ix_memberships_cohort_created"');
    await queryRunner.query('DROP INDEX "public"."ix_memberships_user_id"');
    await queryRunner.query('DROP TABLE "memberships"');
    await queryRunner.query('DROP TYPE "public"."membership_status"');
    await queryRunner.query('DROP INDEX "public"."ix_invitations_cohort_created"');
    await queryRunner.query('DROP INDEX "public"."uq_invitations_token_hash"');
    await queryRunner.query('DROP TABLE "invitations"');
    await queryRunner.query('DROP TYPE "public"."cohort_role"');
    await queryRunner.query('DROP TABLE "cohorts"');
  }
}
