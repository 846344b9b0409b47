/**
 * Which file of examples/ a name given to `npm run example` means: the full name as the listing prints it
 * (`02-crud`), the name without its number (`crud`) or the number alone (`02`); a path such as `examples/02-crud.ts`,
 * as a shell completes it, names its file.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

/** The numbered tutorials in `dir`, in order, as file names (`02-crud.ts`). */
export function listExamples(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => /^\d\d-.+\.ts$/.test(file))
    .sort();
}

/** The name the listing prints for an example file. */
export function exampleName(file: string): string {
  return file.replace(/\.ts$/, '');
}

export function resolveExample(files: string[], wanted: string): string | undefined {
  const name = exampleName(basename(wanted));
  return files.find((file) => {
    const full = exampleName(file);
    return full === name || full.slice(0, 2) === name || full.slice(3) === name;
  });
}
