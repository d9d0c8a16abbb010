#!/usr/bin/env node
// Entry point of the `forecast` command. The engine is written in TypeScript and loaded through
// tsx's ESM loader, so there is no build step between editing a file and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../runtime/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
