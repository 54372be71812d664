import { compact } from './contacts';
import { accountUpdateItem, numberQualityItem, templateComponentsItem, templateQualityItem } from './items';
import { itemField, templateRef, type SingleEventParser } from './parse-context';
import { outputOf } from './validate';

/**
 * The changes about the account's health and its templates' quality and content: one event per
 * change, each after Meta's reference
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/account_update,
 * .../phone_number_quality_update, .../message_template_quality_update, .../message_template_components_update).
 * `time` is the entry's time: Meta's clock, which orders them.
 */
const parseAccountUpdate: SingleEventParser = (value, ctx, time) => {
  const item = outputOf(accountUpdateItem, value);
  return compact({
    kind: 'account-update' as const,
    wabaId: ctx.wabaId,
    event: item?.event,
    timestamp: time,
    banState: item?.ban_info?.waba_ban_state,
    banDate: item?.ban_info?.waba_ban_date,
    restrictions: item?.restriction_info?.flatMap((r) =>
      r === undefined ? [] : [compact({ type: r.restriction_type, expiresAt: r.expiration })],
    ),
    violationType: item?.violation_info?.violation_type,
    raw: value,
  });
};

const parseNumberQuality = itemField(numberQualityItem, (item, ctx, time, value) =>
  compact({
    kind: 'number-quality' as const,
    wabaId: ctx.wabaId,
    displayNumber: item.display_phone_number,
    event: item.event,
    // Meta removes current_limit in 2026 for the portfolio's max_daily_conversations_per_business
    limit: item.max_daily_conversations_per_business ?? item.current_limit,
    previousLimit: item.old_limit,
    timestamp: time,
    raw: value,
  }),
);

const parseTemplateQuality = itemField(templateQualityItem, (item, ctx, time, value) => ({
  kind: 'template-quality',
  ...templateRef(item, ctx, time, value),
  quality: item.new_quality_score.toUpperCase(),
  ...(item.previous_quality_score ? { previousQuality: item.previous_quality_score.toUpperCase() } : {}),
}));

const parseTemplateComponents = itemField(templateComponentsItem, (item, ctx, time, value) => ({
  kind: 'template-components',
  ...templateRef(item, ctx, time, value),
  ...compact({ body: item.message_template_element, header: item.message_template_title }),
  ...compact({ footer: item.message_template_footer }),
  buttons: (item.message_template_buttons ?? []).flatMap((button) =>
    button === undefined
      ? []
      : [
          compact({
            type: button.message_template_button_type,
            text: button.message_template_button_text,
            url: button.message_template_button_url,
            phoneNumber: button.message_template_button_phone_number,
          }),
        ],
  ),
}));

export const HEALTH_FIELDS: Record<string, SingleEventParser> = {
  account_update: parseAccountUpdate,
  phone_number_quality_update: parseNumberQuality,
  message_template_quality_update: parseTemplateQuality,
  message_template_components_update: parseTemplateComponents,
};
