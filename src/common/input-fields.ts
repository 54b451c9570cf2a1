import { applyDecorators } from '@nestjs/common';
import { Field, ID } from '@nestjs/graphql';
import { IsDate, IsOptional, IsString, IsUUID, Matches, MaxDate, MaxLength, MinDate } from 'class-validator';

/** An input id that must be a UUID of the named kind. */
export const IdField = (kind: string, options: { nullable?: boolean } = {}) =>
  applyDecorators(
    Field(() => ID, { nullable: options.nullable }),
    ...(options.nullable ? [IsOptional()] : []),
    IsUUID('all', { message: `must be a ${kind} id` }),
  );

/** Text a person writes: not blank, at most `max` characters. */
export const TextField = (max: number, options: { nullable?: boolean; description?: string } = {}) =>
  applyDecorators(
    Field(() => String, { nullable: options.nullable, description: options.description }),
    ...(options.nullable ? [IsOptional()] : []),
    IsString(),
    Matches(/\S/, { message: 'must not be empty' }),
    MaxLength(max),
  );

/** The years every date Convene stores must fall in (PostgreSQL itself takes a wider range). */
const EARLIEST = new Date('1900-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59Z');

/** A date-time a person enters: a valid instant between the years 1900 and 9999. */
export const DateField = (options: { nullable?: boolean; description?: string } = {}) =>
  applyDecorators(
    Field(() => Date, { nullable: options.nullable, description: options.description }),
    ...(options.nullable ? [IsOptional()] : []),
    IsDate({ message: 'must be a date-time' }),
    MinDate(EARLIEST, { message: 'must be in the year 1900 or later' }),
    MaxDate(LATEST, { message: 'must be before the year 10000' }),
  );
