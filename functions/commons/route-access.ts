import { routeOf, routes, type ApiScope, type HandlerName, type RouteDefinition, type SecretName } from '#routes';

/** What a function may do, as its route declares it: the secrets it reads, the scope a caller's token needs. */
export interface RouteAccess {
  handler: string;
  secrets: readonly SecretName[];
  /** API-token routes only */
  scope?: ApiScope;
}

const accessOf = (route: RouteDefinition): RouteAccess => ({
  handler: route.handler,
  secrets: route.secrets,
  ...(route.auth === 'apiToken' ? { scope: route.scope } : {}),
});

/**
 * esbuild's `define` of the bundle of functions/<handler> (lib/lambda-function.ts, the bench): its
 * route's access, taken from the route list at synth, so the bundle holds that and not the whole list.
 * Nothing for a function that serves no route.
 */
export const routeAccessDefine = (handler: string): Record<string, string> => {
  const route = (routes as readonly RouteDefinition[]).find((candidate) => candidate.handler === handler);
  return route ? { 'process.env.ENGINE_ROUTE_ACCESS': JSON.stringify(JSON.stringify(accessOf(route))) } : {};
};

let bundled: RouteAccess | undefined;

/**
 * The access of the route `handler` serves. In a Lambda bundle: what the stack compiled in (above),
 * checked to be this handler's; under tsx and jest: the route list itself.
 */
export const routeAccess = (handler: HandlerName): RouteAccess => {
  // A ternary on the variable itself, so that esbuild drops the route list where it is defined.
  const access = process.env.ENGINE_ROUTE_ACCESS
    ? (bundled ??= JSON.parse(process.env.ENGINE_ROUTE_ACCESS) as RouteAccess)
    : accessOf(routeOf(handler));
  if (access.handler !== handler) throw new Error(`this bundle serves functions/${access.handler}, not ${handler}`);
  return access;
};
