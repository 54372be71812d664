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
  if (template.status !== 'APPROVED') {
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
