// Prettier, set to the style the code was written in so the one reformat changes as little as
// possible (measured: docs/architecture.md "Lint rules"): long lines (the code's run to about 200
// characters; 200 gave the smallest diff of 120-220), single quotes, semicolons, trailing commas
// wherever the syntax allows, `(x) =>`. The rest are Prettier's defaults.
/** @type {import('prettier').Config} */
export default {
  printWidth: 200,
  singleQuote: true,
  trailingComma: 'all',
};
