import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ReportSink } from './report-sink';

let writes = 0;

/**
 * Writes report files under a root folder (for `npm start` and tests), creating folders as needed.
 * A key is a relative, `/`-separated path like an S3 key; one that is empty, absolute, holds a `..`,
 * `.` or empty segment, a backslash or a NUL is refused, so no key can write outside the root.
 * Each file is written to a temporary name and renamed, so a reader never sees half a report.
 * The content type is not stored (the file's extension says it).
 */
export class FileReportSink implements ReportSink {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
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
