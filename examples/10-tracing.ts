/**
 * 10. Tracing: every service call is published on a `diagnostics_channel` TracingChannel, so OpenTelemetry or any APM
 * can see it without the package depending on one. Here the channel becomes OpenTelemetry spans, one per call, nested
 * under the request that made it, and a failed call's span carries its error. The spans are kept in memory and
 * printed with their durations; in production an OTLP exporter sends them on.
 *
 *   npm run example -- tracing
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { connect, DataAccessError, NotFoundError, SERVICE_CALL_CHANNEL, type ServiceCallContext } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';
import { lobeProfile } from './support/lobe.ts';

// What an application's OpenTelemetry set-up does once at start-up (the NodeSDK does the same): a tracer provider
// with an exporter, and a context manager, so that the active span follows the application's async calls.
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracer = trace.getTracer('camshop');

// The wiring. `start` opens a span named after the call ('cams.createMany'), as a child of whatever span is active
// where the call was made; `asyncEnd` closes it when the call's promise settles. One context object travels through
// all events of one call, so it is the key to the span. It holds the call's name and, on failure, the error the
// caller receives: never the arguments or the result, so no e-mail address or profile ends up in a trace.
const spans = new WeakMap<ServiceCallContext, Span>();
tracingChannel<unknown, ServiceCallContext>(SERVICE_CALL_CHANNEL).subscribe({
  start: (call) => spans.set(call, tracer.startSpan(call.name)),
  end: () => {},
  asyncStart: () => {},
  error: (call) => {
    const span = spans.get(call);
    const error = call.error instanceof Error ? call.error : new Error(String(call.error));
    span?.recordException(error);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof DataAccessError ? error.code : error.name });
  },
  asyncEnd: (call) => spans.get(call)?.end(),
});

const database = await exampleDatabase();
const db = connect({ url: database.url });
try {
  await db.migrate(); // not a service call: no span

  // A request handler of the application opens its own span; the service calls it makes become its children,
  // inside a db.transaction() too.
  const user = await tracer.startActiveSpan('POST /sign-up', async (request) => {
    try {
      const created = await db.users.upsert({ id: 'user_traced', email: 'traced@example.com' });
      await db.transaction(async (tx) => {
        const project = await tx.projects.create(created.id, { name: 'First build' });
        await tx.cams.createMany(created.id, project.id, [
          { name: 'Intake', camType: 'intake', lift: 11.43, duration: 268, profilePoints: lobeProfile({ lift: 11.43 }) },
          { name: 'Exhaust', camType: 'exhaust', lift: 11.18, duration: 276, profilePoints: lobeProfile({ lift: 11.18, span: 146 }) },
        ]);
      });
      return created;
    } finally {
      request.end();
    }
  });

  // A request for a cam that does not exist: the service call's span records the NotFoundError.
  await tracer.startActiveSpan('GET /cams/404', async (request) => {
    try {
      await db.cams.get(user.id, 404);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      request.setAttribute('http.response.status_code', 404);
    } finally {
      request.end();
    }
  });

  // What the exporter received, as a tree: each span's name, duration and status.
  const finished = exporter.getFinishedSpans();
  const print = (span: ReadableSpan, depth: number) => {
    const [seconds, nanoseconds] = span.duration;
    const status = span.status.code === SpanStatusCode.ERROR ? `  ERROR ${span.status.message}` : '';
    console.log(`${'  '.repeat(depth)}${span.name}  ${(seconds * 1e3 + nanoseconds / 1e6).toFixed(1)} ms${status}`);
    for (const child of finished.filter((other) => other.parentSpanContext?.spanId === span.spanContext().spanId)) print(child, depth + 1);
  };
  for (const root of finished.filter((span) => !span.parentSpanContext)) print(root, 0);
  const recorded = JSON.stringify(finished.map(({ name, attributes, events }) => ({ name, attributes, events })));
  console.log(`spans recorded: ${finished.length}; any with the e-mail address: ${recorded.includes('traced@example.com') ? 'yes' : 'no'}`);
} finally {
  await db.close();
  await database.stop();
}
