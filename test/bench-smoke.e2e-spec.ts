import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testServerUrl } from './setup/test-database.js';

const server = testServerUrl();
const withServer = server ? describe : describe.skip;

const GOAL_IDS = ['R1', 'R2', 'W1', 'F1', 'F2', 'M1', 'S1', 'C1'];

/**
 * The benchmark is measured by `npm run bench`, never here: this only checks that its script runs
 * every scenario end to end, at a tiny scale, and writes a well-formed report.
 */
withServer('the benchmark script', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'convene-bench-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario and writes the JSON with its goals, the summary and the plots', async () => {
    await promisify(execFile)(process.execPath, ['dist/bench/run.js', '--smoke', '--out', out], {
      env: { ...process.env, DATABASE_URL: server! },
      timeout: 240_000,
    });
    const files = readdirSync(out);
    const json = files.find((file) => file.endsWith('-smoke.json'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as {
      mode: string;
      goals: { id: string; target: string; median: number; min: number; max: number; unit: string; met: boolean }[];
      plotFiles: string[];
    };
    expect(report.mode).toBe('smoke');
    for (const id of GOAL_IDS) {
      const goal = report.goals.find((g) => g.id === id);
      expect(goal).toBeDefined();
      expect(typeof goal!.met).toBe('boolean');
      expect(typeof goal!.target).toBe('string');
      expect(typeof goal!.unit).toBe('string');
      for (const value of [goal!.median, goal!.min, goal!.max]) expect(Number.isFinite(value)).toBe(true);
      expect(goal!.min).toBeLessThanOrEqual(goal!.max);
    }
    expect(report.plotFiles.length).toBeGreaterThanOrEqual(5);
    for (const plot of report.plotFiles) {
      expect(readFileSync(join(out, plot), 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<path d="M[\s\S]*<\/svg>$/);
    }
    const summary = readFileSync(join(out, json!.replace(/\.json$/, '.md')), 'utf8');
    for (const id of GOAL_IDS) expect(summary).toContain(`| ${id} |`);
  }, 300_000);
});
