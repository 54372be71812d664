import { metricLine, publishMetric } from './metrics';

describe('metricLine (embedded metric format)', () => {
  it('declares one metric with exactly the dimensions named, as the alarms and dashboard searches ask', () => {
    const line = JSON.parse(
      metricLine(
        { name: 'Refusals', unit: 'Count', value: 1, dimensions: { Code: 'UNAUTHENTICATED', Route: 'GET /templates' } },
        1_764_547_200_000,
      ),
    ) as Record<string, unknown>;
    expect(line).toEqual({
      _aws: {
        Timestamp: 1_764_547_200_000,
        CloudWatchMetrics: [
          {
            Namespace: 'WhatsAppSessionEngine',
            Dimensions: [['Code', 'Route']],
            Metrics: [{ Name: 'Refusals', Unit: 'Count' }],
          },
        ],
      },
      service: 'whatsapp-session-engine',
      Code: 'UNAUTHENTICATED',
      Route: 'GET /templates',
      Refusals: 1,
    });
  });

  it('writes one line per metric with the time of writing', () => {
    const lines: string[] = [];
    const before = Date.now();
    publishMetric({ name: 'EstimatedCost', unit: 'None', value: 0.107, dimensions: { Currency: 'EUR' } }, (l) =>
      lines.push(l),
    );
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as { _aws: { Timestamp: number }; EstimatedCost: number };
    expect(line.EstimatedCost).toBe(0.107);
    expect(line._aws.Timestamp).toBeGreaterThanOrEqual(before);
    expect(line._aws.Timestamp).toBeLessThanOrEqual(Date.now());
  });
});
