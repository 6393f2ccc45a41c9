/** Builds checkpoints the way LangGraph's loop does, for the saver-level groups. */
import { uuid6, type BaseCheckpointSaver, type ChannelVersions, type Checkpoint, type CheckpointMetadata } from "@langchain/langgraph-checkpoint";

export interface NextCheckpoint {
  checkpoint: Checkpoint;
  metadata: CheckpointMetadata;
  /** The channels that changed since `previous`, as LangGraph passes them to put(). */
  newVersions: ChannelVersions;
}

/**
 * A checkpoint in which every channel of `changed` has a new value. Versions come from the saver's
 * own getNextVersion (the official savers count with numbers, ours with sortable strings).
 */
export function nextCheckpoint(saver: BaseCheckpointSaver, changed: Record<string, unknown>, step: number, previous?: Checkpoint): NextCheckpoint {
  const channelVersions: ChannelVersions = { ...(previous?.channel_versions ?? {}) };
  const newVersions: ChannelVersions = {};
  for (const channel of Object.keys(changed)) {
    const version = saver.getNextVersion(previous?.channel_versions[channel] as never) as string | number;
    channelVersions[channel] = version;
    newVersions[channel] = version;
  }
  const checkpoint: Checkpoint = {
    v: 4,
    id: uuid6(-1),
    ts: new Date().toISOString(),
    channel_values: { ...(previous?.channel_values ?? {}), ...changed },
    channel_versions: channelVersions,
    versions_seen: { agent: { ...newVersions } },
  };
  const metadata = { source: "loop", step, parents: {} } as CheckpointMetadata;
  return { checkpoint, metadata, newVersions };
}
