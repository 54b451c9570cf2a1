import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RepliesOutliveParents1795643601557 implements MigrationInterface {
  name = 'RepliesOutliveParents1795643601557';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "posts" DROP CONSTRAINT "FK_d8be760cd953c4a98137c5237a6"');
    await queryRunner.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_d8be760cd953c4a98137c5237a6" FOREIGN KEY ("parent_id") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "posts" DROP CONSTRAINT "FK_d8be760cd953c4a98137c5237a6"');
    await queryRunner.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_d8be760cd953c4a98137c5237a6" FOREIGN KEY ("parent_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }
}
