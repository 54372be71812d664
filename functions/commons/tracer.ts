import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray traces of every function (the stack turns active tracing on). Powertools traces only inside
 * Lambda and never with POWERTOOLS_TRACE_ENABLED=false, so npm start and the tests send nothing.
 */
export const tracer = new Tracer({ serviceName: 'whatsapp-session-engine' });
