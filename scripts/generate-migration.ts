import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaDiff } from './schema-diff.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('Usage: npm run migration:generate -- <PascalCaseName>');
  process.exit(1);
}
const diff = await schemaDiff();
if (diff.up.length === 0) {
  console.log('Nothing to generate: entities and migrations agree.');
  process.exit(0);
}
// TypeORM emits an enum shared by two tables twice (CREATE TYPE, DROP TYPE): keep it once, created
// before its first use and dropped after its last.
type Statement = { query: string; parameters?: unknown[] };
const once = (queries: Statement[]) =>
  queries.filter((statement, index) => queries.findIndex((other) => other.query === statement.query) === index);
const up = once(diff.up);
const down = once(diff.down).reverse();
const timestamp = Date.now();
const className = `${name}${timestamp}`;
const fileName = `${timestamp}-${name}`;
const lines = (queries: Statement[]) =>
  queries
    .map(({ query, parameters }) => {
      const args = parameters?.length ? `, ${JSON.stringify(parameters)}` : '';
      return `    await queryRunner.query(${JSON.stringify(query)}${args});`;
    })
    .join('\n');
const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
const root = process.cwd();
writeFileSync(join(root, 'migrations', `${fileName}.ts`), source);
const indexPath = join(root, 'migrations', 'index.ts');
const index = readFileSync(indexPath, 'utf8')
  .replace(/^(\/\*\*[^]*?\*\/\n)/m, `$1`)
  .replace(
    /^(export const MIGRATIONS: Function\[\] = \[)([^]*?)(\];)/m,
    (_all, open: string, list: string, close: string) => {
      const entries = list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      return `${open}${[...entries, className].join(', ')}${close}`;
    },
  );
writeFileSync(indexPath, `import { ${className} } from './${fileName}.js';\n${index}`);
console.log(`Wrote migrations/${fileName}.ts (${up.length} statements)`);
