// The stylesheet of the server-rendered pages (inlined; the CSP allows it by hash, see app.ts).
export const PAGE_STYLE = [
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif}',
  'main{max-width:60rem;margin:1rem auto;padding:0 1rem}',
  'pre{white-space:pre-wrap;word-break:break-all;font-size:.85rem;background:Canvas;border:1px solid GrayText;padding:.5rem}',
  'table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{border:1px solid GrayText;padding:.2rem .4rem;vertical-align:top;text-align:left}',
  '.verdict{border:2px solid GrayText;padding:.5rem 1rem;margin:1rem 0}.v-open{border-color:#c00}.v-closed{border-color:#080}',
  '.o-accepted{font-weight:bold;color:#c00}',
].join('\n');
