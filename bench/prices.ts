/**
 * AWS's us-east-1 list prices, from the one dated data file (aws-prices.json, with its sources),
 * and the arithmetic the bench prices with.
 */
import { readFileSync } from 'node:fs';

export interface AwsPrices {
  date: string;
  region: string;
  dynamodb: { source: string; writeRequestUnitPerMillion: number; readRequestUnitPerMillion: number };
  lambda: { source: string; requestsPerMillion: number; arm64GbSecond: number };
  apiGateway: { source: string; httpApiRequestsPerMillion: number };
  eventBridge: { source: string; customEventsPerMillion: number };
  s3: { source: string; putPerThousand: number; getPerThousand: number };
}

export const PRICES = JSON.parse(readFileSync(new URL('./aws-prices.json', import.meta.url), 'utf8')) as AwsPrices;

/**
 * Lambda's bill for a million invocations of `durationMs` at `memoryMb` (arm64): requests plus
 * GB-seconds, the duration rounded up to the millisecond as Lambda bills it.
 */
export const lambdaCostPerMillion = (memoryMb: number, durationMs: number, prices: AwsPrices = PRICES): number =>
  prices.lambda.requestsPerMillion +
  1_000_000 * (memoryMb / 1024) * (Math.ceil(durationMs) / 1000) * prices.lambda.arm64GbSecond;
