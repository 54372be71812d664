import { randomInt } from 'node:crypto';
import { createHandler } from '../../functions/sync-templates/index.ts';
import { listMessageTemplates } from '#graph/message-templates';
import { apiEvent, invoke } from '#test/api-event';
import { ACCESS_TOKEN, API_TOKEN, sendRouteForFile, type Json } from '../support/send-route.ts';

/**
 * POST /templates/sync against the sandbox's template list: every page read into the registry with
 * Meta's status, category and components; a template Meta no longer lists is marked DELETED.
 */

const route = sendRouteForFile();

const sync = async (wabaId: string | undefined, now: number) => {
  const handler = createHandler({
    store: route.stores.templates,
    // Two per page, so three templates take every page there is.
    listTemplates: (waba) =>
      listMessageTemplates(
        { baseUrl: route.sandbox.url, apiVersion: 'v23.0', accessToken: async () => ACCESS_TOKEN, pageSize: 2 },
        waba,
      ),
    clock: () => now,
    secrets: async () => ({ apiTokens: [API_TOKEN] }),
    wabaId: () => wabaId,
  });
  const { status, body } = await invoke(
    handler,
    apiEvent('POST /templates/sync', { path: '/templates/sync', token: API_TOKEN }),
  );
  return { status, body };
};

const sandboxTemplate = async (body: Json) => {
  const response = await fetch(`${route.sandbox.url}/sandbox/templates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};

describe('POST /templates/sync', () => {
  it("imports Meta's templates with their components, then marks one Meta removed as deleted", async () => {
    const run = randomInt(1e9, 1e10);
    const wabaId = `7${run}`;
    const names = [`sync_a_${run}`, `sync_b_${run}`, `sync_c_${run}`];
    const components = [
      { type: 'HEADER', format: 'TEXT', text: 'Order update' },
      { type: 'BODY', text: 'Your order {{1}} ships today.', example: { body_text: [['4711']] } },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
    ];
    await sandboxTemplate({ name: names[0], language: 'en_US', category: 'UTILITY', components, quality: 'green' });
    await sandboxTemplate({ name: names[1], language: 'en-GB', category: 'MARKETING', status: 'PAUSED' });
    await sandboxTemplate({ name: names[2], language: 'pt_BR', category: 'AUTHENTICATION' });

    const first = await sync(wabaId, 1_770_000_000);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, wabaId, deleted: [] });
    expect(Number(first.body.pages)).toBeGreaterThanOrEqual(2);
    expect(await route.stores.templates.readTemplate(names[0] as string, 'en_US')).toEqual({
      name: names[0],
      language: 'en_US',
      category: 'utility',
      status: 'APPROVED',
      components,
    });
    expect(await route.stores.templates.readTemplate(names[1] as string, 'en_GB')).toMatchObject({
      category: 'marketing',
      status: 'PAUSED',
    });

    const removed = await fetch(`${route.sandbox.url}/sandbox/templates/${names[2]}/pt_BR`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    const second = await sync(wabaId, 1_770_000_900);
    expect(second.body).toMatchObject({ ok: true, deleted: [`${names[2]} (pt_BR)`] });
    expect((await route.stores.templates.readTemplate(names[2] as string, 'pt_BR'))?.status).toBe('DELETED');
    expect((await route.stores.templates.readTemplate(names[0] as string, 'en_US'))?.status).toBe('APPROVED');
    // Deleted once is deleted: the next sync marks nothing again.
    expect((await sync(wabaId, 1_770_001_800)).body).toMatchObject({ deleted: [] });
  });

  it('needs the WABA id', async () => {
    const answer = await sync(undefined, 1_770_000_000);
    expect([answer.status, (answer.body.error as Json).code]).toEqual([409, 'WABA_ID_REQUIRED']);
  });
});
