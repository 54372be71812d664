import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { eventsOfWrites, NO_EVENTS } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { num, str } from '#commons/events/item-change';
import { isTemplateKey } from './template';

/**
 * Template item (`TEMPLATES` / `<name>#<language>`), written by Meta's template webhooks (status,
 * category) and by `PUT /templates` (registration). A write that changes its status, category,
 * reason, components or quality is `template.updated`; the previous values come from the old image.
 */
const WATCHED = ['status', 'category', 'statusReason', 'components', 'quality'] as const;

export const templateEvents = eventsOfWrites('template', isTemplateKey, (item, change) => {
  const old = change.oldImage;
  const changed = WATCHED.filter((name) => JSON.stringify(item[name]) !== JSON.stringify(old?.[name]));
  if (changed.length === 0) return NO_EVENTS;
  // Meta's time of the update that changed it; a registration has only our own time.
  const at =
    (changed.includes('status') ? num(item, 'statusUpdatedAt') : undefined) ||
    (changed.includes('category') ? num(item, 'categoryUpdatedAt') : undefined) ||
    (changed.includes('quality') ? num(item, 'qualityUpdatedAt') : undefined) ||
    (changed.includes('components') ? num(item, 'componentsUpdatedAt') : undefined) ||
    num(item, 'registeredAt') ||
    change.recordedAt;
  const status = str(item, 'status');
  const category = str(item, 'category');
  const previousStatus = str(old, 'status');
  const previousCategory = str(old, 'previousCategory') ?? str(old, 'category');
  const reason = str(item, 'statusReason');
  const quality = str(item, 'quality');
  const previousQuality = str(old, 'quality');
  const detail = {
    eventId: eventIdOf(
      'template.updated',
      str(item, 'name'),
      str(item, 'language'),
      status,
      category,
      reason,
      JSON.stringify(item.components ?? null),
      at,
      // only when scored, so the ids of template events without a quality stay what they were
      ...(str(item, 'quality') ? [str(item, 'quality')] : []),
    ),
    occurredAt: toIso(at),
    recordedAt: toIso(change.recordedAt),
    name: str(item, 'name') ?? change.sk.split('#')[0] ?? '',
    language: str(item, 'language') ?? change.sk.split('#')[1] ?? '',
    ...(str(item, 'wabaId') ? { wabaId: str(item, 'wabaId') } : {}),
    ...(str(item, 'templateId') ? { templateId: str(item, 'templateId') } : {}),
    ...(status ? { status } : {}),
    ...(previousStatus && previousStatus !== status ? { previousStatus } : {}),
    ...(reason && reason !== 'NONE' ? { reason } : {}),
    ...(category ? { category } : {}),
    ...(previousCategory && previousCategory !== category ? { previousCategory } : {}),
    ...(quality ? { quality } : {}),
    ...(previousQuality && previousQuality !== quality ? { previousQuality } : {}),
  };
  return { events: [domainEvent('template.updated', detail)] };
});
