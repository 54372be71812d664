import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, tableSchema } from '../../functions/commons/store/table-schema.ts';

/** AWS's own DynamoDB Local, from the jar that the amplify-dynamodb-simulator npm package ships. */
export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** the java process; the watchdog shell around it is this process's child */
  pid: number;
  stop(): Promise<void>;
  /**
   * Calls `listener` once if java exits without `stop()` (killed from outside, out of memory, a
   * crash), with its exit code and its last lines of output, so a caller can fail loudly at once.
   */
  onUnexpectedExit(listener: (exit: UnexpectedExit) => void): void;
}

export interface UnexpectedExit {
  code: number | null;
  /** the last lines java printed (stdout and stderr) */
  lastOutput: string[];
}

/** Lines of java's output kept for the message when it dies. */
const KEPT_OUTPUT_LINES = 20;

export interface DynamoDbLocalOptions {
  /** keep data between runs in this folder instead of memory */
  dbPath?: string;
  port?: number;
  /** how long to wait for the first answer */
  startTimeoutMs?: number;
}

/** Java's single-file source launcher runs it; no build step, no class file in the repository. */
const LOOPBACK_LAUNCHER = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));

export const JAVA_MISSING =
  'DynamoDB Local needs Java 17 or newer and `java` was not found: install it ' +
  '(Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17).';

const emulatorDir = (): string => {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  if (!existsSync(join(dir, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDBLocal.jar not found in ${dir}: run npm ci to install the dev dependencies`);
  }
  return dir;
};

export const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(JAVA_MISSING);
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** Local clients need some credentials and a region; DynamoDB Local accepts any. */
export const localClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

const waitUntilAnswering = async (endpoint: string, process: ChildProcess, timeoutMs: number): Promise<void> => {
  const client = localClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (process.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${process.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
};

/**
 * Starts DynamoDB Local and returns once it answers. Java runs under a small shell watchdog that
 * holds our stdin pipe: when this Node process exits for any reason (Ctrl-C, a crash, jest's end),
 * the pipe closes, `read` returns and the watchdog kills java, so no java process outlives us.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const dir = emulatorDir();
  const port = options.port ?? (await freePort());
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  const javaArgs = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-cp',
    `${join(dir, 'DynamoDBLocal.jar')}:${join(dir, 'DynamoDBLocal_lib', '*')}`,
    // DynamoDB Local's jar binds every interface and has no option against it: our launcher binds 127.0.0.1.
    LOOPBACK_LAUNCHER,
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // The shell waits on java, so its exit is java's exit; a background reader of our stdin pipe
  // kills java when this Node process goes away (the pipe closes), so no java outlives us.
  const watchdog =
    // (A background job's stdin is /dev/null in sh, so the pipe is handed to it as fd 3.)
    'exec 3<&0; java "$@" 2>&1 & java_pid=$!; echo "$java_pid"; ' +
    '( read -r _ignored <&3; kill "$java_pid" 2>/dev/null ) & ' +
    'trap \'kill "$java_pid" 2>/dev/null\' TERM INT HUP; ' +
    'wait "$java_pid"; code=$?; wait "$java_pid" 2>/dev/null; exit "$code"';
  const child = spawn('sh', ['-c', watchdog, 'dynamodb-local', ...javaArgs], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: dir,
  });
  const output: string[] = [];
  // A java killed from outside can reset its end of the pipe; its exit is reported below instead.
  child.stdout?.on('error', () => undefined);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    let first = true;
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (first) {
          first = false;
          resolve(Number(line.trim()));
        } else if (line.trim()) {
          output.push(line);
          if (output.length > KEPT_OUTPUT_LINES) output.shift();
        }
      }
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let stopping = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const killed = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
    ]);
    if (!killed) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      child.kill('SIGKILL');
      await exited;
    }
  };

  try {
    await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 90000);
  } catch (error) {
    await stop();
    throw error;
  }
  const onUnexpectedExit = (listener: (exit: UnexpectedExit) => void): void => {
    void exited.then((code) => {
      if (!stopping) listener({ code, lastOutput: [...output] });
    });
  };
  return { endpoint, port, pid, stop, onUnexpectedExit };
};

/**
 * Creates the session table from the one schema declaration (if absent) with TTL on `expiresAt`.
 * DynamoDB Local really deletes expired items, against the wall clock; the test harness turns TTL
 * off so that tests with an injected clock in the past keep their items.
 */
export const createSessionTable = async (
  endpoint: string,
  tableName: string,
  options: { timeToLive?: boolean } = {},
): Promise<void> => {
  const client = localClient(endpoint);
  try {
    const exists = await client
      .send(new DescribeTableCommand({ TableName: tableName }))
      .then(() => true)
      .catch((error: Error) => {
        if (error.name === 'ResourceNotFoundException') return false;
        throw error;
      });
    if (exists) return;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    if (options.timeToLive === false) return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableSchema.timeToLiveAttribute, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
};
