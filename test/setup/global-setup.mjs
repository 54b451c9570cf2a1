// Runs once per test run, outside Jest's module system, so it uses the compiled code in dist/
// (`npm test` builds first). Migrations run once: into a template database on PostgreSQL, or into
// an embedded database whose dump every test file loads. Each test file then gets a fresh copy.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource, runMigrations } from '../../dist/src/database/data-source.js';
import { startEmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { createScratchDatabase } from '../../dist/src/database/scratch-database.js';

async function migrate(url) {
  const dataSource = await openDataSource({ url, poolSize: 2 });
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export default async function globalSetup() {
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
  if (server) {
    const template = await createScratchDatabase(server, { prefix: 'convene_test_template' });
    await migrate(template.url);
    process.env.CONVENE_TEST_TEMPLATE = template.name;
    globalThis.dropTestTemplate = template.drop;
    return;
  }
  const embedded = await startEmbeddedPostgres();
  try {
    await migrate(embedded.url);
    const dump = await embedded.db.dumpDataDir('none');
    const file = join(tmpdir(), `convene-test-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env.CONVENE_TEST_EMBEDDED_DUMP = file;
  } finally {
    await embedded.stop();
  }
}
