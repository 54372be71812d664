/** The bench's sections, each runnable alone: `npm run bench -- --only emulation,cost`. */
export const SECTIONS = [
  'work',
  'ingestion',
  'bundles',
  'cost',
  'refusal',
  'load',
  'events',
  'emulation',
  'bill',
] as const;
export type Section = (typeof SECTIONS)[number];

/** `--only a,b` (or `--only=a,b`): those sections; no `--only`: all of them. */
export const selectedSections = (argv: readonly string[]): Set<Section> => {
  const index = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (index < 0) return new Set(SECTIONS);
  const arg = argv[index] as string;
  const list = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[index + 1] ?? '');
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes sections among ${SECTIONS.join(', ')}, not "${unknown.join(',') || list}"`);
  }
  return new Set(names as Section[]);
};
