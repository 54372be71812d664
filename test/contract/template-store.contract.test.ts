import { randomUUID } from 'node:crypto';
import type { TemplateCategoryEvent, TemplateStatusEvent } from '#webhook/events';
import { keys } from '#store/keys';
import { adapters } from '../support/adapters.ts';

const T = 1_760_000_000;
const body = [{ type: 'BODY', text: 'Your order {{1}} is ready.' }] as never;

const statusEvent = (name: string, event: string, timestamp: number): TemplateStatusEvent =>
  ({ kind: 'template-status', name, language: 'en_US', templateId: 't1', wabaId: 'w1', event, timestamp }) as never;

const categoryEvent = (name: string, newCategory: string, timestamp: number): TemplateCategoryEvent =>
  ({
    kind: 'template-category',
    name,
    language: 'en_US',
    templateId: 't1',
    wabaId: 'w1',
    newCategory,
    previousCategory: 'UTILITY',
    timestamp,
  }) as never;

describe.each(adapters)('TemplateStore %s', (_, adapter) => {
  const { stores, item } = adapter();
  const { templates } = stores;
  const name = () => `t_${randomUUID().replaceAll('-', '')}`;

  it('reads and lists what was registered', async () => {
    const n = name();
    await templates.registerTemplate(
      { name: n, language: 'en_US', category: 'utility', status: 'APPROVED', components: body },
      T,
    );
    const expected = { name: n, language: 'en_US', category: 'utility', status: 'APPROVED', components: body };
    expect(await templates.readTemplate(n, 'en_US')).toEqual(expected);
    expect(await templates.readTemplate(n, 'pt_BR')).toBeUndefined();
    expect((await templates.listTemplates()).filter((t) => t.name === n)).toEqual([expected]);
  });

  it("applies Meta's status and category updates unless older than the last, and keeps them on registration", async () => {
    const n = name();
    await templates.registerTemplate(
      { name: n, language: 'en_US', category: 'utility', status: 'PENDING', components: body },
      T,
    );
    await templates.applyTemplateStatus(statusEvent(n, 'APPROVED', T + 10));
    await templates.applyTemplateStatus(statusEvent(n, 'REJECTED', T + 9));
    expect((await templates.readTemplate(n, 'en_US'))?.status).toBe('APPROVED');
    await templates.applyTemplateStatus(statusEvent(n, 'PAUSED', T + 10));
    expect((await templates.readTemplate(n, 'en_US'))?.status).toBe('PAUSED');
    await templates.applyTemplateCategory(categoryEvent(n, 'MARKETING', T + 20));
    await templates.applyTemplateCategory(categoryEvent(n, 'AUTHENTICATION', T + 19));
    expect((await templates.readTemplate(n, 'en_US'))?.category).toBe('MARKETING');
    // Without a status, a registration keeps Meta's.
    expect(
      await templates.registerTemplate({ name: n, language: 'en_US', category: 'utility', components: body }, T + 30),
    ).toEqual({
      template: { name: n, language: 'en_US', category: 'utility', status: 'PAUSED', components: body },
    });
    expect(await item(keys.template(n, 'en_US'))).toMatchObject({
      templateId: 't1',
      wabaId: 'w1',
      statusReason: 'NONE',
      statusUpdatedAt: T + 10,
      categoryUpdatedAt: T + 20,
      previousCategory: 'UTILITY',
      registeredAt: T + 30,
      category: 'utility',
    });
  });

  it('creates the item from a webhook for a template never registered', async () => {
    const n = name();
    await templates.applyTemplateStatus(statusEvent(n, 'APPROVED', T));
    expect(await templates.readTemplate(n, 'en_US')).toEqual({
      name: n,
      language: 'en_US',
      category: '',
      status: 'APPROVED',
      components: [],
    });
  });
  it('refuses a registration naming another status than Meta set, and says what Meta says', async () => {
    const n = name();
    await templates.applyTemplateStatus({
      ...statusEvent(n, 'PAUSED', T),
      reason: 'LOW_QUALITY',
    } as TemplateStatusEvent);
    const template = { name: n, language: 'en_US', category: 'utility' as const, components: body };
    expect(await templates.registerTemplate({ ...template, status: 'APPROVED' }, T + 5)).toEqual({
      conflict: { status: 'PAUSED', reason: 'LOW_QUALITY', at: T },
    });
    expect((await templates.readTemplate(n, 'en_US'))?.status).toBe('PAUSED');
    expect(await templates.registerTemplate({ ...template, status: 'PAUSED' }, T + 6)).toMatchObject({
      template: { status: 'PAUSED' },
    });
    // A template Meta never spoke of: the PUT's status, APPROVED by default.
    const fresh = name();
    expect(await templates.registerTemplate({ ...template, name: fresh }, T)).toMatchObject({
      template: { status: 'APPROVED' },
    });
  });

  it('follows the lifecycle: REINSTATED sends again, UNARCHIVED restores the status before ARCHIVED', async () => {
    const n = name();
    const status = async () => (await templates.readTemplate(n, 'en_US'))?.status;
    await templates.applyTemplateStatus(statusEvent(n, 'PAUSED', T));
    await templates.applyTemplateStatus(statusEvent(n, 'REINSTATED', T + 1));
    expect(await status()).toBe('APPROVED');
    await templates.applyTemplateStatus(statusEvent(n, 'PAUSED', T + 2));
    await templates.applyTemplateStatus(statusEvent(n, 'ARCHIVED', T + 3));
    expect(await status()).toBe('ARCHIVED');
    await templates.applyTemplateStatus(statusEvent(n, 'UNARCHIVED', T + 4));
    expect(await status()).toBe('PAUSED');
    expect(await item(keys.template(n, 'en_US'))).not.toHaveProperty('statusBeforeArchive');
  });

  it("takes Meta's template list over older webhooks, and lists what a WABA's sync imported", async () => {
    const n = name();
    await templates.applyTemplateStatus(statusEvent(n, 'PENDING', T));
    const synced = {
      name: n,
      language: 'en_US',
      category: 'marketing' as const,
      status: 'APPROVED',
      components: body,
      templateId: 't1',
      wabaId: `waba_${n}`,
      quality: 'GREEN',
    };
    await templates.applySyncedTemplate(synced, T + 100);
    expect(await templates.readTemplate(n, 'en_US')).toEqual({
      name: n,
      language: 'en_US',
      category: 'marketing',
      status: 'APPROVED',
      components: body,
    });
    await templates.applyTemplateStatus(statusEvent(n, 'REJECTED', T + 50));
    expect((await templates.readTemplate(n, 'en_US'))?.status).toBe('APPROVED');
    expect(await templates.listSyncedTemplates(`waba_${n}`)).toEqual([
      { name: n, language: 'en_US', status: 'APPROVED', templateId: 't1' },
    ]);
    expect(await item(keys.template(n, 'en_US'))).toMatchObject({
      quality: 'GREEN',
      qualityUpdatedAt: T + 100,
      syncedAt: T + 100,
    });
  });

  it("keeps the sync's quality over an older quality webhook, and takes a newer one", async () => {
    const n = name();
    const ref = { name: n, language: 'en_US', templateId: 't1', wabaId: `waba_${n}`, raw: {} };
    const synced = { ...ref, category: 'marketing' as const, status: 'APPROVED', components: body, quality: 'GREEN' };
    await templates.applySyncedTemplate(synced, T + 100);
    await templates.applyTemplateQuality({ ...ref, kind: 'template-quality', quality: 'RED', timestamp: T + 99 });
    expect(await item(keys.template(n, 'en_US'))).toMatchObject({ quality: 'GREEN', qualityUpdatedAt: T + 100 });
    await templates.applyTemplateQuality({ ...ref, kind: 'template-quality', quality: 'YELLOW', timestamp: T + 101 });
    expect(await item(keys.template(n, 'en_US'))).toMatchObject({ quality: 'YELLOW', qualityUpdatedAt: T + 101 });
  });
});
