/**
 * The README demo: a small agent-style graph (deterministic fake model + a tool that needs human
 * approval), persisted with @flg/checkpoint-sqlite in ./demo-data, interrupted and resumed; then
 * the thread's history, and the same workload timed beside the official SqliteSaver.
 */
import { mkdirSync, rmSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { Command, END, MessagesAnnotation, START, StateGraph, interrupt } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

import { SqliteSaver } from "@flg/checkpoint-sqlite";

const DATA_DIR = join(process.cwd(), "demo-data");

/** A fake chat model: asks for the weather tool once per question, then answers from its result. */
function fakeModel(messages: BaseMessage[]): AIMessage {
  const last = messages[messages.length - 1];
  if (last instanceof ToolMessage) {
    return new AIMessage({ content: `Here is what I found: ${last.content}` });
  }
  const question = String(last?.content ?? "");
  const city = /in (\w+)/.exec(question)?.[1] ?? "Paris";
  return new AIMessage({
    content: "",
    tool_calls: [{ id: `call_${messages.length}`, name: "weather", args: { city } }],
  });
}

function buildGraph(checkpointer: BaseCheckpointSaver, askApproval: boolean) {
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", (state) => ({ messages: [fakeModel(state.messages)] }))
    .addNode("tools", (state) => {
      const call = (state.messages[state.messages.length - 1] as AIMessage).tool_calls![0];
      // Human in the loop: the run stops here until someone resumes it with a decision.
      const decision = askApproval ? interrupt({ question: `Run ${call.name}(${JSON.stringify(call.args)})?` }) : "approve";
      const content = decision === "approve" ? `18°C and sunny in ${call.args.city}` : "the user declined the lookup";
      return { messages: [new ToolMessage({ content, tool_call_id: call.id! })] };
    })
    .addEdge(START, "agent")
    .addConditionalEdges("agent", (state) => ((state.messages.at(-1) as AIMessage).tool_calls?.length ? "tools" : END))
    .addEdge("tools", "agent")
    .compile({ checkpointer });
}

function fileSize(path: string): number {
  return [path, `${path}-wal`].filter(existsSync).reduce((sum, p) => sum + statSync(p).size, 0);
}

async function walkthrough(): Promise<void> {
  const saver = SqliteSaver.fromConnString(join(DATA_DIR, "demo.sqlite"));
  const graph = buildGraph(saver, true);
  const config = { configurable: { thread_id: "demo-thread" } };

  console.log("1. Ask a question; the tool call waits for approval (interrupt).");
  const first = await graph.invoke({ messages: [new HumanMessage("What is the weather in Paris?")] }, config);
  const pending = (first as { __interrupt__?: Array<{ value: unknown }> }).__interrupt__?.[0]?.value;
  console.log("   interrupted, asking:", pending);

  console.log("2. Resume with the decision (a new saver on the same file, as after a restart).");
  await saver.close();
  const reopened = SqliteSaver.fromConnString(join(DATA_DIR, "demo.sqlite"));
  const resumed = await buildGraph(reopened, true).invoke(new Command({ resume: "approve" }), config);
  console.log("   answer:", resumed.messages.at(-1)?.content);

  console.log("3. The thread's history, newest first:");
  for await (const snapshot of buildGraph(reopened, true).getStateHistory(config)) {
    const last = snapshot.values.messages?.at(-1) as BaseMessage | undefined;
    const what = last ? `${last.getType()}: ${String(last.content).slice(0, 40) || JSON.stringify((last as AIMessage).tool_calls?.[0]?.args)}` : "(empty)";
    console.log(
      `   step ${String(snapshot.metadata?.step).padStart(2)}  ${String(snapshot.metadata?.source).padEnd(6)} next=[${snapshot.next.join(",")}]  ${what}`,
    );
  }
  await reopened.close();
}

async function timeTurns(name: string, checkpointer: BaseCheckpointSaver, close: () => unknown, file: string, turns: number) {
  const graph = buildGraph(checkpointer, false);
  const config = { configurable: { thread_id: `timing-${name}` } };
  const started = performance.now();
  for (let i = 0; i < turns; i += 1) {
    await graph.invoke({ messages: [new HumanMessage(`Turn ${i}: what is the weather in Oslo?`)] }, config);
  }
  const ms = performance.now() - started;
  await close(); // checkpoints the WAL into the file, so the size below is the data's
  return { name, msPerTurn: ms / turns, mb: fileSize(file) / 1e6 };
}

async function timing(): Promise<void> {
  const turns = Number(process.env.DEMO_TURNS ?? 150);
  console.log(`\n4. The same chat, ${turns} turns (each: agent -> tool -> agent), on both savers:`);
  const ours = join(DATA_DIR, "timing-flg.sqlite");
  const official = join(DATA_DIR, "timing-official.sqlite");
  const flgSaver = SqliteSaver.fromConnString(ours);
  const officialSaver = OfficialSqliteSaver.fromConnString(official);
  const rows = [
    await timeTurns("official SqliteSaver", officialSaver, () => officialSaver.db.close(), official, turns),
    await timeTurns("@flg/checkpoint-sqlite", flgSaver, () => flgSaver.close(), ours, turns),
  ];
  for (const row of rows) {
    console.log(`   ${row.name.padEnd(24)} ${row.msPerTurn.toFixed(2).padStart(7)} ms/turn   database ${row.mb.toFixed(2)} MB`);
  }
  console.log(`   speed-up: ${(rows[0].msPerTurn / rows[1].msPerTurn).toFixed(1)}x, ${(rows[0].mb / rows[1].mb).toFixed(1)}x smaller`);
}

rmSync(DATA_DIR, { recursive: true, force: true });
mkdirSync(DATA_DIR, { recursive: true });
await walkthrough();
await timing();
