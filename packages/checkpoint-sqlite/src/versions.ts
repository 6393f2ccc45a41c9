/**
 * Channel versions as `<32-digit counter>.<16-digit random suffix>` strings (the format of
 * LangGraph's Postgres savers). Integer versions, the BaseCheckpointSaver default, repeat across
 * forks of a thread (time travel), and this saver stores each channel value once per version:
 * the random suffix keeps a fork's value from colliding with the abandoned branch's.
 * String order equals counter order because the counter is zero-padded.
 */
export function nextChannelVersion(current: string | number | undefined): string {
  let counter: number;
  if (current === undefined) counter = 0;
  else if (typeof current === "number") counter = Math.floor(current);
  else counter = Number.parseInt(current.split(".")[0] ?? "0", 10) || 0;
  const suffix = Math.floor(Math.random() * 1e16).toString().padStart(16, "0");
  return `${String(counter + 1).padStart(32, "0")}.${suffix}`;
}
