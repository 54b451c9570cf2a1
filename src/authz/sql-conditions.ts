import { rulesToAST } from '@casl/ability/extra';
import { type Condition, CompoundCondition, FieldCondition } from '@ucast/mongo2js';
import type { Action, AppAbility } from './ability.factory.js';
import type { SubjectType } from './subjects.js';

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * Maps a subject's field names to SQL column expressions of the query being filtered; an array
 * column is marked so that equality means "contains" and `$size` means its length, as in CASL.
 */
export type ColumnMap = Record<string, string | { array: string }>;

const COMPARISONS: Record<string, string> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

class SqlBuilder {
  readonly params: Record<string, unknown> = {};
  private next = 0;

  constructor(
    private readonly columns: ColumnMap,
    private readonly prefix: string,
  ) {}

  private param(value: unknown): string {
    const name = `${this.prefix}${this.next++}`;
    this.params[name] = value;
    return name;
  }

  private column(field: string): string | { array: string } {
    const column = this.columns[field];
    // An unknown field cannot be dropped silently: skipping a condition would widen the query.
    if (!column) throw new Error(`No SQL column for authorization field "${field}"`);
    return column;
  }

  private arrayCondition(column: string, operator: string, value: unknown): string {
    if (operator === 'eq') return `:${this.param(value)} = ANY(${column})`;
    if (operator === 'size') return `cardinality(${column}) = :${this.param(value)}`;
    throw new Error(`Unsupported authorization operator "${operator}" on an array field`);
  }

  build(condition: Condition): string {
    if (condition instanceof CompoundCondition) {
      const parts = (condition.value as Condition[]).map((child) => this.build(child));
      switch (condition.operator) {
        case 'and':
          return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
        case 'or':
          return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
        case 'not':
          return `(NOT ${parts[0]})`;
        default:
          throw new Error(`Unsupported authorization operator "${condition.operator}"`);
      }
    }
    if (condition instanceof FieldCondition) {
      const mapped = this.column(condition.field);
      if (typeof mapped !== 'string') return this.arrayCondition(mapped.array, condition.operator, condition.value);
      const column = mapped;
      if (condition.operator === 'in' || condition.operator === 'nin') {
        const values = condition.value as unknown[];
        const test = `${column} = ANY(:${this.param(values)})`;
        return condition.operator === 'in' ? test : `(NOT ${test})`;
      }
      const comparison = COMPARISONS[condition.operator];
      if (!comparison) throw new Error(`Unsupported authorization operator "${condition.operator}"`);
      if (condition.value === null) {
        if (condition.operator === 'eq') return `${column} IS NULL`;
        if (condition.operator === 'ne') return `${column} IS NOT NULL`;
      }
      return `${column} ${comparison} :${this.param(condition.value)}`;
    }
    throw new Error('Unsupported authorization condition');
  }
}

/**
 * The SQL form of "rows of this subject the ability allows for this action", built from the same
 * rules `ability.can` applies to instances. Nothing allowed yields `FALSE`.
 */
export function accessibleBy(
  ability: AppAbility,
  action: Action,
  subjectType: SubjectType,
  columns: ColumnMap,
  paramPrefix = 'authz',
): SqlCondition {
  const ast = rulesToAST(ability, action, subjectType);
  if (!ast) return { sql: 'FALSE', params: {} };
  const builder = new SqlBuilder(columns, paramPrefix);
  return { sql: builder.build(ast), params: builder.params };
}

/**
 * Whether the full member `m` (a membership row alias) may enter the space `spaceId` (a SQL
 * placeholder): the audience rule of `admitToAudience` in the ability, for someone other than the
 * caller (a helper to suggest, a contributor to invite). Facilitators enter every space, members
 * those whose audience of roles and ministries admits them.
 */
export function entersSpaceSql(m: string, spaceId: string): string {
  return `EXISTS (SELECT 1 FROM spaces s WHERE s.id = ${spaceId} AND s.cohort_id = ${m}.cohort_id
            AND (${m}.role = 'FACILITATOR' OR (
                 (cardinality(s.audience_roles) = 0 OR ${m}.role = ANY(s.audience_roles))
             AND (cardinality(s.audience_ministries) = 0 OR ${m}.ministry = ANY(s.audience_ministries)))))`;
}
