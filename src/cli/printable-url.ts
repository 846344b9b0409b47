/**
 * The URL with its password masked, for output. It reads the URL with the same WHATWG parser `connect()` uses, so
 * the whole password is masked even when it holds an unescaped `@` (the parser takes the last `@` as the end of the
 * user information).
 */
export function printableUrl(url: string): string {
  if (!URL.canParse(url)) return '(unparsable URL)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '*****';
  return parsed.href;
}
