/**
 * What `npm start` checks before DynamoDB Local starts or a port opens: a setting that cannot work
 * stops the start with one line naming the setting, the file and line where there is one, and what
 * to do, instead of a 500 on every send or a timeout that names nothing.
 */
import { mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NUMBER_SETTINGS, readPositiveNumber, type NumberSetting } from '../../functions/commons/config.ts';
import { loadRateCardFile } from '../../functions/commons/pricing/rate-card-file.ts';

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

const reason = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return error instanceof Error ? error.message : String(error);
};

/** How a rate card is named where it is set: the variable of `npm start`, or the context value of `cdk synth`. */
export interface RateCardSetting {
  name: string;
  fix: string;
}

export const LOCAL_RATE_CARD: RateCardSetting = {
  name: 'RATE_CARD_FILE',
  fix: 'fix the file or unset RATE_CARD_FILE for the shipped card',
};

/** The card's first problem (its checker names file, line and field); how many more there are. */
export const rateCardProblem = (file: string, setting: RateCardSetting = LOCAL_RATE_CARD): string | undefined => {
  try {
    loadRateCardFile(file);
    return undefined;
  } catch (error) {
    const { name, fix } = setting;
    if ((error as NodeJS.ErrnoException).code !== undefined) return `${name}: ${file} ${reason(error)}: ${fix}`;
    const [first, ...rest] = (error instanceof Error ? error.message : String(error)).split('\n');
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    return `${name}: ${first}${more}: ${fix}`;
  }
};

/** DynamoDB Local keeps its file there: the folder must exist and take a new entry. */
export const dataDirProblem = (dir: string): string | undefined => {
  const fix = `create it (mkdir -p ${dir}) or unset DYNAMODB_DATA_DIR to keep the data in memory`;
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (error) {
    return `DYNAMODB_DATA_DIR: ${dir} ${reason(error)}: ${fix}`;
  }
  if (!isFolder) return `DYNAMODB_DATA_DIR: ${dir} is a file, not a folder: name a folder or unset DYNAMODB_DATA_DIR`;
  // A real write, not access(2): that says yes to root even where nothing can be written.
  try {
    rmdirSync(mkdtempSync(join(dir, '.write-check-')));
  } catch {
    return `DYNAMODB_DATA_DIR: ${dir} is not writable: make it writable (chmod u+w ${dir}) or name another folder`;
  }
  return undefined;
};

/** A TCP port: an integer from 0 (any free port) to 65535. */
export const portProblem = (name: string, value: string): string | undefined => {
  const port = Number(value);
  if (/^\d+$/.test(value) && port <= 65535) return undefined;
  return `${name} must be a port number from 0 to 65535, not ${JSON.stringify(value)}: fix it or unset it for the default`;
};

/** The first problem of the local configuration as one line, or undefined when it can start. */
export const checkConfig = (env: Env): string | undefined => {
  for (const name of Object.keys(NUMBER_SETTINGS) as NumberSetting[]) {
    const value = readPositiveNumber(name, env[name]);
    if (typeof value !== 'number') return value.problem;
  }
  for (const name of ['PORT', 'SANDBOX_PORT']) {
    const value = set(env, name);
    const problem = value === undefined ? undefined : portProblem(name, value);
    if (problem) return problem;
  }
  const dataDir = set(env, 'DYNAMODB_DATA_DIR');
  const dirProblem = dataDir === undefined ? undefined : dataDirProblem(dataDir);
  if (dirProblem) return dirProblem;
  const rateCard = set(env, 'RATE_CARD_FILE');
  return rateCard === undefined ? undefined : rateCardProblem(rateCard);
};
