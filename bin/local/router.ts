import { safeDecode } from './api-gateway-event.ts';
import { routes, type RouteDefinition } from '../../functions/routes.ts';

export interface RouteMatch {
  route: RouteDefinition;
  routeKey: string;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

/** The path templates of the one route list, as API Gateway matches them: `{name}` is one path segment. */
export const compileRoutes = (list: readonly RouteDefinition[] = routes): CompiledRoute[] =>
  list.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]);
        return '([^/]+)';
      })
      .join('/');
    return { route, pattern: new RegExp(`^${source}$`), names };
  });

export const matchRoute = (compiled: CompiledRoute[], method: string, path: string): RouteMatch | undefined => {
  for (const { route, pattern, names } of compiled) {
    if (route.method !== method) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    // HTTP APIs pass path parameters percent-decoded.
    const pathParameters = Object.fromEntries(names.map((name, i) => [name, safeDecode(match[i + 1] ?? '')]));
    return { route, routeKey: `${route.method} ${route.path}`, pathParameters };
  }
  return undefined;
};
