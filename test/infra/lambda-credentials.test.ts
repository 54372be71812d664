import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleAlias } from '../../lib/lambda-function.ts';
import { stagedBundle } from '../support/staged-bundle.ts';

// The SDK's default chain says this when it passes over SSO; the environment's provider says the other.
const SSO_LINK = 'Skipping SSO provider in default chain';
const ENV_REFUSAL = 'Unable to find environment variable credentials';

describe("the credential chain in the functions' bundles", () => {
  it("a staged function carries the environment's credentials, without the rest of the SDK's chain", () => {
    const code = stagedBundle('webhook-verify');
    expect(code).toContain(ENV_REFUSAL);
    expect(code).not.toContain(SSO_LINK);
  });

  describe('a DynamoDB client bundled with the same alias', () => {
    let dir: string;
    let bundle: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'wse-credentials-'));
      bundle = join(dir, 'client.mjs');
      await build({
        stdin: {
          contents: `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
            const client = new DynamoDBClient({ region: 'eu-west-1' });
            try {
              const { accessKeyId, secretAccessKey, sessionToken } = await client.config.credentials();
              process.stdout.write(JSON.stringify({ accessKeyId, secretAccessKey, sessionToken }));
            } catch (error) {
              process.stdout.write(JSON.stringify({ error: error.message }));
            }`,
          resolveDir: process.cwd(),
          loader: 'js',
        },
        outfile: bundle,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node22',
        mainFields: ['module', 'main'],
        alias: { ...bundleAlias },
        banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
        logLevel: 'silent',
      });
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // No instance metadata either way: a chain that looked there would fail with its own message.
    const run = (env: Record<string, string>) => {
      const result = spawnSync(process.execPath, [bundle], {
        env: { PATH: process.env.PATH, AWS_EC2_METADATA_DISABLED: 'true', ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (result.status !== 0) throw new Error(`the bundle failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as Record<string, string>;
    };

    it("signs with the execution role's credentials Lambda puts in the environment", () => {
      const credentials = { accessKeyId: 'ASIAROLE', secretAccessKey: 'role-secret', sessionToken: 'role-session' };
      expect(
        run({
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken,
        }),
      ).toEqual(credentials);
    });

    it('without them, fails at once with the SDK error that says where it looked', () => {
      expect(run({}).error).toContain(ENV_REFUSAL);
    });

    it('holds no other link of the default chain', () => {
      expect(readFileSync(bundle, 'utf8')).not.toContain(SSO_LINK);
    });
  });
});
