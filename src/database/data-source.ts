import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DataSourceSettings {
  url: string;
  /** Upper bound of pooled connections (the embedded server multiplexes only a few). */
  poolSize?: number;
}

export function dataSourceOptions({ url, poolSize = 10 }: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // While the database is unreachable, requests fail within seconds instead of hanging.
    extra: { max: poolSize, connectionTimeoutMillis: 5_000, query_timeout: 30_000 },
  };
}

/** Advisory lock key held while migrating, so two instances starting together do not race. */
const MIGRATION_LOCK = 727_274_001;

/**
 * Runs pending migrations. Against a shared PostgreSQL, under an advisory lock so that instances
 * starting together take turns; the embedded database has one owner process and one pooled
 * connection, which the lock would hold while the migrations wait for it.
 */
export async function runMigrations(dataSource: DataSource, options: { lock?: boolean } = {}): Promise<string[]> {
  if (options.lock === false) {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

export async function openDataSource(settings: DataSourceSettings): Promise<DataSource> {
  return new DataSource(dataSourceOptions(settings)).initialize();
}
