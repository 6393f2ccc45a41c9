/** Waits until the machine is quiet (other processes < 5 % CPU): `tsx src/wait-quiet.ts && pnpm bench`. */
import { waitForQuiet } from "./machine-load.js";

const share = await waitForQuiet((line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`));
process.stderr.write(`quiet: other processes use ${((share ?? 0) * 100).toFixed(1)} % of the CPU\n`);
