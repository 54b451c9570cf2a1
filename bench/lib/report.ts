import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latencyChart, lineChart, type Series } from './plot.js';
import { round } from './stats.js';

export interface Goal {
  id: string;
  target: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  met: boolean;
}

export interface Plots {
  latency: Record<string, { title: string; series: Series[]; goalMs?: number }>;
  ramp: { members: number; p99: number; passed: boolean }[];
}

export interface Report {
  startedAt: Date;
  finishedAt: Date;
  mode: 'smoke' | 'quick' | 'full';
  machine: Record<string, unknown>;
  scale: Record<string, unknown>;
  goals: Goal[];
  details: Record<string, unknown>;
  plots: Plots;
}

export interface Written {
  json: string;
  markdown: string;
  plots: string[];
}

const fmt = (value: number) => (Number.isFinite(value) ? String(round(value)) : String(value));

/** `<date>.json` (with the `goals` array), `<date>.md` and one SVG per plot, in `dir`. */
export function writeReport(dir: string, report: Report): Written {
  const stem = `${report.startedAt.toISOString().slice(0, 10)}${report.mode === 'full' ? '' : `-${report.mode}`}`;
  const plotFiles: string[] = [];
  for (const [name, plot] of Object.entries(report.plots.latency)) {
    const file = `${stem}-${name}.svg`;
    writeFileSync(join(dir, file), latencyChart(plot.title, plot.series, plot.goalMs));
    plotFiles.push(file);
  }
  if (report.plots.ramp.length) {
    const file = `${stem}-c1.svg`;
    writeFileSync(
      join(dir, file),
      lineChart(
        [
          {
            label: 'Convene, p99 of all requests',
            points: report.plots.ramp.filter((s) => Number.isFinite(s.p99)).map((s) => [s.members, s.p99]),
          },
        ],
        {
          title: 'C1: concurrent members (read every 10 s, post every 5 min)',
          xLabel: 'members',
          yLabel: 'p99 latency (ms)',
          xTicks: report.plots.ramp.map((s) => [s.members, String(s.members)]),
          goal: { y: 500, label: 'limit 500 ms' },
        },
      ),
    );
    plotFiles.push(file);
  }
  const json = join(dir, `${stem}.json`);
  const { plots: _plots, ...rest } = report;
  writeFileSync(json, `${JSON.stringify({ ...rest, plotFiles }, null, 2)}\n`);
  const lines = [
    `# Convene benchmark, ${report.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (${report.mode})`,
    '',
    `Machine: ${String(report.machine.cpus)} cores (${String(report.machine.cpuModel)}), ${String(report.machine.memoryGb)} GiB, Node ${String(report.machine.node)}.`,
    `Took ${round((report.finishedAt.getTime() - report.startedAt.getTime()) / 1000, 0)} s.`,
    '',
    '| goal | target | median | min | max | unit | met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.goals.map(
      (g) =>
        `| ${g.id} | ${g.target} | ${fmt(g.median)} | ${fmt(g.min)} | ${fmt(g.max)} | ${g.unit} | ${g.met ? 'yes' : 'no'} |`,
    ),
    '',
    ...plotFiles.map((file) => `![${file}](${file})`),
    '',
    '## Details',
    '',
    '```json',
    JSON.stringify(report.details, null, 2),
    '```',
    '',
  ];
  const markdown = join(dir, `${stem}.md`);
  writeFileSync(markdown, lines.join('\n'));
  return { json, markdown, plots: plotFiles.map((file) => join(dir, file)) };
}
