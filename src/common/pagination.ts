import { type Type } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { badInput } from './errors.js';
import { isUuid } from './ids.js';

export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** A Relay connection type named after its node: `MembershipConnection`, `MembershipEdge`. */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

/**
 * Keyset cursors: the sort key of the last row (timestamps as ISO strings), opaque to clients.
 * Only rows after it are read, so deep pages cost the same as the first.
 */
export type CursorValue = string | number;
export type CursorKey = [at: string, id: string];

/** What one part of a sort key holds, so a cursor can be checked before it reaches SQL. */
export type KeyKind = 'timestamp' | 'int' | 'id';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Cursors Convene wrote: timestamps exactly as `toISOString` prints them, int4 counts, UUIDs. */
const VALID_KEY: Record<KeyKind, (value: unknown) => boolean> = {
  timestamp: (value) =>
    typeof value === 'string' &&
    ISO_TIMESTAMP.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(value).toISOString() === value &&
    new Date(value).getUTCFullYear() >= 1,
  int: (value) => Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31,
  id: isUuid,
};

export function encodeCursor(key: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor carries, checked part by part against the kinds the list sorts by. */
export function decodeKeyCursor(cursor: string | null | undefined, kinds: readonly KeyKind[]): CursorValue[] | null {
  if (!cursor) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === kinds.length && kinds.every((kind, i) => VALID_KEY[kind](key[i]))) {
      return key as CursorValue[];
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after', 'is not a cursor from this list');
}

/** A (timestamp, id) cursor, the key of most lists. */
export function decodeCursor(cursor: string | null | undefined): CursorKey | null {
  return decodeKeyCursor(cursor, ['timestamp', 'id']) as CursorKey | null;
}

/** Builds a connection from `first + 1` rows fetched in order. */
export function toConnection<R, T>(
  rows: R[],
  first: number,
  keyOf: (row: R) => readonly CursorValue[],
  map: (row: R) => T,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: map(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** One part of a keyset order: a SQL expression of the query, its direction, and its value on a row. */
export interface KeyPart<E> {
  column: string;
  direction: 'ASC' | 'DESC';
  kind: KeyKind;
  of: (row: E) => Date | number | string;
}

interface SqlFragment {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * "Rows after this key" for an order of any length. One direction throughout is a row comparison
 * (which an index on the same columns serves); mixed directions expand to
 * `a < :a OR (a = :a AND (b > :b OR ...))`.
 */
function afterKey<E>(parts: readonly KeyPart<E>[], key: readonly CursorValue[]): SqlFragment {
  const params = Object.fromEntries(key.map((value, i) => [`after${i}`, value]));
  const operator = (part: KeyPart<E>) => (part.direction === 'ASC' ? '>' : '<');
  if (parts.every((part) => part.direction === parts[0].direction)) {
    const columns = parts.map((part) => part.column).join(', ');
    const values = parts.map((_part, i) => `:after${i}`).join(', ');
    return { sql: `(${columns}) ${operator(parts[0])} (${values})`, params };
  }
  const alternatives = parts.map((part, i) =>
    [
      ...parts.slice(0, i).map((earlier, j) => `${earlier.column} = :after${j}`),
      `${part.column} ${operator(part)} :after${i}`,
    ].join(' AND '),
  );
  return { sql: `((${alternatives.join(') OR (')}))`, params };
}

const cursorValue = (value: Date | number | string): CursorValue =>
  value instanceof Date ? value.toISOString() : value;

/**
 * One page of a query in the order of `parts`, after the cursor: the one way lists page in
 * Convene. The last part must make the order total (an id). The caller has already filtered the
 * query (cohort scope and authorization).
 */
export async function keysetPageBy<E extends ObjectLiteral, T>(
  query: SelectQueryBuilder<E>,
  page: PageArgs,
  parts: readonly KeyPart<E>[],
  map: (row: E) => T,
): Promise<Connection<T>> {
  const after = decodeKeyCursor(
    page.after,
    parts.map((part) => part.kind),
  );
  parts.forEach((part, i) =>
    i === 0 ? query.orderBy(part.column, part.direction) : query.addOrderBy(part.column, part.direction),
  );
  query.take(page.first + 1);
  if (after) {
    const condition = afterKey(parts, after);
    query.andWhere(condition.sql, condition.params);
  }
  const rows = await query.getMany();
  return toConnection(rows, page.first, (row) => parts.map((part) => cursorValue(part.of(row))), map);
}

/** One page in (timestamp, id) order, both in one direction: the order of most lists. */
export function keysetPage<E extends ObjectLiteral, T>(
  query: SelectQueryBuilder<E>,
  page: PageArgs,
  order: { at: string; id: string; direction: 'ASC' | 'DESC' },
  keyOf: (row: E) => [Date, string],
  map: (row: E) => T,
): Promise<Connection<T>> {
  return keysetPageBy(
    query,
    page,
    [
      { column: order.at, direction: order.direction, kind: 'timestamp', of: (row) => keyOf(row)[0] },
      { column: order.id, direction: order.direction, kind: 'id', of: (row) => keyOf(row)[1] },
    ],
    map,
  );
}
