import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Mentions1795642344341 implements MigrationInterface {
  name = 'Mentions1795642344341';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "threads" ADD "mentioned_membership_ids" uuid array NOT NULL DEFAULT \'{}\'');
    await queryRunner.query('ALTER TABLE "posts" ADD "mentioned_membership_ids" uuid array NOT NULL DEFAULT \'{}\'');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "posts" DROP COLUMN "mentioned_membership_ids"');
    await queryRunner.query('ALTER TABLE "threads" DROP COLUMN "mentioned_membership_ids"');
  }
}
