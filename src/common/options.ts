import { z } from 'zod';
import { ConfigurationError } from './errors.ts';

/**
 * Parses the options of a call that configures something (`connect()`, the migration calls): anything that cannot work,
 * an unknown key included, is a `ConfigurationError` naming the call, thrown before anything is attempted.
 */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, options: unknown, call: string): z.output<Schema> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid ${call} options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}
