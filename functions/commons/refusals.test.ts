import { jest } from '@jest/globals';
import { countRefusal } from './refusals';

describe('countRefusal', () => {
  const written = (): string[] => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    return Object.assign(lines, { restore: () => spy.mockRestore() });
  };

  it('writes one Refusals figure by code and route inside Lambda, and nothing elsewhere', () => {
    const outside = written();
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    countRefusal('UNAUTHENTICATED', 'GET /templates');
    (outside as unknown as { restore: () => void }).restore();
    expect(outside.join('')).not.toContain('Refusals');

    process.env.AWS_LAMBDA_FUNCTION_NAME = 'test';
    const inside = written();
    try {
      countRefusal('UNAUTHENTICATED', 'GET /templates');
    } finally {
      (inside as unknown as { restore: () => void }).restore();
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
    const line = JSON.parse(inside.join('').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ Code: 'UNAUTHENTICATED', Route: 'GET /templates', Refusals: 1 });
  });
});
