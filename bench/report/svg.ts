import { LIBRARY_NAMES, type LibraryName } from '../libraries/library.ts';
import type { BenchResults } from './results.ts';

const COLORS: Record<LibraryName, string> = {
  ours: '#1f6feb',
  'ours-granted': '#54aeff',
  'ours-unprepared': '#0a3069',
  'raw-pg': '#6e7781',
  copy: '#bf8700',
  'mikro-orm': '#d1242f',
  drizzle: '#1a7f37',
  prisma: '#8250df',
  'raw-pg-again': '#afb8c1',
};
const BAR = 9;
const GAP = 10;
const LABEL_WIDTH = 330;
const PLOT_WIDTH = 420;
const PANEL_GAP = 40;
// Ratios span three orders of magnitude (a whole-entity ORM load of 1,000 profiles against one SQL statement): log scale.
const MIN_RATIO = 0.005;
const MAX_RATIO = 2;
const TICKS = [0.01, 0.03, 0.1, 0.3, 1, 2];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const x = (ratio: number) => (Math.log(Math.min(Math.max(ratio, MIN_RATIO), MAX_RATIO) / MIN_RATIO) / Math.log(MAX_RATIO / MIN_RATIO)) * PLOT_WIDTH;

/** `bench/results/ratios.svg`: per mode, per scenario, one bar per library: ops/s relative to raw pg. */
export function renderRatioChart(results: BenchResults): string {
  const libraries = LIBRARY_NAMES.filter((name) => results.results.some((row) => row.library === name));
  const scenarios = [...new Map(results.results.map((row) => [row.scenario, row])).values()];
  const groupHeight = libraries.length * BAR + GAP;
  const top = 70;
  const height = top + scenarios.length * groupHeight + 40;
  const panelWidth = LABEL_WIDTH + PLOT_WIDTH + PANEL_GAP;
  const width = panelWidth * results.modes.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">Operations per second relative to raw pg (log scale; 1 = raw pg, right of it = faster)</text>`,
  ];
  libraries.forEach((library, i) => {
    parts.push(`<rect x="${10 + i * 110}" y="28" width="10" height="10" fill="${COLORS[library]}"/>`, `<text x="${24 + i * 110}" y="37">${library}</text>`);
  });

  results.modes.forEach((mode, panel) => {
    const left = panel * panelWidth + LABEL_WIDTH;
    const plotBottom = top + scenarios.length * groupHeight;
    parts.push(`<text x="${left}" y="${top - 12}" font-weight="bold">${escape(mode.title)}</text>`);
    for (const tick of TICKS) {
      const tx = left + x(tick);
      parts.push(
        `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${plotBottom}" stroke="${tick === 1 ? '#24292f' : '#d0d7de'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
        `<text x="${tx}" y="${plotBottom + 14}" text-anchor="middle">${tick}</text>`,
      );
    }
    scenarios.forEach((scenario, row) => {
      const y = top + row * groupHeight;
      parts.push(`<text x="${left - 8}" y="${y + (libraries.length * BAR) / 2 + 4}" text-anchor="end">${escape(`${scenario.group}. ${scenario.title}`)}</text>`);
      libraries.forEach((library, i) => {
        const result = results.results.find((r) => r.mode === mode.name && r.scenario === scenario.scenario && r.library === library);
        if (!result) return;
        const barY = y + i * BAR;
        parts.push(
          `<rect x="${left}" y="${barY}" width="${Math.max(1, x(result.ratioToRawPg)).toFixed(1)}" height="${BAR - 1}" fill="${COLORS[library]}">` +
            `<title>${library}: ${result.ratioToRawPg.toFixed(3)} × raw pg, ${result.opsPerSecond.toFixed(1)} ops/s, median ${result.medianMs.toFixed(2)} ms</title></rect>`,
          `<text x="${left + x(result.ratioToRawPg) + 3}" y="${barY + BAR - 1.5}" font-size="8" fill="#57606a">${result.ratioToRawPg.toFixed(2)}</text>`,
        );
      });
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
