/**
 * `LOG_FORMAT=pretty`: one pino JSON line turned into `12:00:00.123 INFO  message key=value …`
 * (the time of day in UTC). A line that is not a JSON object passes through unchanged.
 */
export function formatPrettyLine(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return line;
  const { time, level, msg, err, ...fields } = record as Record<string, unknown>;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const label = String(level ?? '')
    .toUpperCase()
    .padEnd(5);
  const pairs = Object.entries(fields).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  const head = [clock, label, typeof msg === 'string' ? msg : '', ...pairs].filter((part) => part !== '').join(' ');
  // An error's stack goes on the lines below, where a person reads it.
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  return `${head}${typeof stack === 'string' ? `\n${stack}` : ''}\n`;
}
