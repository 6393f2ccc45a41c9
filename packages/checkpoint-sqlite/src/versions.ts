/**
 * Channel versions are numbers, as with LangGraph's default, but with a random fraction:
 * `floor(current) + 1 + random`. Integer versions repeat across forks of a thread (time travel
 * from an older checkpoint counts up from the same number), and this saver stores each channel
 * value once per version, so a fork's value must not share the abandoned branch's version.
 * Ordering is unchanged (`compareChannelVersions` compares numbers), and imported threads that
 * carry the official saver's integers continue seamlessly.
 */
export function nextChannelVersion(current: number | string | undefined): number {
  let counter: number;
  if (current === undefined) counter = 0;
  else if (typeof current === "number") counter = Math.floor(current);
  else counter = Math.floor(Number.parseFloat(current)) || 0;
  // Math.random() < 1, so the result stays below the next integer and above `current`.
  return counter + 1 + Math.random();
}
