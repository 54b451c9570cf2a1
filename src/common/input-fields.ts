import { applyDecorators } from '@nestjs/common';
import { Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

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
