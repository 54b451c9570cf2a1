import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { requestedItems } from './connection-budget.js';

const schema = buildSchema(readFileSync(join(import.meta.dirname, '../../schema/schema.graphql'), 'utf8'));

function items(source: string, variables: Record<string, unknown> = {}): number {
  const document = parse(source);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return requestedItems(schema, operation, fragments, variables);
}

describe('list items a document asks for', () => {
  const nested = 'threads(spaceId: "s", first: 100) { edges { node { posts(first: 100) { edges { node { id } } } } } }';

  it('multiplies nested pages', () => {
    expect(items(`{ ${nested} }`)).toBe(100 + 100 * 100);
  });

  it('follows fragments where they are spread, twice if spread twice', () => {
    const viaFragments = `query { ...A ...A } fragment A on Query { threads(spaceId: "s", first: 10) { edges { node { ...B } } } }
      fragment B on Thread { posts(first: 50) { edges { node { id } } } }`;
    expect(items(viaFragments)).toBe(2 * (10 + 10 * 50));
  });

  it('reads first from variables, the default page when absent, and caps it at 100', () => {
    const doc = 'query ($n: Int) { threads(spaceId: "s", first: $n) { edges { node { id } } } }';
    expect(items(doc, { n: 7 })).toBe(7);
    expect(items(doc, {})).toBe(20);
    expect(items(doc, { n: 5000 })).toBe(100);
    expect(items('{ threads(spaceId: "s") { edges { node { id } } } }')).toBe(20);
  });
});
