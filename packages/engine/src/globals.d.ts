// Web-standard globals the engine uses. The engine compiles with `types: []` (no Node typings, so
// it cannot reach sockets, timers or Buffer), yet Node, Deno, Bun and browsers all provide these
// WHATWG APIs. Declared here, minimally, instead of pulling in the DOM library.
//
// When @types/node is also loaded (the test build), its `var TextDecoder` / `var TextEncoder` have
// a different declared type; the root config's `skipLibCheck` keeps the duplicate from erroring,
// and both describe the same runtime objects.

/** WHATWG Encoding: bytes to string (https://encoding.spec.whatwg.org/#interface-textdecoder). */
interface TextDecoder {
  decode(input?: Uint8Array): string;
}
declare var TextDecoder: {
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

/** WHATWG Encoding: string to UTF-8 bytes. */
interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: {
  new (): TextEncoder;
};
