/**
 * The templates the sandbox's Meta knows, and Meta's template list over them
 * (`GET /{waba-id}/message_templates`,
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/):
 * `data` pages of `limit` templates (25 by default, as Meta) with `paging.cursors` and a `paging.next`
 * URL on the sandbox's own origin while more follow. Templates are added and removed through the
 * sandbox's control paths, as a business would create and delete them in WhatsApp Manager.
 */
import { randomInt } from 'node:crypto';
import type { MetaTemplate } from '../../../functions/commons/graph/message-templates.ts';
import { invalidParameter, invalidSandboxRequest, type Json } from './errors';

/** A template in Meta's wire form: what our client reads as a MetaTemplate, its quality as Meta nests it. */
export type SandboxTemplate = Omit<MetaTemplate, 'quality'> & { quality_score?: { score: string } };

const STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'ARCHIVED', 'FLAGGED'];
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export class SandboxTemplates {
  private readonly templates = new Map<string, SandboxTemplate>();

  /** `{ name, language, category, status?, components?, quality? }`: added, or replaced (same id) by name and language. */
  put(body: Json): SandboxTemplate {
    const { name, language, category } = body;
    if (!nonEmpty(name) || !nonEmpty(language)) throw invalidSandboxRequest('name and language are required.');
    const upper = (value: unknown, fallback: string) => (nonEmpty(value) ? value.toUpperCase() : fallback);
    const status = upper(body.status, 'APPROVED');
    const kind = upper(category, '');
    if (!CATEGORIES.includes(kind)) throw invalidSandboxRequest(`category must be one of ${CATEGORIES.join(', ')}.`);
    if (!STATUSES.includes(status)) throw invalidSandboxRequest(`status must be one of ${STATUSES.join(', ')}.`);
    const key = `${name}#${language}`;
    const template: SandboxTemplate = {
      id: this.templates.get(key)?.id ?? String(randomInt(1e13, 1e14)),
      name,
      language,
      status,
      category: kind,
      components: Array.isArray(body.components) ? body.components : [{ type: 'BODY', text: `Hello from ${name}` }],
      ...(nonEmpty(body.quality) ? { quality_score: { score: body.quality.toUpperCase() } } : {}),
    };
    this.templates.set(key, template);
    return template;
  }

  remove(name: string, language: string): { deleted: boolean } {
    return { deleted: this.templates.delete(`${name}#${language}`) };
  }

  /** One page of Meta's list: `after` is the cursor of the last template of the previous page. */
  page(url: URL, origin: string): Json {
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? 25 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw invalidParameter("Parameter 'limit' must be 1 to 1000.");
    const all = [...this.templates.values()].sort((a, b) => a.id.localeCompare(b.id));
    const after = url.searchParams.get('after');
    const start = after === null ? 0 : all.findIndex((template) => template.id === after) + 1;
    const data = all.slice(start, start + limit);
    const more = start + limit < all.length;
    const last = data.at(-1);
    const next = new URL(url.pathname, origin);
    url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
    if (last) next.searchParams.set('after', last.id);
    return {
      data,
      ...(data.length === 0
        ? {}
        : {
            paging: {
              cursors: { before: data[0]?.id, after: last?.id },
              ...(more ? { next: next.toString() } : {}),
            },
          }),
    };
  }
}
