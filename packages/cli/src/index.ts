export { main, EXIT_CODES, EXIT_USAGE, EXIT_INTERRUPTED, type CliIo } from './main.js';
export { parseCommandLine, USAGE, type ParsedArgs } from './args.js';
export { TerminalOutput, type OutputStream } from './terminal-output.js';
