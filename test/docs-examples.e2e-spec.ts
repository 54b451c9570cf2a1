import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';

/** The documents in docs/examples.graphql work as written against the committed schema. */
describe('the API examples in the docs', () => {
  const root = join(import.meta.dirname, '..');
  const schema = buildSchema(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8'));
  const document = parse(readFileSync(join(root, 'docs', 'examples.graphql'), 'utf8'));
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );

  it('names every operation, once', () => {
    const names = operations.map((op) => op.name?.value);
    expect(names.every(Boolean)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['UpdateMyProfile', 'WhoCouldHelp', 'ConcludeCohort', 'ArchiveCohort']),
    );
  });

  it.each(operations.map((op) => [op.name!.value, op] as const))('%s validates against the schema', (_name, op) => {
    const errors = validate(schema, { kind: document.kind, definitions: [op] });
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
