/** Small SVG line charts for the benchmark's results, readable on GitHub and in any browser. */

export interface Series {
  label: string;
  points: [number, number][];
}

interface Axes {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Where to put ticks on x, and how to write them. */
  xTicks: [number, string][];
  /** A horizontal line for the goal, if there is one. */
  goal?: { y: number; label: string };
}

const COLOURS = ['#1b6ca8', '#d1495b', '#2e933c', '#edae49', '#6b4c9a', '#00798c'];
const W = 720;
const H = 420;
const PAD = { left: 70, right: 20, top: 40, bottom: 90 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value)!;
}

export function lineChart(series: Series[], axes: Axes): string {
  const xs = [...series.flatMap((s) => s.points.map(([x]) => x)), ...axes.xTicks.map(([x]) => x)];
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.points.map(([, y]) => y)), axes.goal?.y ?? 0) * 1.05);
  const px = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin || 1)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - (y / yMax) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escape(axes.title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const y = (yMax * i) / 5;
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${py(y) + 4}" text-anchor="end">${Number(y.toPrecision(3))}</text>`,
    );
  }
  for (const [x, label] of axes.xTicks) {
    parts.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${escape(label)}</text>`,
    );
  }
  parts.push(
    `<text x="${W / 2}" y="${H - PAD.bottom + 36}" text-anchor="middle">${escape(axes.xLabel)}</text>`,
    `<text transform="translate(16 ${(H - PAD.bottom + PAD.top) / 2}) rotate(-90)" text-anchor="middle">${escape(axes.yLabel)}</text>`,
  );
  if (axes.goal) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(axes.goal.y)}" y2="${py(axes.goal.y)}" stroke="#888" stroke-dasharray="6 4"/>`,
      `<text x="${W - PAD.right - 4}" y="${py(axes.goal.y) - 5}" text-anchor="end" fill="#555">${escape(axes.goal.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const path = s.points.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${colour}"/>`);
    const lx = PAD.left + (i % 3) * 220;
    const ly = H - 30 + Math.floor(i / 3) * 16;
    parts.push(
      `<rect x="${lx}" y="${ly - 9}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${lx + 18}" y="${ly + 1}">${escape(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Latency by percentile, the percentile axis stretched towards the tail (50, 90, 99, 99.9 equally apart). */
export function latencyChart(title: string, series: Series[], goalMs?: number): string {
  const nines = (p: number) => -Math.log10(1 - p / 100);
  return lineChart(
    series.map((s) => ({ label: s.label, points: s.points.filter(([p]) => p >= 50).map(([p, ms]) => [nines(p), ms]) })),
    {
      title,
      xLabel: 'percentile of requests',
      yLabel: 'latency (ms)',
      xTicks: [50, 75, 90, 99, 99.9, 99.99].map((p) => [nines(p), `p${p}`]),
      goal: goalMs ? { y: goalMs, label: `goal ${goalMs} ms` } : undefined,
    },
  );
}
