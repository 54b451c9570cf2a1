import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMAIN_MODULES } from '../src/app.module.js';
import { resolverClasses } from '../src/common/module-walk.js';
import { GRAPHQL_SCHEMA_OPTIONS, printConveneSchema } from '../src/graphql-schema.js';

// Prints the SDL the server serves into schema/schema.graphql; with --check, fails when it is stale.
const context = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
await context.init();
const schema = await context
  .get(GraphQLSchemaFactory)
  .create(resolverClasses(DOMAIN_MODULES), GRAPHQL_SCHEMA_OPTIONS.buildSchemaOptions);
await context.close();
const sdl = printConveneSchema(schema);
const file = join(process.cwd(), 'schema', 'schema.graphql');
if (process.argv.includes('--check')) {
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (committed !== sdl) {
    console.error('schema/schema.graphql is stale: run `npm run schema:emit` and commit the result.');
    process.exit(1);
  }
  console.log('schema: schema/schema.graphql is up to date');
} else {
  writeFileSync(file, sdl);
  console.log(`Wrote ${file}`);
}
