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
 * Keyset cursors: the (timestamp, id) sort key of the last row, opaque to clients. Only rows after
 * it are read, so deep pages cost the same as the first.
 */
export type CursorKey = [at: string, id: string];

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): CursorKey | null {
  if (!cursor) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 2 &&
      typeof key[0] === 'string' &&
      ISO_TIMESTAMP.test(key[0]) &&
      !Number.isNaN(Date.parse(key[0])) &&
      isUuid(key[1])
    ) {
      return [key[0], key[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after', 'is not a cursor from this list');
}

/** Builds a connection from `first + 1` rows fetched in order. */
export function toConnection<R, T>(
  rows: R[],
  first: number,
  keyOf: (row: R) => CursorKey,
  map: (row: R) => T,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: map(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * One page of a query in (timestamp, id) order, after the cursor: the one way lists page in
 * Convene. The caller has already filtered the query (cohort scope and authorization).
 */
export async function keysetPage<E extends ObjectLiteral, T>(
  query: SelectQueryBuilder<E>,
  page: PageArgs,
  order: { at: string; id: string; direction: 'ASC' | 'DESC' },
  keyOf: (row: E) => [Date, string],
  map: (row: E) => T,
): Promise<Connection<T>> {
  const after = decodeCursor(page.after);
  query
    .orderBy(order.at, order.direction)
    .addOrderBy(order.id, order.direction)
    .take(page.first + 1);
  if (after) {
    const comparison = order.direction === 'ASC' ? '>' : '<';
    query.andWhere(`(${order.at}, ${order.id}) ${comparison} (:afterAt, :afterId)`, {
      afterAt: after[0],
      afterId: after[1],
    });
  }
  const rows = await query.getMany();
  return toConnection(
    rows,
    page.first,
    (row) => {
      const [at, id] = keyOf(row);
      return [at.toISOString(), id];
    },
    map,
  );
}
