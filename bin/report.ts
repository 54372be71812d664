/**
 * `npm run report -- --from 2026-11-01 --to 2026-11-24`: the cost report of the running stack
 * (npm start, or a deployed API with --url) as a readable table. Uses API_TOKEN for the token.
 * With --html FILE it writes the report's HTML page (the one the scheduled job writes) to FILE.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CostReport } from '../functions/commons/pricing/cost-report.ts';

export const USAGE = `Usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--url URL] [--token TOKEN]

  --from, --to  the UTC days of the report, both included
  --url         the API: default http://localhost:$PORT (PORT defaults to 3000, as for npm start)
  --token       the API token: default $API_TOKEN
  --html FILE   write the report's HTML page to FILE instead of printing the table
  --help        this text
`;

export const parseReportArgs = (args: string[], env: NodeJS.ProcessEnv) =>
  parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      url: { type: 'string', default: `http://localhost:${env.PORT || 3000}` },
      token: { type: 'string', default: env.API_TOKEN ?? '' },
      html: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }).values;

const pad = (value: string, width: number, right = false) => (right ? value.padStart(width) : value.padEnd(width));

export const formatReport = (report: CostReport): string => {
  const header = ['day', 'number', 'country', 'market', 'category', 'model', 'billable', 'free', 'rate', 'cost'];
  const lines = report.rows.map((row) => [
    row.day,
    row.phoneNumberId,
    row.country,
    row.market,
    row.category,
    row.pricingModel,
    String(row.billableUnits),
    String(row.freeUnits),
    row.rate.toFixed(4),
    row.cost.toFixed(4),
  ]);
  const numeric = new Set([6, 7, 8, 9]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] ?? '').length)));
  const format = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i] ?? 0, numeric.has(i))).join('  ');
  return [
    `Cost report ${report.from} to ${report.to} (${report.currency}; rate card ${report.rateCardVersions.join(', ')})`,
    '',
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
    '',
    `Total: ${report.total.toFixed(4)} ${report.currency}` +
      (report.unpricedUnits > 0 ? `  (${report.unpricedUnits} units without a rate in the card)` : ''),
    ...(report.previousPeriod
      ? [
          `Previous period ${report.previousPeriod.from} to ${report.previousPeriod.to}: ` +
            `${report.previousPeriod.total.toFixed(4)} ${report.currency}`,
        ]
      : []),
    ...(report.numbers ?? []).map(
      (n) =>
        `  ${n.displayNumber ? `${n.displayNumber} (${n.phoneNumberId})` : n.phoneNumberId}: ` +
        `${n.total.toFixed(4)} ${report.currency}, previous period ${n.previousTotal.toFixed(4)}`,
    ),
    ...(report.caveats ?? []).map((caveat) => `* ${caveat}`),
    ...(report.reconciliation?.classificationDifferences?.length
      ? [
          '',
          "Where Meta's pricing differs from our classification:",
          ...report.reconciliation.classificationDifferences.map(
            (d) =>
              `  ${d.country}: ${d.units} unit(s) Meta ${d.metaCategory}/${d.metaPricingType}, ours ${d.category}/${d.pricingType}`,
          ),
        ]
      : []),
  ].join('\n');
};

/** Why a request never got an answer, in words that name the URL tried and what to check. */
export const unreachable = (url: string, error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return `Could not reach the API at ${url} (${cause}). Is npm start running there? Pass --url or set PORT.`;
};

const main = async () => {
  let values: ReturnType<typeof parseReportArgs>;
  try {
    values = parseReportArgs(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.from || !values.to) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const url = `${values.url}/reports/cost?from=${encodeURIComponent(values.from)}&to=${encodeURIComponent(values.to)}`;
  const accept = values.html === undefined ? 'application/json' : 'text/html';
  const response = await fetch(url, { headers: { authorization: `Bearer ${values.token}`, accept } }).catch(
    (error: unknown) => {
      throw new Error(unreachable(values.url, error));
    },
  );
  if (response.ok && values.html !== undefined) {
    writeFileSync(values.html, await response.text());
    process.stdout.write(`Wrote the HTML report ${values.from} to ${values.to} to ${values.html}\n`);
    return;
  }
  const body = (await response.json()) as CostReport & { error?: { code: string; message: string } };
  if (!response.ok) {
    process.stderr.write(`${url}: ${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}\n`);
    process.exit(1);
  }
  process.stdout.write(`${formatReport(body)}\n`);
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
