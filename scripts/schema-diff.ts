import { createScratchDatabase } from '../src/database/scratch-database.js';
import { openDataSource, runMigrations } from '../src/database/data-source.js';

export interface SchemaDiff {
  up: { query: string; parameters?: unknown[] }[];
  down: { query: string; parameters?: unknown[] }[];
}

/** Runs every migration on a scratch database, then asks TypeORM what the entities still need. */
export async function schemaDiff(): Promise<SchemaDiff> {
  const scratch = await createScratchDatabase(process.env.DATABASE_URL || null, { prefix: 'convene_migrations' });
  try {
    const dataSource = await openDataSource({ url: scratch.url, poolSize: 4 });
    try {
      await runMigrations(dataSource);
      const sql = await dataSource.driver.createSchemaBuilder().log();
      return { up: sql.upQueries, down: sql.downQueries };
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await scratch.drop();
  }
}
