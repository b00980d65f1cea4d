import path from 'node:path';

// The build configuration itself: which office.js each kind of build's pages load, and what it emits.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const configureAll = require(path.resolve(__dirname, '../../webpack.config.js')) as (
  env: Record<string, unknown>,
  argv: { mode: string },
) => { name: string; plugins: object[]; devtool: unknown; optimization: { minimize: boolean } }[];

/** The add-in's build (the configuration also builds the sandbox's Outlook view, which only the sandbox serves). */
function configure(env: Record<string, unknown>, argv: { mode: string }) {
  const addIn = configureAll(env, argv).find((c) => c.name === 'add-in');
  if (!addIn) throw new Error('webpack.config.js has no add-in build');
  return addIn;
}

const CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

interface PagePlugin {
  userOptions: { filename: string; templateParameters: { officeJs: string } };
}

function pages(config: { plugins: object[] }): Record<string, string> {
  return Object.fromEntries(
    config.plugins
      .filter((p): p is PagePlugin => p.constructor.name === 'HtmlWebpackPlugin')
      .map((p) => [p.userOptions.filename, p.userOptions.templateParameters.officeJs]),
  );
}

function copiesOfficeJs(config: { plugins: object[] }): boolean {
  const copy = config.plugins.find((p) => p.constructor.name === 'CopyPlugin') as {
    patterns: { from: string }[];
  };
  return copy.patterns.some((p) => p.from.includes('@microsoft/office-js'));
}

function compressions(config: { plugins: object[] }): string[] {
  return config.plugins
    .filter((p) => p.constructor.name === 'CompressionPlugin')
    .map((p) => (p as { options: { filename: string } }).options.filename);
}

test('the production pages load office.js from Microsoft CDN and ship no local copy', () => {
  const config = configure({}, { mode: 'production' });
  const officeJs = pages(config);
  for (const page of ['taskpane.html', 'commands.html', 'dialog.html'])
    expect(officeJs[page]).toBe(`<script src="${CDN}"></script>`);
  expect(officeJs['redirect.html']).toBe('');
  expect(copiesOfficeJs(config)).toBe(false);
  expect(compressions(config)).toEqual(['[path][base].gz', '[path][base].br']);
  expect(config.optimization.minimize).toBe(true);
  expect(config.devtool).toBe('source-map');
});

test('development and the demo build keep the local office.js so they run offline', () => {
  for (const config of [
    configure({}, { mode: 'development' }),
    configure({ demo: true }, { mode: 'production' }),
  ]) {
    expect(pages(config)['taskpane.html']).toBe('<script src="office-js/office.js"></script>');
    expect(copiesOfficeJs(config)).toBe(true);
  }
  expect(compressions(configure({}, { mode: 'development' }))).toEqual([]);
  const demo = configure({ demo: true }, { mode: 'production' });
  expect(compressions(demo)).toEqual(['[path][base].gz', '[path][base].br']);
  expect(demo.devtool).toBe(false);
  expect(demo.optimization.minimize).toBe(false);
});
