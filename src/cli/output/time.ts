/** Go's time.Time String() for a UTC instant, as Docker prints CreatedAt: `2024-05-01 10:00:00 +0000 UTC`. */
export function goTimeString(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');
}
