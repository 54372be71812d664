import { normalizeLanguage, putStatusConflict, statusAfter } from './template-lifecycle';

describe("a template's status through Meta's events", () => {
  it('takes the status an event names', () => {
    for (const event of ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'FLAGGED', 'LIMIT_EXCEEDED']) {
      expect(statusAfter({ status: 'APPROVED' }, event)).toEqual({ status: event });
    }
  });

  it('REINSTATED makes it sendable again', () => {
    expect(statusAfter({ status: 'PAUSED' }, 'REINSTATED')).toEqual({ status: 'APPROVED' });
  });

  it('ARCHIVED keeps the status before it, UNARCHIVED restores it', () => {
    const archived = statusAfter({ status: 'PAUSED' }, 'ARCHIVED');
    expect(archived).toEqual({ status: 'ARCHIVED', statusBeforeArchive: 'PAUSED' });
    expect(statusAfter(archived, 'ARCHIVED')).toEqual(archived);
    expect(statusAfter(archived, 'UNARCHIVED')).toEqual({ status: 'PAUSED' });
    // Unarchived again (a redelivery), or never seen archived: the status stays.
    expect(statusAfter({ status: 'PAUSED' }, 'UNARCHIVED')).toEqual({ status: 'PAUSED' });
    expect(statusAfter({ status: 'ARCHIVED' }, 'UNARCHIVED')).toEqual({ status: 'APPROVED' });
    expect(statusAfter({}, 'UNARCHIVED')).toEqual({ status: 'APPROVED' });
  });
});

describe('language codes', () => {
  it('are one spelling: en-US is en_US', () => {
    expect(normalizeLanguage('en-US')).toBe('en_US');
    expect(normalizeLanguage('en_us')).toBe('en_US');
    expect(normalizeLanguage('pt_BR')).toBe('pt_BR');
    expect(normalizeLanguage('EN')).toBe('en');
    expect(normalizeLanguage('fil')).toBe('fil');
    expect(normalizeLanguage('a-b-c')).toBe('a-b-c');
    expect(normalizeLanguage('en-')).toBe('en-');
  });
});

describe('a PUT against the status Meta set', () => {
  const meta = { status: 'PAUSED', at: 1_760_000_000 };
  it('conflicts only when it names another status than Meta did', () => {
    expect(putStatusConflict(meta, 'APPROVED')).toBe(true);
    expect(putStatusConflict(meta, 'PAUSED')).toBe(false);
    expect(putStatusConflict(meta, undefined)).toBe(false);
    expect(putStatusConflict(undefined, 'APPROVED')).toBe(false);
  });
});
