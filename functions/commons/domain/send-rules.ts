import { READ_RECEIPT_SECONDS } from './platform';
import { SENDABLE_STATUS } from './template-lifecycle';
import type { EpochSeconds } from './time';
import { lengthViolation, parameterMismatch, type Template, type TemplateRequestComponent } from './templates';

/** A send refused before Meta sees it: the status, our error code, and what to do instead. */
export interface SendRefusal {
  status: 400 | 422;
  code: string;
  message: string;
}

export interface SendAttempt {
  kind: 'template' | 'free-form';
  /** the customer service window is open now */
  windowOpen: boolean;
  /** for template sends: the name and language asked for, and the template as stored (if any) */
  requested?: { name: string; language: string; components: readonly TemplateRequestComponent[] };
  template?: Template;
}

/**
 * WhatsApp's rules for one send, checked in the order a person fixes them: free-form messages only
 * inside the 24-hour window; otherwise an approved template whose parameters fit its placeholders.
 */
export const sendRefusal = (attempt: SendAttempt): SendRefusal | undefined => {
  if (attempt.kind === 'free-form') {
    if (attempt.windowOpen) return undefined;
    return {
      status: 422,
      code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW',
      message:
        'The user has not written to this number in the last 24 hours, so WhatsApp only delivers approved ' +
        'templates to them: send a template message instead.',
    };
  }
  const requested = attempt.requested;
  if (!requested) return { status: 422, code: 'TEMPLATE_NOT_FOUND', message: 'template: name and language required.' };
  const template = attempt.template;
  if (!template) {
    return {
      status: 422,
      code: 'TEMPLATE_NOT_FOUND',
      message:
        `Template ${requested.name} (${requested.language}) is not registered: register it with ` +
        `PUT /templates/${requested.name}/${requested.language}, or check its name and language code.`,
    };
  }
  if (template.status !== SENDABLE_STATUS) {
    return {
      status: 422,
      code: 'TEMPLATE_NOT_APPROVED',
      message:
        `Template ${template.name} (${template.language}) is ${template.status}; only APPROVED templates can be ` +
        'sent. Wait for Meta to approve it, or send another template.',
    };
  }
  const tooLong = lengthViolation(template);
  if (tooLong) {
    return {
      status: 400,
      code: `TEMPLATE_${tooLong.component.toUpperCase()}_TOO_LONG`,
      message:
        `Template ${template.name} (${template.language}): its ${tooLong.component} is ${tooLong.length} characters ` +
        `without variables; WhatsApp allows at most ${tooLong.limit}. Shorten the template.`,
    };
  }
  const mismatch = parameterMismatch(template, requested.components);
  if (mismatch) return { status: 422, code: 'TEMPLATE_PARAMETER_MISMATCH', message: mismatch };
  return undefined;
};

/** A user's message as a read receipt is checked against: whose it is and Meta's timestamp. */
export interface ReadTarget {
  phoneNumberId: string;
  timestamp: EpochSeconds;
}

/**
 * Meta's rules for marking a message read, and nothing more (no window check): it must be a message
 * the user sent to this number, at most 30 days old
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/guides/mark-message-as-read).
 */
export const readReceiptRefusal = (
  message: ReadTarget | undefined,
  phoneNumberId: string,
  now: EpochSeconds,
): SendRefusal | undefined => {
  if (message === undefined || message.phoneNumberId !== phoneNumberId) {
    return {
      status: 422,
      code: 'MESSAGE_NOT_FOUND',
      message:
        'message_id names no message a user sent to this number: only messages users sent you can be marked as ' +
        'read (not your own); use the id of the inbound message webhook.',
    };
  }
  if (now - message.timestamp > READ_RECEIPT_SECONDS) {
    return {
      status: 422,
      code: 'MESSAGE_TOO_OLD',
      message: 'WhatsApp marks messages as read only within 30 days of receipt; this message is older.',
    };
  }
  return undefined;
};
