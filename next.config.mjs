import { withPayload } from '@payloadcms/next/withPayload'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dirname = path.dirname(fileURLToPath(import.meta.url))
// `pnpm test` builds once, for the end-to-end suite, and runs its own `tsc --noEmit` beside it: that
// build checks no types a second time and writes no build cache for a next build that will not come.
const buildForTests = process.env.BUILD_FOR_TESTS === '1'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Only for the end-to-end suite's coverage (`pnpm test` sets E2E_COVERAGE): maps of the browser's code.
  productionBrowserSourceMaps: process.env.E2E_COVERAGE === '1',
  typescript: { ignoreBuildErrors: buildForTests },
  experimental: { turbopackFileSystemCacheForBuild: !buildForTests },
  images: { localPatterns: [{ pathname: '/api/media/file/**' }] },
  webpack: (webpackConfig) => {
    webpackConfig.resolve.extensionAlias = {
      '.cjs': ['.cts', '.cjs'],
      '.js': ['.ts', '.tsx', '.js', '.jsx'],
      '.mjs': ['.mts', '.mjs'],
    }
    return webpackConfig
  },
  turbopack: { root: path.resolve(dirname) },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
