import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ReportLinks, ReportSink } from './report-sink';

let writes = 0;

/** Where the local server serves stored report files: `<base>/local/reports/<key>?expires=…&signature=…`. */
export const LOCAL_REPORT_PATH = '/local/reports/';

/** Links to the local server that work without the API token until they expire, like S3's presigned URLs. */
export interface LocalReportLinks {
  /** the local server, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** the HMAC key of this run's links (bin/local.ts makes one per start) */
  secret: string;
  /** epoch seconds */
  now?: () => number;
}

const linkSignature = (key: string, expires: number, secret: string): Buffer =>
  createHmac('sha256', secret).update(`${key}\n${expires}`).digest();

/** A local link's `expires` and `signature` against its key: `ok`, `expired` (at `expires` itself too) or `invalid`. */
export const checkLocalLink = (
  key: string,
  link: { expires: string | null; signature: string | null },
  secret: string,
  now: number,
): 'ok' | 'expired' | 'invalid' => {
  const expires = Number(link.expires);
  const given = Buffer.from(link.signature ?? '', 'hex');
  const expected = linkSignature(key, expires, secret);
  if (!/^\d{1,12}$/.test(link.expires ?? '') || given.length !== expected.length) return 'invalid';
  if (!timingSafeEqual(given, expected)) return 'invalid';
  return now < expires ? 'ok' : 'expired';
};

/**
 * Writes report files under a root folder (for `npm start` and tests), creating folders as needed.
 * A key is a relative, `/`-separated path like an S3 key; one that is empty, absolute, holds a `..`,
 * `.` or empty segment, a backslash or a NUL is refused, so no key can write outside the root.
 * Each file is written to a temporary name and renamed, so a reader never sees half a report.
 * The content type is not stored (the file's extension says it). With `links`, it also answers
 * signed links of the local server (which serves them, bin/local/report-files.ts) where S3 presigns.
 */
export class FileReportSink implements ReportSink, ReportLinks {
  readonly root: string;

  constructor(
    root: string,
    private readonly links?: LocalReportLinks,
  ) {
    this.root = resolve(root);
  }

  async exists(key: string): Promise<boolean> {
    return (await stat(this.pathOf(key)).catch(() => undefined))?.isFile() ?? false;
  }

  async readUrl(key: string, seconds: number): Promise<string> {
    this.pathOf(key);
    if (!this.links) throw new Error('FileReportSink was given no local server to link to');
    const expires = Math.floor(this.links.now?.() ?? Date.now() / 1000) + seconds;
    const signature = linkSignature(key, expires, this.links.secret).toString('hex');
    return `${this.links.baseUrl}${LOCAL_REPORT_PATH}${key}?expires=${expires}&signature=${signature}`;
  }

  /** The file a key is written to; throws for a key that would leave the root. */
  pathOf(key: string): string {
    const refuse = (why: string): never => {
      throw new RangeError(`report key ${JSON.stringify(key)} refused: ${why}`);
    };
    if (key === '') refuse('it is empty');
    if (key.includes('\\') || key.includes('\u0000')) refuse('it holds a backslash or NUL');
    if (key.startsWith('/') || isAbsolute(key) || /^[A-Za-z]:/.test(key)) refuse('it is absolute');
    if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
      refuse("it holds an empty, '.' or '..' segment");
    const path = resolve(this.root, ...key.split('/'));
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
      refuse('it leaves the root folder');
    return path;
  }

  async put(key: string, body: string, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${++writes}.tmp`;
    try {
      await writeFile(temporary, body, 'utf8');
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
