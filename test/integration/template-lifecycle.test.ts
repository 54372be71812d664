import { randomInt } from 'node:crypto';
import { createHandler as createPutHandler } from '../../functions/put-template/index.ts';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { webhookHarness } from '#test/webhook';
import * as payloads from '../fixtures/payloads.ts';
import { apiEvent, invoke } from '#test/api-event';
import { API_TOKEN, sendRouteForFile, type Json } from '../support/send-route.ts';

/**
 * A template through Meta's lifecycle webhooks, then sent: PAUSED refuses, REINSTATED sends again,
 * ARCHIVED then UNARCHIVED comes back as it was, `en-US` is `en_US`, and a PUT never overrules Meta.
 */
const T = Math.floor(Date.now() / 1000) - 3600;
const webhook = webhookHarness({ now: T + 3600 });

const route = sendRouteForFile();

const statusWebhook = (name: string, event: string, at: number, language = 'en_US') =>
  webhook.post(payloads.webhookBody(payloads.templateStatusChange({ name, event, language }), { time: at }));

const put = async (name: string, body: Json) => {
  const handler = createPutHandler({
    store: route.stores.templates,
    clock: () => T + 3600,
    secrets: async () => ({ apiTokens: [API_TOKEN] }),
  });
  const path = `/templates/${name}/en_US`;
  const pathParameters = { name, language: 'en_US' };
  const { status, body: answer } = await invoke(
    handler,
    apiEvent('PUT /templates/{name}/{language}', { path, token: API_TOKEN, pathParameters, body }),
  );
  return { status, body: answer };
};

const REGISTRATION = { category: 'utility', components: [{ type: 'BODY', text: 'Your order has shipped.' }] };

describe('template lifecycle', () => {
  const send = async (name: string, language = 'en_US') => {
    const phoneNumberId = uniquePhoneNumberId();
    const answer = await route.post(route.handler(), {
      to: `+${uniqueWaId()}`,
      type: 'template',
      template: { name, language: { code: language } },
      phoneNumberId,
    });
    return [answer.status, answer.status === 200 ? 'sent' : (answer.body.error as Json).code];
  };

  it('PAUSED refuses before Meta, REINSTATED sends again', async () => {
    const name = `lifecycle_${randomInt(1e9, 1e10)}`;
    expect((await put(name, REGISTRATION)).status).toBe(200);
    expect(await send(name)).toEqual([200, 'sent']);
    await statusWebhook(name, 'PAUSED', T);
    expect(await send(name)).toEqual([422, 'TEMPLATE_NOT_APPROVED']);
    await statusWebhook(name, 'REINSTATED', T + 1);
    expect(await send(name)).toEqual([200, 'sent']);
  });

  it('ARCHIVED then UNARCHIVED restores the status it had', async () => {
    const name = `lifecycle_${randomInt(1e9, 1e10)}`;
    await put(name, REGISTRATION);
    await statusWebhook(name, 'APPROVED', T);
    await statusWebhook(name, 'ARCHIVED', T + 1);
    expect(await send(name)).toEqual([422, 'TEMPLATE_NOT_APPROVED']);
    await statusWebhook(name, 'UNARCHIVED', T + 2);
    expect((await route.stores.templates.readTemplate(name, 'en_US'))?.status).toBe('APPROVED');
    expect(await send(name)).toEqual([200, 'sent']);
  });

  it('a webhook naming en-US updates the en_US template, no second one', async () => {
    const name = `lifecycle_${randomInt(1e9, 1e10)}`;
    await put(name, REGISTRATION);
    await statusWebhook(name, 'PAUSED', T, 'en-US');
    expect((await route.stores.templates.listTemplates()).filter((t) => t.name === name)).toEqual([
      expect.objectContaining({ language: 'en_US', status: 'PAUSED' }),
    ]);
    expect(await send(name, 'en-US')).toEqual([422, 'TEMPLATE_NOT_APPROVED']);
  });

  it('a PUT that would overrule the status Meta set answers 409 with what Meta says', async () => {
    const name = `lifecycle_${randomInt(1e9, 1e10)}`;
    await put(name, REGISTRATION);
    await webhook.post(
      payloads.webhookBody(payloads.templateStatusChange({ name, event: 'PAUSED', reason: 'LOW_QUALITY' }), {
        time: T,
      }),
    );
    const stale = await put(name, { ...REGISTRATION, status: 'APPROVED' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'TEMPLATE_STATUS_SET_BY_META' });
    expect(String((stale.body.error as Json).message)).toContain('is PAUSED (LOW_QUALITY)');
    expect(await send(name)).toEqual([422, 'TEMPLATE_NOT_APPROVED']);
    // Without a status, the PUT registers the rest and keeps Meta's.
    const kept = await put(name, { ...REGISTRATION, category: 'marketing' });
    expect(kept).toMatchObject({ status: 200, body: { status: 'PAUSED', category: 'marketing' } });
  });
});
