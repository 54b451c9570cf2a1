import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import { connectionBudgetPlugin } from './connection-budget.js';

/**
 * Limits on what one GraphQL document may ask (GraphQL Armor): depth, cost, aliases, directives
 * and tokens (the last through graphql-js's parser). Fragments are expanded and introspection is counted, so neither can be used to
 * slip a deep or costly document past the limits. A refused document is BAD_USER_INPUT. Lists
 * are also capped by `first` (at most 100 per page) and counted across nesting (at most 10,000
 * items per document), and batched HTTP requests are off.
 */
export const QUERY_LIMITS = {
  maxDepth: 20,
  /** Cost grows 1.5× per level of depth: the contract's heaviest document costs about 7,200, a
   * thread with its posts and authors about 29,000. */
  maxCost: 100_000,
  /** One document cannot fan out into many searches or logins. */
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 15_000,
};

export function queryLimits(production: boolean): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: false },
    costLimit: {
      maxCost: QUERY_LIMITS.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      flattenFragments: true,
      ignoreIntrospection: false,
    },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Tokens are limited by the parser itself (`parseOptions.maxTokens`), which Apollo reports as
    // a parse failure (400); Armor's own token parser made a syntax error look like a server fault.
    maxTokens: { enabled: false },
    // "Did you mean …?" names fields an attacker did not know; kept in development for people.
    blockFieldSuggestion: { enabled: production },
  }).protect();
  // Armor's declarations resolve Apollo's CommonJS types; the plugins are the same objects.
  return {
    plugins: [...(plugins as unknown as ApolloServerPlugin[]), connectionBudgetPlugin],
    validationRules,
  };
}
