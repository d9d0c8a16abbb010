/** `forecast runs`: not written yet (placeholder so the command table is complete). */
import type { Command } from 'commander';

export function register(_program: Command, _setExitCode: (code: number) => void): void {}
