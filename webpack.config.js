// Builds the add-in: the taskpane (also the web app), the ribbon commands and MSAL's redirect bridge.
// `npm run build` writes dist/ with content-hashed bundles, their .br/.gz twins and dist/manifest.xml for
// the production origin (TANDEM_PUBLIC_URL, which must be https). `--env demo` (what `npm start` builds on
// the demo tenant) is a production build, quick to make, that serves office.js from this origin and skips
// source maps and minifying. A second build writes the Graph sandbox's Outlook view to dist-sandbox/, which
// only the sandbox serves (at /sandbox/outlook.html).
const path = require('node:path');
const zlib = require('node:zlib');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const CompressionPlugin = require('compression-webpack-plugin');
const MinimizerPlugin = require('minimizer-webpack-plugin');
const { DEV_ORIGIN, manifestForOrigin } = require('./scripts/manifest-origin');

/** Our own text assets; office.js's copy is compressed on the fly when it is served. */
const COMPRESSED_ASSETS = { test: /\.(js|css|html|svg|json|xml)$/, exclude: /^office-js\//, threshold: 1024 };

/** Microsoft requires add-ins to load office.js from its CDN; the npm copy is for offline use only. */
const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

module.exports = (env = {}, argv = {}) => {
  const production = argv.mode === 'production';
  const demo = Boolean(env.demo);
  // Development builds and the demo keep working offline with the local copy of office.js.
  const localOfficeJs = !production || demo;
  const officeJsSrc = localOfficeJs ? 'office-js/office.js' : OFFICE_JS_CDN;
  const publicUrl = (process.env.TANDEM_PUBLIC_URL || DEV_ORIGIN).replace(/\/$/, '');
  const page = (chunk, filename, title) =>
    new HtmlWebpackPlugin({
      filename,
      chunks: [chunk],
      title,
      template: path.join(__dirname, 'src/taskpane/page.html'),
      templateParameters: {
        officeJs: chunk === 'redirect' ? '' : `<script src="${officeJsSrc}"></script>`,
      },
    });
  const rules = [
    {
      test: /\.tsx?$/,
      exclude: /node_modules/,
      use: {
        loader: 'swc-loader',
        options: {
          jsc: {
            parser: { syntax: 'typescript', tsx: true },
            target: 'es2020',
            transform: { react: { runtime: 'automatic', development: !production } },
          },
        },
      },
    },
  ];
  const addIn = {
    name: 'add-in',
    mode: production ? 'production' : 'development',
    // No eval-based source maps: the pages' Content-Security-Policy allows no eval.
    devtool: demo ? false : production ? 'source-map' : 'cheap-module-source-map',
    entry: {
      taskpane: './src/taskpane/index.tsx',
      commands: './src/commands/commands.ts',
      redirect: './src/auth/redirect-bridge.ts',
      dialog: './src/auth/dialog-sign-in.ts',
    },
    output: {
      path: path.join(__dirname, 'dist'),
      filename: production ? '[name].[contenthash:8].js' : '[name].js',
      chunkFilename: production ? '[name].[contenthash:8].js' : '[name].js',
      clean: true,
    },
    resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
    module: { rules },
    plugins: [
      page('taskpane', 'taskpane.html', 'Tandem CRM'),
      page('commands', 'commands.html', 'Tandem commands'),
      page('redirect', 'redirect.html', 'Tandem sign-in'),
      page('dialog', 'dialog.html', 'Tandem sign-in'),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'assets', to: 'assets' },
          ...(localOfficeJs ? [{ from: 'node_modules/@microsoft/office-js/dist', to: 'office-js' }] : []),
          {
            from: 'manifest.xml',
            to: 'manifest.xml',
            transform: (content) => (production ? manifestForOrigin(content.toString(), publicUrl) : content),
          },
        ],
      }),
      // Precompressed twins the server sends as they are (brotli, else gzip). The demo build at start
      // trades a little brotli ratio for time.
      ...(production
        ? [
            new CompressionPlugin({ ...COMPRESSED_ASSETS, algorithm: 'gzip', filename: '[path][base].gz' }),
            new CompressionPlugin({
              ...COMPRESSED_ASSETS,
              algorithm: 'brotliCompress',
              filename: '[path][base].br',
              compressionOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: demo ? 5 : 11 } },
            }),
          ]
        : []),
    ],
    // The demo build at start skips minifying, which would triple its time; precompressed it is still
    // about a ninth of a development build's bytes. `npm run build` minifies with SWC's minifier.
    optimization: {
      minimize: production && !demo,
      minimizer: [new MinimizerPlugin({ minify: MinimizerPlugin.swcMinify })],
    },
    performance: { hints: false },
    devServer: {
      port: 3001,
      static: false,
      proxy: [{ context: ['/api', '/graph', '/sandbox', '/config.json'], target: 'http://localhost:3000' }],
    },
  };
  // The sandbox's Outlook view: its own page and bundles, never part of the add-in.
  const sandboxOutlook = {
    name: 'sandbox-outlook',
    mode: addIn.mode,
    devtool: production && !demo ? 'source-map' : false,
    optimization: { minimize: production && !demo },
    entry: { outlook: './src/sandbox-outlook/index.tsx' },
    output: {
      path: path.join(__dirname, 'dist-sandbox'),
      publicPath: '/sandbox/',
      filename: 'outlook/[name].[contenthash:8].js',
      chunkFilename: 'outlook/[name].[contenthash:8].js',
      clean: true,
    },
    resolve: addIn.resolve,
    module: { rules },
    plugins: [
      new HtmlWebpackPlugin({
        filename: 'outlook.html',
        title: 'Outlook (Graph sandbox)',
        template: path.join(__dirname, 'src/sandbox-outlook/page.html'),
      }),
    ],
    performance: { hints: false },
  };
  return [addIn, sandboxOutlook];
};
