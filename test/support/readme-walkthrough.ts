/**
 * The README's walkthrough as data: the `sh` blocks between the walkthrough markers, each cut into
 * commands (a line continued with `\` is one command) with the answer shown under it (`# ` lines),
 * and the rule an answer is checked by. Read from README.md at test time, so the test runs what a
 * person reads, not a copy.
 */

export const WALKTHROUGH_START = '<!-- walkthrough:';
export const WALKTHROUGH_END = '<!-- end of walkthrough -->';
/** stands for a value that differs from run to run */
export const ANY = '…';

export interface WalkthroughCommand {
  /** the command as one line (continuations joined), as bash reads it */
  command: string;
  /** the `# ` line under it, without the `# `; undefined when none is shown */
  answer?: string;
  /** line number in README.md of the command's first line */
  line: number;
}

/** Every command of every `sh` block inside the markers, in order. */
export const walkthroughCommands = (readme: string): WalkthroughCommand[] => {
  const lines = readme.split('\n');
  const from = lines.findIndex((line) => line.startsWith(WALKTHROUGH_START));
  const to = lines.findIndex((line, index) => index > from && line.startsWith(WALKTHROUGH_END));
  if (from === -1 || to === -1) throw new Error('README.md has no walkthrough markers');
  const commands: WalkthroughCommand[] = [];
  let inBlock = false;
  let pending: { text: string; line: number } | undefined;
  for (let index = from + 1; index < to; index++) {
    const line = lines[index] ?? '';
    if (!inBlock) {
      inBlock = line.trim() === '```sh';
      continue;
    }
    if (line.trim() === '```') {
      inBlock = false;
      continue;
    }
    if (pending) {
      pending.text += `\n${line}`;
      if (!line.endsWith('\\')) {
        commands.push({ command: pending.text, line: pending.line });
        pending = undefined;
      }
      continue;
    }
    if (line.startsWith('#')) {
      const last = commands.at(-1);
      if (!last || last.answer !== undefined) throw new Error(`README.md line ${index + 1}: an answer with no command`);
      last.answer = line.replace(/^# ?/, '');
      continue;
    }
    if (line.trim() === '') continue;
    if (line.endsWith('\\')) pending = { text: line, line: index + 1 };
    else commands.push({ command: line, line: index + 1 });
  }
  return commands;
};

/** Where `actual` differs from what `shown` shows (`…` any value, objects by the keys shown, arrays whole); none: []. */
export const differences = (shown: unknown, actual: unknown, path = '$'): string[] => {
  if (shown === ANY) return actual === undefined ? [`${path}: missing`] : [];
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) return [`${path}: ${JSON.stringify(actual)} is not a list`];
    if (actual.length !== shown.length) return [`${path}: ${actual.length} items, the README shows ${shown.length}`];
    return shown.flatMap((item, i) => differences(item, actual[i], `${path}[${i}]`));
  }
  if (typeof shown === 'object' && shown !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return [`${path}: ${JSON.stringify(actual)} is not an object`];
    return Object.entries(shown).flatMap(([key, value]) =>
      differences(value, (actual as Record<string, unknown>)[key], `${path}.${key}`),
    );
  }
  return Object.is(shown, actual)
    ? []
    : [`${path}: ${JSON.stringify(actual)}, the README shows ${JSON.stringify(shown)}`];
};

/** How an answer compares with the output: JSON answers by `differences`, any other text exactly. */
export const answerDifferences = (answer: string, output: string): string[] => {
  let shown: unknown;
  try {
    shown = JSON.parse(answer);
  } catch {
    return output.trim() === answer.trim() ? [] : [`${JSON.stringify(output.trim())}, the README shows ${answer}`];
  }
  let actual: unknown;
  try {
    actual = JSON.parse(output);
  } catch {
    return [`not JSON: ${JSON.stringify(output.slice(0, 300))}`];
  }
  return differences(shown, actual);
};
