import { getArgumentValues, getNamedType, type GraphQLResolveInfo, isObjectType, Kind, type FieldNode } from 'graphql';
import { decodeCursor, MAX_PAGE_SIZE, type PageArgs } from './pagination.js';

/**
 * The page a document asks of a connection field right below the field being resolved, when it
 * asks for exactly one, directly (no alias of the same field twice, no fragment) and with valid
 * arguments; otherwise null, and the connection's own resolver reads it (and reports any error).
 * Lets a resolver read the object and its first page in one statement.
 */
export function pageAskedOf(info: GraphQLResolveInfo, connection: string): PageArgs | null {
  const selections = info.fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []);
  if (selections.some((selection) => selection.kind !== Kind.FIELD)) return null;
  const fields = (selections as FieldNode[]).filter((selection) => selection.name.value === connection);
  const type = getNamedType(info.returnType);
  if (fields.length !== 1 || !isObjectType(type)) return null;
  const definition = type.getFields()[connection];
  if (!definition) return null;
  try {
    const args = getArgumentValues(definition, fields[0], info.variableValues) as Partial<PageArgs>;
    const first = args.first ?? 20;
    const after = args.after ?? null;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) return null;
    if (after !== null && (typeof after !== 'string' || after.length > 512)) return null;
    decodeCursor(after);
    return { first, after };
  } catch {
    return null;
  }
}

/** Whether a connection resolver's arguments are the page that was read ahead. */
export function samePage(a: PageArgs, b: PageArgs): boolean {
  return a.first === b.first && (a.after ?? null) === (b.after ?? null);
}
