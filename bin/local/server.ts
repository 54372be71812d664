import { createServer, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { routes, type RouteDefinition } from '../../functions/routes.ts';
import { toHttpApiEvent } from './api-gateway-event.ts';
import { lambdaContext } from './lambda-context.ts';
import { BodyTooLarge, listen, readBody, writeJsonError, writeNotFound } from './http.ts';
import { compileRoutes, matchRoute } from './router.ts';
import { serveStoredReport } from './report-files.ts';
import { LOCAL_REPORT_PATH } from '../../functions/commons/report/file-report-sink.ts';

/** API Gateway's payload limit for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** Loads the exact `handler` export that Lambda would call for a route's function folder. */
export type HandlerLoader = (handlerName: string) => Promise<LambdaHandler>;

export const importHandler: HandlerLoader = async (handlerName) => {
  const module = (await import(`../../functions/${handlerName}/index.ts`)) as { handler: LambdaHandler };
  return module.handler;
};

/** Writes a Lambda result back as API Gateway does, including its shorthand for non-structured results. */
const writeResult = (res: ServerResponse, result: APIGatewayProxyResultV2): void => {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
};

export interface LocalServerOptions {
  port: number;
  host?: string;
  routes?: readonly RouteDefinition[];
  loadHandler?: HandlerLoader;
  /** structured log line per request */
  log?: (entry: Record<string, unknown>) => void;
  /** the stored reports behind the signed links of GET /reports/cost?link=true (S3's part on AWS) */
  reportFiles?: { root: string; secret: string };
}

/** Serves the route list over HTTP by turning each request into the event API Gateway would send. */
export const startLocalServer = async (options: LocalServerOptions): Promise<{ server: Server; url: string }> => {
  const compiled = compileRoutes(options.routes ?? routes);
  const loadHandler = options.loadHandler ?? importHandler;
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const handlerFor = (name: string): Promise<LambdaHandler> => {
    let loaded = handlers.get(name);
    if (!loaded) {
      loaded = loadHandler(name);
      handlers.set(name, loaded);
    }
    return loaded;
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (options.reportFiles && method === 'GET' && path.startsWith(LOCAL_REPORT_PATH)) {
      const files = options.reportFiles;
      req.resume();
      void serveStoredReport(files, new URL(url, 'http://127.0.0.1'), Math.floor(Date.now() / 1000)).then((answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        options.log?.({ message: 'request', method, route: 'stored report', status: answer.status });
      });
      return;
    }
    const match = matchRoute(compiled, method, path);
    const finish = (status: number) =>
      options.log?.({ message: 'request', method, route: match?.routeKey ?? null, status, ms: Date.now() - started });
    if (!match) {
      req.resume();
      writeNotFound(res, `No route for ${method} ${path}. See README.md for the API.`);
      finish(404);
      return;
    }
    void (async () => {
      try {
        const body = await readBody(req, MAX_BODY_BYTES);
        const event = toHttpApiEvent(
          { method, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
          match,
        );
        const handler = await handlerFor(match.route.handler);
        const result = await handler(
          event,
          lambdaContext(match.route.handler, { requestId: event.requestContext.requestId }),
        );
        writeResult(res, result);
        finish(res.statusCode);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          writeJsonError(res, 413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
          finish(413);
          return;
        }
        // Lambda answers 500 when the handler itself throws; API Gateway reports it as an internal error.
        options.log?.({ message: 'handler failed', route: match.routeKey, error: String(error) });
        if (!res.headersSent) writeJsonError(res, 500, 'INTERNAL_ERROR', 'Internal Server Error');
        finish(500);
      }
    })();
  });

  const { port } = await listen(server, options.port, options.host ?? '127.0.0.1');
  return { server, url: `http://127.0.0.1:${port}` };
};
