// Web-standard globals the contracts use. The package compiles with `types: []` (no Node typings:
// the web app imports it), yet Node and browsers both provide the WHATWG URL API. Declared here,
// minimally, instead of pulling in the DOM library (the engine does the same for TextDecoder).
//
// When @types/node or the DOM library is also loaded (tests, the web build), their `var URL` has
// a different declared type; the root config's `skipLibCheck` keeps the duplicate from erroring,
// and both describe the same runtime object.

/** WHATWG URL (https://url.spec.whatwg.org/#url-class): only what target-grammar.ts reads. */
interface URL {
  readonly hostname: string;
}
declare var URL: {
  new (url: string, base?: string | URL): URL;
};
