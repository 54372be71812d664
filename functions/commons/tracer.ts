import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

/**
 * X-Ray. Lambda's active tracing (the stack turns it on for every function) records each invocation,
 * with its initialization, invocation and overhead, without any SDK in the bundle
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html). Subsegments per DynamoDB call
 * and the handler's ColdStart annotation need Powertools Tracer, which brings aws-xray-sdk-core,
 * semver and cls-hooked (about 120 KB minified): it is loaded only where ENGINE_XRAY_SUBSEGMENTS is
 * `true`. The stack fixes that value in each bundle (esbuild `define`, `-c xraySubsegments=…`), so a
 * bundle without subsegments does not contain the SDK at all; tsx and jest read the environment, and
 * Powertools itself stays silent outside Lambda and with POWERTOOLS_TRACE_ENABLED=false.
 */
interface Tracing {
  tracer: Tracer;
  captureLambdaHandler: typeof captureLambdaHandler;
}

/** esbuild's `define` of a bundle with or without subsegments (lib/lambda-function.ts, the bench). */
export const tracingDefine = (subsegments: boolean): Record<string, string> => ({
  'process.env.ENGINE_XRAY_SUBSEGMENTS': JSON.stringify(String(subsegments)),
});

let loading: Promise<Tracing | undefined> | undefined;

/** A ternary on the variable itself, so that esbuild drops both imports where it is defined `false`. */
const loadTracing = (): Promise<Tracing | undefined> =>
  (loading ??=
    process.env.ENGINE_XRAY_SUBSEGMENTS === 'true'
      ? Promise.all([import('@aws-lambda-powertools/tracer'), import('@aws-lambda-powertools/tracer/middleware')]).then(
          ([{ Tracer }, middleware]) => ({
            tracer: new Tracer({ serviceName: 'whatsapp-session-engine' }),
            captureLambdaHandler: middleware.captureLambdaHandler,
          }),
        )
      : Promise.resolve(undefined));

/** The handler's subsegment (Powertools' captureLambdaHandler) where subsegments are on; nothing otherwise. */
export const traceHandler = (options?: { captureResponse?: boolean }): MiddlewareObj => {
  let inner: MiddlewareObj | undefined;
  return {
    before: async (request) => {
      const tracing = await loadTracing();
      if (!tracing) return;
      inner ??= tracing.captureLambdaHandler(tracing.tracer, options) as MiddlewareObj;
      await inner.before?.(request);
    },
    after: async (request) => {
      await inner?.after?.(request);
    },
    onError: async (request) => {
      await inner?.onError?.(request);
    },
  };
};

/**
 * An AWS SDK v3 client traced call by call where subsegments are on; the client itself either way.
 * The capture is attached when the tracer has loaded, which the first invocation waits for in
 * traceHandler's `before`, so no traced call goes out before it.
 */
export const traceClient = <Client extends object>(client: Client): Client => {
  void loadTracing().then((tracing) => tracing?.tracer.captureAWSv3Client(client));
  return client;
};
