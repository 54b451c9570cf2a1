/**
 * `npm run bench:web`: how long the web client takes to show a thread of 100 replies to a signed-in
 * member, on a fast link and on 3G-class links emulated by Chromium (Debian's, at CHROMIUM_PATH).
 * Each profile is measured cold (a new browser profile: nothing cached) and warm (the same
 * profile again: scripts from the cache, data from the server), over several rounds; the median
 * and the spread are printed and written to bench/results/<date>-web.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { seedDataset } from './lib/dataset.js';
import { startProductService } from './lib/processes.js';
import { round, spread } from './lib/stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROUNDS = Number(process.env.BENCH_WEB_ROUNDS ?? 5);

/**
 * Chromium's own presets (DevTools): "3G" (formerly "Fast 3G") and "Slow 3G". Throughput in bytes
 * per second; latency is added to every request, as DevTools does.
 */
const PROFILES = [
  { name: 'unthrottled', latency: 0, download: -1, upload: -1 },
  { name: '3G', latency: 562.5, download: ((1.6 * 1024 * 1024) / 8) * 0.9, upload: ((750 * 1024) / 8) * 0.9 },
  { name: 'Slow 3G', latency: 2000, download: ((500 * 1024) / 8) * 0.8, upload: ((500 * 1024) / 8) * 0.8 },
] as const;

interface Load {
  ms: number;
  /** Bytes over the wire, as Chromium counted them (compressed where the server compressed). */
  bytes: number;
  requests: number;
}

async function measure(
  browser: Browser,
  url: string,
  token: string,
  threadId: string,
  profile: (typeof PROFILES)[number],
): Promise<{ cold: Load; warm: Load }> {
  const context = await browser.newContext();
  await context.addInitScript({ content: `localStorage.setItem('convene.token', ${JSON.stringify(token)})` });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latency,
    downloadThroughput: profile.download,
    uploadThroughput: profile.upload,
  });
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
    bytes += event.encodedDataLength;
    requests += 1;
  });
  const load = async (): Promise<Load> => {
    bytes = 0;
    requests = 0;
    const started = performance.now();
    await page.goto(`${url}/#/threads/${threadId}`, { waitUntil: 'commit' });
    // Usable: the thread and its replies are on the page.
    await page.locator('.replies article').nth(99).waitFor({ timeout: 120_000 });
    return { ms: performance.now() - started, bytes, requests };
  };
  const cold = await load();
  await page.goto('about:blank');
  const warm = await load();
  await context.close();
  return { cold, warm };
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL: the PostgreSQL server to seed a scratch database on');
  const dataset = await seedDataset(serverUrl, { members: 50, threads: 5, postsPerThread: 100 });
  const service = await startProductService(dataset.url);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  const member = dataset.members.find((m) => m.role === 'MEMBER')!;
  const results: Record<string, unknown> = {};
  try {
    for (const profile of PROFILES) {
      const runs: { cold: Load; warm: Load }[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        runs.push(
          await measure(browser, service.url, member.token, dataset.threadIds[i % dataset.threadIds.length], profile),
        );
      }
      const summary = (kind: 'cold' | 'warm') => {
        const ms = spread(runs.map((r) => r[kind].ms));
        return {
          medianMs: round(ms.median, 0),
          minMs: round(ms.min, 0),
          maxMs: round(ms.max, 0),
          kilobytes: round(spread(runs.map((r) => r[kind].bytes)).median / 1024, 1),
          requests: spread(runs.map((r) => r[kind].requests)).median,
        };
      };
      results[profile.name] = { profile, cold: summary('cold'), warm: summary('warm') };
      const { cold, warm } = results[profile.name] as {
        cold: ReturnType<typeof summary>;
        warm: ReturnType<typeof summary>;
      };
      process.stdout.write(
        `${profile.name.padEnd(12)} cold ${cold.medianMs} ms (${cold.minMs}–${cold.maxMs}), ${cold.kilobytes} KB in ${cold.requests} requests; ` +
          `warm ${warm.medianMs} ms (${warm.minMs}–${warm.maxMs}), ${warm.kilobytes} KB\n`,
      );
    }
  } finally {
    await browser.close();
    await service.stop();
    await dataset.drop();
  }
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${new Date().toISOString().slice(0, 10)}-web.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), rounds: ROUNDS, page: 'thread with 100 replies', results }, null, 2)}\n`,
  );
  process.stdout.write(`written to ${file}\n`);
}

await main();
