import { type ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { badInput } from './errors.js';
import { validationException } from './graphql-errors.js';

/** The first string in a value that holds a NUL character, by its path. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (depth > 32) return null;
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulPath(item, `${path}.${index}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/**
 * class-validator on every argument, after refusing NUL characters anywhere in it: PostgreSQL
 * cannot store them, and no member means to send one.
 */
@Injectable()
export class ConveneValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, exceptionFactory: validationException });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Request context and the caller (custom parameters) are not client input.
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const found = nulPath(value, metadata.type === 'body' || metadata.data === 'input' ? '' : (metadata.data ?? ''));
    if (found !== null) throw badInput(found || (metadata.data ?? 'input'), 'must not contain NUL characters');
    return super.transform(value, metadata);
  }
}
