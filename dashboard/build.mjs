// Builds the dashboard into dist/: one bundle of src/main.js and its
// dependencies (@polkadot/api) as app.js, with index.html and app.css beside it.
//   node build.mjs
import { build } from 'esbuild'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, 'dist')
await rm(dist, { recursive: true, force: true })
await mkdir(dist, { recursive: true })
const result = await build({
  entryPoints: [join(here, 'src/main.js')],
  outfile: join(dist, 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
})
for (const file of ['index.html', 'app.css']) await copyFile(join(here, file), join(dist, file))
const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('app.js'))].bytes
console.log(`dashboard built: ${dist} (app.js ${(bytes / 1024).toFixed(0)} KiB)`)
