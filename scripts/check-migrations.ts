import 'reflect-metadata';
import { schemaDiff } from './schema-diff.js';

const diff = await schemaDiff();
if (diff.up.length > 0) {
  console.error('Entities and migrations disagree; `npm run migration:generate -- <Name>` would add:');
  for (const { query } of diff.up) console.error(`  ${query};`);
  process.exit(1);
}
console.log('migrations: entities and migrations agree');
