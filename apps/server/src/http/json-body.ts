// The one body parser of the API: JSON in UTF-8 (RFC 8259 §8.1: JSON exchanged between systems
// must be UTF-8). Fastify's own parser reads any application/json body as UTF-8 whatever its
// charset says, so a UTF-16 body would be misread into a 400 about JSON, or worse, into a
// different value; a charset other than UTF-8 is refused with 415 instead.
import type { FastifyInstance } from 'fastify';

const UTF8 = new Set(['utf-8', 'utf8']);

/** The charset parameter of a Content-Type value, lower case and unquoted; undefined when absent. */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset')
      return value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return undefined;
}

/** Replace Fastify's JSON parser by one that refuses every charset but UTF-8 (415). */
export function acceptOnlyUtf8Json(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type'] ?? '');
    if (charset !== undefined && !UTF8.has(charset)) return done(Object.assign(new Error('charset not accepted'), { statusCode: 415 }), undefined);
    // Fastify's own parser (prototype poisoning refused), which answers through `done`.
    void parseJson(request, body.toString(), done);
  });
}
