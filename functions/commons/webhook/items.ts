/**
 * The schemas of the items one webhook POST carries, after Meta's reference
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components). Required fields are
 * strict: they decide whether an item is usable. Descriptive fields are lenient: a mistyped one reads
 * as absent, because the item itself is still good and its `raw` keeps the original.
 */
import { array, boolean, optional, string } from 'valibot';
import type { DeliveryStatus } from './events';
import { epochSeconds, errorCode, idLike, lenient, nonEmptyString, oneOf, record, templateId } from './validate';

const text = lenient(string());
const flag = lenient(boolean());
const someId = lenient(idLike);

export const metaErrorItem = record({
  code: errorCode,
  title: text,
  message: text,
  error_data: lenient(record({ details: text })),
});

/** Item-level errors are decoration on a message or status: unreadable ones are skipped. */
const errorList = lenient(array(lenient(metaErrorItem)));

/** Every field of a contact is descriptive, so any object is a usable contact. */
export const contactItem = record({
  wa_id: someId,
  user_id: text,
  parent_user_id: text,
  profile: lenient(record({ name: text, username: text })),
});

/** The business number a messages change belongs to. */
export const metadataItem = record({ phone_number_id: idLike, display_phone_number: someId });

export const messageItem = record({
  id: nonEmptyString,
  timestamp: epochSeconds,
  type: optional(nonEmptyString),
  from: optional(nonEmptyString),
  from_user_id: optional(nonEmptyString),
  from_parent_user_id: text,
  group_id: text,
  errors: errorList,
  context: lenient(record({ from: text, id: text, forwarded: flag, frequently_forwarded: flag })),
  referral: lenient(record({ source_id: text, source_type: text, source_url: text, ctwa_clid: text })),
  system: lenient(
    record({
      type: text,
      wa_id: someId,
      user_id: text,
      parent_user_id: text,
      previous_user_id: text,
      new_wa_id: someId,
      body: text,
    }),
  ),
});

const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const satisfies DeliveryStatus[];

export const statusItem = record({
  id: nonEmptyString,
  status: oneOf(DELIVERY_STATUSES),
  timestamp: epochSeconds,
  recipient_id: optional(nonEmptyString),
  recipient_user_id: optional(nonEmptyString),
  recipient_type: text,
  recipient_participant_id: text,
  parent_recipient_user_id: text,
  errors: errorList,
  /** A conversation without a usable id is dropped whole: its other fields mean nothing on their own. */
  conversation: lenient(
    record({
      id: nonEmptyString,
      origin: lenient(record({ type: text })),
      expiration_timestamp: lenient(epochSeconds),
    }),
  ),
  pricing: lenient(record({ pricing_model: text, type: text, category: text, billable: flag })),
  biz_opaque_callback_data: text,
});

/** The template fields both template webhooks require. */
const templateFields = {
  message_template_id: templateId,
  message_template_name: nonEmptyString,
  message_template_language: nonEmptyString,
};

export const templateStatusItem = record({
  event: nonEmptyString,
  ...templateFields,
  // null when the template is scheduled for deletion
  reason: text,
  message_template_category: text,
});

/** A template webhook that reports a value Meta changed: the new one, required, and the one before. */
const templateChange = <New extends string, Previous extends string>(next: New, previous: Previous) =>
  record({
    ...templateFields,
    ...({ [next]: nonEmptyString } as Record<New, typeof nonEmptyString>),
    ...({ [previous]: text } as Record<Previous, typeof text>),
  });

export const templateCategoryItem = templateChange('new_category', 'previous_category');

/** The parts of an account_update the health keeps; the rest stays in the raw copy. */
export const accountUpdateItem = record({
  event: text,
  ban_info: lenient(record({ waba_ban_state: text, waba_ban_date: text })),
  restriction_info: lenient(
    array(lenient(record({ restriction_type: nonEmptyString, expiration: lenient(epochSeconds) }))),
  ),
  violation_info: lenient(record({ violation_type: text })),
});

export const numberQualityItem = record({
  display_phone_number: nonEmptyString,
  event: nonEmptyString,
  current_limit: text,
  old_limit: text,
  max_daily_conversations_per_business: text,
});

export const templateQualityItem = templateChange('new_quality_score', 'previous_quality_score');

export const templateComponentsItem = record({
  ...templateFields,
  message_template_element: nonEmptyString,
  message_template_title: text,
  message_template_footer: text,
  message_template_buttons: lenient(
    array(
      lenient(
        record({
          message_template_button_type: nonEmptyString,
          message_template_button_text: text,
          message_template_button_url: text,
          message_template_button_phone_number: text,
        }),
      ),
    ),
  ),
});

/** One item of an smb_message_echoes change: the business's message, to the user in `to`. */
export const messageEchoItem = record({
  id: nonEmptyString,
  timestamp: epochSeconds,
  type: optional(nonEmptyString),
  from: text,
  to: optional(nonEmptyString),
  to_user_id: optional(nonEmptyString),
});

/**
 * One item of a `calls` change (https://developers.facebook.com/docs/whatsapp/cloud-api/calling/user-initiated-calls):
 * the call's id (wacid), the caller, the event (connect, terminate) and who placed it.
 */
export const callItem = record({
  id: nonEmptyString,
  timestamp: epochSeconds,
  event: text,
  direction: text,
  from: optional(nonEmptyString),
  from_user_id: optional(nonEmptyString),
  to: text,
});

/** One item of a `user_preferences` change: the user's marketing choice. */
export const userPreferenceItem = record({
  wa_id: optional(nonEmptyString),
  user_id: optional(nonEmptyString),
  category: nonEmptyString,
  value: nonEmptyString,
  timestamp: epochSeconds,
  detail: text,
});
