import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';

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
  'react.production.min.js': { file: fileIn('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { file: fileIn('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.min.js': { file: fileIn('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { file: fileIn('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const SANDBOX_SCRIPT = 'https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js';
const SANDBOX_FRAME = 'https://sandbox.embed.apollographql.com';

/** Renders GraphiQL into #explorer, its editor filled from ?query=, talking to /graphql. */
const EXPLORER_JS = `(function () {
  var params = new URLSearchParams(window.location.search);
  window.dxgraphExplorer = function (note) {
    var root = document.getElementById('explorer');
    root.hidden = false;
    if (note) document.getElementById('note').textContent = note;
    var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).href });
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

function html(res: Response, body: string, withSandbox: boolean): void {
  res.set({ 'content-security-policy': policy(withSandbox), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.type('html').send(body);
}

/** A browser asking /graphql for a page, not a GraphQL client asking for data. */
export const wantsLandingPage = (req: Request) =>
  req.method === 'GET' && req.query.query === undefined && req.query.documentId === undefined && req.accepts(['json', 'html']) === 'html';

/** GraphiQL and its files under /graphiql. */
export function explorerRoutes(): Router {
  const router = Router();
  router.get('/graphiql', (_req, res) => html(res, GRAPHIQL_PAGE, false));
  router.get('/graphiql/assets/explorer.js', (_req, res) => res.type('text/javascript').set('cache-control', 'no-cache').send(EXPLORER_JS));
  router.get('/graphiql/assets/landing.js', (_req, res) => res.type('text/javascript').set('cache-control', 'no-cache').send(LANDING_JS));
  router.get('/graphiql/assets/:name', (req, res, next) => {
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (!asset) return next();
    res.type(asset.type).set('cache-control', 'public, max-age=86400');
    res.sendFile(asset.file);
  });
  return router;
}

/** In /graphql's chain: the page for a browser, everything else on to GraphQL. */
export function sandboxOrGraphiQL() {
  return (req: Request, res: Response, next: NextFunction) => (wantsLandingPage(req) ? html(res, LANDING_PAGE, true) : next());
}
