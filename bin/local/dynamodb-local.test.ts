import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });

/** Local addresses of the sockets listening on `port`, from Linux's socket tables (hex, as the kernel writes them). */
const listeningAddresses = (port: number): string[] =>
  ['/proc/net/tcp', '/proc/net/tcp6']
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter(
      (fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`),
    )
    .map((fields) => (fields[1] ?? '').split(':')[0] ?? '');

describe('DynamoDB Local as npm start and the tests run it', () => {
  let dynamoDb: DynamoDbLocal | undefined;
  const port = (): number => {
    if (!dynamoDb) throw new Error('DynamoDB Local did not start');
    return dynamoDb.port;
  };
  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal();
  }, 120_000);
  afterAll(async () => {
    await dynamoDb?.stop();
  });

  it('answers on 127.0.0.1', async () => {
    expect(await accepts('127.0.0.1', port())).toBe(true);
  });

  it("refuses connections on the machine's other interfaces", async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal)
      .map((address) => address?.address as string);
    for (const address of others)
      expect({ address, accepted: await accepts(address, port()) }).toEqual({ address, accepted: false });
    const listening = listeningAddresses(port());
    if (existsSync('/proc/net/tcp')) {
      // IPv4 127.0.0.1, or IPv6 ::ffff:127.0.0.1 / ::1, never 0.0.0.0 or ::
      expect(listening.length).toBeGreaterThan(0);
      for (const address of listening) {
        expect(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']).toContain(address);
      }
    } else {
      expect(others.length).toBeGreaterThan(0);
    }
  });
});
