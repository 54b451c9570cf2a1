import type { GqlModuleOptions } from '@nestjs/graphql';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** Options shared by the running server and the schema emitter, so both print the same SDL. */
export const GRAPHQL_SCHEMA_OPTIONS = {
  sortSchema: true,
  buildSchemaOptions: { numberScalarMode: 'integer' as const, dateScalarMode: 'isoDate' as const },
} satisfies Partial<GqlModuleOptions>;

const HEADER = '# Convene GraphQL schema. Generated from the code by `npm run schema:emit`; do not edit.\n\n';

export function printConveneSchema(schema: GraphQLSchema): string {
  return `${HEADER}${printSchema(lexicographicSortSchema(schema))}\n`;
}
