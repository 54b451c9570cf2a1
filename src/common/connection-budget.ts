import type { ApolloServerPlugin } from '@apollo/server';
import {
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLNamedType,
  GraphQLError,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from './pagination.js';

/** The most list items one document may ask for, all lists, nesting and fragments counted. */
export const MAX_REQUESTED_ITEMS = 10_000;
const DEFAULT_PAGE_SIZE = 20;

/** `first` as the request gives it, literally or through a variable; absent, the default page. */
function sizeOf(value: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (!value || value.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
  if (value.kind === Kind.INT) return Math.max(1, Number(value.value));
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'number' && given > 0 ? Math.min(given, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  }
  return MAX_PAGE_SIZE;
}

/**
 * Connections cost by how many items they may return: `first` multiplies everything below it,
 * so `threads(first: 100) { … posts(first: 100) }` asks for 10,000 posts. Fragments are
 * followed where they are spread; `first` is read with the request's variables.
 */
export function requestedItems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const count = (set: SelectionSetNode, parent: GraphQLNamedType, multiplier: number, seen: Set<string>): number => {
    let items = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const definition = parent.getFields()[selection.name.value];
        if (!definition) continue;
        let inner = multiplier;
        if (definition.args.some((arg) => arg.name === 'first')) {
          const first = selection.arguments?.find((arg) => arg.name.value === 'first')?.value;
          inner = multiplier * sizeOf(first, variables);
          items += inner;
        }
        items += count(selection.selectionSet, getNamedType(definition.type), inner, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) items += count(selection.selectionSet, type, multiplier, seen);
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type) items += count(fragment.selectionSet, type, multiplier, new Set([...seen, fragment.name.value]));
      }
    }
    return items;
  };
  const root = schema.getRootType(operation.operation);
  return root ? count(operation.selectionSet, root, 1, new Set()) : 0;
}

/** Refuses, before it runs, an operation asking for more than `MAX_REQUESTED_ITEMS` list items. */
export const connectionBudgetPlugin: ApolloServerPlugin = {
  requestDidStart() {
    return Promise.resolve({
      didResolveOperation({ schema, document, operation, request }) {
        if (!operation) return Promise.resolve();
        const fragments = Object.fromEntries(
          document.definitions
            .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
            .map((d) => [d.name.value, d]),
        );
        const total = requestedItems(schema, operation, fragments, request.variables ?? {});
        if (total > MAX_REQUESTED_ITEMS) {
          return Promise.reject(
            new GraphQLError(
              `This document asks for up to ${total} list items; at most ${MAX_REQUESTED_ITEMS} are allowed (ask for smaller pages)`,
              { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
            ),
          );
        }
        return Promise.resolve();
      },
    });
  },
};
