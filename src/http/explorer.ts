import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// The explorers (docs/contract.md, "Routes"), only where introspection is on. GraphiQL
// at /graphiql runs from files the gateway serves itself: GraphiQL 3's browser build
// (fonts inlined), React 18's, and the two small scripts below, so it works on a
// network with no way out. /graphql, asked for HTML, tries Apollo Sandbox from
// Apollo's CDN and, when that cannot load, shows the same GraphiQL on the same page.

const require = createRequire(import.meta.url);
/** A file of an installed package, found from its package.json (the browser builds are not among its exports). */
const fileIn = (pkg: string, path: string) => join(dirname(require.resolve(`${pkg}/package.json`)), path);

/** The only files served under /graphiql/assets/, by name. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: fileIn('react', 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { file: fileIn('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql.min.js': { file: fileIn('graphiql', 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { file: fileIn('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
};

const SANDBOX_SCRIPT = 'https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js';
const SANDBOX_FRAME = 'https://sandbox.embed.apollographql.com';

/**
 * Renders GraphiQL into #explorer, its editor filled from ?query=, talking to /graphql:
 * queries and mutations over HTTP, subscriptions over graphql-ws on the same path
 * (ws: or wss:, as the page was loaded). createFetcher's `subscriptionUrl` is enough:
 * GraphiQL's browser build carries graphql-ws's client inside it, so no other file is
 * served for it. And it opens each subscription's socket with the headers editor's
 * JSON as connection_init's payload, which is where the gateway reads `authorization`
 * or `x-api-key`; a `wsClient` made once here could not see what is typed there.
 * The CSP's connect-src 'self' covers the same origin's ws: and wss: (CSP Level 3).
 */
const EXPLORER_JS = `(function () {
  var params = new URLSearchParams(window.location.search);
  window.dxgraphExplorer = function (note) {
    var root = document.getElementById('explorer');
    root.hidden = false;
    if (note) document.getElementById('note').textContent = note;
    var url = new URL('/graphql', window.location.href);
    var socketUrl = new URL(url.href);
    socketUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    var fetcher = GraphiQL.createFetcher({ url: url.href, subscriptionUrl: socketUrl.href });
    ReactDOM.createRoot(root).render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        // query opens (or selects) a tab with the text; defaultQuery alone loses to tabs GraphiQL saved.
        query: params.get('query') || undefined,
        defaultQuery: params.get('query') || '{\\n  lags {\\n    lagId\\n    lagName\\n    numberOfConnections\\n  }\\n}\\n',
        variables: params.get('variables') || undefined,
        defaultEditorToolsVisibility: Boolean(params.get('variables')),
      }),
    );
  };
  if (!document.getElementById('sandbox')) window.dxgraphExplorer();
})();
`;

/** Tries Apollo Sandbox; if its script cannot load within a few seconds, GraphiQL instead. */
const LANDING_JS = `(function () {
  var settled = false;
  function fallBack() {
    if (settled) return;
    settled = true;
    document.getElementById('sandbox').remove();
    window.dxgraphExplorer('Apollo Sandbox could not be loaded (no internet?): this is GraphiQL, served by the gateway itself.');
  }
  var script = document.createElement('script');
  script.src = ${JSON.stringify(SANDBOX_SCRIPT)};
  script.onload = function () {
    if (settled || !window.EmbeddedSandbox) return fallBack();
    settled = true;
    new window.EmbeddedSandbox({ target: '#sandbox', initialEndpoint: window.location.href, includeCookies: false });
  };
  script.onerror = fallBack;
  setTimeout(fallBack, 5000);
  document.head.appendChild(script);
})();
`;

function page(title: string, body: string, scripts: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<style>html, body { height: 100%; margin: 0; } #explorer { height: 100vh; } #sandbox { height: 100vh; } #note:empty { display: none; } #note { font: 14px sans-serif; padding: 6px 12px; background: #fff4d6; }</style>
</head>
<body>
<div id="note"></div>
${body}
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
${scripts.map((src) => `<script src="${src}"></script>`).join('\n')}
</body>
</html>
`;
}

const GRAPHIQL_PAGE = page('dxgraph · GraphiQL', '<div id="explorer"></div>', ['/graphiql/assets/explorer.js']);
const LANDING_PAGE = page('dxgraph · Apollo Sandbox', '<div id="sandbox"></div>\n<div id="explorer" hidden></div>', [
  '/graphiql/assets/explorer.js',
  '/graphiql/assets/landing.js',
]);

/** What each page may load: the gateway's own files; for the landing page, Sandbox's script and frame too. */
const policy = (withSandbox: boolean) =>
  [
    "default-src 'none'",
    `script-src 'self'${withSandbox ? ` ${new URL(SANDBOX_SCRIPT).origin}` : ''}`,
    // GraphiQL and CodeMirror set style attributes; the fonts are data: URLs in GraphiQL's CSS.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    ...(withSandbox ? [`frame-src ${SANDBOX_FRAME}`] : []),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

function html(reply: FastifyReply, body: string, withSandbox: boolean): FastifyReply {
  return reply
    .headers({ 'content-security-policy': policy(withSandbox), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    .type('text/html; charset=utf-8')
    .send(body);
}

/** How much the Accept header wants a media type: the q of its most specific matching entry (0: not at all). */
function preference(accept: string, type: string): { q: number; specificity: number } {
  const [major] = type.split('/');
  let best = { q: 0, specificity: -1 };
  for (const entry of accept.split(',')) {
    const [range = '', ...params] = entry.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    best = { q: Number.isFinite(q) ? q : 0, specificity };
  }
  return best;
}

/**
 * A browser asking /graphql for a page, not a GraphQL client asking for data:
 * a GET without a document whose Accept header prefers HTML to JSON (a bare
 * `*\/*` prefers neither, and gets GraphQL's answer).
 */
export function wantsLandingPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const query = request.query as Record<string, unknown>;
  if (query.query !== undefined || query.documentId !== undefined) return false;
  const accept = request.headers.accept ?? '*/*';
  const html = preference(accept, 'text/html');
  const json = preference(accept, 'application/json');
  return html.q > 0 && (html.q > json.q || (html.q === json.q && html.specificity > json.specificity));
}

/** The /graphql page for a browser: Apollo Sandbox, falling back to GraphiQL. */
export const landingPage = (reply: FastifyReply) => html(reply, LANDING_PAGE, true);

/** GraphiQL and its files under /graphiql. */
export function explorerRoutes(app: FastifyInstance): void {
  app.get('/graphiql', (_request, reply) => html(reply, GRAPHIQL_PAGE, false));
  const script = (source: string) => (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(source);
  app.get('/graphiql/assets/explorer.js', script(EXPLORER_JS));
  app.get('/graphiql/assets/landing.js', script(LANDING_JS));
  app.get<{ Params: { name: string } }>('/graphiql/assets/:name', (request, reply) => {
    const { name } = request.params;
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(createReadStream(asset.file));
  });
}
