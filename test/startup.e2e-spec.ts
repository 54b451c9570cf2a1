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

describe('a first start on the embedded database', () => {
  it('creates the database, migrates, keeps the admin password out of the logs and serves requests', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'convene-start-'));
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const server = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: port, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      let ready = false;
      for (let i = 0; i < 120 && !ready; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
      }
      expect(ready).toBe(true);
      const { readFileSync, statSync } = await import('node:fs');
      const file = join(dataDir, 'admin-password');
      const password = readFileSync(file, 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(output).toContain(file);
      expect(output).not.toContain(password);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation ($input: LoginInput!) { login(input: $input) { token } }',
          variables: { input: { email: 'admin@convene.local', password } },
        }),
      });
      const body = (await res.json()) as { data?: { login?: { token?: string } } };
      expect(body.data?.login?.token).toMatch(/^cvn_/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
