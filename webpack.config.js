// Builds the add-in: the taskpane (also the web app), the ribbon commands and MSAL's redirect bridge.
// `npm run build` writes dist/ with content-hashed bundles and dist/manifest.xml for the production
// origin (TANDEM_PUBLIC_URL, which must be https). A second build writes the Graph sandbox's Outlook
// view to dist-sandbox/, which only the sandbox serves (at /sandbox/outlook.html).
const path = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { DEV_ORIGIN, manifestForOrigin } = require('./scripts/manifest-origin');

module.exports = (_env, argv) => {
  const production = argv.mode === 'production';
  const publicUrl = (process.env.TANDEM_PUBLIC_URL || DEV_ORIGIN).replace(/\/$/, '');
  const page = (chunk, filename, title) =>
    new HtmlWebpackPlugin({
      filename,
      chunks: [chunk],
      title,
      template: path.join(__dirname, 'src/taskpane/page.html'),
      // office.js is served from this origin so the add-in also opens offline and in a plain browser.
      templateParameters: {
        officeJs: chunk === 'redirect' ? '' : '<script src="office-js/office.js"></script>',
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
    devtool: production ? 'source-map' : 'cheap-module-source-map',
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
          { from: 'node_modules/@microsoft/office-js/dist', to: 'office-js' },
          {
            from: 'manifest.xml',
            to: 'manifest.xml',
            transform: (content) => (production ? manifestForOrigin(content.toString(), publicUrl) : content),
          },
        ],
      }),
    ],
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
    devtool: production ? 'source-map' : false,
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
