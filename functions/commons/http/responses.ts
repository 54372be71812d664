import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

export const jsonError = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse => json(statusCode, errorBody(code, message), headers);

export const text = (statusCode: number, body: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});
