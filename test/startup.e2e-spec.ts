import { GraphQLSchemaHost } from '@nestjs/graphql';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printConveneSchema } from '../src/graphql-schema.js';
import { startTestApp } from './harness/test-app.js';

const root = join(import.meta.dirname, '..');

describe('start-up', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['TOKEN_TTL', 'forever'],
  ])('refuses to start when %s is %s, with one line naming it', (variable, value) => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: { PATH: process.env.PATH, [variable]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(result.stdout).toBe('');
  });

  it('serves exactly the committed schema/schema.graphql', async () => {
    const t = await startTestApp();
    try {
      const served = printConveneSchema(t.app.get(GraphQLSchemaHost).schema);
      expect(served).toBe(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8'));
    } finally {
      await t.close();
    }
  });
});
