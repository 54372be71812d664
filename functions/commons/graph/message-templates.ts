import {
  graphUrl,
  isObject,
  isRetryable,
  optionalString,
  parseJson,
  readGraphError,
  realSleep,
  requestGraph,
  withoutSecret,
} from './graph-request';

/**
 * Client for Meta's template list, `GET /{waba-id}/message_templates`
 * (https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/):
 * every template of the WABA with its name, language, status, category, components and quality,
 * page after page through `paging.next` (on the same origin only, so the token never leaves for
 * another host), up to `maxPages`; a longer list is a failure, never a silently partial one.
 * Temporary failures are retried; the token is in the Authorization header only and never returned.
 */

export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
  /** quality_score.score: GREEN, YELLOW, RED, UNKNOWN */
  quality?: string;
}

export type TemplateListResult =
  | { ok: true; templates: MetaTemplate[]; pages: number }
  | { ok: false; httpStatus: number; code?: number; message: string };

export interface TemplateListOptions {
  baseUrl: string;
  apiVersion: string;
  accessToken: () => Promise<string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxPages?: number;
  /** templates per page asked for; default 100 */
  pageSize?: number;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const FIELDS = 'id,name,language,status,category,components,quality_score';

const toTemplate = (value: unknown): MetaTemplate | undefined => {
  if (!isObject(value)) return undefined;
  const [id, name, language, status, category] = ['id', 'name', 'language', 'status', 'category'].map((key) =>
    optionalString(value[key]),
  );
  if (!id || !name || !language || !status || !category) return undefined;
  const quality = isObject(value.quality_score) ? optionalString(value.quality_score.score) : undefined;
  const components = Array.isArray(value.components) ? value.components : [];
  return { id, name, language, status, category, components, ...(quality === undefined ? {} : { quality }) };
};

export const listMessageTemplates = async (
  options: TemplateListOptions,
  wabaId: string,
): Promise<TemplateListResult> => {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  const maxPages = options.maxPages ?? 50;
  const maxAttempts = options.maxAttempts ?? 3;
  const token = await options.accessToken();
  const first = `${graphUrl(options.baseUrl, options.apiVersion, wabaId, 'message_templates')}?fields=${FIELDS}&limit=${options.pageSize ?? 100}`;
  const origin = new URL(first).origin;
  const templates: MetaTemplate[] = [];
  let url: string | undefined = first;
  for (let pages = 1; url !== undefined; pages += 1) {
    if (pages > maxPages) return { ok: false, httpStatus: 0, message: `more than ${maxPages} pages of templates` };
    let answer = await requestGraph(
      doFetch,
      url,
      { headers: { authorization: `Bearer ${token}` } },
      options.timeoutMs ?? 10_000,
    );
    for (let attempt = 1; attempt < maxAttempts; attempt += 1) {
      const temporary =
        !answer.answered ||
        (!answer.ok && isRetryable(readGraphError(answer.status, answer.text, answer.retryAfterMs)));
      if (!temporary) break;
      await sleep(250 * 2 ** attempt);
      answer = await requestGraph(
        doFetch,
        url,
        { headers: { authorization: `Bearer ${token}` } },
        options.timeoutMs ?? 10_000,
      );
    }
    if (!answer.answered) return { ok: false, httpStatus: 0, message: answer.message };
    if (!answer.ok) {
      const error = readGraphError(answer.status, answer.text, answer.retryAfterMs);
      return {
        ok: false,
        httpStatus: answer.status,
        ...(error.code === undefined ? {} : { code: error.code }),
        message: withoutSecret(error.message, token),
      };
    }
    const body = parseJson(answer.text);
    if (!isObject(body) || !Array.isArray(body.data)) {
      return { ok: false, httpStatus: answer.status, message: 'the template list has no data array' };
    }
    for (const item of body.data) {
      const template = toTemplate(item);
      if (template) templates.push(template);
    }
    const next = isObject(body.paging) ? optionalString(body.paging.next) : undefined;
    url = next !== undefined && new URL(next).origin === origin ? next : undefined;
    if (url === undefined) return { ok: true, templates, pages };
  }
  return { ok: true, templates, pages: 0 };
};
