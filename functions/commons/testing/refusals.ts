/** Test support: the ApiError a validator throws, so a test can assert its exact status, code and message. */
import { ApiError } from '#http/errors';

export const refusal = (run: () => unknown): ApiError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

/** 400 VALIDATION_ERROR whose message starts with the field's path. */
export const expectFieldRefused = (run: () => unknown, field: string): void => {
  const error = refusal(run);
  expect([error.status, error.code]).toEqual([400, 'VALIDATION_ERROR']);
  expect(error.message.startsWith(`${field}: `)).toBe(true);
};
